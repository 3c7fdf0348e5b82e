/** One line of a change request's diff: what changed, from what, to what. */
export interface DiffRow {
  field: string;
  before?: string;
  after?: string;
}

/**
 * A change's summary (`checkout-v2 in production: off → on; checkout-v2 in staging: off → on`)
 * as rows, one per place it changes. A part without an arrow (a new flag, a revert) is one row
 * whose text is the whole part.
 */
export function diffRows(summary: string | undefined): DiffRow[] {
  if (!summary) return [];
  const parts: string[] = [];
  for (const part of summary.split('; ')) {
    // A part with no "field: " of its own continues the previous one (a "; " inside parentheses).
    if (parts.length && !/^[^\s:]+[^:]*: /.test(part)) parts[parts.length - 1] += `; ${part}`;
    else parts.push(part);
  }
  return parts.map((part) => {
    const colon = part.indexOf(': ');
    const arrow = part.indexOf(' → ', colon);
    if (colon < 0 || arrow < 0) return { field: part };
    return { field: part.slice(0, colon), before: part.slice(colon + 2, arrow), after: part.slice(arrow + 3) };
  });
}
