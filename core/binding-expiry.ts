import { ValidationError } from './errors.js';

/**
 * A time typed by a person, with its zone: `2026-12-09T09:00Z`, `2026-12-09T10:00:00+01:00`. A time
 * without a zone would be read in whatever zone the server runs in, and a bare date leaves open
 * whether the day is included, so both are refused rather than guessed.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * The end of a role binding (`--until`), as the one ISO form every layer stores and compares:
 * `2026-12-09T09:00:00.000Z`. Throws a ValidationError naming the input when it is not a time with
 * its zone, or (given `now`) when it is not after `now`: a binding that ends before it starts
 * would look like a grant and authorize nothing.
 *
 * @example bindingUntil('2026-12-09T09:00Z') // '2026-12-09T09:00:00.000Z'
 */
export function bindingUntil(text: string, now?: Date): string {
  const trimmed = text.trim();
  const time = ISO_TIME.test(trimmed) ? new Date(trimmed.toUpperCase()) : undefined;
  if (!time || Number.isNaN(time.getTime()))
    throw new ValidationError(
      `--until must be an ISO time with its zone, like 2026-12-09T09:00Z or 2026-12-09T10:00+01:00 (got \`${text}\`)`,
    );
  const until = time.toISOString();
  if (now && time.getTime() <= now.getTime())
    throw new ValidationError(
      `--until ${until} is not in the future (it is now ${now.toISOString()}): a binding must end after it is granted`,
    );
  return until;
}

/** Whether a binding with this end still counts at `now` (no end: until revoked). */
export function bindingLiveAt(until: string | undefined | null, now: Date): boolean {
  return !until || Date.parse(until) > now.getTime();
}
