import { policyOf } from '../core/policy.js';
import { TEST_POLICY } from '../test/policy.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { grantRole, revokeRole } from '../storage/role-bindings.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { seedWalkthroughRoles } from './dev-seed.js';

const log = createLogger('silent');
let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

const bindings = async () =>
  (
    await db.pool.query(
      'SELECT subject, role, env, granted_by, reason FROM role_bindings WHERE revoked_at IS NULL ORDER BY id',
    )
  ).rows;

describe('switchyard dev on a fresh database', () => {
  it('grants the walkthrough roles, each audited as `switchyard dev`', async () => {
    const seeded = await seedWalkthroughRoles({ pool: db.pool, log, policy: TEST_POLICY });
    expect(seeded).toHaveLength(4);
    const seed = { granted_by: 'switchyard dev', reason: 'dev walkthrough seed' };
    expect(await bindings()).toEqual([
      { subject: 'U_ALICE', role: 'developer', env: null, ...seed },
      { subject: 'U_ALICE', role: 'operator', env: 'production', ...seed },
      { subject: 'U_ALICE', role: 'oncall', env: 'production', ...seed },
      { subject: 'U_BOB', role: 'operator', env: 'production', ...seed },
    ]);
    const audit = await db.pool.query(
      "SELECT actor, entity_key, reason FROM audit_log WHERE action = 'role.grant' ORDER BY seq",
    );
    expect(audit.rows).toEqual([
      { actor: 'switchyard dev', entity_key: 'U_ALICE', reason: 'dev walkthrough seed' },
      { actor: 'switchyard dev', entity_key: 'U_ALICE', reason: 'dev walkthrough seed' },
      { actor: 'switchyard dev', entity_key: 'U_ALICE', reason: 'dev walkthrough seed' },
      { actor: 'switchyard dev', entity_key: 'U_BOB', reason: 'dev walkthrough seed' },
    ]);
  });

  it('leaves a database alone once any role was ever bound there, even if revoked since', async () => {
    await grantRole(
      { pool: db.pool, log, policy: TEST_POLICY },
      { subject: 'U_CAROL', role: 'operator', actor: 'cli:ops' },
    );
    await revokeRole({ pool: db.pool, log }, { subject: 'U_CAROL', role: 'operator', actor: 'cli:ops' });
    expect(await seedWalkthroughRoles({ pool: db.pool, log, policy: TEST_POLICY })).toBeUndefined();
    expect(await bindings()).toEqual([]);
  });

  it('grants the production roles in the environments the policy calls production, whatever their name', async () => {
    await db.pool.query("INSERT INTO environments (name, position) VALUES ('prod', 40) ON CONFLICT DO NOTHING");
    const policy = policyOf({ ENVIRONMENTS: ['dev', 'staging', 'prod'] });
    expect(await seedWalkthroughRoles({ pool: db.pool, log, policy })).toEqual([
      { subject: 'U_ALICE', role: 'developer' },
      { subject: 'U_ALICE', role: 'operator', env: 'prod' },
      { subject: 'U_ALICE', role: 'oncall', env: 'prod' },
      { subject: 'U_BOB', role: 'operator', env: 'prod' },
    ]);
  });
});
