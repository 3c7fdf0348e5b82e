import type { MasterKeyRing } from '../core/secrets/keyring.js';
import { readEpoch } from '../storage/database-epoch.js';
import type { StorageDeps } from '../storage/deps.js';
import { readRedisEnvs, redisEnvState } from '../storage/redis-env-state.js';
import { holdsEntries } from '../storage/snapshot-publisher.js';
import { secretKeyReport } from './doctor-secrets.js';

/** What one evaluator's `/readyz` said, or why it could not be asked. */
type EvaluatorAnswer =
  | {
      url: string;
      reachable: true;
      ready: boolean;
      reason?: string;
      versions: Record<string, number>;
      epochs: Record<string, string | null>;
    }
  | { url: string; reachable: false; problem: string };

export interface DoctorReport {
  /** The table and the problems, ready to print. */
  lines: string[];
  /** One line per drift found; empty when everything agrees with Postgres. */
  problems: string[];
}

const short = (epoch: string | null | undefined) => (epoch ? epoch.slice(0, 8) : 'no epoch');

async function askEvaluator(url: string, timeoutMs: number): Promise<EvaluatorAnswer> {
  const base = url.replace(/\/+$/, '');
  try {
    const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as {
      ready?: boolean;
      errorDetails?: string;
      environments?: Record<string, number>;
      epochs?: Record<string, string | null>;
    };
    return {
      url: base,
      reachable: true,
      ready: body.ready === true,
      ...(body.errorDetails ? { reason: body.errorDetails } : {}),
      versions: body.environments ?? {},
      epochs: body.epochs ?? {},
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { url: base, reachable: false, problem: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * `switchyard doctor`: per environment, the version and epoch Postgres holds (the truth), Redis's,
 * and each evaluator's; one problem line per disagreement. One look, not a watch: a change being
 * published while it runs can show as drift, so run it again before acting on a single line.
 * Then how many secret envelopes each master key wraps, against `keyRing` (cli/doctor-secrets.ts).
 */
export async function runDoctor(
  deps: StorageDeps,
  evaluatorUrls: readonly string[],
  options: { timeoutMs?: number; keyRing?: MasterKeyRing } = {},
): Promise<DoctorReport> {
  const { pool, redis, keys } = deps;
  const epoch = await readEpoch(pool);
  const { rows } = await pool.query<{ name: string; snapshot_version: string }>(
    'SELECT name, snapshot_version FROM environments ORDER BY position, name',
  );
  const envs = rows.map((r) => r.name);
  const [held, hasEntries, keysEpoch, evaluators] = await Promise.all([
    readRedisEnvs(deps, envs),
    holdsEntries(pool),
    redis.get(keys.sdkKeysEpoch),
    Promise.all(evaluatorUrls.map((url) => askEvaluator(url, options.timeoutMs ?? 3_000))),
  ]);

  const problems: string[] = [];
  const table: string[][] = [['environment', 'postgres', 'redis', ...evaluators.map((e) => e.url)]];
  rows.forEach((row, i) => {
    const env = row.name;
    const version = Number(row.snapshot_version);
    const cells = [env, `v${version} @${short(epoch)}`];
    // The same rule the repair loop acts on (storage/redis-env-state.ts), in an operator's words.
    const stamp = held[i]!;
    const found = redisEnvState(stamp, { epoch, version, holdsEntries: hasEntries });
    if (found.state === 'missing' || found.state === 'entries missing') {
      cells.push('missing');
      problems.push(`${env}: Redis holds no snapshot (Postgres is at version ${version})`);
    } else {
      cells.push(`v${stamp.version} @${short(stamp.epoch)}`);
      if (found.state === 'other epoch')
        problems.push(
          `${env}: Redis holds a snapshot of epoch ${stamp.epoch ?? '(none)'}, Postgres's epoch is ${epoch}`,
        );
      else if (found.state !== 'current')
        problems.push(`${env}: Redis holds version ${stamp.version}, Postgres ${version}`);
    }
    for (const evaluator of evaluators) {
      if (!evaluator.reachable) {
        cells.push('unreachable');
        continue;
      }
      const served = evaluator.versions[env];
      if (served === undefined) {
        cells.push('-');
        problems.push(`${env}: evaluator ${evaluator.url} holds no snapshot of it`);
        continue;
      }
      const servedEpoch = evaluator.epochs[env] ?? null;
      cells.push(`v${served} @${short(servedEpoch)}`);
      if (servedEpoch !== epoch)
        problems.push(
          `${env}: evaluator ${evaluator.url} serves epoch ${servedEpoch ?? '(none)'}, Postgres's epoch is ${epoch}`,
        );
      else if (served !== version)
        problems.push(`${env}: evaluator ${evaluator.url} serves version ${served}, Postgres ${version}`);
    }
    table.push(cells);
  });
  if (keysEpoch !== epoch) {
    problems.push(
      keysEpoch === null
        ? 'SDK keys: Redis holds no complete key table (never synced, or lost)'
        : `SDK keys: Redis's key table was synced from epoch ${keysEpoch}, Postgres's epoch is ${epoch}`,
    );
  }
  for (const evaluator of evaluators) {
    if (!evaluator.reachable) problems.push(`evaluator ${evaluator.url}: unreachable (${evaluator.problem})`);
    else if (!evaluator.ready)
      problems.push(`evaluator ${evaluator.url}: not ready (${evaluator.reason ?? 'no reason given'})`);
  }

  const lines = [`Postgres epoch ${epoch}`, ...pad(table)];
  if (problems.length) {
    lines.push('', ...problems.map((p) => `drift: ${p}`));
    lines.push(
      '',
      'The worker’s repair loop republishes Redis from Postgres within seconds; `switchyard publish` does it now.',
    );
  } else {
    lines.push('', 'in sync');
  }
  const secrets = await secretKeyReport(pool, options.keyRing, pad);
  lines.push(...secrets.lines);
  return { lines, problems: [...problems, ...secrets.problems] };
}
