import { describe, expect, it } from 'vitest';
import { jsonDiff } from './json-diff.js';

describe('the audit diff', () => {
  it('names only the changed paths, old and new', () => {
    const before = { key: 'f', environments: { production: { killed: false, rules: [] } }, owner: 'a' };
    const after = { key: 'f', environments: { production: { killed: true, rules: [] } }, owner: 'a' };
    expect(jsonDiff(before, after)).toEqual({ 'environments.production.killed': { old: false, new: true } });
  });

  it('shows a created entry as a whole document coming from nothing', () => {
    expect(jsonDiff(undefined, { key: 'f' })).toEqual({ '(document)': { old: null, new: { key: 'f' } } });
  });

  it('compares lists as whole values and records removed fields as null', () => {
    expect(jsonDiff({ rules: [1, 2], ticket: 'T-1' }, { rules: [2] })).toEqual({
      rules: { old: [1, 2], new: [2] },
      ticket: { old: 'T-1', new: null },
    });
  });
});
