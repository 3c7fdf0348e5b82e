import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planChange } from './change/plan/index.js';
import { parseStages } from './command/option-values.js';
import { validateFlag } from './model/validate-flag.js';
import { DEFAULT_BAKE_MS, DEFAULT_STAGES, stagesProblem } from './rollout-stages.js';

/** Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>. */
const params = { seed: Number(process.env.FC_SEED ?? 20_261_202), numRuns: Number(process.env.FC_RUNS ?? 300) };
const now = new Date('2026-12-01T12:00:00Z');
const flag = validateFlag(
  {
    key: 'checkout',
    kind: 'ops',
    owner: 'web',
    description: 'd',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
  },
  { now, mode: 'import' },
).flag;
const plan = (stages?: number[], bakeMs?: number) =>
  planChange(
    { name: 'flag.rollout', key: 'checkout', variation: 'on', env: 'production', stages, bakeMs },
    { current: flag, version: 3, environments: ['dev', 'staging', 'production'], now },
  );

describe('the rollout plan', () => {
  it('a rollout without stages or bake time runs the default plan: 1, 5, 25, 50, 100 %, baking 4 h', () => {
    expect(plan().rollout).toMatchObject({ stages: [...DEFAULT_STAGES], bakeMs: DEFAULT_BAKE_MS });
    expect(DEFAULT_STAGES).toEqual([1, 5, 25, 50, 100]);
    expect(DEFAULT_BAKE_MS).toBe(4 * 3_600_000);
  });

  it('stages are percentages above 0 and at most 100, rising at every stage, ending at 100', () => {
    expect(stagesProblem([1, 5, 25, 50, 100])).toBeUndefined();
    expect(stagesProblem([100])).toBeUndefined();
    expect(stagesProblem([])).toBe('needs at least one percentage');
    expect(stagesProblem([0, 100])).toBe('has stage 0, which is not a percentage above 0 and at most 100');
    expect(stagesProblem([5, 1, 100])).toBe('must rise at every stage');
    expect(stagesProblem([1, 5, 50])).toBe('must end at 100');
  });

  it('the grammar and the planner accept and refuse the same stages', () => {
    const stages = fc.array(fc.integer({ min: -5, max: 110 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(stages, (list) => {
        const problem = stagesProblem(list);
        const grammar = () => parseStages(list.join(','));
        const planner = () => plan(list);
        if (problem) {
          expect(grammar).toThrow(problem);
          expect(planner).toThrow(`--stages ${problem}`);
        } else {
          expect(grammar()).toEqual(list);
          expect(planner().rollout?.stages).toEqual(list);
        }
      }),
      params,
    );
  });
});
