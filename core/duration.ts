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
