import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { rolloutStateQuery, workflowIds } from './contracts.js';
import { rolloutWorkflow } from './rollout.js';

let h: TemporalHarness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // No in-process worker: the worker runs as a separate process that the test can kill.
  h = await startTemporalHarness({ worker: false });
  await grantRole(h, 'U_DEV', 'developer');
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await h?.close();
});

/** `switchyard worker` as its own process: one node process (tsx as a loader), so SIGKILL really kills it. */
function spawnWorker(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../cli/worker.ts', import.meta.url))],
    {
      env: h.workerEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[worker ${child.pid}] ${chunk.toString()}`));
  children.push(child);
  return child;
}

it('a worker killed mid-bake loses nothing: the next worker finishes the rollout and no stage is applied twice', async () => {
  await seedFlag(h, { key: 'ro-restart' });
  const handle = await h.client.workflow.start(rolloutWorkflow, {
    workflowId: workflowIds.rollout('ro-restart', 'staging'),
    taskQueue: h.taskQueue,
    args: [
      {
        rolloutId: randomUUID(),
        flagKey: 'ro-restart',
        env: 'staging',
        variation: 'on',
        bakeMs: 2_000,
        requester: 'U_DEV',
        replyTo: { transport: 'console', user: 'U_DEV' },
      },
    ],
  });

  const first = spawnWorker();
  await eventually(
    async () => {
      const s = await handle.query(rolloutStateQuery);
      return s.stageIndex >= 1 && s.status === 'baking' ? s : undefined;
    },
    60_000,
    'the second stage to start baking',
  );
  first.kill('SIGKILL');
  await new Promise<void>((resolve) => (first.exitCode !== null ? resolve() : first.once('exit', () => resolve())));

  spawnWorker();
  const state = await handle.result();
  expect(state.status).toBe('completed');
  const { rows } = await h.db.pool.query<{ change_id: string; actor: string }>(
    "SELECT change_id, actor FROM audit_log WHERE entity_key = 'ro-restart' AND action = 'flag.rollout.stage' ORDER BY seq",
  );
  expect(rows).toHaveLength(5);
  expect(rows.map((r) => r.change_id.split(':').slice(-2).join(':'))).toEqual([
    'stage:0',
    'stage:1',
    'stage:2',
    'stage:3',
    'stage:4',
  ]);
  const versions = await h.db.pool.query("SELECT count(*)::int AS n FROM flag_versions WHERE key = 'ro-restart'");
  expect(versions.rows[0].n).toBe(6);
}, 120_000);
