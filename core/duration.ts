import { ValidationError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/**
 * Parses a human duration into milliseconds: `90s`, `30m`, `4h`, `1d`, `2w`, and compounds such
 * as `1h30m`. Throws a ValidationError naming the input when it is not one.
 *
 * @example parseDuration('4h') // 14_400_000
 */
export function parseDuration(text: string): number {
  const input = text.trim().toLowerCase();
  const compound = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/.test(input);
  if (!compound && !DURATION.test(input)) {
    throw new ValidationError(`"${text}" is not a duration: use a number and a unit, like 90s, 30m, 4h or 1d`);
  }
  let total = 0;
  for (const [, amount, unit] of input.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as Unit];
  if (total <= 0) throw new ValidationError(`"${text}" is not a duration: it must be longer than 0`);
  return Math.round(total);
}

/**
 * The shortest exact form of a duration in milliseconds: `4h`, `1h30m`, `90s` → `1m30s`.
 *
 * @example formatDuration(5_400_000) // "1h30m"
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new ValidationError(`${ms} is not a duration in milliseconds`);
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

const SPOKEN: Array<[number, string]> = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/**
 * A duration as a sentence says it: its largest unit and, when there is a remainder, the next one
 * (rounded), so a 30-second wait is not "0 min" and a day is not "1440 min". Days start at two.
 *
 * @example spokenDuration(30_000) // "30 seconds"
 * @example spokenDuration(5_400_000) // "1 hour 30 minutes"
 * @example spokenDuration(86_400_000) // "24 hours"
 */
export function spokenDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new ValidationError(`${ms} is not a duration in milliseconds`);
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  // Round to the precision that will be said first, so 59.9 minutes is "1 hour", not "60 minutes".
  const pick = (value: number) => {
    const units = value >= 2 * 86_400_000 ? SPOKEN : SPOKEN.slice(1);
    const i = units.findIndex(([size]) => value >= size);
    return { unit: units[i]!, next: units[i + 1] };
  };
  const first = pick(ms);
  const step = first.next?.[0] ?? first.unit[0];
  const rounded = Math.round(ms / step) * step;
  const {
    unit: [size, name],
    next,
  } = pick(rounded);
  const say = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const whole = Math.floor(rounded / size);
  const rest = next ? Math.round((rounded - whole * size) / next[0]) : 0;
  return rest ? `${say(whole, name)} ${say(rest, next![1])}` : say(Math.round(rounded / size), name);
}
