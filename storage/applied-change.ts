import type { Queryable } from './db.js';
import { entryAtVersion, type EntryKind } from './entry-versions.js';
import { NotFoundError, ValidationError } from '../core/errors.js';

/** What one past change did to one entry: the versions it wrote and the state before them. */
export interface AppliedChangeRecord<D = unknown> {
  /** The id the user gave: a request id (a rollout's stages share it) or a change id. */
  id: string;
  kind: EntryKind;
  key: string;
  /** The first and last versions it wrote (equal unless a rollout wrote several stages). */
  firstVersion: number;
  lastVersion: number;
  /** The entry as it was before the change; undefined when the change created it. */
  before: D | undefined;
  /** Audit actions and environments of the change, e.g. ['flag.rollout.stage'] and the one environment its stage was written in. */
  actions: string[];
  environments: string[];
  tenants: string[];
}

/**
 * Finds the versions a past change wrote, by request id (what chat shows, and what every stage
 * of a rollout carries) or by the change id stored with each version.
 */
export async function findAppliedChange<D>(db: Queryable, id: string): Promise<AppliedChangeRecord<D>> {
  const { rows } = await db.query<{ kind: EntryKind; key: string; version: number }>(
    `WITH ids AS (
       SELECT $1::text AS change_id
       UNION SELECT change_id FROM audit_log WHERE request_id = $1 AND change_id IS NOT NULL
     )
     SELECT 'flag' AS kind, key, version FROM flag_versions WHERE change_id IN (SELECT change_id FROM ids)
     UNION ALL
     SELECT 'config' AS kind, key, version FROM config_versions WHERE change_id IN (SELECT change_id FROM ids)
     ORDER BY version`,
    [id],
  );
  if (!rows.length)
    throw new NotFoundError(
      `no applied change has the id \`${id}\` (request ids are shown by /flag history <key> and /change list)`,
    );
  const entries = new Set(rows.map((r) => `${r.kind} ${r.key}`));
  if (entries.size > 1)
    throw new ValidationError(
      `\`${id}\` changed several entries (${[...entries].join(', ')}): revert them one by one by change id`,
    );
  const { kind, key } = rows[0]!;
  const firstVersion = Number(rows[0]!.version);
  const lastVersion = Number(rows[rows.length - 1]!.version);
  // The columns name a place only when the change touched exactly one; `detail.touched` (written
  // by applyChange) lists them all, so a change across several environments is summarised whole.
  const audit = await db.query<{ action: string; environment: string | null; tenant: string | null; touched: unknown }>(
    `SELECT DISTINCT action, environment, tenant, detail->'touched' AS touched FROM audit_log
      WHERE entity_kind = $1 AND entity_key = $2 AND (request_id = $3 OR change_id = $3)`,
    [kind, key, id],
  );
  const distinct = <T>(values: Array<T | null | undefined>) => [...new Set(values.filter((v): v is T => v != null))];
  const touched = audit.rows.map((r) => touchedOf(r.touched));
  const before = firstVersion > 1 ? (await entryAtVersion<D>(db, kind, key, firstVersion - 1))?.document : undefined;
  return {
    id,
    kind,
    key,
    firstVersion,
    lastVersion,
    before,
    actions: distinct(audit.rows.map((r) => r.action)),
    environments: distinct([...audit.rows.map((r) => r.environment), ...touched.flatMap((t) => t.environments)]),
    tenants: distinct([...audit.rows.map((r) => r.tenant), ...touched.flatMap((t) => t.tenants)]),
  };
}

/** The places an audit row's `detail.touched` lists; nothing for rows written before it existed. */
function touchedOf(value: unknown): { environments: string[]; tenants: string[] } {
  const strings = (list: unknown) =>
    Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
  if (typeof value !== 'object' || value === null) return { environments: [], tenants: [] };
  const { environments, tenants } = value as { environments?: unknown; tenants?: unknown };
  return { environments: strings(environments), tenants: strings(tenants) };
}
