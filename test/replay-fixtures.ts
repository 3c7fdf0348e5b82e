import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../cli/worker.js';

/** Workflow histories recorded by workflows/replay-record.e2e.test.ts, which today's workflow code must replay without a determinism error. */
export const FIXTURES_DIR = fileURLToPath(new URL('../workflows/__fixtures__', import.meta.url));

const History = proto.temporal.api.history.v1.History;
type HistoryMessage = ReturnType<typeof History.fromObject>;

/**
 * A history as plain JSON (protobufjs' object form: enums by name, 64-bit ints and bytes as
 * strings). Not the SDK's historyToJSON: in this install @temporalio/common carries a second
 * protobufjs whose protojson cannot read @temporalio/proto's types ("type must be a Type").
 */
export function historyToFixture(history: unknown): string {
  const object = History.toObject(History.fromObject(history as Record<string, unknown>), {
    longs: String,
    enums: String,
    bytes: String,
  });
  return `${JSON.stringify(object, null, 1)}\n`;
}

export function historyFromFixture(text: string): HistoryMessage {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}

export async function loadFixtures(): Promise<Array<{ workflowId: string; history: unknown }>> {
  const files = (await readdir(FIXTURES_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromFixture(await readFile(`${FIXTURES_DIR}/${file}`, 'utf8')),
    })),
  );
}

/** Replays histories through today's workflow bundle; each result carries the error, if any. */
export async function replayFixtures(
  histories: Array<{ workflowId: string; history: unknown }>,
): Promise<Array<{ workflowId: string; error?: unknown }>> {
  const results: Array<{ workflowId: string; error?: unknown }> = [];
  const bundle = await workflowBundle();
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'switchyard-replay' },
    histories as Array<{ workflowId: string; history: never }>,
  )) {
    results.push({ workflowId: result.workflowId, error: result.error });
  }
  return results;
}
