import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.js';

const ALG = 'aes-256-gcm';
const IV_BYTES = 12;
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/**
 * Where a secret value sits: the entry's key and the scope of the value (none of env/tenant/user
 * for the entry's global value). A v2 envelope is sealed for exactly one place and opens only there.
 */
export const secretPlaceSchema = z
  .object({
    key: z.string().min(1),
    env: z.string().optional(),
    tenant: z.string().optional(),
    user: z.string().optional(),
  })
  .strict();
export type SecretPlace = z.infer<typeof secretPlaceSchema>;

const cryptoFields = {
  alg: z.literal('AES-256-GCM'),
  /** Which master key wrapped the data key: a fingerprint, so a wrong SECRETS_MASTER_KEY is named as such. */
  kid: z.string(),
  wrappedKey: b64,
  wrapIv: b64,
  wrapTag: b64,
  iv: b64,
  ciphertext: b64,
  tag: b64,
};

/** The first envelope: not bound to its place. Still opened, never sealed any more. */
const envelopeV1Schema = z.object({ v: z.literal(1), ...cryptoFields }).strict();

/**
 * The current envelope: the value is encrypted with its place as AES-GCM additional
 * authenticated data (see `secretAad`), so an envelope copied to another secret or scope fails
 * authentication. `boundTo` repeats the place in clear only to name it in the error; it is not
 * trusted — the AAD is always computed from where the envelope is found, so editing `boundTo`
 * to match the new place still fails.
 */
const envelopeV2Schema = z.object({ v: z.literal(2), ...cryptoFields, boundTo: secretPlaceSchema }).strict();

/**
 * A secret at rest (docs/design.md#secrets-at-rest): a fresh data key per value, itself
 * encrypted ("wrapped") with the master key. Plain JSON, so it travels through Temporal and
 * Postgres as any config value does; rotating the master key means re-wrapping data keys, never
 * re-encrypting values.
 */
export const secretEnvelopeSchema = z.discriminatedUnion('v', [envelopeV1Schema, envelopeV2Schema]);
export type SecretEnvelope = z.infer<typeof secretEnvelopeSchema>;

/** The 32-byte master key from its base64 text (SECRETS_MASTER_KEY), or a ValidationError saying what is wrong. */
export function parseMasterKey(base64: string | undefined): Buffer {
  if (!base64)
    throw new ValidationError('SECRETS_MASTER_KEY is not set: secrets cannot be encrypted or decrypted without it');
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new ValidationError(`SECRETS_MASTER_KEY must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

/** A short, non-reversible id of a master key. */
export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256').update('switchyard-kek:').update(masterKey).digest('hex').slice(0, 16);
}

/**
 * The additional authenticated data of a v2 envelope: the UTF-8 bytes of the JSON array
 * `["switchyard-secret/v2", key, env, tenant, user]`, absent parts as null. JSON keeps the parts
 * unambiguous whatever characters ids contain.
 */
export function secretAad(place: SecretPlace): Buffer {
  return Buffer.from(
    JSON.stringify(['switchyard-secret/v2', place.key, place.env ?? null, place.tenant ?? null, place.user ?? null]),
    'utf8',
  );
}

/** A place for a person: `secret payments.api-key (env production, tenant acme)`, `(global value)` without a scope. */
export function describeSecretPlace(place: SecretPlace): string {
  const parts = [
    place.env && `env ${place.env}`,
    place.tenant && `tenant ${place.tenant}`,
    place.user && `user ${place.user}`,
  ].filter(Boolean);
  return `secret ${place.key} (${parts.length ? parts.join(', ') : 'global value'})`;
}

const samePlace = (a: SecretPlace, b: SecretPlace) =>
  a.key === b.key && a.env === b.env && a.tenant === b.tenant && a.user === b.user;

/**
 * Why `envelope` will not open at `place` though it may be intact: it was sealed for another
 * place (copied). Undefined for a v1 envelope (bound to nothing) or one bound to this place.
 * Needs no master key, so import and planning can refuse or warn before anything is stored.
 */
export function misplacedEnvelope(envelope: SecretEnvelope, place: SecretPlace): string | undefined {
  if (envelope.v === 1 || samePlace(envelope.boundTo, place)) return undefined;
  return (
    `the envelope found at ${describeSecretPlace(place)} was sealed for ${describeSecretPlace(envelope.boundTo)}: ` +
    'an envelope copied from another secret or scope does not open; set this secret again (/config secret set in Slack, or switchyard import with SECRETS_MASTER_KEY set)'
  );
}

function encrypt(key: Buffer, clear: Buffer, aad?: Buffer): { iv: string; ciphertext: string; tag: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALG, key, iv);
  if (aad) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(clear), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

function decrypt(key: Buffer, iv: string, ciphertext: string, tag: string, aad?: Buffer): Buffer {
  const decipher = createDecipheriv(ALG, key, Buffer.from(iv, 'base64'));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
}

/**
 * Encrypts `clear` under a new random data key bound to `place`, and the data key under `masterKey`.
 *
 * @example
 * const place = { key: 'payments.api-key', env: 'production' };
 * const envelope = sealSecret(parseMasterKey(settings.SECRETS_MASTER_KEY), 'hunter2', place);
 * openSecret(masterKey, envelope, place) === 'hunter2';
 */
export function sealSecret(masterKey: Buffer, clear: string, place: SecretPlace): SecretEnvelope {
  if (masterKey.length !== 32) throw new ValidationError(`the master key must be 32 bytes (got ${masterKey.length})`);
  const boundTo = secretPlaceSchema.parse(place);
  const dataKey = randomBytes(32);
  try {
    const value = encrypt(dataKey, Buffer.from(clear, 'utf8'), secretAad(boundTo));
    const wrapped = encrypt(masterKey, dataKey);
    return {
      v: 2,
      alg: 'AES-256-GCM',
      kid: masterKeyId(masterKey),
      wrappedKey: wrapped.ciphertext,
      wrapIv: wrapped.iv,
      wrapTag: wrapped.tag,
      ...value,
      boundTo,
    };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Decrypts the envelope found at `place`. A tampered envelope, one copied from another place or
 * the wrong master key is a ValidationError naming which, never garbage; the messages never
 * contain the value. v1 envelopes (sealed before places were bound) open wherever they are.
 */
export function openSecret(masterKey: Buffer, envelope: unknown, place: SecretPlace): string {
  const parsed = secretEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) throw new ValidationError('not a secret envelope: expected {v: 2, alg: "AES-256-GCM", …}');
  const e = parsed.data;
  if (e.kid !== masterKeyId(masterKey))
    throw new ValidationError(
      `this secret was sealed with another master key (${e.kid}); SECRETS_MASTER_KEY does not match`,
    );
  const moved = misplacedEnvelope(e, place);
  if (moved) throw new ValidationError(moved);
  let dataKey: Buffer | undefined;
  try {
    dataKey = decrypt(masterKey, e.wrapIv, e.wrappedKey, e.wrapTag);
    return decrypt(dataKey, e.iv, e.ciphertext, e.tag, e.v === 2 ? secretAad(place) : undefined).toString('utf8');
  } catch {
    throw new ValidationError(
      `the secret envelope at ${describeSecretPlace(place)} failed authentication: it was altered, is corrupt, or was moved from another secret or scope`,
    );
  } finally {
    dataKey?.fill(0);
  }
}

export function isSecretEnvelope(value: unknown): value is SecretEnvelope {
  return secretEnvelopeSchema.safeParse(value).success;
}
