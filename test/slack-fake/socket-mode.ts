import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's side of Socket Mode, locally: `apps.connections.open` hands out this server's ws:// URL
 * (point the fake Web API at `connectionsOpen`), a connecting app is greeted with `hello`, and
 * envelopes go out as Slack sends them; each resolves with the app's acknowledgement.
 */
export interface FakeSocketMode {
  /** What apps.connections.open answers. */
  connectionsOpen(): Record<string, unknown>;
  /** Resolves once an app has connected and been greeted. */
  connected: Promise<void>;
  /** Sends one envelope and resolves with the app's ack (`{ envelope_id, payload? }`) and how long it took. */
  send(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Record<string, unknown>,
    options?: { retryAttempt?: number },
  ): Promise<{ ack: Record<string, unknown>; ms: number }>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http });
  const pending = new Map<string, (ack: Record<string, unknown>) => void>();
  let socket: WebSocket | undefined;
  let greeted!: () => void;
  const connected = new Promise<void>((resolve) => (greeted = resolve));

  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      const id = message.envelope_id as string | undefined;
      if (id && pending.has(id)) {
        pending.get(id)!(message);
        pending.delete(id);
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-socket-mode' },
        connection_info: { app_id: 'A_TEST' },
      }),
    );
    greeted();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/link`;

  return {
    connectionsOpen: () => ({ ok: true, url }),
    connected,
    send(type, payload, options = {}) {
      if (!socket) throw new Error('no app is connected');
      const envelopeId = randomUUID();
      const started = performance.now();
      const acked = new Promise<Record<string, unknown>>((resolve) => pending.set(envelopeId, resolve));
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: options.retryAttempt ?? 0,
          retry_reason: options.retryAttempt ? 'timeout' : '',
        }),
      );
      return acked.then((ack) => ({ ack, ms: performance.now() - started }));
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
