import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateFlag } from '../core/model/validate-flag.js';
import { isProduction, policyOf, type Policy } from '../core/policy.js';
import type { Role, RoleBinding } from '../core/rbac.js';
import { createLogger } from '../storage/logger.js';
import { fakeActivityStores } from '../test/fake-stores/index.js';
import { createActivities } from './index.js';

/**
 * Property (d) of docs/design.md#re-judge-at-the-point-of-effect, over generated deployments
 * (random environment names and production sets) and generated bindings: a rollout judged when it
 * starts never starts unless, at that moment, the requester may still roll it out there or a second
 * person who may still do so approved it; never for a requester who holds no role any more. Seeded: replay with FC_SEED=<seed>.
 */
const SEED = Number(process.env.FC_SEED ?? 20_261_209);
const RUNS = Number(process.env.FC_RUNS ?? 120);
const ROLES: Role[] = ['developer', 'product_manager', 'operator', 'admin', 'viewer', 'oncall'];

const policyArb: fc.Arbitrary<Policy> = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: 2, maxLength: 4 })
  .chain((envs) =>
    fc.subarray(envs, { minLength: 1 }).map((prod) => policyOf({ ENVIRONMENTS: envs, PRODUCTION_ENVIRONMENTS: prod })),
  );
const bindingArb = (policy: Policy): fc.Arbitrary<Omit<RoleBinding, 'subject'>> =>
  fc
    .record({
      role: fc.constantFrom(...ROLES),
      env: fc.constantFrom(undefined, ...policy.environments),
      tenant: fc.constantFrom(undefined, 'acme'),
    })
    .map(({ role, env, tenant }) => ({
      role,
      ...(env !== undefined || role === 'oncall' ? { env: env ?? policy.environments[0]! } : {}),
      ...(tenant !== undefined || role === 'admin' ? { tenant: tenant ?? 'acme' } : {}),
    }));

/** Restated from the roles table: may this binding roll a release flag out in `env` (with or without a second person)? */
function mayRollOut(b: Omit<RoleBinding, 'subject'>, env: string, policy: Policy): boolean {
  if (b.tenant !== undefined || (b.env !== undefined && b.env !== env)) return false;
  if (b.role === 'operator') return true;
  if (b.role === 'developer') return !isProduction(policy, env);
  if (b.role === 'product_manager') return isProduction(policy, env);
  return false;
}

const caseArb = policyArb.chain((policy) =>
  fc.record({
    policy: fc.constant(policy),
    env: fc.constantFrom(...policy.environments),
    skip: fc.boolean(),
    before: fc.array(bindingArb(policy), { minLength: 1, maxLength: 3 }),
    kept: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    approver: fc.array(bindingArb(policy), { maxLength: 2 }),
  }),
);

describe('a rollout judged as it starts (property)', () => {
  it('(d) never starts for a requester or approver who lost the right since the request', async () => {
    let started = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ policy, env, skip, before, kept, approver }) => {
        const stores = fakeActivityStores();
        for (const b of before) stores.roleBindings.give('U_REQ', b.role, b);
        for (const b of approver) stores.roleBindings.give('U_APP', b.role, b);
        const activities = createActivities({
          stores,
          log: createLogger('silent'),
          notifier: { deliver: async () => {} },
          settings: {
            ENVIRONMENTS: [...policy.environments],
            PRODUCTION_ENVIRONMENTS: [...policy.production],
            PROMETHEUS_URL: undefined,
            INCIDENT_WEBHOOK_URL: undefined,
          },
        });
        const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
        const { flag } = validateFlag({
          key: 'gen',
          description: 'g',
          owner: 't',
          kind: 'release',
          expiry,
          variations: [
            { id: 'on', value: true },
            { id: 'off', value: false },
          ],
          default: 'off',
        });
        await stores.entries.apply({
          changeId: 'seed',
          actor: 'test',
          action: 'flag.create',
          target: { kind: 'flag', key: 'gen', document: flag },
          expectedVersion: 0,
        });
        const command = {
          name: 'flag.rollout',
          key: 'gen',
          variation: 'on',
          env,
          ...(skip ? { stages: [100] } : {}),
          reason: 'r',
        };
        const prepared = await activities
          .prepareChange({ requestId: 'r', requester: 'U_REQ', command, reason: 'r' })
          .catch(() => undefined);
        fc.pre(prepared !== undefined);
        // Some of the requester's bindings are revoked while the request waits.
        const live = stores.roleBindings.bindings.filter(
          (b) =>
            b.subject !== 'U_REQ' ||
            kept[before.findIndex((x) => x.role === b.role && x.env === b.env && x.tenant === b.tenant)] !== false,
        );
        stores.roleBindings.bindings.splice(0, stores.roleBindings.bindings.length, ...live);
        const approvedBy = prepared!.classification === 'standard' ? undefined : 'U_APP';
        const ok = await activities
          .authorizeRolloutStart({
            actor: 'U_REQ',
            plan: prepared!.plan,
            request: prepared!.request,
            ...(approvedBy ? { approvedBy } : {}),
          })
          .then(
            () => true,
            () => false,
          );
        if (!ok) return;
        started++;
        // Started: the requester may still roll it out there, or a second person who may (an operator of a
        // production environment) approved it and still may; a request outside the requester's rights
        // always waited for that approval.
        const requesterNow = live.filter((b) => b.subject === 'U_REQ');
        const requesterMay = requesterNow.some((b) => mayRollOut(b, env, policy));
        const approverMay = approver.some(
          (b) => mayRollOut(b, env, policy) && (!isProduction(policy, env) || b.role === 'operator'),
        );
        expect(
          requesterMay || (approvedBy !== undefined && approverMay),
          `started for U_REQ holding ${JSON.stringify(requesterNow)} in ${env}, approved by ${approvedBy ?? 'nobody'} holding ${JSON.stringify(approver)}`,
        ).toBe(true);
        expect(requesterNow.length, 'started for a requester who holds no role at all').toBeGreaterThan(0);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(started).toBeGreaterThan(0);
  });
});
