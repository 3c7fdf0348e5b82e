import { randomUUID } from 'node:crypto';
import type { Change, ChangeTarget } from '../core/change.js';
import { ValidationError } from '../core/errors.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { validateFlag } from '../core/model/validate-flag.js';
import { applyChanges, latestEntries } from '../storage/apply-changes.js';
import type { StorageDeps } from '../storage/deps.js';
import { assertKnownEnvironments } from '../storage/environments.js';
import { jsonDiff, type JsonDiff } from '../core/model/json-diff.js';
import { validateConfigEntry } from '../core/model/validate-config-value.js';
import { readEntryFiles } from './entry-files.js';
import type { MasterKeyRing } from '../core/secrets/keyring.js';
import { sealSecretEntry, unsealedSecretValues } from '../core/secrets/sealed-entry.js';
import { startMissingGuardrailMonitors, type GuardrailMonitorTarget } from './guardrail-monitors.js';

export interface ImportOptions {
  env?: string;
  actor: string;
  reason?: string;
  dryRun?: boolean;
  /** The master key ring: plain secret values in the files are sealed with its current key before anything is written. */
  keyRing?: MasterKeyRing;
  /** Where to start guardrail monitors for the guarded flags, so they are watched from the import on. */
  monitors?: GuardrailMonitorTarget;
}

interface PlannedImport {
  target: ChangeTarget;
  expectedVersion: number;
  diff: JsonDiff;
}

export interface ImportReport {
  lines: string[];
  warnings: string[];
  applied: number;
  unchanged: number;
}

/**
 * With `--env`, a file speaks for that one environment: its global definition and its state
 * under `environments.<env>` are taken, and every other environment keeps its stored state.
 */
function scopeToEnv<T extends { environments: FlagDocument['environments'] }>(
  incoming: T,
  stored: T | undefined,
  env: string,
): T {
  const environments = { ...(stored?.environments ?? {}) };
  const mine = incoming.environments[env];
  if (mine) environments[env] = mine;
  return { ...incoming, environments };
}

function scopeConfigToEnv(incoming: ConfigEntry, stored: ConfigEntry | undefined, env: string): ConfigEntry {
  const kept = (stored?.scopes ?? []).filter((s) => s.env !== env);
  const mine = incoming.scopes.filter((s) => s.env === env || s.env === undefined).map((s) => ({ ...s, env }));
  return { ...incoming, scopes: [...kept, ...mine] };
}

/**
 * Flags as code: validates every entry first (nothing is applied if any is invalid), prints the
 * diff against what is stored, then applies the changed entries in batches (applyChanges: one
 * transaction and one publication per batch).
 */
export async function importEntries(deps: StorageDeps, path: string, options: ImportOptions): Promise<ImportReport> {
  if (options.env) await assertKnownEnvironments(deps.pool, [options.env]);
  const files = await readEntryFiles(path);
  if (!files.length) throw new ValidationError(`${path}: no .json entries found`);

  const warnings: string[] = [];
  const problems: string[] = [];
  const plans: PlannedImport[] = [];
  const seen = new Set<string>();
  /** Secrets with a plain value and no master key to seal it: refused before anything is written. */
  const unsealed: string[] = [];
  const isConfig = (document: unknown) =>
    typeof document === 'object' && document !== null && (document as { type?: unknown }).type === 'config';
  // What is stored, read for all files at once: an import of thousands costs two queries here, not thousands.
  const named = files.flatMap(({ document }) => {
    const key = (document as { key?: unknown } | null)?.key;
    return typeof key === 'string' ? [{ kind: isConfig(document) ? ('config' as const) : ('flag' as const), key }] : [];
  });
  const prefetched = await latestEntries(deps.pool, named);
  const storedOf = <D>(kind: 'flag' | 'config', key: string) =>
    prefetched.get(`${kind}:${key}`) as { version: number; document: D } | undefined;
  for (const { file, document } of files) {
    try {
      if (isConfig(document)) {
        let entry = validateConfigEntry(document);
        const stored = storedOf<ConfigEntry>('config', entry.key);
        if (options.env) entry = scopeConfigToEnv(entry, stored?.document, options.env);
        if (entry.secret && options.keyRing) {
          const sealed = sealSecretEntry(entry, options.keyRing, stored?.document);
          entry = sealed.entry;
          warnings.push(...sealed.warnings);
        } else if (unsealedSecretValues(entry).length) {
          unsealed.push(entry.key);
        }
        plans.push({
          target: { kind: 'config', key: entry.key, document: entry },
          expectedVersion: stored?.version ?? 0,
          diff: jsonDiff(stored?.document ?? null, entry),
        });
      } else {
        const validated = validateFlag(document, { mode: 'import' });
        warnings.push(...validated.warnings);
        const stored = storedOf<FlagDocument>('flag', validated.flag.key);
        const flag = options.env ? scopeToEnv(validated.flag, stored?.document, options.env) : validated.flag;
        flag.createdAt ??= stored?.document.createdAt ?? new Date().toISOString();
        plans.push({
          target: { kind: 'flag', key: flag.key, document: flag },
          expectedVersion: stored?.version ?? 0,
          diff: jsonDiff(stored?.document ?? null, flag),
        });
      }
      const id = `${plans.at(-1)!.target.kind}:${plans.at(-1)!.target.key}`;
      if (seen.has(id)) problems.push(`${file}: ${id} appears more than once in this import`);
      seen.add(id);
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  if (unsealed.length) {
    const noKey = `SECRETS_MASTER_KEY is not set, and secret ${unsealed.join(', ')} ${unsealed.length > 1 ? 'hold' : 'holds'} a plain value that must be sealed with it (set SECRETS_MASTER_KEY to the 32-byte base64 key the evaluator uses)`;
    if (!problems.length) throw new ValidationError(`nothing imported: ${noKey}`);
    problems.push(noKey);
  }
  if (problems.length) throw new ValidationError(`nothing imported:\n  ${problems.join('\n  ')}`);

  const lines: string[] = [];
  const changes: Change[] = [];
  let unchanged = 0;
  for (const plan of plans) {
    const label = `${plan.target.kind} ${plan.target.key}`;
    // createdAt is bookkeeping, not a change worth a version.
    const changed = Object.keys(plan.diff).filter((path) => path !== 'createdAt');
    if (!changed.length) {
      unchanged++;
      lines.push(`= ${label} (unchanged)`);
      continue;
    }
    lines.push(
      plan.expectedVersion === 0
        ? `+ ${label} (new)`
        : `~ ${label} (version ${plan.expectedVersion} → ${plan.expectedVersion + 1})`,
    );
    if (plan.expectedVersion > 0) {
      for (const path of changed) {
        const { old, new: next } = plan.diff[path]!;
        // A secret's values are envelopes: that they changed is news, their ciphertext is not.
        const sealed = plan.target.kind === 'config' && plan.target.document.secret && /^(value|scopes)\b/.test(path);
        lines.push(
          sealed
            ? `    ${path}: changed (sealed, not shown)`
            : `    ${path}: ${JSON.stringify(old)} → ${JSON.stringify(next)}`,
        );
      }
    }
    if (options.dryRun) continue;
    changes.push({
      changeId: randomUUID(),
      actor: options.actor,
      action: plan.expectedVersion === 0 ? `${plan.target.kind}.create` : `${plan.target.kind}.import`,
      target: plan.target,
      expectedVersion: plan.expectedVersion,
      ...(options.env ? { environment: options.env } : {}),
      reason: options.reason ?? `import from ${path}`,
    });
  }
  // Batched: one transaction and one publication per batch, still one version and audit row per entry.
  const applied = (await applyChanges(deps, changes)).filter((r) => r.applied).length;
  if (applied && options.monitors)
    await startMissingGuardrailMonitors(options.monitors.client, deps.pool, options.monitors);
  return { lines, warnings, applied, unchanged };
}
