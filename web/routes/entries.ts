import { z } from 'zod';
import { compileConfig } from '../../core/engine/config.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { ConfigEntry } from '../../core/model/config-entry.js';
import type { FlagDocument } from '../../core/model/flag.js';
import {
  assertCanRead,
  assertReadsEnvironment,
  environmentRead,
  readableAuditRows,
  redactConfig,
  redactFlag,
  type ReadScope,
} from '../../core/read-access.js';
import { auditTrail } from '../../storage/audit.js';
import { getConfig, listConfigs } from '../../storage/configs.js';
import type { EntryVersion } from '../../storage/entry-versions.js';
import { getFlag, listFlags } from '../../storage/flags.js';
import { rolloutStateQuery, workflowIds, type RolloutState } from '../../workflows/contracts.js';
import type { ApiDeps } from '../api-deps.js';
import { readerOf } from '../reader.js';
import { route } from '../route.js';
import { auditRowSchema, keyParam, limitQuery, rolloutStateSchema } from '../schemas.js';

const versionShape = {
  key: z.string(),
  version: z.number(),
  changedAt: z.string(),
  changedBy: z.string(),
  changeId: z.string(),
};

/** A stored version as the API shows it; the document is the flag or config entry as code. */
const view = <D>(entry: EntryVersion<D>) => ({
  key: entry.key,
  version: entry.version,
  changedAt: entry.createdAt,
  changedBy: entry.createdBy,
  changeId: entry.changeId,
  document: entry.document,
});

async function flagOr404(deps: ApiDeps, key: string) {
  const flag = await getFlag(deps.pool, key);
  if (!flag) throw new NotFoundError(`there is no flag \`${key}\` (GET /api/v1/flags lists them)`);
  return flag;
}

function checkEnv(deps: ApiDeps, env: string): void {
  if (!deps.environments.includes(env))
    throw new ValidationError(`env must be one of ${deps.environments.join(', ')} (got \`${env}\`)`);
}

/**
 * A flag as the caller may see it (core/read-access.ts: the environments it reads, redacted to its
 * tenants) with, per environment, the rollout running there (if any), from the rollout's own state.
 * With `env`, that environment only, refused when the caller reads nothing of it.
 */
async function showFlag(deps: ApiDeps, scope: ReadScope, key: string, only: string | undefined) {
  if (only !== undefined) {
    checkEnv(deps, only);
    assertReadsEnvironment(scope, only);
  }
  const flag = await flagOr404(deps, key);
  const environments = deps.environments.filter((env) => (only ?? env) === env && environmentRead(scope, env));
  const document = redactFlag(scope, flag.document);
  if (only !== undefined)
    document.environments = only in document.environments ? { [only]: document.environments[only]! } : {};
  const rollouts: Record<string, RolloutState> = {};
  for (const env of environments) {
    const state = await deps.client.workflow
      .getHandle(workflowIds.rollout(key, env))
      .query(rolloutStateQuery)
      .catch(() => undefined);
    if (state && !['completed', 'aborted', 'rolled_back'].includes(state.status)) rollouts[env] = state;
  }
  return { ...view(flag), document, environments, rollouts };
}

/** Secrets are config entries holding sealed envelopes: the API shows that a value exists, never the envelope. */
function withoutSealed(entry: ConfigEntry): ConfigEntry {
  if (!entry.secret) return entry;
  return {
    ...entry,
    ...(entry.value !== undefined ? { value: '(sealed)' } : {}),
    scopes: entry.scopes.map((s) => ({ ...s, value: '(sealed)' })),
  };
}

/**
 * A config entry with the values the caller covers; with `env`, the value that environment serves a
 * context of no tenant and no user (env-wide data: refused to a reader of only some tenants there).
 */
async function showConfig(deps: ApiDeps, scope: ReadScope, key: string, env: string | undefined) {
  if (env !== undefined) {
    checkEnv(deps, env);
    assertCanRead(scope, { env });
  }
  const entry = await getConfig(deps.pool, key);
  if (!entry) throw new NotFoundError(`there is no config entry \`${key}\``);
  const shown = { ...view(entry), document: withoutSealed(redactConfig(scope, entry.document)) };
  if (env === undefined) return shown;
  const result = compileConfig(entry.document, env)({});
  return {
    ...shown,
    resolved: result.ok ? { env, value: result.value, scope: result.scope } : { env, error: result.errorDetails },
  };
}

/** A query string carries text, so `secret` is the words `true` or `false` rather than a coerced boolean (`false` would coerce to true). */
const configListQuery = z
  .object({
    owner: z.string().min(1).optional(),
    secret: z.enum(['true', 'false']).optional().describe('`true`: only secrets; `false`: only plain config entries'),
  })
  .strict();

async function listConfigEntries(deps: ApiDeps, scope: ReadScope, query: z.infer<typeof configListQuery>) {
  const entries = (await listConfigs(deps.pool)).filter(
    (c) =>
      (!query.owner || c.document.owner === query.owner) &&
      (!query.secret || c.document.secret === (query.secret === 'true')),
  );
  return { configs: entries.map((c) => ({ ...view(c), document: withoutSealed(redactConfig(scope, c.document)) })) };
}

const configView = z.object({
  ...versionShape,
  document: z
    .record(z.string(), z.unknown())
    .describe('the config entry: type, global and scoped values; a secret shows `(sealed)` for each value it holds'),
});

const flagView = z.object({
  ...versionShape,
  document: z
    .record(z.string(), z.unknown())
    .describe('the flag document: variations, per-environment state, rules with ids, overrides, kills, guardrail'),
});

export const entryRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/flags',
    summary: 'Every flag, latest version, optionally filtered by owner or kind',
    tag: 'flags',
    query: z
      .object({
        owner: z.string().min(1).optional(),
        kind: z.enum(['release', 'ops', 'permission', 'experiment']).optional(),
      })
      .strict(),
    response: z.object({ flags: z.array(flagView) }),
    handle: async ({ query, caller }, { deps }) => {
      const scope = await readerOf(deps, caller);
      const flags = (await listFlags(deps.pool)).filter(
        (f) => (!query.owner || f.document.owner === query.owner) && (!query.kind || f.document.kind === query.kind),
      );
      return { flags: flags.map((f) => ({ ...view<FlagDocument>(f), document: redactFlag(scope, f.document) })) };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/flags/:key',
    summary:
      'One flag: the state of each environment the caller reads (or of `env`), rules with ids, overrides, guardrail, and running rollouts',
    tag: 'flags',
    params: keyParam,
    query: z
      .object({
        env: z.string().min(1).optional().describe('only this environment (403 when the caller reads nothing of it)'),
      })
      .strict(),
    response: flagView.extend({
      environments: z.array(z.string()),
      rollouts: z.record(z.string(), rolloutStateSchema),
    }),
    handle: async ({ params, query, caller }, { deps }) =>
      showFlag(deps, await readerOf(deps, caller, query.env ? { env: query.env } : undefined), params.key, query.env),
  }),
  route({
    method: 'GET',
    path: '/api/v1/flags/:key/history',
    summary: 'The audit rows of a flag the caller covers the environments of, newest first',
    tag: 'flags',
    params: keyParam,
    query: z.object({ limit: limitQuery(20, 200) }).strict(),
    response: z.object({ key: z.string(), history: z.array(auditRowSchema) }),
    handle: async ({ params, query, caller }, { deps }) => {
      const scope = await readerOf(deps, caller);
      await flagOr404(deps, params.key);
      const rows = await auditTrail(deps.pool, { entityKind: 'flag', entityKey: params.key, limit: query.limit });
      return {
        key: params.key,
        history: readableAuditRows(scope, rows).map(({ id: _id, prevHash: _prev, ...row }) => row),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/configs',
    summary:
      'Every config entry, latest version, optionally filtered by owner or by being a secret (secret values are never shown)',
    tag: 'configs',
    query: configListQuery,
    response: z.object({ configs: z.array(configView) }),
    handle: async ({ query, caller }, { deps }) => listConfigEntries(deps, await readerOf(deps, caller), query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/configs/:key',
    summary: 'One config entry (secret values are never shown); with `env`, the value that environment is served',
    tag: 'configs',
    params: keyParam,
    query: z.object({ env: z.string().min(1).optional() }).strict(),
    response: configView.extend({
      resolved: z
        .object({
          env: z.string(),
          value: z.unknown().optional(),
          scope: z.string().optional(),
          error: z.string().optional(),
        })
        .optional(),
    }),
    handle: async ({ params, query, caller }, { deps }) =>
      showConfig(deps, await readerOf(deps, caller, query.env ? { env: query.env } : undefined), params.key, query.env),
  }),
];
