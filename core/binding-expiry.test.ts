import { describe, expect, it } from 'vitest';
import { bindingLiveAt, bindingUntil } from './binding-expiry.js';

const now = new Date('2026-12-08T12:00:00Z');

describe('the end of a role binding', () => {
  it('reads an ISO time with its zone as the one stored form', () => {
    expect(bindingUntil('2026-12-09T09:00Z')).toBe('2026-12-09T09:00:00.000Z');
    expect(bindingUntil('2026-12-09T10:00:30+01:00', now)).toBe('2026-12-09T09:00:30.000Z');
    expect(bindingUntil('2026-12-09t09:00z')).toBe('2026-12-09T09:00:00.000Z');
  });

  it('refuses a time without a zone, a bare date and words, naming what it got', () => {
    for (const text of ['2026-12-09T09:00', '2026-12-09', 'tomorrow', '2026-13-40T99:00Z'])
      expect(() => bindingUntil(text)).toThrow(`--until must be an ISO time with its zone, like 2026-12-09T09:00Z`);
    expect(() => bindingUntil('tomorrow')).toThrow('(got `tomorrow`)');
  });

  it('refuses an end that is not after now: such a grant would authorize nothing', () => {
    expect(() => bindingUntil('2026-12-08T12:00Z', now)).toThrow(
      '--until 2026-12-08T12:00:00.000Z is not in the future (it is now 2026-12-08T12:00:00.000Z)',
    );
    expect(() => bindingUntil('2026-12-01T00:00Z', now)).toThrow(/not in the future/);
  });

  it('counts a binding until its end, and one without an end until it is revoked', () => {
    expect(bindingLiveAt(undefined, now)).toBe(true);
    expect(bindingLiveAt('2026-12-08T12:00:01.000Z', now)).toBe(true);
    expect(bindingLiveAt('2026-12-08T12:00:00.000Z', now)).toBe(false);
  });
});
