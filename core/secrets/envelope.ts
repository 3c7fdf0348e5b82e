import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { keyOf, masterKeyId, ringOf, type MasterKeyRing } from './keyring.js';

export { masterKeyId } from './keyring.js';

const ALG = 'aes-256-gcm';
const IV_BYTES = 12;
/**
 * GCM verifies a tag of any length from 4 bytes up, and a prefix of a valid tag is valid: accepting
 * short tags would let a forger guess 32 bits instead of 128. Every tag sealed here is 16 bytes.
 */
const TAG_BYTES = 16;
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
  /** Which master key wrapped the data key: its fingerprint, by which the key ring finds it (or names the key it lacks). */
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

/**
 * One 32-byte master key from its base64 text, or a ValidationError saying what is wrong. Processes
 * read their keys with keyRingFromSettings (core/secrets/keyring.ts), which also takes SECRETS_MASTER_KEYS.
 */
export function parseMasterKey(base64: string | undefined): Buffer {
  if (!base64)
    throw new ValidationError('SECRETS_MASTER_KEY is not set: secrets cannot be encrypted or decrypted without it');
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new ValidationError(`SECRETS_MASTER_KEY must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
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

/** The envelope's tag fields that are not exactly TAG_BYTES long, with their lengths. */
function shortTags(e: SecretEnvelope): string[] {
  return (['wrapTag', 'tag'] as const).flatMap((field) => {
    const bytes = Buffer.from(e[field], 'base64').length;
    return bytes === TAG_BYTES ? [] : [`${field} is ${bytes} bytes`];
  });
}

function assertTagLengths(e: SecretEnvelope, where: string): void {
  const wrong = shortTags(e);
  if (wrong.length)
    throw new ValidationError(
      `the secret envelope at ${where} has an authentication tag that is not ${TAG_BYTES} bytes (${wrong.join(', ')}): ` +
        'it was truncated or altered and is refused; set this secret again',
    );
}

function decrypt(key: Buffer, iv: string, ciphertext: string, tag: string, aad?: Buffer): Buffer {
  const tagBytes = Buffer.from(tag, 'base64');
  // Checked by the callers with a better message; repeated here so no path can skip it.
  if (tagBytes.length !== TAG_BYTES) throw new ValidationError(`an AES-GCM tag must be ${TAG_BYTES} bytes`);
  const decipher = createDecipheriv(ALG, key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
}

/**
 * Encrypts `clear` under a new random data key bound to `place`, and the data key under the master
 * key (a ring's current key: new envelopes are always wrapped by it).
 *
 * @example
 * const place = { key: 'payments.api-key', env: 'production' };
 * const ring = keyRingFromSettings(settings)!;
 * const envelope = sealSecret(ring, 'hunter2', place);
 * openSecret(ring, envelope, place) === 'hunter2';
 */
export function sealSecret(keys: Buffer | MasterKeyRing, clear: string, place: SecretPlace): SecretEnvelope {
  const masterKey = Buffer.isBuffer(keys) ? keys : keys.current;
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
 * Decrypts the envelope found at `place` with the key of the ring it names (a single key is a ring
 * of one). A tampered or truncated envelope, one copied from another place or a key the ring lacks
 * is a ValidationError naming which, never garbage; the messages never contain the value or a key.
 * v1 envelopes (sealed before places were bound) open wherever they are.
 */
export function openSecret(keys: Buffer | MasterKeyRing, envelope: unknown, place: SecretPlace): string {
  const parsed = secretEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) throw new ValidationError('not a secret envelope: expected {v: 2, alg: "AES-256-GCM", …}');
  const e = parsed.data;
  const masterKey = keyOf(ringOf(keys), e.kid);
  const moved = misplacedEnvelope(e, place);
  if (moved) throw new ValidationError(moved);
  assertTagLengths(e, describeSecretPlace(place));
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

/**
 * The same envelope with its data key wrapped by the ring's current key (rotation): the data key is
 * unwrapped with the key the envelope names and wrapped again; the value's ciphertext, tag and place
 * stay as they are, so the value itself is never decrypted. An envelope already under the current
 * key comes back as it is.
 */
export function rewrapEnvelope(ring: MasterKeyRing, envelope: SecretEnvelope, place: SecretPlace): SecretEnvelope {
  if (envelope.kid === ring.currentId) return envelope;
  const oldKey = keyOf(ring, envelope.kid);
  assertTagLengths(envelope, describeSecretPlace(place));
  let dataKey: Buffer | undefined;
  try {
    try {
      dataKey = decrypt(oldKey, envelope.wrapIv, envelope.wrappedKey, envelope.wrapTag);
    } catch {
      throw new ValidationError(
        `the data key of the secret envelope at ${describeSecretPlace(place)} failed authentication under master key ${envelope.kid}: it was altered or is corrupt; set this secret again`,
      );
    }
    const wrapped = encrypt(ring.current, dataKey);
    return {
      ...envelope,
      kid: ring.currentId,
      wrappedKey: wrapped.ciphertext,
      wrapIv: wrapped.iv,
      wrapTag: wrapped.tag,
    };
  } finally {
    dataKey?.fill(0);
  }
}

export function isSecretEnvelope(value: unknown): value is SecretEnvelope {
  return secretEnvelopeSchema.safeParse(value).success;
}
