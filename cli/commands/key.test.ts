import { describe, expect, it } from 'vitest';
import type { SdkKeyRow } from '../../storage/sdk-key-list.js';
import { describeKind, formatKeyList, parseGrace } from './key.js';

describe('the grace period of switchyard key rotate', () => {
  it('is a duration, or 0 to stop the old key at once', () => {
    expect(parseGrace('24h')).toBe(86_400_000);
    expect(parseGrace('1s')).toBe(1_000);
    expect(parseGrace('0')).toBe(0);
    expect(parseGrace('0s')).toBe(0);
  });

  it('refuses what is not a duration, and a grace longer than 30 days, saying what to do instead', () => {
    expect(() => parseGrace('soon')).toThrow(
      '"soon" is not a duration: use a number and a unit, like 90s, 30m, 4h or 1d',
    );
    expect(() => parseGrace('31d')).toThrow(
      '--grace 31d is longer than 30d: a grace period is for switching deployments over; keep two keys with switchyard key create instead',
    );
    expect(parseGrace('30d')).toBe(30 * 86_400_000);
  });
});

const row = (overrides: Partial<SdkKeyRow>): SdkKeyRow => ({
  id: 'k-1',
  name: 'checkout',
  env: 'production',
  scopes: ['flags', 'config'],
  kind: 'server',
  createdBy: 'cli:alice',
  createdAt: '2030-05-01T10:00:00.000Z',
  lifecycle: { state: 'active' },
  ...overrides,
});

describe('switchyard key list', () => {
  it('shows each key’s kind next to its origins: client when bound to browser origins, server otherwise', () => {
    const lines = formatKeyList(
      [
        row({}),
        row({ id: 'k-2', name: 'storefront', scopes: ['flags'], kind: 'client', origins: ['https://shop.example'] }),
      ],
      new Map(),
    );
    expect(lines).toEqual([
      'ID   NAME        ENV         SCOPES        KIND    ORIGINS               CREATED                            LAST USED  STATE',
      'k-1  checkout    production  flags,config  server  -                     2030-05-01 10:00:00Z by cli:alice  never      active',
      'k-2  storefront  production  flags         client  https://shop.example  2030-05-01 10:00:00Z by cli:alice  never      active',
    ]);
  });

  it('says at creation and rotation which kind a key is', () => {
    expect(describeKind(row({}))).toBe('server key');
    expect(describeKind(row({ origins: ['https://shop.example', 'http://localhost:5173'] }))).toBe(
      'client key for browsers on https://shop.example, http://localhost:5173: OFREP evaluation only',
    );
  });
});
