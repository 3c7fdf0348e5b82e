import { parseTestCommand } from '../../test/parse-command.js';
import { describe, expect, it } from 'vitest';
import { changeRequestOf } from './change-request-of.js';
import { CommandError } from './errors.js';
import { USAGE, usageFor } from './usage.js';

function errorOf(command: '/flag' | '/incident', text: string): CommandError {
  try {
    parseTestCommand(command, text);
  } catch (error) {
    if (error instanceof CommandError) return error;
    throw error;
  }
  throw new Error(`expected "${command} ${text}" to be refused`);
}

describe('/flag guardrail', () => {
  it('reads a guardrail rule with its metric, threshold, window and reason', () => {
    expect(
      parseTestCommand(
        '/flag',
        'guardrail set search-v3 --metric error_rate --threshold 0.05 --window 5m --reason "errors hurt"',
      ),
    ).toEqual({
      name: 'flag.guardrail.set',
      key: 'search-v3',
      metric: 'error_rate',
      threshold: 0.05,
      window: '5m',
      reason: 'errors hurt',
    });
    expect(parseTestCommand('/flag', 'guardrail remove search-v3 --reason "noisy"')).toEqual({
      name: 'flag.guardrail.remove',
      key: 'search-v3',
      reason: 'noisy',
    });
  });

  it('refuses --env, saying a guardrail belongs to the whole flag and is watched everywhere', () => {
    for (const text of [
      'guardrail set k --metric error_rate --threshold 1 --window 5m --env production',
      'guardrail remove k --env production',
    ]) {
      const error = errorOf('/flag', text);
      expect(error.message).toContain('drop `--env`');
      expect(error.message).toContain('every environment');
    }
  });

  it('names a bad threshold or window and what to type instead', () => {
    expect(errorOf('/flag', 'guardrail set k --metric error_rate --threshold high --window 5m').message).toContain(
      '`--threshold` must be a number, e.g. 0.05 (got `high`)',
    );
    expect(errorOf('/flag', 'guardrail set k --metric error_rate --threshold 1 --window 5 minutes').message).toContain(
      '`--window` must be a whole number of s, m, h or d above 0, e.g. 5m (got `5`)',
    );
    expect(errorOf('/flag', 'guardrail set k --metric error_rate --threshold 1 --window 0m').message).toContain(
      '`--window` must be',
    );
    expect(errorOf('/flag', 'guardrail set k --threshold 1 --window 5m').message).toContain(
      'missing `--metric <name>`',
    );
  });

  it('is a change of the flag in every environment, and /flag help lists it', () => {
    const command = parseTestCommand('/flag', 'guardrail set k --metric error_rate --threshold 1 --window 5m');
    expect(changeRequestOf(command, { actor: 'U1', flagKind: 'release' })).toEqual({
      action: 'flag.guardrail.set',
      requestedBy: 'U1',
      entity: 'flag',
      key: 'k',
      flagKind: 'release',
    });
    expect(usageFor('/flag')).toContain(USAGE['flag.guardrail.set']);
    expect(usageFor('/flag', 'guardrail')).toEqual([USAGE['flag.guardrail.set'], USAGE['flag.guardrail.remove']]);
  });
});

describe('/incident', () => {
  it('lists, shows and reviews incidents', () => {
    expect(parseTestCommand('/incident', 'list --open')).toEqual({ name: 'incident.list', open: true });
    expect(parseTestCommand('/incident', 'list')).toEqual({ name: 'incident.list', open: false });
    expect(parseTestCommand('/incident', 'show INC-12')).toEqual({ name: 'incident.show', id: 'INC-12' });
    expect(parseTestCommand('/incident', 'review INC-12 --notes "rolled back, root cause known"')).toEqual({
      name: 'incident.review',
      id: 'INC-12',
      notes: 'rolled back, root cause known',
    });
  });

  it('needs notes for a review, and answers help with its usage lines', () => {
    expect(errorOf('/incident', 'review INC-12').message).toContain('missing `--notes "<text>"`');
    const help = parseTestCommand('/incident', 'help');
    expect(help.name === 'incident.help' && help.text.split('\n')).toEqual([
      USAGE['incident.help'],
      USAGE['incident.list'],
      USAGE['incident.show'],
      USAGE['incident.review'],
    ]);
  });
});
