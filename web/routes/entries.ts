import { z } from 'zod';
import { compileConfig } from '../../core/engine/config.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { ConfigEntry } from '../../core/model/config-entry.js';
import type { FlagDocument } from '../../core/model/flag.js';
import { auditTrail } from '../../storage/audit.js';
import { getConfig, listConfigs } from '../../storage/configs.js';
import type { EntryVersion } from '../../storage/entry-versions.js';
import { getFlag, listFlags } from '../../storage/flags.js';
import { rolloutStateQuery, workflowIds, type RolloutState } from '../../workflows/contracts.js';
import type { ApiDeps } from '../api-deps.js';
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

/** A flag with, per environment, the rollout running there (if any), from the rollout's own state. */
async function showFlag(deps: ApiDeps, key: string) {
  const flag = await flagOr404(deps, key);
  const rollouts: Record<string, RolloutState> = {};
  for (const env of deps.environments) {
    const state = await deps.client.workflow
      .getHandle(workflowIds.rollout(key, env))
      .query(rolloutStateQuery)
      .catch(() => undefined);
    if (state && !['completed', 'aborted', 'rolled_back'].includes(state.status)) rollouts[env] = state;
  }
  return { ...view(flag), environments: deps.environments, rollouts };
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

async function showConfig(deps: ApiDeps, key: string, env: string | undefined) {
  const entry = await getConfig(deps.pool, key);
  if (!entry) throw new NotFoundError(`there is no config entry \`${key}\``);
  const shown = { ...view(entry), document: withoutSealed(entry.document) };
  if (env === undefined) return shown;
  if (!deps.environments.includes(env))
    throw new ValidationError(`env must be one of ${deps.environments.join(', ')} (got \`${env}\`)`);
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

async function listConfigEntries(deps: ApiDeps, query: z.infer<typeof configListQuery>) {
  const entries = (await listConfigs(deps.pool)).filter(
    (c) =>
      (!query.owner || c.document.owner === query.owner) &&
      (!query.secret || c.document.secret === (query.secret === 'true')),
  );
  return { configs: entries.map((c) => ({ ...view(c), document: withoutSealed(c.document) })) };
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
    handle: async ({ query }, { deps }) => {
      const flags = (await listFlags(deps.pool)).filter(
        (f) => (!query.owner || f.document.owner === query.owner) && (!query.kind || f.document.kind === query.kind),
      );
      return { flags: flags.map((f) => view<FlagDocument>(f)) };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/flags/:key',
    summary: 'One flag: every environment’s state, rules with ids, overrides, guardrail, and running rollouts',
    tag: 'flags',
    params: keyParam,
    response: flagView.extend({
      environments: z.array(z.string()),
      rollouts: z.record(z.string(), rolloutStateSchema),
    }),
    handle: ({ params }, { deps }) => showFlag(deps, params.key),
  }),
  route({
    method: 'GET',
    path: '/api/v1/flags/:key/history',
    summary: 'The audit rows of a flag, newest first',
    tag: 'flags',
    params: keyParam,
    query: z.object({ limit: limitQuery(20, 200) }).strict(),
    response: z.object({ key: z.string(), history: z.array(auditRowSchema) }),
    handle: async ({ params, query }, { deps }) => {
      await flagOr404(deps, params.key);
      const rows = await auditTrail(deps.pool, { entityKind: 'flag', entityKey: params.key, limit: query.limit });
      return { key: params.key, history: rows.map(({ id: _id, prevHash: _prev, ...row }) => row) };
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
    handle: ({ query }, { deps }) => listConfigEntries(deps, query),
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
    handle: ({ params, query }, { deps }) => showConfig(deps, params.key, query.env),
  }),
];
