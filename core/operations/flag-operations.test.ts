import { describe, expect, it } from 'vitest';
import { flagDocumentSchema } from '../model/flag.js';
import {
  addRule,
  booleanVariation,
  currentPercent,
  kill,
  removeRule,
  rolloutTo,
  serveVariation,
  setRollout,
  unkill,
} from './flag-operations.js';

const flag = flagDocumentSchema.parse({
  key: 'checkout.new-flow',
  description: 'New checkout',
  owner: 'team-pay',
  expiry: '2099-01-01',
  default: false,
  variations: [
    { id: 'off', value: false },
    { id: 'on', value: true },
  ],
});

describe('flag operations', () => {
  it('serving a variation in one environment leaves the others and the input untouched', () => {
    const next = serveVariation(flag, 'production', 'on');
    expect(next.environments.production?.serve).toEqual({ serve: 'on' });
    expect(next.environments.dev).toBeUndefined();
    expect(flag.environments.production).toBeUndefined();
  });

  it('serving with a tenant sets a tenant override, not the environment serve', () => {
    const next = serveVariation(flag, 'production', 'on', 'acme');
    expect(next.environments.production?.tenantOverrides).toEqual({ acme: 'on' });
    expect(next.environments.production?.serve).toBeUndefined();
  });

  it('an unknown variation is refused with the known ones named', () => {
    expect(() => serveVariation(flag, 'dev', 'maybe')).toThrow(/no variation "maybe" \(variations: off, on\)/);
  });

  it('on/off only makes sense for boolean flags', () => {
    expect(booleanVariation(flag, true)).toBe('on');
    const strings = flagDocumentSchema.parse({ ...flag, default: 'a', variations: [{ id: 'a', value: 'a' }] });
    expect(() => booleanVariation(strings, true)).toThrow(/not a boolean flag/);
  });

  it('a rollout to a variation splits against the default and reads back as its percentage', () => {
    expect(rolloutTo(flag, 'on', 25)).toEqual({ on: 25, off: 75 });
    expect(rolloutTo(flag, 'on', 100)).toEqual({ on: 100 });
    const next = setRollout(flag, 'production', rolloutTo(flag, 'on', 25));
    expect(currentPercent(next, 'production', 'on')).toBe(25);
    expect(currentPercent(next, 'staging', 'on')).toBe(0);
  });

  it('kill and unkill toggle the environment or one tenant', () => {
    const killed = kill(flag, 'production');
    expect(killed.environments.production?.killed).toBe(true);
    expect(unkill(killed, 'production').environments.production?.killed).toBe(false);
    const tenantKilled = kill(kill(flag, 'production', 'acme'), 'production', 'acme');
    expect(tenantKilled.environments.production?.killedTenants).toEqual(['acme']);
  });

  it('rules get fresh ids and can be removed by id; removing an unknown id names the known ones', () => {
    const withRule = addRule(flag, 'dev', {
      priority: 1,
      condition: { 'user.email': { endsWith: '@x.io' } },
      action: { serve: 'on' },
    });
    const id = withRule.environments.dev!.rules[0]!.id!;
    expect(id).toBe('r1');
    expect(() => removeRule(withRule, 'dev', 'r9')).toThrow(/no rule "r9" in dev \(rules there: r1\)/);
    expect(removeRule(withRule, 'dev', id).environments.dev?.rules).toEqual([]);
  });
});
