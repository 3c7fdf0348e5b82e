import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, parseMasterKey, sealSecret } from './envelope.js';

const master = randomBytes(32);

describe('secret envelopes', () => {
  it('a sealed value opens to the same text with the same master key', () => {
    const envelope = sealSecret(master, 'p@ss wörd ✓');
    expect(openSecret(master, JSON.parse(JSON.stringify(envelope)))).toBe('p@ss wörd ✓');
  });

  it('the envelope never contains the clear value, and two seals of one value differ', () => {
    const a = sealSecret(master, 'super-secret-value');
    const b = sealSecret(master, 'super-secret-value');
    expect(JSON.stringify(a)).not.toContain('super-secret-value');
    expect(JSON.stringify(a)).not.toContain(Buffer.from('super-secret-value').toString('base64'));
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
  });

  it('the wrong master key is named as such', () => {
    const envelope = sealSecret(master, 'x');
    expect(() => openSecret(randomBytes(32), envelope)).toThrow(/another master key/);
  });

  it('a tampered ciphertext fails authentication instead of returning garbage', () => {
    const envelope = sealSecret(master, 'abcdefgh');
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    expect(() => openSecret(master, { ...envelope, ciphertext: bytes.toString('base64') })).toThrow(/altered or is corrupt/);
  });

  it('a master key of the wrong length is refused with its size', () => {
    expect(() => parseMasterKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes.*got 16/);
    expect(() => parseMasterKey(undefined)).toThrow(/SECRETS_MASTER_KEY is not set/);
    expect(parseMasterKey(master.toString('base64')).equals(master)).toBe(true);
  });
});
