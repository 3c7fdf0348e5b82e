import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it('reads the units people type in chat', () => {
    expect(parseDuration('90s')).toBe(90 * 1000);
    expect(parseDuration('30m')).toBe(30 * 60 * 1000);
    expect(parseDuration('4h')).toBe(4 * 60 * 60 * 1000);
    expect(parseDuration('1d')).toBe(24 * 60 * 60 * 1000);
    expect(parseDuration('1h30m')).toBe(90 * 60 * 1000);
    expect(parseDuration('1.5h')).toBe(90 * 60 * 1000);
  });

  it('names the bad input', () => {
    expect(() => parseDuration('4 hours')).toThrow('"4 hours" is not a duration: use a number and a unit, like 90s, 30m, 4h or 1d');
    expect(() => parseDuration('h')).toThrow('"h" is not a duration');
    expect(() => parseDuration('0s')).toThrow('must be longer than 0');
  });

  it('formats back to the shortest exact form', () => {
    for (const text of ['90s', '30m', '4h', '1d', '1h30m', '2d3h']) {
      const formatted = formatDuration(parseDuration(text));
      expect(parseDuration(formatted)).toBe(parseDuration(text));
    }
    expect(formatDuration(parseDuration('90s'))).toBe('1m30s');
    expect(formatDuration(parseDuration('4h'))).toBe('4h');
  });
});
