import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { listEnvironments } from './environments.js';
import { migrate } from './migrate.js';

describe('switchyard migrate', () => {
  it('creates a missing database, seeds the default environments, and is a no-op the second time', async () => {
    const name = `switchyard_migrate_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const url = new URL(inject('testDatabaseAdminUrl'));
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: inject('testDatabaseAdminUrl') });
    await admin.connect();
    try {
      const first = await migrate(url.toString());
      expect(first).toContain('20261124180000_core-schema');
      expect(await migrate(url.toString())).toEqual([]);

      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const envs = await listEnvironments(client);
      await client.end();
      expect(envs.map((e) => e.name)).toEqual(['dev', 'staging', 'production']);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  });
});
