import { parseTestCommand } from '../../test/parse-command.js';
import { describe, expect, it } from 'vitest';
import { CommandError } from './errors.js';
import { tokenize } from './tokenize.js';
import { USAGE } from './usage.js';

function errorOf(command: '/flag' | '/config' | '/change', text: string, environments?: string[]): CommandError {
  try {
    parseTestCommand(command, text, environments ? { environments } : undefined);
  } catch (error) {
    if (error instanceof CommandError) return error;
    throw error;
  }
  throw new Error(`expected "${command} ${text}" to be refused`);
}

describe('tokenizing what Slack sends', () => {
  it('keeps quoted runs together, in straight or smart quotes, and unescapes Slack entities', () => {
    expect(
      tokenize(`kill a --reason "pager fired" --x 'two words' --y “curly one” --z &gt;=`).map((t) => t.text),
    ).toEqual(['kill', 'a', '--reason', 'pager fired', '--x', 'two words', '--y', 'curly one', '--z', '>=']);
  });

  it('treats apostrophes inside words as letters', () => {
    expect(tokenize(`--reason don't`).map((t) => t.text)).toEqual(['--reason', "don't"]);
  });
});

describe('/flag', () => {
  it('help lists every /flag subcommand, or those of one topic', () => {
    const all = parseTestCommand('/flag', 'help');
    expect(all.name).toBe('flag.help');
    if (all.name !== 'flag.help') return;
    expect(all.text.split('\n')).toContain(USAGE['flag.create']);
    expect(all.text.split('\n')).toContain(USAGE['flag.history']);
    const empty = parseTestCommand('/flag', '   ');
    expect(empty).toMatchObject({ name: 'flag.help', text: all.text });
    const rollout = parseTestCommand('/flag', 'help rollout');
    expect(rollout).toMatchObject({ text: `${USAGE['flag.rollout']}\n${USAGE['flag.rollout.pause']}` });
  });

  it('create reads kind, owner, typed variations, default, expiry and ticket in any order', () => {
    expect(
      parseTestCommand(
        '/flag',
        'create checkout-v2 --expiry 2026-03-01 --kind release --owner payments --description "New checkout flow" --variations on=true,off=false --default off --ticket PAY-12',
      ),
    ).toEqual({
      name: 'flag.create',
      key: 'checkout-v2',
      kind: 'release',
      owner: 'payments',
      description: 'New checkout flow',
      type: 'boolean',
      variations: [
        { id: 'on', value: true },
        { id: 'off', value: false },
      ],
      default: 'off',
      expiry: '2026-03-01',
      ticket: 'PAY-12',
    });
  });

  it('create types variations by --type, json values keeping their commas', () => {
    const numbers = parseTestCommand(
      '/flag',
      'create retry-limit --kind ops --owner sre --description d --type number --variations low=1,high=10 --default low',
    );
    expect(numbers).toMatchObject({
      type: 'number',
      variations: [
        { id: 'low', value: 1 },
        { id: 'high', value: 10 },
      ],
    });
    const strings = parseTestCommand(
      '/flag',
      'create colour --kind experiment --owner growth --description d --type string --variations a=10,b=blue --default a',
    );
    expect(strings).toMatchObject({
      variations: [
        { id: 'a', value: '10' },
        { id: 'b', value: 'blue' },
      ],
    });
    const json = parseTestCommand(
      '/flag',
      `create layout --kind experiment --owner web --description d --type json --variations 'a={"cols":2,"dense":true},b={"cols":3}' --default a`,
    );
    expect(json).toMatchObject({
      type: 'json',
      variations: [
        { id: 'a', value: { cols: 2, dense: true } },
        { id: 'b', value: { cols: 3 } },
      ],
    });
    expect(parseTestCommand('/flag', 'create simple --kind ops --owner sre --description "a breaker"')).toMatchObject({
      type: 'boolean',
      variations: undefined,
    });
  });

  it('show, list, history', () => {
    expect(parseTestCommand('/flag', 'show checkout --env staging')).toEqual({
      name: 'flag.show',
      key: 'checkout',
      env: 'staging',
    });
    expect(parseTestCommand('/flag', 'list --stale --owner payments')).toEqual({
      name: 'flag.list',
      owner: 'payments',
      stale: true,
    });
    expect(parseTestCommand('/flag', 'list')).toEqual({ name: 'flag.list', stale: false });
    expect(parseTestCommand('/flag', 'history checkout --limit 5')).toEqual({
      name: 'flag.history',
      key: 'checkout',
      limit: 5,
    });
  });

  it('on / off / serve with tenant and reason', () => {
    expect(parseTestCommand('/flag', 'on checkout --env staging --reason “QA sign-off”')).toEqual({
      name: 'flag.on',
      key: 'checkout',
      env: 'staging',
      reason: 'QA sign-off',
    });
    expect(parseTestCommand('/flag', 'off checkout --tenant acme --env production')).toEqual({
      name: 'flag.off',
      key: 'checkout',
      env: 'production',
      tenant: 'acme',
    });
    expect(parseTestCommand('/flag', 'serve checkout treatment --env dev')).toEqual({
      name: 'flag.serve',
      key: 'checkout',
      variation: 'treatment',
      env: 'dev',
    });
  });

  it('rollout reads stages, cohorts and bake time; controls name the rollout', () => {
    expect(
      parseTestCommand(
        '/flag',
        'rollout checkout on --env production --stages 1,5,25,50,100 --bake 4h --reason launch',
      ),
    ).toEqual({
      name: 'flag.rollout',
      key: 'checkout',
      variation: 'on',
      env: 'production',
      stages: [1, 5, 25, 50, 100],
      bakeMs: 4 * 3_600_000,
      reason: 'launch',
    });
    expect(
      parseTestCommand('/flag', 'rollout checkout on --env production --cohorts beta,standard,enterprise --bake 30m'),
    ).toMatchObject({
      cohorts: ['beta', 'standard', 'enterprise'],
      bakeMs: 30 * 60_000,
    });
    for (const action of ['pause', 'resume', 'abort', 'promote'] as const) {
      expect(parseTestCommand('/flag', `rollout ${action} checkout --env production`)).toEqual({
        name: `flag.rollout.${action}`,
        key: 'checkout',
        env: 'production',
      });
    }
  });

  it('rule add turns --if text into a condition; rule remove names the rule', () => {
    expect(
      parseTestCommand(
        '/flag',
        'rule add checkout --env production --if "tenant.tier in beta,enterprise and app.version semverGte 2.1.0 and user.age &gt;= 18" --serve on --priority 10',
      ),
    ).toEqual({
      name: 'flag.rule.add',
      key: 'checkout',
      env: 'production',
      condition: {
        all: [
          { 'tenant.tier': { in: ['beta', 'enterprise'] } },
          { 'app.version': { semverGte: '2.1.0' } },
          { 'user.age': { gte: 18 } },
        ],
      },
      serve: 'on',
      priority: 10,
    });
    expect(
      parseTestCommand('/flag', `rule add checkout --env dev --if 'user.email endsWith "@acme.io"' --serve on`),
    ).toMatchObject({
      condition: { 'user.email': { endsWith: '@acme.io' } },
    });
    expect(
      parseTestCommand('/flag', `rule add checkout --env dev --if "user.id eq '42' and beta exists" --serve on`),
    ).toMatchObject({
      condition: { all: [{ 'user.id': { eq: '42' } }, { beta: { exists: true } }] },
    });
    expect(parseTestCommand('/flag', 'rule remove checkout --env dev r-7')).toEqual({
      name: 'flag.rule.remove',
      key: 'checkout',
      env: 'dev',
      ruleId: 'r-7',
    });
  });

  it('override normalizes a Slack mention and reads the ttl', () => {
    expect(parseTestCommand('/flag', 'override checkout on --user <@U123ABC|alice> --env staging --ttl 1h')).toEqual({
      name: 'flag.override',
      key: 'checkout',
      variation: 'on',
      user: 'U123ABC',
      env: 'staging',
      all: false,
      ttlMs: 3_600_000,
    });
    expect(parseTestCommand('/flag', 'override checkout on --user U1 --env staging')).toMatchObject({
      env: 'staging',
      ttlMs: undefined,
    });
  });

  it('override takes one environment or --all, and a reason', () => {
    expect(
      parseTestCommand('/flag', 'override checkout-v2 off --user user-5 --env production --reason "support case 812"'),
    ).toMatchObject({
      env: 'production',
      all: false,
      reason: 'support case 812',
    });
    expect(parseTestCommand('/flag', 'override checkout on --user U1 --all')).toMatchObject({
      env: undefined,
      all: true,
    });
    expect(() => parseTestCommand('/flag', 'override checkout on --user U1')).toThrow(
      /`--env <env>` for one environment, or `--all` for every environment/,
    );
    expect(() => parseTestCommand('/flag', 'override checkout on --user U1 --env dev --all')).toThrow(/not both/);
  });

  it('kill takes one environment or --all; break-glass names what to serve', () => {
    expect(parseTestCommand('/flag', 'kill checkout --env production --reason "errors spiking"')).toEqual({
      name: 'flag.kill',
      key: 'checkout',
      env: 'production',
      all: false,
      reason: 'errors spiking',
    });
    expect(parseTestCommand('/flag', 'kill checkout --all --tenant acme --reason x')).toMatchObject({
      all: true,
      tenant: 'acme',
      env: undefined,
    });
    expect(parseTestCommand('/flag', 'break-glass checkout off --env production --reason "SEV1"')).toEqual({
      name: 'flag.break-glass',
      key: 'checkout',
      serve: 'off',
      env: 'production',
      reason: 'SEV1',
    });
  });

  it('accepts the configured environments', () => {
    expect(parseTestCommand('/flag', 'on checkout --env qa', { environments: ['qa', 'prod'] })).toMatchObject({
      env: 'qa',
    });
  });
});

describe('/config', () => {
  it('set converts the value by --type and keeps what was typed', () => {
    expect(
      parseTestCommand('/config', 'set http-timeout 30s --type duration --env production --reason "slow upstream"'),
    ).toEqual({
      name: 'config.set',
      key: 'http-timeout',
      rawValue: '30s',
      value: '30s',
      type: 'duration',
      env: 'production',
      reason: 'slow upstream',
    });
    expect(parseTestCommand('/config', 'set max-items 50 --type int --tenant acme --reason r')).toMatchObject({
      value: 50,
      tenant: 'acme',
    });
    expect(parseTestCommand('/config', `set limits '{"rps":10}' --type json --reason r`)).toMatchObject({
      value: { rps: 10 },
    });
    expect(parseTestCommand('/config', 'set banner "Hello all" --user <@U9> --reason r')).toMatchObject({
      value: 'Hello all',
      user: 'U9',
      type: undefined,
    });
  });

  it('get and secret set', () => {
    expect(parseTestCommand('/config', 'get http-timeout --env staging --tenant acme')).toEqual({
      name: 'config.get',
      key: 'http-timeout',
      env: 'staging',
      tenant: 'acme',
    });
    expect(parseTestCommand('/config', 'secret set stripe-key --env production')).toEqual({
      name: 'config.secret.set',
      key: 'stripe-key',
      env: 'production',
    });
    expect(parseTestCommand('/config', 'help')).toMatchObject({ name: 'config.help' });
  });
});

describe('/change', () => {
  it('list, show, approve, reject, revert', () => {
    expect(parseTestCommand('/change', 'list')).toEqual({ name: 'change.list' });
    expect(parseTestCommand('/change', 'show cr-12')).toEqual({ name: 'change.show', id: 'cr-12' });
    expect(parseTestCommand('/change', 'approve cr-12')).toEqual({ name: 'change.approve', id: 'cr-12' });
    expect(parseTestCommand('/change', 'reject cr-12 --reason "not now"')).toEqual({
      name: 'change.reject',
      id: 'cr-12',
      reason: 'not now',
    });
    expect(parseTestCommand('/change', 'revert cr-12 --reason oops')).toEqual({
      name: 'change.revert',
      id: 'cr-12',
      reason: 'oops',
    });
  });

  it('role grant / revoke take a mention and a role', () => {
    expect(
      parseTestCommand('/change', 'role grant <@U42|bob> operator --env production --reason "joins on-call"'),
    ).toEqual({
      name: 'change.role.grant',
      subject: 'U42',
      role: 'operator',
      env: 'production',
      reason: 'joins on-call',
    });
    expect(parseTestCommand('/change', 'role revoke U42 admin --tenant acme --reason left')).toMatchObject({
      name: 'change.role.revoke',
      tenant: 'acme',
    });
  });
});

describe('bad input names what is wrong and shows the usage', () => {
  const cases: Array<[string, '/flag' | '/config' | '/change', string, string]> = [
    [
      'an unknown environment',
      '/flag',
      'on checkout --env prod',
      '`--env` must be one of dev, staging, production (got `prod`)',
    ],
    ['a missing environment', '/flag', 'off checkout', 'missing `--env <env>`'],
    ['a missing key', '/flag', 'show', 'missing `<key>`'],
    [
      'a key with capitals',
      '/flag',
      'show Checkout',
      '`<key>` must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit (got `Checkout`)',
    ],
    ['an unknown option', '/flag', 'show checkout --bogus 1', 'unknown option `--bogus`'],
    ['an option without its value', '/flag', 'on checkout --env', '`--env` needs a value'],
    ['an option given twice', '/flag', 'on checkout --env dev --env staging', '`--env` is given twice'],
    ['a stray word', '/flag', 'show checkout extra', 'unexpected `extra`'],
    [
      'an unknown kind',
      '/flag',
      'create x --kind feature --owner a --description d',
      '`--kind` must be one of release, ops, permission, experiment (got `feature`)',
    ],
    [
      'a default that is no variation',
      '/flag',
      'create x --kind ops --owner a --description d --variations on=true,off=false --default maybe',
      '`--default` must be one of the variations on, off (got `maybe`)',
    ],
    [
      'a badly typed variation',
      '/flag',
      'create x --kind ops --owner a --description d --type boolean --variations on=yes,off=false',
      '`--variations`: variation `on` must be true or false for a boolean flag (got `yes`)',
    ],
    ['a missing description', '/flag', 'create x --kind ops --owner a', 'missing `--description "<text>"`'],
    [
      'an impossible expiry',
      '/flag',
      'create x --kind release --owner a --description d --expiry 2026-02-30',
      '`--expiry` must be a date YYYY-MM-DD (got `2026-02-30`)',
    ],
    [
      'falling stages',
      '/flag',
      'rollout checkout on --env production --stages 5,1,100',
      '`--stages` must rise at every stage (got `5,1,100`)',
    ],
    [
      'stages short of 100',
      '/flag',
      'rollout checkout on --env production --stages 1,5,50',
      '`--stages` must end at 100 (got `1,5,50`)',
    ],
    [
      'stages and cohorts',
      '/flag',
      'rollout checkout on --env dev --stages 50,100 --cohorts beta',
      'give `--stages` or `--cohorts`, not both',
    ],
    [
      'a bad bake time',
      '/flag',
      'rollout checkout on --env dev --bake 4hours',
      '`--bake`: "4hours" is not a duration: use a number and a unit, like 90s, 30m, 4h or 1d',
    ],
    [
      'an unknown operator',
      '/flag',
      'rule add checkout --env dev --if "user.age over 18" --serve on',
      '`--if`: unknown operator `over` (operators: eq, neq, in, notIn, startsWith, endsWith, contains, matches, gt, gte, lt, lte, semverGt, semverGte, semverLt, semverLte, exists)',
    ],
    [
      'a non-number for gt',
      '/flag',
      'rule add checkout --env dev --if "user.age gt old" --serve on',
      '`--if`: `gt` needs a number (got `old`)',
    ],
    [
      'or between tests',
      '/flag',
      'rule add checkout --env dev --if "a eq 1 or b eq 2" --serve on',
      '`--if`: `or` is not supported: add one rule per alternative',
    ],
    [
      'a kill without scope',
      '/flag',
      'kill checkout --reason x',
      'say where to kill it: `--env <env>`, or `--all` for every environment',
    ],
    ['a kill without reason', '/flag', 'kill checkout --all', 'missing `--reason "<text>"`'],
    ['a value to a boolean option', '/flag', 'kill checkout --all=yes --reason x', '`--all` takes no value'],
    ['a zero limit', '/flag', 'history checkout --limit 0', '`--limit` must be a whole number above 0 (got `0`)'],
    ['an unknown subcommand', '/flag', 'rule tweak checkout', 'unknown subcommand `rule tweak`'],
    [
      'a username instead of a mention',
      '/flag',
      'override checkout on --user @alice',
      '`--user`: `@alice` is not a user: mention them with @ so Slack sends their id, or give the id (U…)',
    ],
    [
      'a badly typed config value',
      '/config',
      'set max-items lots --type int --reason r',
      '`<value>` must be an integer for --type int (got `lots`)',
    ],
    [
      'a secret typed into the command',
      '/config',
      'secret set stripe-key sk_live_123 --env production',
      'never type a secret into a command: run `/config secret set <key> --env <env>` and enter the value in the dialog',
    ],
    [
      'granting the system role',
      '/change',
      'role grant <@U1> system --reason r',
      '`system` is reserved for Switchyard itself and cannot be granted',
    ],
    [
      'an unknown role',
      '/change',
      'role grant <@U1> boss --reason r',
      '`<role>` must be one of developer, product_manager, operator, admin, viewer, oncall (got `boss`)',
    ],
    ['a reject without reason', '/change', 'reject cr-1', 'missing `--reason "<text>"`'],
  ];

  it.each(cases)('%s', (_, command, text, problem) => {
    const error = errorOf(command, text);
    expect(error.message.split('\n')[0]).toBe(problem);
    expect(error.message).toMatch(/\nUsage:/);
    expect(error.status).toBe(400);
  });

  it('the usage shown is that of the subcommand meant', () => {
    expect(errorOf('/flag', 'on checkout --env prod').message).toBe(
      '`--env` must be one of dev, staging, production (got `prod`)\nUsage: /flag on|off <key> --env <env> [--tenant <id>] [--reason "<text>"]',
    );
    expect(errorOf('/flag', 'rule tweak checkout').message).toContain(USAGE['flag.rule.add']);
    expect(errorOf('/flag', 'frobnicate').message).toContain(USAGE['flag.kill']);
  });

  it('an unterminated quote is reported', () => {
    expect(errorOf('/flag', 'kill checkout --all --reason "oops').problem).toBe('unterminated quote: "oops');
  });
});
