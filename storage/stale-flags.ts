import type { FlagDocument } from '../core/model/flag.js';
import type { Queryable } from './db.js';

/** A release or experiment flag's latest document and when its first version was written. */
export interface LifecycleFlag {
  key: string;
  document: FlagDocument;
  firstCreatedAt: Date;
}

/** Release and experiment flags (the kinds that are meant to go away), latest versions, by key. */
export async function listLifecycleFlags(db: Queryable): Promise<LifecycleFlag[]> {
  const { rows } = await db.query<{ key: string; document: FlagDocument; first_at: Date }>(
    `SELECT latest.key, latest.document, first.first_at
     FROM (SELECT DISTINCT ON (key) key, document FROM flag_versions ORDER BY key, version DESC) latest
     JOIN (SELECT key, min(created_at) AS first_at FROM flag_versions GROUP BY key) first USING (key)
     WHERE latest.document->>'kind' IN ('release', 'experiment')
     ORDER BY latest.key`,
  );
  return rows.map((r) => ({ key: r.key, document: r.document, firstCreatedAt: r.first_at }));
}
