import { describe, expect, it } from 'vitest';
import { blocksToText } from '../bot/console/blocks-to-text.js';
import { validateFlag } from '../core/model/validate-flag.js';
import type { Message } from './blocks.js';
import { changedBy, renderFlag, renderFlagList } from './flags.js';

const now = new Date('2026-11-24T12:00:00Z');
const flag = validateFlag(
  {
    key: 'checkout-v2',
    kind: 'release',
    owner: 'payments',
    description: 'new checkout',
    expiry: '2026-12-20',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
    guardrails: { auto_disable: { metric: 'checkout_error_rate', threshold: 0.05, window: '5m' } },
    environments: {
      production: {
        killedTenants: ['globex'],
        userOverrides: {
          'user-9': { variation: 'on', expiresAt: '2026-11-25T12:00:00Z' },
          'user-1': { variation: 'off', expiresAt: '2026-11-01T00:00:00Z' },
        },
        tenantOverrides: { acme: 'on' },
        rules: [{ id: 'r1', priority: 1, condition: { 'user.email': { endsWith: '@x.io' } }, action: { serve: 'on' } }],
        serve: { rollout: { on: 25, off: 75 } },
      },
      staging: { killed: true },
    },
  },
  { now },
).flag;
const version = {
  document: flag,
  version: 7,
  action: 'flag.rollout.abort',
  createdBy: 'system',
  createdAt: '2026-11-24T11:00:00Z',
};
/** What a console user reads. */
const read = (m: Message) => blocksToText(m);

describe('/flag show', () => {
  it('shows every step that can decide an answer in an environment, in resolution order', () => {
    const text = read(renderFlag(version, ['dev', 'staging', 'production'], { now }));
    const production = text.slice(text.indexOf('production: '));
    expect(production.split('\n').slice(0, 6)).toEqual([
      'production: rollout on 25 % / off 75 %',
      '• killed for tenant(s) globex',
      '• user user-9 → on until 2026-11-25 12:00:00 UTC',
      '• user user-1 → off expired 2026-11-01 00:00:00 UTC',
      '• tenant acme → on',
      '• rule r1 (priority 1): if user.email endsWith @x.io → on',
    ]);
    expect(text).toMatch(/^staging: killed: serves off to everyone \(default \(off\) once the kill is lifted\)$/m);
    expect(text).toMatch(/^dev: default \(off\)$/m);
  });

  it('shows the guardrail and what a kill serves', () => {
    const text = read(renderFlag(version, ['production'], { now }));
    expect(text).toContain('Guardrail: auto-disable when checkout_error_rate is above 0.05 over 5m');
    expect(text).toContain('A kill serves: off');
  });

  it('credits the last change to the person system acted for', () => {
    const shown = renderFlag(version, ['production'], {
      last: { action: 'flag.rollout.abort', at: version.createdAt, actor: 'system', onBehalfOf: 'U_ALICE' },
    });
    expect(read(shown)).toContain('last flag.rollout.abort by @U_ALICE (applied by system) at 2026-11-24 11:00:00 UTC');
    expect(changedBy({ actor: 'system', onBehalfOf: 'guardrail' })).toBe(
      'by its guardrail monitor (applied by system)',
    );
    expect(changedBy({ actor: 'U_BOB', approvedBy: 'U_CAROL' })).toBe('by <@U_BOB>, approved by <@U_CAROL>');
  });
});

describe('/flag list --stale', () => {
  it('says why each flag is stale, with its owner', () => {
    const old = { ...version, document: { ...flag, key: 'old-one', owner: 'growth' } };
    const listed = renderFlagList([version, old], 'that are stale', {
      maxAgeDays: 90,
      flags: [
        { key: 'checkout-v2', kind: 'release', owner: 'payments', expiry: '2026-10-01', why: 'expired' },
        { key: 'old-one', kind: 'release', owner: 'growth', createdAt: '2026-07-01T09:00:00.000Z', why: 'old' },
      ],
    });
    const text = read(listed);
    expect(text).toContain('checkout-v2 release, owner payments: stale: past its expiry on 2026-10-01');
    expect(text).toContain('old-one release, owner growth: stale: older than 90 days (created 2026-07-01)');
  });
});
