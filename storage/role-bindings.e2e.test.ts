import { TEST_POLICY } from '../test/policy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/errors.js';
import { createLogger } from './logger.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { auditTrail, verifyAuditChain } from './audit.js';
import { postgresRoleBindingStore } from './role-binding-store.js';
import { grantRole, listOnCall, listRoleBindings, revokeRole } from './role-bindings.js';

let db: TestDatabase;
const log = createLogger('silent');

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('role bindings', () => {
  it('a grant is listed for its subject and audited with who granted it and why', async () => {
    const { binding, created } = await grantRole(
      { pool: db.pool, log, policy: TEST_POLICY },
      { subject: 'U_DEV', role: 'developer', env: 'staging', actor: 'U_ADMIN', reason: 'joined the team' },
    );

    expect(created).toBe(true);
    expect(await listRoleBindings(db.pool, 'U_DEV')).toEqual([binding]);
    const [audit] = await auditTrail(db.pool, { entityKind: 'role-binding', entityKey: 'U_DEV' });
    expect(audit).toMatchObject({
      actor: 'U_ADMIN',
      action: 'role.grant',
      environment: 'staging',
      reason: 'joined the team',
    });
  });

  it('granting a role the subject already holds changes nothing', async () => {
    const first = await grantRole(
      { pool: db.pool, log, policy: TEST_POLICY },
      { subject: 'U_OPS', role: 'operator', env: 'production', actor: 'U_ADMIN' },
    );
    const again = await grantRole(
      { pool: db.pool, log, policy: TEST_POLICY },
      { subject: 'U_OPS', role: 'operator', env: 'production', actor: 'U_ADMIN' },
    );
    expect(again).toEqual({ binding: first.binding, created: false });
    expect(await auditTrail(db.pool, { entityKey: 'U_OPS' })).toHaveLength(1);
  });

  it('a revoked binding is no longer live but stays on record', async () => {
    await grantRole(
      { pool: db.pool, log, policy: TEST_POLICY },
      { subject: 'U_PM', role: 'product_manager', env: 'production', actor: 'U_ADMIN' },
    );
    const revoked = await revokeRole(
      { pool: db.pool, log },
      { subject: 'U_PM', role: 'product_manager', env: 'production', actor: 'U_ADMIN', reason: 'left' },
    );

    expect(revoked.revokedBy).toBe('U_ADMIN');
    expect(await listRoleBindings(db.pool, 'U_PM')).toEqual([]);
    expect(await listRoleBindings(db.pool, 'U_PM', { includeRevoked: true })).toHaveLength(1);
    await expect(
      revokeRole(
        { pool: db.pool, log },
        { subject: 'U_PM', role: 'product_manager', env: 'production', actor: 'U_ADMIN' },
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await verifyAuditChain(db.pool)).toMatchObject({ ok: true });
  });

  it('an unknown role or environment is refused, naming the choices', async () => {
    await expect(
      grantRole({ pool: db.pool, log, policy: TEST_POLICY }, { subject: 'U_X', role: 'root', actor: 'U_ADMIN' }),
    ).rejects.toThrow('role must be one of developer, product_manager, operator, admin, viewer, oncall (got root)');
    await expect(
      grantRole(
        { pool: db.pool, log, policy: TEST_POLICY },
        { subject: 'U_X', role: 'developer', env: 'qa', actor: 'U_ADMIN' },
      ),
    ).rejects.toThrow('must be one of dev, staging, production');
  });
});

describe('role bindings with an end', () => {
  const deps = () => ({ pool: db.pool, log, policy: TEST_POLICY });
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
  /** A shift that ended a minute ago, written as an older grant would have left it. */
  async function endedShift(subject: string): Promise<void> {
    await db.pool.query(
      "INSERT INTO role_bindings (subject, role, env, granted_by, expires_at) VALUES ($1, 'oncall', 'production', 'test', now() - interval '1 minute')",
      [subject],
    );
  }

  it('grants until a time, lists and reads it with its end, and audits the end', async () => {
    const until = inAnHour();
    const { binding } = await grantRole(deps(), {
      subject: 'U_SHIFT',
      role: 'oncall',
      env: 'production',
      until,
      actor: 'U_ADMIN',
      reason: 'rotation',
    });
    expect(binding).toMatchObject({ role: 'oncall', env: 'production', until });
    expect(await listRoleBindings(db.pool, 'U_SHIFT')).toEqual([binding]);
    expect(await postgresRoleBindingStore(deps()).liveBindings('U_SHIFT')).toEqual([
      { subject: 'U_SHIFT', role: 'oncall', env: 'production', until },
    ]);
    const [audit] = await auditTrail(db.pool, { entityKind: 'role-binding', entityKey: 'U_SHIFT' });
    expect(audit).toMatchObject({
      action: 'role.grant',
      diff: { 'oncall in production': { old: null, new: `granted until ${until}` } },
      detail: { role: 'oncall', until },
    });
    expect((await listOnCall(db.pool)).map((b) => b.subject)).toContain('U_SHIFT');
  });

  it('refuses an end that is not a zoned time or not in the future, and grants nothing', async () => {
    const grant = (until: string) =>
      grantRole(deps(), { subject: 'U_LATE', role: 'oncall', env: 'production', until, actor: 'U_ADMIN' });
    await expect(grant('2020-01-01T00:00Z')).rejects.toThrow(/--until 2020-01-01T00:00:00.000Z is not in the future/);
    await expect(grant('next monday')).rejects.toThrow(/--until must be an ISO time with its zone/);
    expect(await listRoleBindings(db.pool, 'U_LATE', { includeRevoked: true })).toEqual([]);
  });

  it('no longer counts a binding past its end, and grants the same scope again', async () => {
    await endedShift('U_ENDED');
    expect(await listRoleBindings(db.pool, 'U_ENDED')).toEqual([]);
    expect(await postgresRoleBindingStore(deps()).liveBindings('U_ENDED')).toEqual([]);
    expect((await listOnCall(db.pool)).map((b) => b.subject)).not.toContain('U_ENDED');
    await expect(
      revokeRole({ pool: db.pool, log }, { subject: 'U_ENDED', role: 'oncall', env: 'production', actor: 'U_ADMIN' }),
    ).rejects.toThrow(/U_ENDED holds no oncall in production role to revoke \(it ended at /);

    const until = inAnHour();
    const again = await grantRole(deps(), {
      subject: 'U_ENDED',
      role: 'oncall',
      env: 'production',
      until,
      actor: 'U_ADMIN',
    });
    expect(again).toMatchObject({ created: true, binding: { until } });
    const rows = await listRoleBindings(db.pool, 'U_ENDED', { includeRevoked: true });
    expect(rows.map((r) => ({ until: r.until, revokedBy: r.revokedBy, closed: r.revokedAt === r.until }))).toEqual([
      { until: expect.any(String), revokedBy: 'system', closed: true },
      { until, revokedBy: null, closed: false },
    ]);
  });

  it('moves the end of a binding already held, audited; the same end changes nothing', async () => {
    const first = inAnHour();
    await grantRole(deps(), { subject: 'U_EXTEND', role: 'oncall', env: 'production', until: first, actor: 'U_A' });
    const same = await grantRole(deps(), {
      subject: 'U_EXTEND',
      role: 'oncall',
      env: 'production',
      until: first,
      actor: 'U_A',
    });
    expect(same.created).toBe(false);
    expect(same.changed).toBeUndefined();
    const open = await grantRole(deps(), { subject: 'U_EXTEND', role: 'oncall', env: 'production', actor: 'U_B' });
    expect(open).toMatchObject({ created: false, changed: true, binding: { until: null } });
    expect(await listRoleBindings(db.pool, 'U_EXTEND', { includeRevoked: true })).toHaveLength(1);
    const audits = await auditTrail(db.pool, { entityKind: 'role-binding', entityKey: 'U_EXTEND' });
    expect(audits.map((a) => a.diff)).toContainEqual({
      'oncall in production': { old: `granted until ${first}`, new: 'granted' },
    });
    expect(await verifyAuditChain(db.pool)).toMatchObject({ ok: true });
  });
});
