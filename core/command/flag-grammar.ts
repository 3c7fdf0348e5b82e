import type { Args, Subcommand } from './args.js';
import { FLAG_CREATE } from './flag-create-grammar.js';
import { GUARDRAIL_SUBCOMMANDS } from './guardrail-grammar.js';
import { servedTier } from './tenant-grammar.js';
import { normalizeUser, parseConditionText, parseList, parseStages } from './option-values.js';

const WHERE = { env: 'value', tenant: 'value', reason: 'value' } as const;

function onOff(name: 'flag.on' | 'flag.off'): Subcommand {
  return {
    path: [name.slice(5)],
    name,
    options: WHERE,
    build: (a) => ({ name, key: a.key(), env: a.env(), tenant: a.option('tenant'), reason: a.option('reason') }),
  };
}

function rolloutControl(action: 'pause' | 'resume' | 'abort' | 'promote'): Subcommand {
  const name = `flag.rollout.${action}` as const;
  return {
    path: ['rollout', action],
    name,
    options: { env: 'value' },
    build: (a) => ({ name, key: a.key(), env: a.env() }),
  };
}

function rollout(a: Args) {
  const key = a.key();
  const variation = a.positional(1, '<variation>');
  const env = a.env();
  if (a.has('stages') && a.has('cohorts')) a.fail('give `--stages` or `--cohorts`, not both');
  const stagesText = a.option('stages');
  const cohortsText = a.option('cohorts');
  return {
    name: 'flag.rollout' as const,
    key,
    variation,
    env,
    stages: stagesText === undefined ? undefined : a.read('--stages', stagesText, parseStages),
    cohorts: cohortsText === undefined ? undefined : a.read('--cohorts', cohortsText, (t) => parseList(t, 'cohort')),
    bakeMs: a.duration('bake'),
    reason: a.option('reason'),
  };
}

function kill(a: Args) {
  const key = a.key();
  const env = a.optionalEnv();
  const all = a.flag('all');
  if (env && all) a.fail('give `--env <env>` or `--all`, not both');
  if (!env && !all) a.fail('say where to kill it: `--env <env>`, or `--all` for every environment');
  return {
    name: 'flag.kill' as const,
    key,
    env,
    all,
    tenant: a.option('tenant'),
    reason: a.required('reason', '"<text>"'),
  };
}

/** Overrides live per environment: one is named, or `--all` says every one (each judged like any change there). */
function override(a: Args) {
  const key = a.key();
  const variation = a.positional(1, '<variation>');
  const user = a.read('--user', a.required('user', '<id>'), normalizeUser);
  const env = a.optionalEnv();
  const all = a.flag('all');
  if (env && all) a.fail('give `--env <env>` or `--all`, not both');
  if (!env && !all)
    a.fail('say where the override applies: `--env <env>` for one environment, or `--all` for every environment');
  return {
    name: 'flag.override' as const,
    key,
    variation,
    user,
    env,
    all,
    ttlMs: a.duration('ttl'),
    reason: a.option('reason'),
  };
}

function ruleAdd(a: Args) {
  const key = a.key();
  const env = a.env();
  const condition = a.read('--if', a.required('if', '"<attr> <op> <value>"'), parseConditionText);
  const serve = a.required('serve', '<variation>');
  const priorityText = a.option('priority');
  if (priorityText !== undefined && !/^-?\d+$/.test(priorityText))
    a.fail(`\`--priority\` must be a whole number (got \`${priorityText}\`)`);
  return {
    name: 'flag.rule.add' as const,
    key,
    env,
    condition,
    serve,
    priority: priorityText === undefined ? undefined : Number(priorityText),
  };
}

/** The /flag grammar (docs/design.md#commands). */
export const FLAG_SUBCOMMANDS: Subcommand[] = [
  FLAG_CREATE,
  {
    path: ['show'],
    name: 'flag.show',
    options: { env: 'value' },
    build: (a) => ({ name: 'flag.show', key: a.key(), env: a.optionalEnv() }),
  },
  {
    path: ['list'],
    name: 'flag.list',
    options: { owner: 'value', stale: 'boolean' },
    build: (a) => ({ name: 'flag.list', owner: a.option('owner'), stale: a.flag('stale') }),
  },
  onOff('flag.on'),
  onOff('flag.off'),
  {
    path: ['serve'],
    name: 'flag.serve',
    options: { ...WHERE, tier: 'value' },
    build: (a) => ({
      name: 'flag.serve',
      key: a.key(),
      variation: a.positional(1, '<variation>'),
      env: a.env(),
      tenant: a.option('tenant'),
      tier: servedTier(a),
      reason: a.option('reason'),
    }),
  },
  {
    path: ['rollout'],
    name: 'flag.rollout',
    options: { env: 'value', stages: 'value', cohorts: 'value', bake: 'value', reason: 'value' },
    build: rollout,
  },
  rolloutControl('pause'),
  rolloutControl('resume'),
  rolloutControl('abort'),
  rolloutControl('promote'),
  {
    path: ['rule', 'add'],
    name: 'flag.rule.add',
    options: { env: 'value', if: 'value', serve: 'value', priority: 'value' },
    build: ruleAdd,
  },
  {
    path: ['rule', 'remove'],
    name: 'flag.rule.remove',
    options: { env: 'value' },
    build: (a) => ({ name: 'flag.rule.remove', key: a.key(), env: a.env(), ruleId: a.positional(1, '<rule-id>') }),
  },
  {
    path: ['override'],
    name: 'flag.override',
    options: { user: 'value', ttl: 'value', env: 'value', all: 'boolean', reason: 'value' },
    build: override,
  },
  {
    path: ['kill'],
    name: 'flag.kill',
    options: { env: 'value', all: 'boolean', tenant: 'value', reason: 'value' },
    build: kill,
  },
  {
    path: ['break-glass'],
    name: 'flag.break-glass',
    options: { env: 'value', reason: 'value' },
    build: (a) => ({
      name: 'flag.break-glass',
      key: a.key(),
      serve: a.positional(1, '<on|off|variation>'),
      env: a.env(),
      reason: a.required('reason', '"<text>"'),
    }),
  },
  {
    path: ['history'],
    name: 'flag.history',
    options: { limit: 'value' },
    build: (a) => ({ name: 'flag.history', key: a.key(), limit: a.positiveInt('limit') }),
  },
  ...GUARDRAIL_SUBCOMMANDS,
];
