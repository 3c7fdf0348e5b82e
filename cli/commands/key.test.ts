import { describe, expect, it } from 'vitest';
import { parseGrace } from './key.js';

describe('the grace period of switchyard key rotate', () => {
  it('is a duration, or 0 to stop the old key at once', () => {
    expect(parseGrace('24h')).toBe(86_400_000);
    expect(parseGrace('1s')).toBe(1_000);
    expect(parseGrace('0')).toBe(0);
    expect(parseGrace('0s')).toBe(0);
  });

  it('refuses what is not a duration, and a grace longer than 30 days, saying what to do instead', () => {
    expect(() => parseGrace('soon')).toThrow(
      '"soon" is not a duration: use a number and a unit, like 90s, 30m, 4h or 1d',
    );
    expect(() => parseGrace('31d')).toThrow(
      '--grace 31d is longer than 30d: a grace period is for switching deployments over; keep two keys with switchyard key create instead',
    );
    expect(parseGrace('30d')).toBe(30 * 86_400_000);
  });
});
