import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configEntrySchema, type ConfigEntry, type ConfigEntryInput } from '../model/config-entry.js';
import { isSecretEnvelope, openSecret, sealSecret } from './envelope.js';
import { assertSecretValuesSealed, sealSecretEntry, secretPlaceOf, unsealedSecretValues } from './sealed-entry.js';

const master = randomBytes(32);
const KEY = 'payments.api-key';
const secret = (input: Partial<ConfigEntryInput>): ConfigEntry =>
  configEntrySchema.parse({ key: KEY, valueType: 'string', secret: true, ...input });

describe('sealing a secret entry', () => {
  it('seals the global value and every scoped value, and each opens to its clear text', () => {
    const entry = secret({
      value: 'global-clear',
      scopes: [
        { env: 'production', value: 'prod-clear' },
        { env: 'dev', tenant: 'acme', value: 'acme-clear' },
      ],
    });
    const { entry: sealed } = sealSecretEntry(entry, master);
    expect(unsealedSecretValues(sealed)).toEqual([]);
    expect(openSecret(master, sealed.value, { key: KEY })).toBe('global-clear');
    expect(sealed.scopes.map((s) => openSecret(master, s.value, secretPlaceOf(KEY, s)))).toEqual([
      'prod-clear',
      'acme-clear',
    ]);
    expect(sealed.scopes.map((s) => [s.env, s.tenant])).toEqual([
      ['production', undefined],
      ['dev', 'acme'],
    ]);
    expect(JSON.stringify(sealed)).not.toMatch(/global-clear|prod-clear|acme-clear/);
  });

  it('passes an envelope through unchanged, so importing an export does not seal it twice', () => {
    const envelope = sealSecret(master, 'already-sealed', { key: KEY, env: 'production' });
    const { entry: sealed } = sealSecretEntry(secret({ scopes: [{ env: 'production', value: envelope }] }), master);
    expect(sealed.scopes[0]!.value).toEqual(envelope);
    expect(openSecret(master, sealed.scopes[0]!.value, { key: KEY, env: 'production' })).toBe('already-sealed');
  });

  it('keeps the stored envelope when the clear value has not changed, and seals afresh when it has', () => {
    const stored = sealSecretEntry(
      secret({
        scopes: [
          { env: 'production', value: 'same' },
          { env: 'dev', value: 'old' },
        ],
      }),
      master,
    ).entry;
    const again = sealSecretEntry(
      secret({
        scopes: [
          { env: 'production', value: 'same' },
          { env: 'dev', value: 'new' },
        ],
      }),
      master,
      stored,
    ).entry;
    expect(again.scopes[0]!.value).toEqual(stored.scopes[0]!.value);
    expect(again.scopes[1]!.value).not.toEqual(stored.scopes[1]!.value);
    expect(openSecret(master, again.scopes[1]!.value, { key: KEY, env: 'dev' })).toBe('new');
  });

  it('seals a non-text value as its JSON text', () => {
    const { entry: sealed } = sealSecretEntry(
      secret({ valueType: 'json', value: { user: 'svc', password: 'pw-123' } }),
      master,
    );
    expect(JSON.parse(openSecret(master, sealed.value, { key: KEY }))).toEqual({ user: 'svc', password: 'pw-123' });
  });

  it('refuses a clear value of the wrong type without showing it', () => {
    expect(() => sealSecretEntry(secret({ valueType: 'int', value: 'not-a-number-xyz' }), master)).toThrow(
      /secret payments.api-key: a clear value does not fit its type int \(value\)/,
    );
    expect(() => sealSecretEntry(secret({ valueType: 'int', value: 'not-a-number-xyz' }), master)).not.toThrow(
      /not-a-number-xyz/,
    );
  });

  it('warns when an envelope was sealed with another master key', () => {
    const other = sealSecret(randomBytes(32), 'x', { key: KEY, env: 'production' });
    const { warnings } = sealSecretEntry(secret({ scopes: [{ env: 'production', value: other }] }), master);
    expect(warnings.join('\n')).toMatch(/scope env production was sealed with another master key/);
  });

  it('refuses an envelope sealed for another scope, naming both places', () => {
    const fromStaging = sealSecret(master, 'x', { key: KEY, env: 'staging' });
    expect(() => sealSecretEntry(secret({ scopes: [{ env: 'production', value: fromStaging }] }), master)).toThrow(
      'secret payments.api-key: the envelope found at secret payments.api-key (env production) was sealed for secret payments.api-key (env staging)',
    );
  });

  it("seals a v1 envelope's value afresh (bound to its place) when the same clear value is imported again", () => {
    const v1 = JSON.parse(
      readFileSync(new URL('../../test/fixtures/secret-envelope-v1.json', import.meta.url), 'utf8'),
    );
    const v1Master = Buffer.from(v1.masterKeyBase64, 'base64');
    const stored = secret({ scopes: [{ env: 'production', value: v1.envelope }] });
    const again = sealSecretEntry(secret({ scopes: [{ env: 'production', value: v1.clear }] }), v1Master, stored).entry;
    expect(again.scopes[0]!.value).toMatchObject({ v: 2, boundTo: { key: KEY, env: 'production' } });
    expect(openSecret(v1Master, again.scopes[0]!.value, { key: KEY, env: 'production' })).toBe(v1.clear);
  });

  it('leaves a plain config entry alone', () => {
    const plain = configEntrySchema.parse({ key: 'http.timeout', valueType: 'int', value: 30 });
    expect(sealSecretEntry(plain, master).entry).toBe(plain);
    expect(unsealedSecretValues(plain)).toEqual([]);
  });
});

describe('the storage guard against clear secrets', () => {
  it('refuses a secret whose values are not envelopes, naming the key and every place but never the value', () => {
    const document = secret({
      value: 'clear-global-123',
      scopes: [
        { env: 'production', value: sealSecret(master, 'x', { key: KEY, env: 'production' }) },
        { env: 'staging', tenant: 'acme', value: 'clear-acme-456' },
      ],
    });
    const attempt = () => assertSecretValuesSealed({ kind: 'config', key: document.key, document });
    expect(attempt).toThrow(
      'secret payments.api-key: the global value and the scope env staging, tenant acme are not a sealed envelope',
    );
    expect(attempt).not.toThrow(/clear-global-123|clear-acme-456/);
  });

  it('refuses an envelope copied from another secret, whichever path stores it', () => {
    const copied = secret({
      scopes: [
        { env: 'production', value: sealSecret(master, 'x', { key: 'payments.webhook-secret', env: 'production' }) },
      ],
    });
    expect(() => assertSecretValuesSealed({ kind: 'config', key: copied.key, document: copied })).toThrow(
      /found at secret payments.api-key \(env production\) was sealed for secret payments.webhook-secret \(env production\)/,
    );
  });

  it('lets sealed secrets, plain config entries and flags through', () => {
    const sealed = secret({
      value: sealSecret(master, 'a', { key: KEY }),
      scopes: [{ env: 'dev', value: sealSecret(master, 'b', { key: KEY, env: 'dev' }) }],
    });
    expect(isSecretEnvelope(sealed.value)).toBe(true);
    expect(() => assertSecretValuesSealed({ kind: 'config', key: sealed.key, document: sealed })).not.toThrow();
    expect(() =>
      assertSecretValuesSealed({
        kind: 'config',
        key: 'http.timeout',
        document: { key: 'http.timeout', valueType: 'int', value: 30 },
      }),
    ).not.toThrow();
    expect(() =>
      assertSecretValuesSealed({ kind: 'flag', key: 'f', document: { key: 'f', secret: true, value: 'x' } }),
    ).not.toThrow();
  });
});
