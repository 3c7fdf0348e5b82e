import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.js';

const ALG = 'aes-256-gcm';
const IV_BYTES = 12;
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/**
 * A secret at rest (SPEC §4): a fresh data key per value, itself encrypted ("wrapped") with the
 * master key. Plain JSON, so it travels through Temporal and Postgres as any config value does;
 * rotating the master key means re-wrapping data keys, never re-encrypting values.
 */
export const secretEnvelopeSchema = z
  .object({
    v: z.literal(1),
    alg: z.literal('AES-256-GCM'),
    /** Which master key wrapped the data key: a fingerprint, so a wrong SECRETS_MASTER_KEY is named as such. */
    kid: z.string(),
    wrappedKey: b64,
    wrapIv: b64,
    wrapTag: b64,
    iv: b64,
    ciphertext: b64,
    tag: b64,
  })
  .strict();
export type SecretEnvelope = z.infer<typeof secretEnvelopeSchema>;

/** The 32-byte master key from its base64 text (SECRETS_MASTER_KEY), or a ValidationError saying what is wrong. */
export function parseMasterKey(base64: string | undefined): Buffer {
  if (!base64) throw new ValidationError('SECRETS_MASTER_KEY is not set: secrets cannot be encrypted or decrypted without it');
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new ValidationError(`SECRETS_MASTER_KEY must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

/** A short, non-reversible id of a master key. */
export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256').update('switchyard-kek:').update(masterKey).digest('hex').slice(0, 16);
}

function encrypt(key: Buffer, clear: Buffer): { iv: string; ciphertext: string; tag: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALG, key, iv);
  const ciphertext = Buffer.concat([cipher.update(clear), cipher.final()]);
  return { iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

function decrypt(key: Buffer, iv: string, ciphertext: string, tag: string): Buffer {
  const decipher = createDecipheriv(ALG, key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
}

/**
 * Encrypts `clear` under a new random data key, and the data key under `masterKey`.
 *
 * @example
 * const envelope = sealSecret(parseMasterKey(settings.SECRETS_MASTER_KEY), 'hunter2');
 * openSecret(masterKey, envelope) === 'hunter2';
 */
export function sealSecret(masterKey: Buffer, clear: string): SecretEnvelope {
  if (masterKey.length !== 32) throw new ValidationError(`the master key must be 32 bytes (got ${masterKey.length})`);
  const dataKey = randomBytes(32);
  try {
    const value = encrypt(dataKey, Buffer.from(clear, 'utf8'));
    const wrapped = encrypt(masterKey, dataKey);
    return { v: 1, alg: 'AES-256-GCM', kid: masterKeyId(masterKey), wrappedKey: wrapped.ciphertext, wrapIv: wrapped.iv, wrapTag: wrapped.tag, ...value };
  } finally {
    dataKey.fill(0);
  }
}

/** Decrypts an envelope; a tampered envelope or the wrong master key is a ValidationError, never garbage. */
export function openSecret(masterKey: Buffer, envelope: unknown): string {
  const parsed = secretEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) throw new ValidationError('not a secret envelope: expected {v: 1, alg: "AES-256-GCM", …}');
  const e = parsed.data;
  if (e.kid !== masterKeyId(masterKey)) throw new ValidationError(`this secret was sealed with another master key (${e.kid}); SECRETS_MASTER_KEY does not match`);
  let dataKey: Buffer | undefined;
  try {
    dataKey = decrypt(masterKey, e.wrapIv, e.wrappedKey, e.wrapTag);
    return decrypt(dataKey, e.iv, e.ciphertext, e.tag).toString('utf8');
  } catch {
    throw new ValidationError('the secret envelope failed authentication: it was altered or is corrupt');
  } finally {
    dataKey?.fill(0);
  }
}

export function isSecretEnvelope(value: unknown): value is SecretEnvelope {
  return secretEnvelopeSchema.safeParse(value).success;
}
