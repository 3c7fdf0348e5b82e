import type { MasterKeyRing } from '../core/secrets/keyring.js';
import { envelopeCountsByKey } from '../core/secrets/rewrap.js';
import type { Queryable } from '../storage/db.js';
import { latestSecrets } from '../storage/secret-rewrap.js';

export interface SecretKeyReport {
  /** The table and its notes, ready to print; empty when no secret is stored and no ring is configured. */
  lines: string[];
  /** Envelopes under keys the ring lacks: no process with this ring can open them. */
  problems: string[];
}

const envelopes = (n: number) => `${n} ${n === 1 ? 'envelope is' : 'envelopes are'}`;

/**
 * Doctor's view of a master key rotation (docs/design.md#secrets-at-rest): how many envelopes of the
 * served (latest) secret versions each key wraps — the ring's current key, each older key (zero
 * means it can be dropped from SECRETS_MASTER_KEYS), and keys the ring lacks. Fingerprints only.
 */
export async function secretKeyReport(
  db: Queryable,
  ring: MasterKeyRing | undefined,
  pad: (rows: string[][]) => string[],
): Promise<SecretKeyReport> {
  const counts = envelopeCountsByKey((await latestSecrets(db)).map((s) => s.document));
  if (!counts.size && !ring) return { lines: [], problems: [] };
  const ringKeys = ring ? [...ring.keys.keys()] : [];
  const foreign = [...counts.keys()].filter((kid) => !ringKeys.includes(kid)).sort();
  const table = [['master key', 'envelopes', 'role']];
  const notes: string[] = [];
  const problems: string[] = [];
  for (const kid of ringKeys) {
    const n = counts.get(kid) ?? 0;
    const current = kid === ring!.currentId;
    table.push([kid, String(n), current ? 'current (seals new secrets)' : 'older, in the ring']);
    if (current) continue;
    notes.push(
      n
        ? `secrets: ${envelopes(n)} still under older key ${kid}: run switchyard secret rewrap --reason "…" before dropping it`
        : `secrets: no envelope is under older key ${kid}: it can be dropped from SECRETS_MASTER_KEYS`,
    );
  }
  for (const kid of foreign) {
    const n = counts.get(kid)!;
    table.push([kid, String(n), ring ? 'not in the ring' : 'unknown here (no key ring configured)']);
    if (ring)
      problems.push(
        `secrets: ${envelopes(n)} under key ${kid}, which the key ring lacks: no process with this ring opens them (add the key to SECRETS_MASTER_KEYS, or set those secrets again)`,
      );
  }
  if (!ring)
    notes.push('secrets: no key ring is configured here (SECRETS_MASTER_KEYS): counts are per key fingerprint');
  return { lines: ['', ...pad(table), ...notes, ...problems], problems };
}
