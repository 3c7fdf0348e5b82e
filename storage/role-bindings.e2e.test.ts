import { TEST_POLICY } from '../test/policy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/errors.js';
import { createLogger } from './logger.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { auditTrail, verifyAuditChain } from './audit.js';
import { grantRole, listRoleBindings, revokeRole } from './role-bindings.js';

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
    ).rejects.toThrow('role must be one of developer, product_manager, operator, admin (got root)');
    await expect(
      grantRole(
        { pool: db.pool, log, policy: TEST_POLICY },
        { subject: 'U_X', role: 'developer', env: 'qa', actor: 'U_ADMIN' },
      ),
    ).rejects.toThrow('must be one of dev, staging, production');
  });
});
