import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.js';

const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A short, non-reversible id of a master key: what an envelope's `kid` names, and how the ring finds a key. */
export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256').update('switchyard-kek:').update(masterKey).digest('hex').slice(0, 16);
}

/**
 * The master keys a process holds (docs/design.md#secrets-at-rest): the current key wraps every new
 * envelope; the older ones only open (and re-wrap) envelopes sealed before the rotation. Keys are
 * found by fingerprint, so an envelope names the one it needs.
 */
export interface MasterKeyRing {
  readonly current: Buffer;
  readonly currentId: string;
  /** Every key by fingerprint, the current one first. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A ring of `keys`, the current one first. */
export function keyRing(keys: readonly Buffer[]): MasterKeyRing {
  if (!keys.length) throw new ValidationError('a master key ring needs at least one key');
  const byId = new Map<string, Buffer>();
  for (const key of keys) {
    if (key.length !== KEY_BYTES)
      throw new ValidationError(`a master key must be ${KEY_BYTES} bytes (got ${key.length})`);
    byId.set(masterKeyId(key), key);
  }
  return { current: keys[0]!, currentId: masterKeyId(keys[0]!), keys: byId };
}

/** A single key (the code before rings, tests) is a ring of one. */
export const ringOf = (keys: Buffer | MasterKeyRing): MasterKeyRing => (Buffer.isBuffer(keys) ? keyRing([keys]) : keys);

/** The fingerprints of the ring, current first, for messages (never the keys). */
export const ringIds = (ring: MasterKeyRing): string => [...ring.keys.keys()].join(', ');

/** The ring's key of fingerprint `kid`, or a ValidationError naming the fingerprint the ring lacks. */
export function keyOf(ring: MasterKeyRing, kid: string): Buffer {
  const key = ring.keys.get(kid);
  if (key) return key;
  throw new ValidationError(
    `this secret was sealed with another master key (${kid}), which the key ring lacks (it holds ${ringIds(ring)}): ` +
      'add that key to SECRETS_MASTER_KEYS after the current one',
  );
}

/**
 * The keys of a SECRETS_MASTER_KEYS text (comma-separated base64, the current key first), or what is
 * wrong with it. Problems name a key by its position or fingerprint, never by its text.
 */
export function parseMasterKeyList(text: string): { keys: Buffer[] } | { problem: string } {
  const parts = text.split(',').map((part) => part.trim());
  const keys: Buffer[] = [];
  const seen = new Map<string, number>();
  for (const [i, part] of parts.entries()) {
    const which = `key ${i + 1} of ${parts.length}`;
    if (!part) return { problem: `${which} is empty` };
    if (!BASE64.test(part)) return { problem: `${which} is not base64` };
    const key = Buffer.from(part, 'base64');
    if (key.length !== KEY_BYTES) return { problem: `${which} is ${key.length} bytes, not ${KEY_BYTES}` };
    const id = masterKeyId(key);
    const before = seen.get(id);
    if (before !== undefined) return { problem: `${which} repeats key ${before + 1} (${id})` };
    seen.set(id, i);
    keys.push(key);
  }
  return { keys };
}

/** The zod setting of SECRETS_MASTER_KEYS (core/settings.ts): a malformed list stops the process in one line. */
export const masterKeysSetting = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseMasterKeyList(text);
    if ('problem' in parsed)
      ctx.addIssue({
        code: 'custom',
        message: `must be comma-separated base64 32-byte keys, the current key first: ${parsed.problem}`,
      });
  })
  .optional();

/** The two variables a ring is read from; SECRETS_MASTER_KEY is the ring of one of before rotation. */
export interface MasterKeySettings {
  SECRETS_MASTER_KEY?: string | undefined;
  SECRETS_MASTER_KEYS?: string | undefined;
}

function singleKey(text: string | undefined): Buffer | undefined {
  if (!text) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/**
 * Why these settings make no ring, for the boot check: both variables set and naming different
 * current keys (which one seals would be a guess). Undefined when they agree, or when a variable is
 * malformed (its own check names it).
 */
export function masterKeySettingsProblem(settings: MasterKeySettings): string | undefined {
  const single = singleKey(settings.SECRETS_MASTER_KEY);
  if (!single || !settings.SECRETS_MASTER_KEYS) return undefined;
  const parsed = parseMasterKeyList(settings.SECRETS_MASTER_KEYS);
  if ('problem' in parsed || parsed.keys[0]!.equals(single)) return undefined;
  return (
    `and SECRETS_MASTER_KEY disagree on the current key (SECRETS_MASTER_KEYS starts with ${masterKeyId(parsed.keys[0]!)}, ` +
    `SECRETS_MASTER_KEY is ${masterKeyId(single)}): set SECRETS_MASTER_KEYS alone, or make its first key the one in SECRETS_MASTER_KEY`
  );
}

/** The joined settings' cross-variable check (cli/settings.ts), reported on SECRETS_MASTER_KEYS. */
export function checkMasterKeySettings(settings: MasterKeySettings, ctx: z.RefinementCtx): void {
  const problem = masterKeySettingsProblem(settings);
  if (problem) ctx.addIssue({ code: 'custom', path: ['SECRETS_MASTER_KEYS'], message: problem });
}

/**
 * The one ring of a process, from SECRETS_MASTER_KEYS (current first) or SECRETS_MASTER_KEY (a ring
 * of one); undefined when neither is set. Every reader of the master key goes through here.
 */
export function keyRingFromSettings(settings: MasterKeySettings): MasterKeyRing | undefined {
  const problem = masterKeySettingsProblem(settings);
  if (problem) throw new ValidationError(`SECRETS_MASTER_KEYS ${problem}`);
  if (settings.SECRETS_MASTER_KEYS) {
    const parsed = parseMasterKeyList(settings.SECRETS_MASTER_KEYS);
    if ('problem' in parsed) throw new ValidationError(`SECRETS_MASTER_KEYS: ${parsed.problem}`);
    return keyRing(parsed.keys);
  }
  if (!settings.SECRETS_MASTER_KEY) return undefined;
  const single = singleKey(settings.SECRETS_MASTER_KEY);
  if (!single) throw new ValidationError(`SECRETS_MASTER_KEY must be ${KEY_BYTES} bytes, base64-encoded`);
  return keyRing([single]);
}
