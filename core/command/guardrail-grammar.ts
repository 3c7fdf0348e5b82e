import type { Args, Subcommand } from './args.js';

/** What a guardrail's window may be: the flag document stores it as written (`30s`, `5m`, `1h`). */
const WINDOW = /^\d+[smhd]$/;

/**
 * A guardrail is one rule of the flag (`guardrails.auto_disable`), not of one environment: a
 * monitor watches it in every environment. `--env` would promise a per-environment guardrail the
 * flag document cannot hold, so it is refused with what happens instead.
 */
function refuseEnv(a: Args): void {
  if (a.has('env')) {
    a.fail(
      "a guardrail belongs to the whole flag, not to one environment: drop `--env` (a monitor watches it in every environment, each reading its own series when the metric's template uses {env})",
    );
  }
}

function set(a: Args) {
  const key = a.key();
  refuseEnv(a);
  const metric = a.required('metric', '<name>');
  const thresholdText = a.required('threshold', '<n>');
  const threshold = Number(thresholdText);
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(thresholdText) || !Number.isFinite(threshold))
    a.fail(`\`--threshold\` must be a number, e.g. 0.05 (got \`${thresholdText}\`)`);
  const window = a.required('window', '<duration>');
  if (!WINDOW.test(window) || /^0+[smhd]$/.test(window))
    a.fail(`\`--window\` must be a whole number of s, m, h or d above 0, e.g. 5m (got \`${window}\`)`);
  return { name: 'flag.guardrail.set' as const, key, metric, threshold, window, reason: a.option('reason') };
}

function remove(a: Args) {
  const key = a.key();
  refuseEnv(a);
  return { name: 'flag.guardrail.remove' as const, key, reason: a.option('reason') };
}

/** `/flag guardrail set|remove` (docs/design.md#guardrail-monitor), part of the /flag grammar. */
export const GUARDRAIL_SUBCOMMANDS: Subcommand[] = [
  {
    path: ['guardrail', 'set'],
    name: 'flag.guardrail.set',
    options: { metric: 'value', threshold: 'value', window: 'value', env: 'value', reason: 'value' },
    build: set,
  },
  {
    path: ['guardrail', 'remove'],
    name: 'flag.guardrail.remove',
    options: { env: 'value', reason: 'value' },
    build: remove,
  },
];
