import { z } from 'zod';
import { searchAudit } from '../../storage/audit-search.js';
import { verifyAuditChain } from '../../storage/audit.js';
import { readableAuditRows } from '../../core/read-access.js';
import { readerOf } from '../reader.js';
import { route } from '../route.js';
import { auditRowSchema, limitQuery } from '../schemas.js';

const auditQuery = z
  .object({
    entity: z
      .string()
      .min(1)
      .optional()
      .describe('the entity key (a flag or config key, a principal for role changes)'),
    kind: z.string().min(1).optional().describe('the entity kind: flag, config, secret, role, sdk-key, api-token …'),
    actor: z.string().min(1).optional().describe('rows written by this principal or on its behalf'),
    since: z.iso.datetime({ offset: true }).optional().describe('rows at or after this time (ISO 8601)'),
    before: z.coerce.number().int().min(1).optional().describe('paging: the `nextBefore` of the previous page'),
    limit: limitQuery(50, 500),
  })
  .strict();

export const auditRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/audit',
    summary:
      'The audit log, newest first, filtered and paged (`nextBefore` asks for the next page): only rows of places the caller covers, so a page may hold fewer than `limit`',
    tag: 'audit',
    query: auditQuery,
    response: z.object({ entries: z.array(auditRowSchema), nextBefore: z.number().optional() }),
    handle: async ({ query, caller }, { deps }) => {
      const scope = await readerOf(deps, caller);
      const page = await searchAudit(deps.pool, {
        entityKey: query.entity,
        entityKind: query.kind,
        actor: query.actor,
        since: query.since ? new Date(query.since) : undefined,
        before: query.before,
        limit: query.limit,
      });
      const entries = readableAuditRows(scope, page.rows).map(({ id: _id, prevHash: _prev, ...row }) => row);
      return { entries, ...(page.nextBefore ? { nextBefore: page.nextBefore } : {}) };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/audit/verify',
    summary:
      'Walk the audit hash chain: intact with its head, or where it first breaks (the verdict only, never a row’s content)',
    tag: 'audit',
    response: z.object({
      ok: z.boolean(),
      rows: z.number(),
      head: z.object({ seq: z.number(), hash: z.string() }).optional(),
      brokenAt: z.object({ seq: z.number(), id: z.number(), reason: z.string() }).optional(),
    }),
    handle: async ({ caller }, { deps }) => {
      // The verdict covers every row, but names none of their content: anyone who reads something may ask for it.
      await readerOf(deps, caller);
      return verifyAuditChain(deps.pool);
    },
  }),
];
