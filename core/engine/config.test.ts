import { describe, expect, it } from 'vitest';
import { configEntrySchema, type ConfigEntryInput } from '../model/config-entry.js';
import { compileSnapshot } from './compile.js';
import type { ConfigResult, EvaluationContext } from './types.js';

function resolve(input: Partial<ConfigEntryInput>, context: EvaluationContext, env = 'production'): ConfigResult {
  const entry = configEntrySchema.parse({ key: 'search.page_size', valueType: 'int', ...input });
  return compileSnapshot({
    env,
    version: 1,
    generatedAt: '',
    flags: {},
    configs: { [entry.key]: entry },
  }).resolveConfig(entry.key, context);
}

const layered: Partial<ConfigEntryInput> = {
  value: 20,
  scopes: [
    { env: 'production', value: 50 },
    { tenant: 'acme', value: 100 },
    { user: 'ana', value: 5 },
    { env: 'staging', tenant: 'globex', value: 999 },
  ],
};

describe('dynamic config resolution (docs/design.md#config-resolution)', () => {
  it('resolves user, then tenant, then environment, then global — the winner takes all', () => {
    expect(resolve(layered, { targetingKey: 'ana', tenant: { id: 'acme' } })).toMatchObject({
      ok: true,
      value: 5,
      scope: 'user',
      valueType: 'int',
    });
    expect(resolve(layered, { targetingKey: 'bob', tenant: { id: 'acme' } })).toMatchObject({
      value: 100,
      scope: 'tenant',
    });
    expect(resolve(layered, { targetingKey: 'bob', tenant: { id: 'initech' } })).toMatchObject({
      value: 50,
      scope: 'env',
    });
    expect(resolve(layered, { targetingKey: 'bob' }, 'dev')).toMatchObject({ value: 20, scope: 'global' });
  });

  it('never applies a scope pinned to another environment', () => {
    expect(resolve(layered, { tenant: { id: 'globex' } })).toMatchObject({ value: 50, scope: 'env' });
    expect(resolve(layered, { tenant: { id: 'globex' } }, 'staging')).toMatchObject({ value: 999, scope: 'tenant' });
  });

  it('at one level an environment-specific value beats an environment-less one', () => {
    const entry = {
      value: 1,
      scopes: [
        { tenant: 'acme', value: 2 },
        { tenant: 'acme', env: 'production', value: 3 },
      ],
    };
    expect(resolve(entry, { tenant: { id: 'acme' } })).toMatchObject({ value: 3, scope: 'tenant' });
    expect(resolve(entry, { tenant: { id: 'acme' } }, 'dev')).toMatchObject({ value: 2, scope: 'tenant' });
  });

  it('a scope with no env, tenant or user overrides the global value', () => {
    expect(resolve({ value: 1, scopes: [{ value: 7 }] }, {})).toMatchObject({ value: 7, scope: 'global' });
  });

  it('a user value pinned to a tenant applies only to that user within that tenant', () => {
    const entry = { value: 1, scopes: [{ user: 'ana', tenant: 'acme', value: 9 }] };
    expect(resolve(entry, { targetingKey: 'ana', tenant: { id: 'acme' } })).toMatchObject({ value: 9, scope: 'user' });
    expect(resolve(entry, { targetingKey: 'ana', tenant: { id: 'globex' } })).toMatchObject({
      value: 1,
      scope: 'global',
    });
  });

  it('does not serve a secret', () => {
    const result = resolve({ secret: true, valueType: 'string', value: 'envelope' }, {});
    expect(result).toMatchObject({ ok: false, errorCode: 'FLAG_NOT_FOUND' });
    expect(!result.ok && result.errorDetails).toMatch(/is a secret/);
  });

  it('an entry with no value for the context, or no entry at all, is FLAG_NOT_FOUND with details', () => {
    const scopedOnly = resolve({ scopes: [{ tenant: 'acme', value: 3 }] }, { tenant: { id: 'globex' } });
    expect(scopedOnly).toMatchObject({ ok: false, errorCode: 'FLAG_NOT_FOUND' });
    expect(!scopedOnly.ok && scopedOnly.errorDetails).toMatch(/no value for this context/);
    const compiled = compileSnapshot({ env: 'dev', version: 1, generatedAt: '', flags: {}, configs: {} });
    expect(compiled.resolveConfig('missing.key', {})).toMatchObject({ ok: false, errorCode: 'FLAG_NOT_FOUND' });
  });
});
