/** What a section gave: its result, the error that stopped it, or undefined when BENCH_SECTIONS left it out. */
export type Outcome<T> = T | Error | undefined;

/** One row of the targets table. */
export interface Target {
  target: string;
  measured: string;
  ok: boolean;
}

export const verdict = (ok: boolean) => (ok ? '**pass**' : '**FAIL**');
/** A figure with its unit; a dash when there was nothing to measure (the percentile of no samples). */
export const ms = (value: number) => (Number.isNaN(value) ? '—' : `${value.toFixed(2)} ms`);
export const seconds = (value: number) => (Number.isNaN(value) ? '—' : `${value.toFixed(1)} s`);

export function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

export function measured<T>(outcome: Outcome<T>): outcome is T {
  return outcome !== undefined && !(outcome instanceof Error);
}

/** A section's text: rendered from its result, or why there is none. */
export function sectionBody<T>(outcome: Outcome<T>, render: (result: T) => string): string {
  if (outcome === undefined) return 'Not run in this run (BENCH_SECTIONS).\n';
  if (outcome instanceof Error) return `Not measured: ${outcome.message}\n`;
  return render(outcome);
}
