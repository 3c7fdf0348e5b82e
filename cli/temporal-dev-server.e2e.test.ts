import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { findTemporalCli, startTemporalDevServer } from './temporal-dev-server.js';

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('temporal dev server', () => {
  it('finds the CLI', async () => {
    const cli = await findTemporalCli();
    expect(existsSync(cli)).toBe(true);
  });

  it('starts a server a client can use, and stop frees its port and removes its database', async () => {
    const lines: string[] = [];
    const server = await startTemporalDevServer({ log: (line) => lines.push(line) });
    let dbDir: string | undefined;
    try {
      expect(server.address).toBe(`127.0.0.1:${server.port}`);
      const connection = await Connection.connect({ address: server.address });
      try {
        const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
        expect(described.namespaceInfo?.name).toBe('default');
        const listed = await connection.workflowService.listNamespaces({});
        expect(listed.namespaces.map((n) => n.namespaceInfo?.name)).toContain('default');
      } finally {
        await connection.close();
      }
      const ps = await import('node:child_process');
      const cmdline = ps.execFileSync('ps', ['-eo', 'args']).toString();
      const match = cmdline.match(new RegExp(`--port ${server.port} .*--db-filename (\\S+)`));
      dbDir = match?.[1] ? dirname(match[1]) : undefined;
      expect(dbDir && existsSync(dbDir)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await portAcceptsConnections(server.port)).toBe(false);
    expect(existsSync(dbDir!)).toBe(false);
  }, 90_000);
});
