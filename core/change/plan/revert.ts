import { ConflictError, ValidationError } from '../../errors.js';
import type { ConfigEntry } from '../../model/config-entry.js';
import type { FlagDocument } from '../../model/flag.js';
import type { ChangePlan, PlanContext } from './plan.js';

/** What a revert needs to know of the change it undoes (storage's findAppliedChange). */
export interface RevertSource {
  id: string;
  kind: 'flag' | 'config';
  key: string;
  firstVersion: number;
  lastVersion: number;
  before: FlagDocument | ConfigEntry | undefined;
  actions: string[];
  environments: string[];
  tenants: string[];
}

/**
 * `/change revert <id>`: the entry back to the state before the change, as a new version (history
 * is never rewritten). Only while the change is still the latest: undoing it under later changes
 * would silently undo those too, so that is a conflict that names the versions.
 */
export function revertPlan(source: RevertSource, ctx: PlanContext): ChangePlan {
  const { id, key } = source;
  if (ctx.version !== source.lastVersion) {
    throw new ConflictError(
      `\`${key}\` changed after \`${id}\` (which left it at version ${source.lastVersion}; it is at version ${ctx.version} now): revert the later changes first, or request the state you want`,
    );
  }
  if (!source.before) {
    throw new ValidationError(
      `\`${id}\` created \`${key}\`; an entry is never deleted${source.kind === 'flag' ? `: kill it instead (/flag kill ${key} --all --reason "…")` : ': set the value you want instead'}`,
    );
  }
  const envs = source.environments.length ? source.environments : [];
  const what = source.actions.filter((a) => a !== 'change.revert').join(', ') || 'change';
  return {
    kind: source.kind,
    key,
    action: 'change.revert',
    envs,
    tenant: source.tenants.length === 1 ? source.tenants[0] : undefined,
    target:
      source.kind === 'flag'
        ? { kind: 'flag', key, document: source.before as FlagDocument }
        : { kind: 'config', key, document: source.before as ConfigEntry },
    expectedVersion: ctx.version,
    summary: `revert ${id} (${what}${envs.length ? ` in ${envs.join(', ')}` : ''}): ${key} back to version ${source.firstVersion - 1}, as it was before`,
    entryKind:
      source.kind === 'flag'
        ? (source.before as FlagDocument).kind
        : (source.before as ConfigEntry).secret
          ? 'secret'
          : 'config',
  };
}
