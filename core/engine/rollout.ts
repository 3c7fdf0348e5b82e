import { BUCKETS } from './murmur3.js';

/**
 * Compiles a percentage rollout into a bucket → outcome function.
 *
 * Ranges are cumulative in the order of the flag's `variations` array, never the rollout object's
 * key order (JSON key order is not something a user edits deliberately). Each boundary is the
 * cumulative percentage × 100 rounded, and the last range always ends at 10,000, so rounding can
 * neither leave a gap nor overlap.
 *
 * Why this is monotonic (docs/design.md#percentage-rollout): the weights always add up to 100 %, so the first variation
 * always owns [0, w₁) — anchored at the bottom — and the last always owns [10000 − wₙ, 10000) —
 * anchored at the top. A two-variation split, which is what a staged rollout is, therefore only
 * ever moves the single boundary between them: whichever side grows keeps every bucket it had,
 * whether it is listed first or last. With three or more variations a middle range can move when
 * a neighbour's weight changes; that is the documented price of fixed-order cumulative weights.
 *
 * Throws (compile time only) when the rollout names an unknown variation or does not add up to 100.
 */
export function compileRollout<T>(
  variationIds: readonly string[],
  rollout: Readonly<Record<string, number>>,
  outcomeOf: (variationId: string) => T,
): (bucket: number) => T {
  const known = new Set(variationIds);
  let total = 0;
  for (const [id, weight] of Object.entries(rollout)) {
    if (!known.has(id))
      throw new Error(`rollout names unknown variation "${id}" (variations: ${variationIds.join(', ')})`);
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 100)) {
      throw new Error(
        `rollout weight of "${id}" must be a percentage between 0 and 100 (got ${JSON.stringify(weight)})`,
      );
    }
    total += weight;
  }
  if (Math.abs(total - 100) > 1e-6) throw new Error(`rollout percentages must add up to 100 (got ${total})`);

  const bounds: number[] = [];
  const outcomes: T[] = [];
  let cumulative = 0;
  let previous = 0;
  let lastNamed = -1;
  variationIds.forEach((id, i) => {
    if ((rollout[id] ?? 0) > 0) lastNamed = i;
  });
  variationIds.forEach((id, i) => {
    const weight = rollout[id] ?? 0;
    if (weight <= 0) return;
    cumulative += weight;
    const bound = i === lastNamed ? BUCKETS : Math.min(BUCKETS, Math.round(cumulative * 100));
    if (bound > previous) {
      bounds.push(bound);
      outcomes.push(outcomeOf(id));
      previous = bound;
    }
  });

  return picker(bounds, outcomes);
}

/** Built apart from compileRollout so the closure keeps only the ranges, not the compilation's scope (and the flag behind it). */
function picker<T>(bounds: readonly number[], outcomes: readonly T[]): (bucket: number) => T {
  if (outcomes.length === 1) {
    const only = outcomes[0]!;
    return () => only;
  }
  if (outcomes.length === 2) {
    const [low, high] = outcomes as [T, T];
    const split = bounds[0]!;
    return (bucket) => (bucket < split ? low : high);
  }
  return (bucket) => {
    for (let i = 0; i < bounds.length; i++) if (bucket < bounds[i]!) return outcomes[i]!;
    return outcomes[outcomes.length - 1]!;
  };
}
