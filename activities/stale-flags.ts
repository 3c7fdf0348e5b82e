import type { Pool } from 'pg';
import type { FlagDocument } from '../core/model/flag.js';
import type { StaleFlag } from './notification-event.js';

const DAY_MS = 86_400_000;

/** Release and experiment flags past their expiry, or first created more than `maxAgeDays` ago (docs/design.md#stale-flags). */
export async function listStaleFlags(pool: Pool, maxAgeDays: number, now: Date): Promise<StaleFlag[]> {
  const { rows } = await pool.query<{ key: string; document: FlagDocument; first_at: Date }>(
    `SELECT latest.key, latest.document, first.first_at
     FROM (SELECT DISTINCT ON (key) key, document FROM flag_versions ORDER BY key, version DESC) latest
     JOIN (SELECT key, min(created_at) AS first_at FROM flag_versions GROUP BY key) first USING (key)
     WHERE latest.document->>'kind' IN ('release', 'experiment')
     ORDER BY latest.key`,
  );
  const stale: StaleFlag[] = [];
  for (const { key, document, first_at } of rows) {
    const created = document.createdAt ? new Date(document.createdAt) : first_at;
    const expired = document.expiry !== undefined && Date.parse(document.expiry) < now.getTime();
    const old = now.getTime() - created.getTime() > maxAgeDays * DAY_MS;
    if (!expired && !old) continue;
    stale.push({ key, kind: document.kind, owner: document.owner, expiry: document.expiry, createdAt: created.toISOString(), why: expired ? 'expired' : 'old' });
  }
  return stale;
}
