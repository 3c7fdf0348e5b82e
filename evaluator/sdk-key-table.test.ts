import { describe, expect, it } from 'vitest';
import { hashSdkKey } from '../core/sdk-key.js';
import { SdkKeyTable } from './sdk-key-table.js';

const record = (env: string, scopes: string[] = ['flags']) =>
  JSON.stringify({ id: `id-${env}`, env, scopes, name: `${env} key` });

describe('SDK key table', () => {
  it('finds a record by the clear key, knowing only its sha256', () => {
    const { table } = SdkKeyTable.fromHash({ [hashSdkKey('sy_prod_secret')]: record('production') });
    expect(table.lookup('sy_prod_secret')).toMatchObject({ env: 'production', scopes: ['flags'] });
    expect(table.lookup('sy_prod_secret')).toMatchObject({ env: 'production' });
    expect(table.lookup('sy_prod_secreT')).toBeUndefined();
  });

  it('leaves out a malformed record, names the problem, and keeps the others working', () => {
    const { table, problems } = SdkKeyTable.fromHash({
      [hashSdkKey('good')]: record('dev'),
      [hashSdkKey('not-json')]: '{oops',
      [hashSdkKey('bad-scope')]: record('dev', ['everything']),
    });
    expect(table.lookup('good')?.env).toBe('dev');
    expect(table.lookup('not-json')).toBeUndefined();
    expect(table.lookup('bad-scope')).toBeUndefined();
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/not valid JSON/);
    expect(problems.join('\n')).toMatch(/scopes/);
  });

  it('accepts a rotated key until its expiresAt and refuses it from then on, cached or not', () => {
    const expiresAt = '2030-01-01T00:00:00.000Z';
    const until = Date.parse(expiresAt);
    const { table } = SdkKeyTable.fromHash({
      [hashSdkKey('sy_old')]: JSON.stringify({ id: 'old', env: 'dev', scopes: ['flags'], name: 'web', expiresAt }),
    });
    expect(table.lookup('sy_old', until - 1)).toMatchObject({ id: 'old', expiresAt });
    expect(table.lookup('sy_old', until)).toBeUndefined();
    expect(table.lookup('sy_old', until + 60_000)).toBeUndefined();
    // A table built after the expiry refuses it on the first lookup too.
    const { table: fresh } = SdkKeyTable.fromHash({
      [hashSdkKey('sy_old')]: JSON.stringify({ id: 'old', env: 'dev', scopes: ['flags'], name: 'web', expiresAt }),
    });
    expect(fresh.lookup('sy_old', until + 1)).toBeUndefined();
  });

  it('leaves out a record whose expiry cannot be read, rather than letting it live forever', () => {
    const { table, problems } = SdkKeyTable.fromHash({
      [hashSdkKey('sy_bad')]: JSON.stringify({
        id: 'x',
        env: 'dev',
        scopes: ['flags'],
        name: 'web',
        expiresAt: 'tomorrow',
      }),
    });
    expect(table.lookup('sy_bad')).toBeUndefined();
    expect(problems.join('\n')).toMatch(/expiresAt/);
  });

  it('holds the origins of each key, and their union for preflights, which carry no key', () => {
    const { table, problems } = SdkKeyTable.fromHash({
      [hashSdkKey('sy_a')]: JSON.stringify({
        id: 'a',
        env: 'dev',
        scopes: ['flags'],
        name: 'a',
        origins: ['https://a.example'],
      }),
      [hashSdkKey('sy_b')]: JSON.stringify({
        id: 'b',
        env: 'dev',
        scopes: ['flags'],
        name: 'b',
        origins: ['https://b.example', 'https://a.example'],
      }),
      [hashSdkKey('sy_c')]: record('dev'),
      [hashSdkKey('sy_bad')]: JSON.stringify({
        id: 'x',
        env: 'dev',
        scopes: ['flags'],
        name: 'x',
        origins: 'https://x.example',
      }),
    });
    expect(table.lookup('sy_a')?.origins).toEqual(['https://a.example']);
    expect(table.lookup('sy_c')).not.toHaveProperty('origins');
    expect(table.origins).toEqual(new Set(['https://a.example', 'https://b.example']));
    expect(table.lookup('sy_bad')).toBeUndefined();
    expect(problems.join('\n')).toMatch(/"origins"/);
    expect(SdkKeyTable.empty().origins.size).toBe(0);
  });

  it('sees the same content in any field order as unchanged', () => {
    const a = { [hashSdkKey('a')]: record('dev'), [hashSdkKey('b')]: record('production') };
    const b = { [hashSdkKey('b')]: record('production'), [hashSdkKey('a')]: record('dev') };
    expect(SdkKeyTable.fromHash(a).table.fingerprint).toBe(SdkKeyTable.fromHash(b).table.fingerprint);
    expect(SdkKeyTable.fromHash(a).table.environments()).toEqual(new Set(['dev', 'production']));
  });
});
