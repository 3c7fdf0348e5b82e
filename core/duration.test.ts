import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, spokenDuration } from './duration.js';

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
    expect(() => parseDuration('4 hours')).toThrow(
      '"4 hours" is not a duration: use a number and a unit, like 90s, 30m, 4h or 1d',
    );
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

describe('durations in a sentence', () => {
  it('says seconds, minutes or hours, never "0 min"', () => {
    expect(spokenDuration(30_000)).toBe('30 seconds');
    expect(spokenDuration(1_000)).toBe('1 second');
    expect(spokenDuration(60_000)).toBe('1 minute');
    expect(spokenDuration(90_000)).toBe('1 minute 30 seconds');
    expect(spokenDuration(5 * 60_000)).toBe('5 minutes');
    expect(spokenDuration(5_400_000)).toBe('1 hour 30 minutes');
    expect(spokenDuration(24 * 3_600_000)).toBe('24 hours');
    expect(spokenDuration(3 * 86_400_000)).toBe('3 days');
    expect(spokenDuration(250)).toBe('250 ms');
  });

  it('rounds the smaller unit, carrying into the larger one', () => {
    expect(spokenDuration(119_600)).toBe('2 minutes');
    expect(spokenDuration(3_599_999)).toBe('1 hour');
  });
});
