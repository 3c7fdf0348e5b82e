import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('starts a server a client can use, keeping nothing on disk, and stop frees its port', async () => {
    const lines: string[] = [];
    const server = await startTemporalDevServer({ log: (line) => lines.push(line) });
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
      const cmdline = ps
        .execFileSync('ps', ['-eo', 'args'])
        .toString()
        .split('\n')
        .find((line) => line.includes(`--port ${server.port} `));
      expect(cmdline).toBeDefined();
      expect(cmdline).not.toContain('--db-filename');
    } finally {
      await server.stop();
    }
    expect(await portAcceptsConnections(server.port)).toBe(false);
  }, 90_000);

  it('keeps a given database file, written ahead-of-log, across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-temporal-test-'));
    const dbFile = join(dir, 'nested', 'dev.db');
    try {
      const first = await startTemporalDevServer({ dbFile, namespace: 'kept' });
      await first.stop();
      expect(existsSync(dbFile)).toBe(true);
      const second = await startTemporalDevServer({ dbFile });
      try {
        const connection = await Connection.connect({ address: second.address });
        try {
          const listed = await connection.workflowService.listNamespaces({});
          expect(listed.namespaces.map((n) => n.namespaceInfo?.name)).toContain('kept');
        } finally {
          await connection.close();
        }
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
