import { randomUUID } from 'node:crypto';
import type { AppliedChange } from '../core/change.js';
import { applyChange } from '../storage/apply-change.js';
import type { StorageDeps } from '../storage/deps.js';
import { seedFlagKilled } from './flag-corpus.js';
import { SEED_KEY } from './peer-flags.js';

export interface Flip {
  /** performance.now() just before applyChange was called. */
  started: number;
  /** When applyChange returned. */
  returned: number;
  /** When each observer saw the change (performance.now()), by observer. */
  seen: Record<string, number>;
}

export interface Change {
  killed: boolean;
  started: number;
  applied: AppliedChange;
}

export interface FlipOptions {
  /** At most this many changes. */
  count: number;
  /** Stop starting new changes after this long (the changes made so far are kept). */
  budgetMs: number;
  /** Waits until the change is observed and returns when (performance.now()), by observer; throws when it never is. */
  observe(change: Change): Promise<Record<string, number>>;
  /** Pause between changes, so one change's effects do not overlap the next. */
  gapMs?: number;
}

/**
 * Flips the seed flag's production kill switch through storage's applyChange, again and again,
 * each change waited for by `observe` before the next starts. The seed flag must be stored at
 * version 1, not killed.
 */
export async function flipSeedFlag(deps: StorageDeps, options: FlipOptions): Promise<Flip[]> {
  const flips: Flip[] = [];
  const began = performance.now();
  let version = 1;
  for (let i = 1; i <= options.count && performance.now() - began < options.budgetMs; i++) {
    const killed = i % 2 === 1;
    const started = performance.now();
    const applied = await applyChange(deps, {
      changeId: randomUUID(),
      actor: 'cli:bench',
      action: killed ? 'flag.kill' : 'flag.on',
      target: { kind: 'flag', key: SEED_KEY, document: seedFlagKilled(killed) },
      expectedVersion: version,
      environment: 'production',
      reason: `benchmark change ${i}`,
    });
    const returned = performance.now();
    version = applied.version;
    const seen = await options.observe({ killed, started, applied });
    flips.push({ started, returned, seen });
    if (options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
  }
  return flips;
}

/**
 * An observer that asks a server (the evaluator, or bench/server-process.ts's provider) over
 * OFREP, back to back, until the seed flag answers as the change left it (DISABLED when killed);
 * gives up after `giveUpMs`.
 */
export function servedBy(
  url: string,
  sdkKey: string,
  giveUpMs = 60_000,
): { observe: (change: Change) => Promise<number>; requests: () => number } {
  const endpoint = `${url}/ofrep/v1/evaluate/flags/${SEED_KEY}`;
  const request = {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'ada', user: { email: 'ada@companyos.io' } } }),
  };
  let requests = 0;
  const observe = async ({ killed, started }: Change): Promise<number> => {
    const expected = killed ? 'DISABLED' : 'TARGETING_MATCH';
    for (;;) {
      requests++;
      const response = await fetch(endpoint, request);
      const body = (await response.json()) as { reason?: string };
      if (body.reason === expected) return performance.now();
      if (performance.now() - started > giveUpMs)
        throw new Error(`a change was not served within ${giveUpMs} ms (it still answers ${JSON.stringify(body)})`);
    }
  };
  return { observe, requests: () => requests };
}
