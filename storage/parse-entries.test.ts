import { describe, expect, it } from 'vitest';
import { parseDelta } from './feed-batch.js';
import { deletedKeys, parseEntries } from './parse-entries.js';

describe('reading entry fields, from a snapshot hash or a delta alike', () => {
  it('parses flags and configs by kind, keeps their JSON as stored, and skips kinds it does not know', () => {
    const stored = { 'flag:a': '{ "key": "a" }', 'config:b': '{"key":"b"}', 'segment:c': 'not ours' };
    expect(parseEntries(stored, 'hash')).toEqual({
      flags: { a: { key: 'a' } },
      configs: { b: { key: 'b' } },
      json: { flags: { a: '{ "key": "a" }' }, configs: { b: '{"key":"b"}' } },
    });
    expect(deletedKeys(['flag:a', 'config:b', 'segment:c'])).toEqual({ flags: ['a'], configs: ['b'] });
  });

  it('names where and which field is not JSON, in a hash and in a delta', () => {
    expect(parseEntries({ 'flag:a': '{' }, 'sy:entries:production')).toMatch(
      /^sy:entries:production: "flag:a" is not valid JSON \(/,
    );
    const delta = {
      kind: 'delta' as const,
      env: 'production',
      epoch: 'db',
      from: 1,
      version: 2,
      generatedAt: '',
      set: { 'config:b': 'nope' },
      del: [],
    };
    expect(parseDelta(delta)).toMatch(/^feed entry for production version 2: "config:b" is not valid JSON \(/);
  });
});
