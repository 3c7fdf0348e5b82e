import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coreSettingsSchema, parseSettingsWith } from '../settings.js';
import { openSecret, sealSecret } from './envelope.js';
import { checkMasterKeySettings, keyRing, keyRingFromSettings, masterKeyId, parseMasterKeyList } from './keyring.js';

const A = randomBytes(32);
const B = randomBytes(32);
const b64 = (key: Buffer) => key.toString('base64');
const place = { key: 'payments.api-key', env: 'production' };
/** The core settings as boot checks them: each variable, then the cross-variable rule. */
const schema = coreSettingsSchema.superRefine(checkMasterKeySettings);
const boot = (env: Record<string, string>) => parseSettingsWith(schema, env);

describe('the master key ring', () => {
  it('SECRETS_MASTER_KEYS is the ring, current first; SECRETS_MASTER_KEY alone is a ring of one', () => {
    const ring = keyRingFromSettings({ SECRETS_MASTER_KEYS: `${b64(B)}, ${b64(A)}` })!;
    expect(ring.currentId).toBe(masterKeyId(B));
    expect([...ring.keys.keys()]).toEqual([masterKeyId(B), masterKeyId(A)]);
    expect(keyRingFromSettings({ SECRETS_MASTER_KEY: b64(A) })!.currentId).toBe(masterKeyId(A));
    expect(keyRingFromSettings({})).toBeUndefined();
  });

  it('both variables set and agreeing make the longer ring', () => {
    const ring = keyRingFromSettings({ SECRETS_MASTER_KEY: b64(B), SECRETS_MASTER_KEYS: `${b64(B)},${b64(A)}` })!;
    expect(ring.keys.size).toBe(2);
    expect(boot({ SECRETS_MASTER_KEY: b64(B), SECRETS_MASTER_KEYS: `${b64(B)},${b64(A)}` }).ok).toBe(true);
  });

  it('seals with the current key and opens with any key of the ring', () => {
    const old = sealSecret(A, 'sealed-before-rotation', place);
    const ring = keyRing([B, A]);
    const fresh = sealSecret(ring, 'sealed-after', place);
    expect(fresh.kid).toBe(masterKeyId(B));
    expect(openSecret(ring, old, place)).toBe('sealed-before-rotation');
    expect(openSecret(ring, fresh, place)).toBe('sealed-after');
  });

  it('an envelope under a key the ring lacks names that key by fingerprint, and the ring by fingerprints', () => {
    const old = sealSecret(A, 'x', place);
    let message = '';
    try {
      openSecret(keyRing([B]), old, place);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      `this secret was sealed with another master key (${masterKeyId(A)}), which the key ring lacks (it holds ${masterKeyId(B)}): add that key to SECRETS_MASTER_KEYS after the current one`,
    );
    for (const key of [A, B]) expect(message).not.toContain(b64(key));
  });
});

describe('the key ring settings at boot', () => {
  const oneLine = (env: Record<string, string>) => {
    const parsed = boot(env);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return '';
    expect(parsed.message.split('\n')).toHaveLength(1);
    for (const key of [A, B]) expect(parsed.message).not.toContain(b64(key));
    return parsed.message;
  };

  it('refuses both variables disagreeing on the current key in one line naming both, by fingerprint', () => {
    const line = oneLine({ SECRETS_MASTER_KEY: b64(A), SECRETS_MASTER_KEYS: `${b64(B)},${b64(A)}` });
    expect(line).toMatch(
      /^configuration error: SECRETS_MASTER_KEYS and SECRETS_MASTER_KEY disagree on the current key/,
    );
    expect(line).toContain(
      `SECRETS_MASTER_KEYS starts with ${masterKeyId(B)}, SECRETS_MASTER_KEY is ${masterKeyId(A)}`,
    );
  });

  it.each([
    ['a short key', () => `${b64(B)},${b64(randomBytes(16))}`, 'key 2 of 2 is 16 bytes, not 32'],
    ['an empty entry', () => `${b64(B)},,${b64(A)}`, 'key 2 of 3 is empty'],
    ['text that is not base64', () => `${b64(B)},not*base64`, 'key 2 of 2 is not base64'],
    ['a key given twice', () => `${b64(B)},${b64(A)},${b64(B)}`, `key 3 of 3 repeats key 1 (${masterKeyId(B)})`],
  ])('refuses %s in one line naming the variable and the key by position, never its text', (_, value, problem) => {
    const text = value();
    const line = oneLine({ SECRETS_MASTER_KEYS: text });
    expect(line).toBe(
      `configuration error: SECRETS_MASTER_KEYS must be comma-separated base64 32-byte keys, the current key first: ${problem} (got ${text.length} characters, not shown)`,
    );
  });

  it('a malformed SECRETS_MASTER_KEY is one line too, and does not echo the key', () => {
    const short = b64(randomBytes(16));
    const line = oneLine({ SECRETS_MASTER_KEY: short });
    expect(line).toMatch(/^configuration error: SECRETS_MASTER_KEY must be 32 bytes/);
    expect(line).not.toContain(short);
  });

  it('parses a list with spaces around the commas', () => {
    expect(parseMasterKeyList(` ${b64(A)} , ${b64(B)} `)).toEqual({ keys: [A, B] });
  });
});
