import type { AppliedChange } from '../core/change.js';
import { COLUMNS, toRow, type AuditRow } from './audit.js';
import type { PoolClient } from './db.js';
import { auditEntryOf, resultOf, type EntryWrite, type Outcome } from './entry-write.js';

/**
 * The audit rows and idempotency records of written entries, one statement each however many
 * entries: an import's batch costs two round trips here, not two per entry. The chain trigger
 * runs per row, in the order given (it sees the rows inserted before it by the same statement),
 * so the chain stays whole. `bumped` holds the versions of the environments bumped with them.
 */
export async function recordWrites(
  client: PoolClient,
  writes: readonly EntryWrite[],
  bumped: Record<string, number>,
): Promise<Outcome[]> {
  if (!writes.length) return [];
  const entries = writes.map(auditEntryOf);
  const column = <T>(pick: (e: (typeof entries)[number]) => T | undefined) => entries.map((e) => pick(e) ?? null);
  const { rows } = await client.query(
    `INSERT INTO audit_log (actor, on_behalf_of, action, entity_kind, entity_key, environment, tenant,
       change_id, reason, ticket, approved_by, request_id, diff, detail)
     SELECT actor, on_behalf_of, action, entity_kind, entity_key, environment, tenant,
       change_id, reason, ticket, approved_by, request_id, diff::jsonb, detail::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[]) WITH ORDINALITY
       AS t(actor, on_behalf_of, action, entity_kind, entity_key, environment, tenant,
            change_id, reason, ticket, approved_by, request_id, diff, detail, position)
     ORDER BY position
     RETURNING ${COLUMNS}`,
    [
      column((e) => e.actor),
      column((e) => e.onBehalfOf),
      column((e) => e.action),
      column((e) => e.entityKind),
      column((e) => e.entityKey),
      column((e) => e.environment),
      column((e) => e.tenant),
      column((e) => e.changeId),
      column((e) => e.reason),
      column((e) => e.ticket),
      column((e) => e.approvedBy),
      column((e) => e.requestId),
      column((e) => (e.diff === undefined ? undefined : JSON.stringify(e.diff))),
      column((e) => JSON.stringify(e.detail ?? {})),
    ],
  );
  const audits = new Map<string, AuditRow>(rows.map((r) => toRow(r)).map((row) => [row.changeId!, row]));
  const outcomes = writes.map((write) => {
    const audit = audits.get(write.change.changeId)!;
    return { result: resultOf(write, audit.id, bumped), audit };
  });
  const results: AppliedChange[] = outcomes.map((o) => o.result);
  await client.query(
    `INSERT INTO applied_changes (change_id, entity_kind, entity_key, version, result)
     SELECT change_id, entity_kind, entity_key, version, result::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[])
       AS t(change_id, entity_kind, entity_key, version, result)`,
    [
      results.map((r) => r.changeId),
      results.map((r) => r.kind),
      results.map((r) => r.key),
      results.map((r) => r.version),
      results.map((r) => JSON.stringify(r)),
    ],
  );
  return outcomes;
}
