import type { StaleFlag } from '../core/notifications.js';
import type { LifecycleFlag } from '../storage/stale-flags.js';
import type { ActivityContext } from './context.js';

const DAY_MS = 86_400_000;

/** Release and experiment flags past their expiry, or first created more than `maxAgeDays` ago (docs/design.md#stale-flags). */
export function staleFlagsOf(flags: LifecycleFlag[], maxAgeDays: number, now: Date): StaleFlag[] {
  const stale: StaleFlag[] = [];
  for (const { key, document, firstCreatedAt } of flags) {
    const created = document.createdAt ? new Date(document.createdAt) : firstCreatedAt;
    const expired = document.expiry !== undefined && Date.parse(document.expiry) < now.getTime();
    const old = now.getTime() - created.getTime() > maxAgeDays * DAY_MS;
    if (!expired && !old) continue;
    stale.push({
      key,
      kind: document.kind,
      owner: document.owner,
      expiry: document.expiry,
      createdAt: created.toISOString(),
      why: expired ? 'expired' : 'old',
    });
  }
  return stale;
}

export function staleFlagActivities({ stores }: ActivityContext) {
  return {
    listStaleFlags: async (input: { maxAgeDays: number }): Promise<StaleFlag[]> =>
      staleFlagsOf(await stores.entries.lifecycleFlags(), input.maxAgeDays, new Date()),
  };
}
