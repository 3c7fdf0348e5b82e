import type { FlagDocument, Serve } from './api.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** A moment in the reader's local time, to the second: `2026-12-01 14:05:09`. */
export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** How far a moment is from now, in words: `in 23 h 59 min`, `2 min ago`. */
export function fromNow(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return '';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const seconds = Math.round(Math.abs(ms) / 1000);
  const span =
    seconds < 60
      ? `${seconds} s`
      : minutes < 60
        ? `${minutes} min`
        : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/** A variation as people say it: a boolean flag's `true` is `on`, its `false` is `off`. */
export function variationLabel(flag: FlagDocument, id: string): string {
  const variation = flag.variations.find((v) => v.id === id);
  return typeof variation?.value === 'boolean' ? (variation.value ? 'on' : 'off') : id;
}

export function serveText(flag: FlagDocument, serve: Serve | undefined): string {
  if (!serve) return `default (${defaultLabel(flag)})`;
  if ('serve' in serve) return variationLabel(flag, serve.serve);
  return Object.entries(serve.rollout)
    .map(([id, pct]) => `${variationLabel(flag, id)} ${pct} %`)
    .join(' / ');
}

function defaultLabel(flag: FlagDocument): string {
  const byId = flag.variations.find((v) => v.id === flag.default);
  const byValue = flag.variations.find((v) => JSON.stringify(v.value) === JSON.stringify(flag.default));
  const id = byId?.id ?? byValue?.id;
  return id ? variationLabel(flag, id) : 'unset';
}

/** One environment in a word or two: `killed`, `on`, `off`, `on 25 % / off 75 %`. */
export function envSummary(flag: FlagDocument, env: string): string {
  const state = flag.environments[env];
  if (!state) return `default (${defaultLabel(flag)})`;
  return state.killed ? 'killed' : serveText(flag, state.serve);
}

const COMBINATORS = { all: ' and ', any: ' or ' } as const;

/** A rule's condition as it reads in chat: `user.email endsWith @x.io and tenant.tier eq enterprise`. */
export function conditionText(condition: unknown): string {
  if (!condition || typeof condition !== 'object') return JSON.stringify(condition);
  const parts = Object.entries(condition as Record<string, unknown>).map(([name, test]) => {
    if ((name === 'all' || name === 'any') && Array.isArray(test))
      return `(${test.map(conditionText).join(COMBINATORS[name])})`;
    if (name === 'not') return `not (${conditionText(test)})`;
    if (!test || typeof test !== 'object') return `${name} ${JSON.stringify(test)}`;
    return Object.entries(test as Record<string, unknown>)
      .map(([op, value]) => `${name} ${op} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' and ');
  });
  return parts.join(' and ');
}

/** Workflow statuses in plain words. */
export const STATUS_WORDS: Record<string, string> = {
  validating: 'validating',
  awaiting_approval: 'awaiting approval',
  approved: 'approved',
  applying: 'applying',
  applied: 'applied',
  rejected: 'rejected',
  expired: 'expired',
  conflict: 'conflict',
  refused: 'refused',
  failed: 'failed',
  answered: 'answered',
  started: 'started',
  reviewed: 'reviewed',
  running: 'running',
  baking: 'baking',
  paused: 'paused',
  completed: 'completed',
  aborted: 'aborted',
  rolled_back: 'rolled back',
};

export const statusWords = (status: string) => STATUS_WORDS[status] ?? status.replace(/_/g, ' ');

/** The badge colour a status earns: good, waiting, bad or neutral. */
export function statusTone(status: string): 'good' | 'wait' | 'bad' | 'neutral' {
  if (['applied', 'completed', 'answered', 'reviewed', 'ok'].includes(status)) return 'good';
  if (
    [
      'awaiting_approval',
      'validating',
      'approved',
      'applying',
      'started',
      'running',
      'baking',
      'paused',
      'unchecked',
    ].includes(status)
  )
    return 'wait';
  if (
    ['rejected', 'refused', 'failed', 'conflict', 'expired', 'aborted', 'rolled_back', 'breached', 'killed'].includes(
      status,
    )
  )
    return 'bad';
  return 'neutral';
}
