import { ValidationError } from '../errors.js';
import type { ConfigEntry } from '../model/config-entry.js';
import type { JsonValue } from '../model/flag.js';
import { isSecretEnvelope, misplacedEnvelope, rewrapEnvelope, type SecretEnvelope } from './envelope.js';
import type { MasterKeyRing } from './keyring.js';
import { scopeLabel, secretPlaceOf } from './sealed-entry.js';

/** One envelope of a secret entry: the global value (no scope) or one scoped value. */
export interface HeldEnvelope {
  envelope: SecretEnvelope;
  /** `global value`, `scope env production`: where in the entry, for messages. */
  where: string;
}

/** The envelopes a secret entry holds (a value that is not an envelope, written before storage refused that, is left out). */
export function envelopesOf(entry: Pick<ConfigEntry, 'secret' | 'value' | 'scopes'>): HeldEnvelope[] {
  if (!entry.secret) return [];
  const held: HeldEnvelope[] = [];
  if (isSecretEnvelope(entry.value)) held.push({ envelope: entry.value, where: scopeLabel(undefined) });
  for (const scope of entry.scopes)
    if (isSecretEnvelope(scope.value)) held.push({ envelope: scope.value, where: scopeLabel(scope) });
  return held;
}

/** How many envelopes each master key (by fingerprint) wraps over `entries`: what rotation has left to do. */
export function envelopeCountsByKey(entries: Iterable<Pick<ConfigEntry, 'secret' | 'value' | 'scopes'>>) {
  const counts = new Map<string, number>();
  for (const entry of entries)
    for (const { envelope } of envelopesOf(entry)) counts.set(envelope.kid, (counts.get(envelope.kid) ?? 0) + 1);
  return counts;
}

export interface EntryRewrap {
  entry: ConfigEntry;
  /** How many of its envelopes were under an older key. */
  rewrapped: number;
}

/**
 * The secret entry with every envelope under an older key of the ring re-wrapped under its current
 * key (docs/design.md#secrets-at-rest), everything else as it was; undefined when every envelope is
 * already under the current key. A key the ring lacks, an envelope sealed for another place (it
 * would be refused on write anyway) or a data key that fails authentication is a ValidationError
 * naming the secret and the place, never a value.
 */
export function rewrapSecretEntry(entry: ConfigEntry, ring: MasterKeyRing): EntryRewrap | undefined {
  if (!entry.secret) return undefined;
  let rewrapped = 0;
  const rewrap = (value: JsonValue | undefined, scope?: ConfigEntry['scopes'][number]): JsonValue | undefined => {
    if (!isSecretEnvelope(value) || value.kid === ring.currentId) return value;
    const place = secretPlaceOf(entry.key, scope);
    const moved = misplacedEnvelope(value, place);
    if (moved) throw new ValidationError(`secret ${entry.key}: ${moved}`);
    if (!ring.keys.has(value.kid))
      throw new ValidationError(
        `secret ${entry.key}: the ${scopeLabel(scope)} is under master key ${value.kid}, which the key ring lacks: add that key to SECRETS_MASTER_KEYS (after the current one) to re-wrap it`,
      );
    rewrapped++;
    return rewrapEnvelope(ring, value, place) as unknown as JsonValue;
  };
  const value = rewrap(entry.value);
  const scopes = entry.scopes.map((scope) => ({ ...scope, value: rewrap(scope.value, scope)! }));
  if (!rewrapped) return undefined;
  return { entry: { ...entry, ...(value === undefined ? {} : { value }), scopes }, rewrapped };
}
