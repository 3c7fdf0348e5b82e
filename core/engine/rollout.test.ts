import { describe, expect, it } from 'vitest';
import { createBucketer } from './murmur3.js';
import { compileRollout } from './rollout.js';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}-${(i * 2654435761) % 4294967296}`);
const bucket = createBucketer('graph_search.v2.enable', 'graph_search.v2.enable');

function assign(variations: string[], rollout: Record<string, number>): string[] {
  const pick = compileRollout(variations, rollout, (id) => id);
  return KEYS.map((key) => pick(bucket(key)));
}

function keysServed(assignment: string[], id: string): Set<string> {
  return new Set(KEYS.filter((_, i) => assignment[i] === id));
}

describe('percentage rollouts', () => {
  it('raising the last-listed variation 5 → 25 → 50 → 100 % keeps every key it already had', () => {
    const variations = ['legacy', 'rust_engine'];
    let previous = new Set<string>();
    for (const percent of [5, 25, 50, 100]) {
      const served = keysServed(assign(variations, { rust_engine: percent, legacy: 100 - percent }), 'rust_engine');
      for (const key of previous) expect(served.has(key)).toBe(true);
      expect(Math.abs(served.size / KEYS.length - percent / 100)).toBeLessThan(0.015);
      previous = served;
    }
    expect(previous.size).toBe(KEYS.length);
  });

  it('raising the first-listed variation 5 → 25 → 50 → 100 % keeps every key it already had', () => {
    const variations = ['new_ui', 'old_ui'];
    let previous = new Set<string>();
    for (const percent of [5, 25, 50, 100]) {
      const served = keysServed(assign(variations, { old_ui: 100 - percent, new_ui: percent }), 'new_ui');
      for (const key of previous) expect(served.has(key)).toBe(true);
      expect(Math.abs(served.size / KEYS.length - percent / 100)).toBeLessThan(0.015);
      previous = served;
    }
  });

  it('follows the flag variations order, not the rollout object key order', () => {
    const a = assign(['legacy', 'rust_engine'], { rust_engine: 25, legacy: 75 });
    const b = assign(['legacy', 'rust_engine'], { legacy: 75, rust_engine: 25 });
    expect(a).toEqual(b);
  });

  it('splits three variations by their weights within ±1.5 %', () => {
    const assignment = assign(['control', 'blue', 'green'], { control: 50, blue: 30, green: 20 });
    for (const [id, share] of [
      ['control', 0.5],
      ['blue', 0.3],
      ['green', 0.2],
    ] as const) {
      expect(Math.abs(keysServed(assignment, id).size / KEYS.length - share)).toBeLessThan(0.015);
    }
  });

  it('resolves fractions to 0.01 % and leaves no bucket unassigned when thirds do not add up exactly', () => {
    const pick = compileRollout(['a', 'b', 'c'], { a: 33.33, b: 33.33, c: 33.34 }, (id) => id);
    expect(pick(3332)).toBe('a');
    expect(pick(3333)).toBe('b');
    expect(pick(6665)).toBe('b');
    expect(pick(6666)).toBe('c');
    expect(pick(9999)).toBe('c');
  });

  it('a variation at 0 % gets no one', () => {
    const assignment = assign(['off', 'on'], { off: 100, on: 0 });
    expect(keysServed(assignment, 'on').size).toBe(0);
  });

  it('refuses a rollout naming an unknown variation or not adding up to 100', () => {
    expect(() => compileRollout(['a', 'b'], { a: 50, z: 50 }, (id) => id)).toThrow(/unknown variation "z"/);
    expect(() => compileRollout(['a', 'b'], { a: 50, b: 40 }, (id) => id)).toThrow(/add up to 100 \(got 90\)/);
  });
});
