import { ValidationError } from '../errors.js';
import type { ConfigEntry, ConfigScopeValue } from '../model/config-entry.js';
import type { JsonValue } from '../model/flag.js';
import { configValueProblems } from '../model/validate-config-value.js';
import { isSecretEnvelope, misplacedEnvelope, openSecret, sealSecret, type SecretPlace } from './envelope.js';
import { ringOf, type MasterKeyRing } from './keyring.js';

/** Where a value sits in an entry, for a person: `global value`, `scope env production, tenant acme`. */
export function scopeLabel(scope: Pick<ConfigScopeValue, 'env' | 'tenant' | 'user'> | undefined): string {
  if (!scope) return 'global value';
  const parts = [
    scope.env && `env ${scope.env}`,
    scope.tenant && `tenant ${scope.tenant}`,
    scope.user && `user ${scope.user}`,
  ].filter(Boolean);
  return parts.length ? `scope ${parts.join(', ')}` : 'scope (every environment)';
}

/** The place of an entry's global value (no scope) or of one scoped value: what its envelope is bound to. */
export function secretPlaceOf(key: string, scope?: Pick<ConfigScopeValue, 'env' | 'tenant' | 'user'>): SecretPlace {
  return {
    key,
    ...(scope?.env === undefined ? {} : { env: scope.env }),
    ...(scope?.tenant === undefined ? {} : { tenant: scope.tenant }),
    ...(scope?.user === undefined ? {} : { user: scope.user }),
  };
}

/** The places of a secret entry holding something other than a sealed envelope (never the values themselves). */
export function unsealedSecretValues(entry: Pick<ConfigEntry, 'secret' | 'value' | 'scopes'>): string[] {
  if (!entry.secret) return [];
  const places: string[] = [];
  if (entry.value !== undefined && !isSecretEnvelope(entry.value)) places.push(scopeLabel(undefined));
  for (const scope of entry.scopes ?? []) if (!isSecretEnvelope(scope.value)) places.push(scopeLabel(scope));
  return places;
}

/**
 * The last line of defence for "a secret is never stored in clear": a secret entry whose values
 * are not all envelopes is refused, whichever path wrote it (import, a change request, a revert).
 * Only positions are named, so the refusal itself cannot leak the value.
 */
export function assertSecretValuesSealed(target: { kind: string; key: string; document: unknown }): void {
  if (target.kind !== 'config' || typeof target.document !== 'object' || target.document === null) return;
  const entry = target.document as Partial<ConfigEntry>;
  if (entry.secret !== true) return;
  const scopes = Array.isArray(entry.scopes) ? entry.scopes : [];
  const places = unsealedSecretValues({ secret: true, value: entry.value, scopes });
  if (places.length) {
    throw new ValidationError(
      `secret ${target.key}: the ${places.join(' and the ')} ${places.length > 1 ? 'are' : 'is'} not a sealed envelope; a secret is only stored encrypted ` +
        '(switchyard import seals plain values when SECRETS_MASTER_KEY is set; in Slack use /config secret set)',
    );
  }
  // An envelope sealed for another entry or scope would never open where it is: refuse it now.
  const held = [
    ...(entry.value === undefined ? [] : [{ value: entry.value, place: secretPlaceOf(target.key) }]),
    ...scopes.map((s) => ({ value: s.value, place: secretPlaceOf(target.key, s) })),
  ];
  for (const { value, place } of held) {
    const moved = isSecretEnvelope(value) ? misplacedEnvelope(value, place) : undefined;
    if (moved) throw new ValidationError(moved);
  }
}

/** The text that is sealed for a clear value: strings as they are, anything else as its JSON text. */
function clearText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The stored envelope when it opens to the same clear text at the same place: re-importing an
 * unchanged file makes no new version. A v1 envelope (bound to no place) is sealed afresh once.
 */
function reusable(
  ring: MasterKeyRing,
  stored: JsonValue | undefined,
  clear: string,
  place: SecretPlace,
): JsonValue | undefined {
  if (stored === undefined || !isSecretEnvelope(stored) || stored.v === 1) return undefined;
  try {
    return openSecret(ring, stored, place) === clear ? stored : undefined;
  } catch {
    return undefined;
  }
}

const sameScope = (a: ConfigScopeValue, b: ConfigScopeValue) =>
  a.env === b.env && a.tenant === b.tenant && a.user === b.user;

export interface SealedEntry {
  entry: ConfigEntry;
  /** Envelopes passed through that a key outside this ring sealed: an evaluator with this ring will not open them. */
  warnings: string[];
}

/**
 * A secret entry with every plain value (global and scoped) sealed under the ring's current key;
 * envelopes pass through unchanged, so importing an export never seals twice. The clear values are
 * checked against the entry's type first, since once sealed nothing can check them. A value equal
 * to what `stored` already holds keeps the stored envelope (under whichever key of the ring).
 */
export function sealSecretEntry(entry: ConfigEntry, keys: Buffer | MasterKeyRing, stored?: ConfigEntry): SealedEntry {
  if (!entry.secret) return { entry, warnings: [] };
  const plain = {
    ...entry,
    secret: false,
    value: entry.value !== undefined && !isSecretEnvelope(entry.value) ? entry.value : undefined,
    scopes: entry.scopes.filter((s) => !isSecretEnvelope(s.value)),
  };
  const problems = configValueProblems(plain);
  // The problems name the value (`got "…"`): say where, never what.
  if (problems.length)
    throw new ValidationError(
      `secret ${entry.key}: a clear value does not fit its type ${entry.valueType} (${problems.map((p) => p.split(' ')[0]).join(', ')}); the value is not shown`,
    );

  const ring = ringOf(keys);
  const warnings: string[] = [];
  const seal = (value: JsonValue, before: JsonValue | undefined, where: string, place: SecretPlace): JsonValue => {
    if (isSecretEnvelope(value)) {
      // An envelope bound to another entry or scope would only fail later, at the evaluator.
      const moved = misplacedEnvelope(value, place);
      if (moved) throw new ValidationError(`secret ${entry.key}: ${moved}`);
      if (!ring.keys.has(value.kid))
        warnings.push(
          `secret ${entry.key}: the ${where} was sealed with another master key (${value.kid}), which the key ring lacks; it is kept as it is, and only an evaluator with that key can open it`,
        );
      return value;
    }
    const clear = clearText(value);
    return reusable(ring, before, clear, place) ?? (sealSecret(ring, clear, place) as unknown as JsonValue);
  };
  const value =
    entry.value === undefined
      ? undefined
      : seal(entry.value, stored?.value, scopeLabel(undefined), secretPlaceOf(entry.key));
  const scopes = entry.scopes.map((scope) => ({
    ...scope,
    value: seal(
      scope.value,
      stored?.scopes.find((s) => sameScope(s, scope))?.value,
      scopeLabel(scope),
      secretPlaceOf(entry.key, scope),
    ),
  }));
  return { entry: { ...entry, ...(value === undefined ? {} : { value }), scopes }, warnings };
}
