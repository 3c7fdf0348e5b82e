import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the fake received: a Web API method, or a post to a response_url. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** The bot token the call carried (Authorization header or `token` argument). */
  token?: string;
  /** For `response_url` posts: the id in /response/<id>. */
  responseId?: string;
  /** The HTTP status the fake answered. */
  status: number;
  /** What the fake answered (e.g. the `ts` of a posted message). */
  result?: Record<string, unknown>;
}

export interface FakeSlack {
  /** Base URL of the server, e.g. http://127.0.0.1:4567 */
  url: string;
  /** What to give WebClient / SLACK_API_URL: `${url}/api/` */
  apiUrl: string;
  calls: SlackCall[];
  /** Calls of one method, in order (`response` for response_url posts). */
  callsOf(method: string): SlackCall[];
  /** A response_url served by this fake, unique per id. */
  responseUrl(id: string): string;
  /** The next `count` Web API calls (of `methods`, or any) answer 429 with `Retry-After: retryAfterSec`. */
  rateLimitNext(count: number, retryAfterSec?: number, methods?: string[]): void;
  /** Resolves when a call matching `match` has arrived (or throws after `timeoutMs`). */
  waitFor(match: (call: SlackCall) => boolean, timeoutMs?: number, what?: string): Promise<SlackCall>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Form bodies carry nested arguments (blocks, view) as JSON strings, as the WebClient sends them. */
function parseArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  if (contentType?.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if ((v.startsWith('{') || v.startsWith('[')) && ['blocks', 'view', 'attachments', 'metadata'].includes(k)) {
      try {
        args[k] = JSON.parse(v);
        continue;
      } catch {
        // not JSON after all: keep the text
      }
    }
    args[k] = v;
  }
  return args;
}

/**
 * A local stand-in for Slack's Web API (SLACK_API_URL points here) and for response_url
 * endpoints: it records what the app sent and answers like Slack does, including 429s on demand.
 */
export async function startFakeSlack(
  options: { methods?: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> } = {},
): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const waiters = new Set<{ match: (c: SlackCall) => boolean; resolve: (c: SlackCall) => void }>();
  let tsCounter = 0;
  const limits: Array<{ remaining: number; retryAfterSec: number; methods?: string[] }> = [];
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  const record = (call: SlackCall) => {
    calls.push(call);
    for (const w of waiters) {
      if (w.match(call)) {
        waiters.delete(w);
        w.resolve(call);
      }
    }
  };

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    const extra = options.methods?.[method];
    if (extra) return extra(args);
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          team_id: 'T_FAKE',
          user: 'switchyard',
          user_id: 'U_BOT',
          bot_id: 'B_BOT',
        };
      case 'chat.postMessage': {
        const ts = nextTs();
        return { ok: true, channel: args.channel, ts, message: { ts, text: args.text, blocks: args.blocks } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${++tsCounter}`, ...(args.view as object) } };
      default:
        return { ok: true };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const auth = req.headers.authorization?.replace(/^Bearer /, '');
    if (path.startsWith('/response/')) {
      const args = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      record({
        method: 'response',
        args,
        at: Date.now(),
        responseId: decodeURIComponent(path.slice('/response/'.length)),
        status: 200,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (!path.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseArgs(body, req.headers['content-type']);
    const token = auth ?? (typeof args.token === 'string' ? args.token : undefined);
    const limit = limits.find((l) => l.remaining > 0 && (!l.methods || l.methods.includes(method)));
    if (limit) {
      limit.remaining--;
      record({ method, args, at: Date.now(), token, status: 429 });
      res
        .writeHead(429, { 'retry-after': String(limit.retryAfterSec), 'content-type': 'application/json' })
        .end('{"ok":false,"error":"ratelimited"}');
      return;
    }
    const result = answer(method, args);
    record({ method, args, at: Date.now(), token, status: 200, result });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  };
  // A handler that throws answers 500 rather than leaving an unhandled rejection and a hung client.
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method && c.status === 200),
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id)}`,
    rateLimitNext(count, retryAfterSec = 1, methods) {
      limits.push({ remaining: count, retryAfterSec, ...(methods ? { methods } : {}) });
    },
    waitFor(match, timeoutMs = 15_000, what = 'a Slack call') {
      const seen = calls.find((c) => c.status === 200 && match(c));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match: (c: SlackCall) => c.status === 200 && match(c), resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter))
            reject(
              new Error(
                `timed out after ${timeoutMs} ms waiting for ${what}; calls so far: ${calls.map((c) => `${c.method}(${c.status})`).join(', ') || 'none'}`,
              ),
            );
        }, timeoutMs).unref();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
