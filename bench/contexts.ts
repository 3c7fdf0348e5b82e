import type { EvaluationContext } from '@openfeature/server-sdk';
import { seededRandom } from '../test/seeded-random.js';

/** Which step of the seed flag a context is built to reach. */
export type Path = 'dogfood' | 'enterprise' | 'plain';

export type BenchContext = EvaluationContext & {
  targetingKey: string;
  env: string;
  user?: { email: string };
  tenant?: { id: string; tier: string };
};

const TIERS = ['standard', 'beta', 'free'];
const DOMAINS = ['example.com', 'acme.test', 'mail.test'];

/**
 * Distinct contexts for the seed flag: 5 % internal @companyos.io emails, 10 % enterprise
 * tenants, the rest plain users (most with a non-enterprise tenant, some with an outside email)
 * who land in the 25 / 75 split.
 */
export function makeContexts(
  count: number,
  env = 'production',
  seed = 20261124,
): Array<{ path: Path; context: BenchContext }> {
  const random = seededRandom(seed);
  const contexts: Array<{ path: Path; context: BenchContext }> = [];
  for (let i = 0; i < count; i++) {
    const targetingKey = `user-${i}-${Math.floor(random() * 1e9).toString(36)}`;
    const roll = random();
    const tenantId = `tenant-${Math.floor(random() * 5_000)}`;
    if (roll < 0.05) {
      contexts.push({
        path: 'dogfood',
        context: { targetingKey, env, user: { email: `${targetingKey}@companyos.io` } },
      });
    } else if (roll < 0.15) {
      contexts.push({
        path: 'enterprise',
        context: { targetingKey, env, tenant: { id: tenantId, tier: 'enterprise' } },
      });
    } else {
      const context: BenchContext = { targetingKey, env };
      if (random() < 0.7) context.tenant = { id: tenantId, tier: TIERS[Math.floor(random() * TIERS.length)]! };
      if (random() < 0.3) context.user = { email: `${targetingKey}@${DOMAINS[Math.floor(random() * DOMAINS.length)]}` };
      contexts.push({ path: 'plain', context });
    }
  }
  return contexts;
}
