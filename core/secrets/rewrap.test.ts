import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configEntrySchema, type ConfigEntry } from '../model/config-entry.js';
import { openSecret, sealSecret, type SecretEnvelope } from './envelope.js';
import { keyRing, masterKeyId } from './keyring.js';
import { envelopeCountsByKey, rewrapSecretEntry } from './rewrap.js';
import { secretPlaceOf } from './sealed-entry.js';

const A = randomBytes(32);
const B = randomBytes(32);
const KEY = 'payments.api-key';
const entry = (value: unknown, scopes: Array<{ env: string; value: unknown }>): ConfigEntry =>
  configEntrySchema.parse({ key: KEY, valueType: 'string', secret: true, value, scopes });

describe('re-wrapping a secret entry', () => {
  const stored = entry(sealSecret(A, 'global-clear', { key: KEY }), [
    { env: 'production', value: sealSecret(A, 'prod-clear', { key: KEY, env: 'production' }) },
    { env: 'staging', value: sealSecret(B, 'staging-clear', { key: KEY, env: 'staging' }) },
  ]);

  it('moves every envelope under an older key to the current key, keeping each value’s ciphertext, and all still open', () => {
    const result = rewrapSecretEntry(stored, keyRing([B, A]))!;
    expect(result.rewrapped).toBe(2);
    const after = result.entry;
    expect(envelopeCountsByKey([after])).toEqual(new Map([[masterKeyId(B), 3]]));
    type V2 = Extract<SecretEnvelope, { v: 2 }>;
    const before = stored.scopes[0]!.value as V2;
    const moved = after.scopes[0]!.value as V2;
    expect([moved.iv, moved.ciphertext, moved.tag, moved.boundTo]).toEqual([
      before.iv,
      before.ciphertext,
      before.tag,
      before.boundTo,
    ]);
    expect(moved.wrappedKey).not.toBe(before.wrappedKey);
    // The staging envelope was already under B: untouched.
    expect(after.scopes[1]).toEqual(stored.scopes[1]);
    const onlyB = keyRing([B]);
    expect(openSecret(onlyB, after.value, { key: KEY })).toBe('global-clear');
    expect(after.scopes.map((s) => openSecret(onlyB, s.value, secretPlaceOf(KEY, s)))).toEqual([
      'prod-clear',
      'staging-clear',
    ]);
  });

  it('is nothing to do when every envelope is under the current key', () => {
    const once = rewrapSecretEntry(stored, keyRing([B, A]))!.entry;
    expect(rewrapSecretEntry(once, keyRing([B, A]))).toBeUndefined();
    expect(rewrapSecretEntry(stored, keyRing([B, A, randomBytes(32)]))?.rewrapped).toBe(2);
  });

  it('refuses an envelope under a key the ring lacks, naming the secret, the scope and the fingerprint', () => {
    expect(() => rewrapSecretEntry(stored, keyRing([B]))).toThrow(
      `secret ${KEY}: the global value is under master key ${masterKeyId(A)}, which the key ring lacks: add that key to SECRETS_MASTER_KEYS (after the current one) to re-wrap it`,
    );
  });

  it('refuses a data key that fails authentication instead of wrapping garbage', () => {
    const envelope = sealSecret(A, 'x', { key: KEY, env: 'production' });
    const bytes = Buffer.from(envelope.wrappedKey, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    const broken = entry(undefined, [
      { env: 'production', value: { ...envelope, wrappedKey: bytes.toString('base64') } },
    ]);
    expect(() => rewrapSecretEntry(broken, keyRing([B, A]))).toThrow(
      `the data key of the secret envelope at secret ${KEY} (env production) failed authentication under master key ${masterKeyId(A)}`,
    );
  });

  it('re-wraps a version-1 envelope as version 1: it still opens wherever it is', () => {
    const v1 = JSON.parse(
      readFileSync(new URL('../../test/fixtures/secret-envelope-v1.json', import.meta.url), 'utf8'),
    ) as { masterKeyBase64: string; clear: string; envelope: unknown };
    const old = Buffer.from(v1.masterKeyBase64, 'base64');
    const after = rewrapSecretEntry(entry(undefined, [{ env: 'production', value: v1.envelope }]), keyRing([B, old]))!;
    const moved = after.entry.scopes[0]!.value as SecretEnvelope;
    expect([moved.v, moved.kid]).toEqual([1, masterKeyId(B)]);
    expect(openSecret(B, moved, { key: KEY, env: 'production' })).toBe(v1.clear);
  });
});
