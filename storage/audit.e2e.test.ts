import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Change } from '../core/change.js';
import type { FlagDocument } from '../core/model/flag.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { useStorageHarness } from '../test/storage-harness.js';
import { applyChange } from './apply-change.js';
import { recordAudit, verifyAuditChain } from './audit.js';
import type { StorageDeps } from './deps.js';

let db: TestDatabase;
let deps: StorageDeps;
useStorageHarness('storage-audit', (h) => ({ db, deps } = h));

function createFlag(key: string): Change {
  const document = {
    key,
    kind: 'ops',
    description: 'circuit breaker',
    owner: 'team-audit',
    default: 'on',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
  } as unknown as FlagDocument;
  return {
    changeId: randomUUID(),
    actor: 'U_BOB',
    action: 'flag.create',
    target: { kind: 'flag', key, document },
    expectedVersion: 0,
    reason: 'audit test',
  };
}

/** Runs `sql` with the append-only triggers off, as a superuser tampering behind the application's back. */
async function tamper(sql: string, params: unknown[] = []): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await client.query(sql, params);
  } finally {
    await client.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    client.release();
  }
}

describe('the audit log', () => {
  it('is append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await recordAudit(db.pool, { actor: 'U_BOB', action: 'test.event', reason: 'original' });
    await expect(db.pool.query("UPDATE audit_log SET reason = 'rewritten'")).rejects.toThrow(
      'audit_log is append-only: UPDATE refused',
    );
    await expect(db.pool.query('DELETE FROM audit_log')).rejects.toThrow('audit_log is append-only: DELETE refused');
    await expect(db.pool.query('TRUNCATE audit_log')).rejects.toThrow('audit_log is append-only: TRUNCATE refused');
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE reason = 'original'");
    expect(rows[0].n).toBe(1);
  });

  it('keeps flag history append-only too', async () => {
    await applyChange(deps, createFlag('history.frozen'));
    await expect(db.pool.query("UPDATE flag_versions SET created_by = 'mallory'")).rejects.toThrow(
      'flag_versions is append-only',
    );
    await expect(db.pool.query('DELETE FROM flag_versions')).rejects.toThrow('flag_versions is append-only');
  });

  it('ignores a caller-supplied chain position, time and hash', async () => {
    const { rows } = await db.pool.query(
      `INSERT INTO audit_log (actor, action, seq, occurred_at, prev_hash, hash) VALUES ('U_EVE', 'forged', 1, '2000-01-01', 'x', 'y') RETURNING seq, occurred_at, hash`,
    );
    expect(rows[0].seq).toBeGreaterThan(1);
    expect(new Date(rows[0].occurred_at).getFullYear()).toBeGreaterThan(2000);
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChain(db.pool)).toMatchObject({ ok: true });
  });

  it('keeps a valid chain under 20 concurrent changes', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => applyChange(deps, createFlag(`concurrent.flag-${i}`))),
    );
    expect(results.every((r) => r.applied)).toBe(true);

    const verification = await verifyAuditChain(db.pool);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n, max(seq)::int AS top FROM audit_log');
    expect(verification).toMatchObject({ ok: true, rows: rows[0].n, head: { seq: rows[0].n } });
    expect(rows[0].top).toBe(rows[0].n);
  });

  it('names the first row altered behind its back', async () => {
    const victim = await recordAudit(db.pool, { actor: 'U_BOB', action: 'test.event', reason: 'the real reason' });
    await recordAudit(db.pool, { actor: 'U_BOB', action: 'test.after' });
    expect((await verifyAuditChain(db.pool)).ok).toBe(true);

    await tamper("UPDATE audit_log SET reason = 'a nicer reason' WHERE id = $1", [victim.id]);

    const verification = await verifyAuditChain(db.pool);
    expect(verification).toMatchObject({
      ok: false,
      rows: victim.seq - 1,
      brokenAt: { seq: victim.seq, id: victim.id },
    });
    expect(verification.ok === false && verification.brokenAt.reason).toContain('altered');
  });
});

describe('a chain with a row removed', () => {
  it('names the row after the gap', async () => {
    const own = await createTestDatabase();
    try {
      const rows = [];
      for (const action of ['a', 'b', 'c']) rows.push(await recordAudit(own.pool, { actor: 'U_BOB', action }));
      const client = await own.pool.connect();
      await client.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await client.query('DELETE FROM audit_log WHERE id = $1', [rows[1]!.id]);
      await client.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
      client.release();

      const verification = await verifyAuditChain(own.pool);
      expect(verification).toMatchObject({ ok: false, rows: 1, brokenAt: { seq: rows[2]!.seq, id: rows[2]!.id } });
      expect(verification.ok === false && verification.brokenAt.reason).toContain('missing');
    } finally {
      await own.drop();
    }
  });
});

describe('a chain with its newest rows removed', () => {
  it('still verifies on its own, and fails against a head recorded before the removal', async () => {
    const own = await createTestDatabase();
    try {
      for (const action of ['a', 'b', 'c']) await recordAudit(own.pool, { actor: 'U_BOB', action });
      const before = await verifyAuditChain(own.pool);
      expect(before.ok).toBe(true);
      const head = before.ok ? before.head! : undefined;
      expect(head?.seq).toBe(3);
      expect((await verifyAuditChain(own.pool, { expectHead: head })).ok).toBe(true);

      const client = await own.pool.connect();
      await client.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await client.query('DELETE FROM audit_log WHERE seq = 3');
      await client.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
      client.release();

      // A truncated chain is internally consistent: only the recorded head shows what is gone.
      expect((await verifyAuditChain(own.pool)).ok).toBe(true);
      const against = await verifyAuditChain(own.pool, { expectHead: head });
      expect(against).toMatchObject({ ok: false, rows: 2, brokenAt: { seq: 3 } });
      expect(against.ok === false && against.brokenAt.reason).toContain('rows 3..3 were removed');
      const rewritten = await verifyAuditChain(own.pool, { expectHead: { seq: 2, hash: 'f'.repeat(64) } });
      expect(rewritten).toMatchObject({ ok: false, brokenAt: { seq: 2 } });
    } finally {
      await own.drop();
    }
  });
});
