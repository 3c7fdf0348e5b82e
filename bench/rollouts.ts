import { randomUUID } from 'node:crypto';
import { startChangeRequest } from '../bot/workflow-starters.js';
import { workflowIds } from '../workflows/contracts.js';
import { openBenchStore } from './bench-store.js';
import { startBenchTemporal } from './bench-worker.js';
import { corpusFlag, corpusKey, seedEstate } from './flag-corpus.js';
import type { Scale } from './scale.js';
import { percentile } from './stats.js';

const REQUESTER = 'U_BENCH_DEV';
const STAGES = [50, 100];

export interface RolloutsResult {
  rollouts: number;
  bakeMs: number;
  stages: number[];
  budgetMs: number;
  /** Seconds the start requests took to be accepted by Temporal, all together. */
  submitSeconds: number;
  /** First stages applied, and when (seconds after the first start request was sent). */
  started: number;
  firstStage: { p50: number; max: number };
  /** Later stages applied, and how late after their bake (seconds: the stage's write time minus the previous stage's plus the bake). */
  completed: number;
  late: { p50: number; p99: number; max: number };
  /** CPU seconds used while the rollouts ran (from the first request to the last stage read): the Temporal server's, and this process's (worker, activities, the bench). */
  cpu: { server?: number; worker: number };
  /** What one rollout that never started says, when some did not. */
  notStartedExample?: string;
}

/** Stage writes from the audit log: one row per applied stage, its change id ending in `stage:<index>`. */
async function stageTimes(pool: import('pg').Pool): Promise<Map<string, number[]>> {
  const { rows } = await pool.query<{ key: string; change_id: string; at: Date }>(
    "SELECT entity_key AS key, change_id, occurred_at AS at FROM audit_log WHERE action = 'flag.rollout.stage'",
  );
  const byFlag = new Map<string, number[]>();
  for (const row of rows) {
    const index = Number(/stage:(\d+)$/.exec(row.change_id)?.[1]);
    if (!Number.isInteger(index)) continue;
    const times = byFlag.get(row.key) ?? [];
    times[index] = row.at.getTime();
    byFlag.set(row.key, times);
  }
  return byFlag;
}

/**
 * Staged rollouts started at once as Slack would start them: one change request per flag
 * (`/flag rollout <key> on --env staging --stages 50,100 --bake …` by a developer), all sent
 * together to the real change-request workflow on a Temporal dev server, with the real worker in
 * this process. Stage times are read from the audit log until every rollout has finished or the
 * budget after the last start has passed.
 */
export async function runRollouts(scale: Scale, log: (line: string) => void): Promise<RolloutsResult> {
  const store = await openBenchStore('rollouts', { poolSize: 10 });
  try {
    // Staging starts at 0 % so both stages are written (a stage at or below the current share is skipped).
    await seedEstate(store, scale.rollouts, {
      withSeedFlag: false,
      flagOf: (n) => ({ ...corpusFlag(n), environments: { ...corpusFlag(n).environments, staging: {} } }),
    });
    await store.deps.pool.query(
      'INSERT INTO role_bindings (subject, role, env, tenant, granted_by) VALUES ($1, $2, NULL, NULL, $3)',
      [REQUESTER, 'developer', 'cli:bench'],
    );
    const temporal = await startBenchTemporal(store);
    try {
      const keys = Array.from({ length: scale.rollouts }, (_, n) => corpusKey(n));
      const requestIds = keys.map(() => randomUUID());
      const serverCpuBefore = temporal.serverCpuSeconds();
      const workerCpuBefore = process.cpuUsage();
      const sent = Date.now();
      await Promise.all(
        keys.map((key, i) =>
          startChangeRequest(
            temporal.client,
            {
              requestId: requestIds[i]!,
              requester: REQUESTER,
              command: {
                name: 'flag.rollout',
                key,
                variation: 'on',
                env: 'staging',
                stages: STAGES,
                bakeMs: scale.rolloutBakeMs,
                reason: 'rollout benchmark',
              },
              replyTo: { transport: 'console', user: REQUESTER },
            },
            temporal.taskQueue,
          ),
        ),
      );
      const submitSeconds = (Date.now() - sent) / 1000;
      log(`  ${scale.rollouts} rollout requests accepted in ${submitSeconds.toFixed(1)} s`);
      const deadline = Date.now() + scale.rolloutBakeMs + scale.rolloutBudgetMs;
      let times = await stageTimes(store.deps.pool);
      let lastLog = Date.now();
      const done = () => [...times.values()].filter((t) => t[STAGES.length - 1] !== undefined).length;
      while (done() < scale.rollouts && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        times = await stageTimes(store.deps.pool);
        if (Date.now() - lastLog > 15_000) {
          lastLog = Date.now();
          log(
            `  … after ${((Date.now() - sent) / 1000).toFixed(0)} s: ${[...times.values()].filter((t) => t[0] !== undefined).length} started, ${done()} finished`,
          );
        }
      }
      const serverCpuAfter = temporal.serverCpuSeconds();
      const workerCpu = process.cpuUsage(workerCpuBefore);
      const cpu = {
        ...(serverCpuBefore !== undefined && serverCpuAfter !== undefined
          ? { server: serverCpuAfter - serverCpuBefore }
          : {}),
        worker: (workerCpu.user + workerCpu.system) / 1e6,
      };
      const firsts = [...times.values()].flatMap((t) => (t[0] === undefined ? [] : [(t[0] - sent) / 1000]));
      const lates: number[] = [];
      for (const t of times.values())
        for (let i = 1; i < STAGES.length; i++)
          if (t[i] !== undefined && t[i - 1] !== undefined)
            lates.push((t[i]! - t[i - 1]! - scale.rolloutBakeMs) / 1000);
      let notStartedExample: string | undefined;
      const waiting = keys.findIndex((key) => times.get(key)?.[0] === undefined);
      if (waiting >= 0) {
        const description = await temporal.client.workflow
          .getHandle(workflowIds.changeRequest(requestIds[waiting]!))
          .describe()
          .catch((e: unknown) => ({ status: { name: `unknown (${(e as Error).message})` } }));
        notStartedExample = `${keys[waiting]}: its change request is ${description.status.name}`;
      }
      const result: RolloutsResult = {
        rollouts: scale.rollouts,
        bakeMs: scale.rolloutBakeMs,
        stages: STAGES,
        budgetMs: scale.rolloutBudgetMs,
        submitSeconds,
        started: firsts.length,
        firstStage: { p50: percentile(firsts, 50), max: firsts.length ? Math.max(...firsts) : Number.NaN },
        completed: done(),
        late: {
          p50: percentile(lates, 50),
          p99: percentile(lates, 99),
          max: lates.length ? Math.max(...lates) : Number.NaN,
        },
        cpu,
        ...(notStartedExample ? { notStartedExample } : {}),
      };
      log(
        `  ${result.started} of ${result.rollouts} started (last first stage ${result.firstStage.max.toFixed(1)} s after sending), ${result.completed} finished; later stages late p50 ${result.late.p50.toFixed(2)} / p99 ${result.late.p99.toFixed(2)} s`,
      );
      return result;
    } finally {
      await temporal.close();
    }
  } finally {
    await store.close();
  }
}
