import { createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSecretEnvelope, openSecret, parseMasterKey, sealSecret, type SecretPlace } from './envelope.js';

const master = randomBytes(32);
const production: SecretPlace = { key: 'payments.api-key', env: 'production' };

/** An envelope sealed by the code of before places were bound (version 1), with its test master key. */
const v1 = JSON.parse(
  readFileSync(new URL('../../test/fixtures/secret-envelope-v1.json', import.meta.url), 'utf8'),
) as {
  masterKeyBase64: string;
  clear: string;
  envelope: Record<string, unknown>;
};

describe('secret envelopes', () => {
  it('a sealed value opens to the same text with the same master key at the same place', () => {
    const envelope = sealSecret(master, 'p@ss wörd ✓', production);
    expect(envelope).toMatchObject({ v: 2, boundTo: production });
    expect(openSecret(master, JSON.parse(JSON.stringify(envelope)), production)).toBe('p@ss wörd ✓');
  });

  it('the envelope never contains the clear value, and two seals of one value differ', () => {
    const a = sealSecret(master, 'super-secret-value', production);
    const b = sealSecret(master, 'super-secret-value', production);
    expect(JSON.stringify(a)).not.toContain('super-secret-value');
    expect(JSON.stringify(a)).not.toContain(Buffer.from('super-secret-value').toString('base64'));
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
  });

  it('the wrong master key is named as such', () => {
    const envelope = sealSecret(master, 'x', production);
    expect(() => openSecret(randomBytes(32), envelope, production)).toThrow(/another master key/);
  });

  it('a tampered ciphertext fails authentication instead of returning garbage', () => {
    const envelope = sealSecret(master, 'abcdefgh', production);
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    expect(() => openSecret(master, { ...envelope, ciphertext: bytes.toString('base64') }, production)).toThrow(
      /altered, is corrupt/,
    );
  });

  it('a master key of the wrong length is refused with its size', () => {
    expect(() => parseMasterKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes.*got 16/);
    expect(() => parseMasterKey(undefined)).toThrow(/SECRETS_MASTER_KEY is not set/);
    expect(parseMasterKey(master.toString('base64')).equals(master)).toBe(true);
  });
});

describe('an envelope is bound to its entry and scope', () => {
  const moves: Array<[string, SecretPlace]> = [
    ['another secret', { key: 'payments.webhook-secret', env: 'production' }],
    ['another environment', { key: 'payments.api-key', env: 'staging' }],
    ['a tenant scope', { key: 'payments.api-key', env: 'production', tenant: 'acme' }],
    ['a user scope', { key: 'payments.api-key', env: 'production', user: 'u-42' }],
    ['the global value', { key: 'payments.api-key' }],
  ];

  it.each(moves)('an envelope moved to %s does not open, and the error names both places', (_, elsewhere) => {
    const envelope = sealSecret(master, 'moved-value', production);
    let message = '';
    try {
      openSecret(master, envelope, elsewhere);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`the envelope found at secret ${elsewhere.key} (`);
    expect(message).toContain('was sealed for secret payments.api-key (env production)');
    expect(message).toContain('copied from another secret or scope');
    expect(message).not.toContain('moved-value');
  });

  it('a moved envelope whose clear place label was edited to match still fails: the place is authenticated, not read', () => {
    const envelope = sealSecret(master, 'moved-value', production);
    const staging = { key: 'payments.api-key', env: 'staging' };
    expect(() => openSecret(master, { ...envelope, boundTo: staging }, staging)).toThrow(
      'the secret envelope at secret payments.api-key (env staging) failed authentication: it was altered, is corrupt, or was moved from another secret or scope',
    );
  });

  it('place parts are unambiguous: a key containing the separator of another place does not collide', () => {
    const envelope = sealSecret(master, 'v', { key: 'a', env: 'b' });
    expect(() => openSecret(master, { ...envelope, boundTo: { key: 'a","b' } }, { key: 'a","b' })).toThrow(
      /failed authentication/,
    );
  });

  it('an envelope sealed before places were bound (version 1) still opens, wherever it is', () => {
    const v1Master = parseMasterKey(v1.masterKeyBase64);
    expect(isSecretEnvelope(v1.envelope)).toBe(true);
    expect(openSecret(v1Master, v1.envelope, production)).toBe(v1.clear);
    expect(openSecret(v1Master, v1.envelope, { key: 'anything.else' })).toBe(v1.clear);
    expect(() => openSecret(randomBytes(32), v1.envelope, production)).toThrow(/another master key/);
  });
});

describe('AES-GCM tags are pinned to 16 bytes', () => {
  const truncate = (base64: string, bytes: number) =>
    Buffer.from(base64, 'base64').subarray(0, bytes).toString('base64');

  it('a 4-byte prefix of a valid tag is a valid GCM tag to an unpinned decipher: what pinning closes', () => {
    const envelope = sealSecret(master, 'x', production);
    const decipher = createDecipheriv('aes-256-gcm', master, Buffer.from(envelope.wrapIv, 'base64'));
    decipher.setAuthTag(Buffer.from(truncate(envelope.wrapTag, 4), 'base64'));
    const dataKey = Buffer.concat([decipher.update(Buffer.from(envelope.wrappedKey, 'base64')), decipher.final()]);
    expect(dataKey).toHaveLength(32);
  });

  it.each(['tag', 'wrapTag'] as const)(
    'an envelope whose %s is cut to 4 bytes is refused, naming the field',
    (field) => {
      const envelope = sealSecret(master, 'truncated-value', production);
      const cut = { ...envelope, [field]: truncate(envelope[field], 4) };
      expect(() => openSecret(master, cut, production)).toThrow(
        `the secret envelope at secret payments.api-key (env production) has an authentication tag that is not 16 bytes (${field} is 4 bytes): ` +
          'it was truncated or altered and is refused; set this secret again',
      );
    },
  );

  it('a tag longer than 16 bytes is refused too, and a whole one still opens', () => {
    const envelope = sealSecret(master, 'v', production);
    const long = Buffer.concat([Buffer.from(envelope.tag, 'base64'), Buffer.alloc(1)]).toString('base64');
    expect(() => openSecret(master, { ...envelope, tag: long }, production)).toThrow(/tag is 17 bytes/);
    expect(openSecret(master, envelope, production)).toBe('v');
  });
});
