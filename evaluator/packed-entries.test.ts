import { describe, expect, it } from 'vitest';
import { PackedEntries } from './packed-entries.js';

const entryOf = (n: number) =>
  [`flag-${n}`, JSON.stringify({ key: `flag-${n}`, description: `flag ${n} — café ✓`, share: n % 100 })] as const;
const many = (count: number, from = 0) => Array.from({ length: count }, (_, i) => entryOf(from + i));
/** What a JSON object written from the packed chunks parses to. */
const asObject = (packed: PackedEntries) =>
  JSON.parse(`{${[...packed.chunks()].map((chunk) => chunk.toString('utf8')).join(',')}}`) as Record<string, unknown>;
const parsedOf = (entries: ReadonlyArray<readonly [string, string]>) =>
  Object.fromEntries(entries.map(([key, json]) => [key, JSON.parse(json) as unknown]));

describe('entries held packed', () => {
  it('gives back every entry as it was stored, one at a time and as one JSON object', () => {
    const entries = [...many(500), ['odd "key"\\with\u2028', '{"a":[1,2,{"b":null}]}'] as const];
    const packed = PackedEntries.of(entries);
    expect(packed.size).toBe(501);
    expect(new Map(packed.entries())).toEqual(new Map(entries));
    expect(packed.get('flag-123')).toBe(entryOf(123)[1]);
    expect(packed.get('odd "key"\\with\u2028')).toBe('{"a":[1,2,{"b":null}]}');
    expect(packed.get('missing')).toBeUndefined();
    expect(asObject(packed)).toEqual(parsedOf(entries));
  });

  it('takes changes into a new pack and leaves the one being served as it was', () => {
    const before = PackedEntries.of(many(300));
    const after = before.with(
      [
        ['flag-7', '{"edited":true}'],
        ['new-flag', '{"new":true}'],
      ],
      ['flag-8', 'not-there'],
    );
    expect(after.size).toBe(300);
    expect(after.get('flag-7')).toBe('{"edited":true}');
    expect(after.get('flag-8')).toBeUndefined();
    expect(after.get('new-flag')).toBe('{"new":true}');
    expect(asObject(before)).toEqual(parsedOf(many(300)));
    expect(before.get('flag-8')).toBe(entryOf(8)[1]);
  });

  it('stays whole when changes grow it far past what it was packed for, or empty it', () => {
    let packed = PackedEntries.of(many(1));
    for (let from = 1; from < 2_000; from += 100) packed = packed.with(many(100, from), []);
    expect(packed.size).toBe(2_001);
    expect(asObject(packed)).toEqual(parsedOf(many(2_001)));
    const emptied = packed.with([], Object.keys(parsedOf(many(2_001))));
    expect(emptied.size).toBe(0);
    expect(asObject(emptied)).toEqual({});
    expect(PackedEntries.EMPTY.with(many(3), []).get('flag-2')).toBe(entryOf(2)[1]);
  });
});
