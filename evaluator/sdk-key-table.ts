import { hashSdkKey, SDK_KEY_SCOPES } from '../core/sdk-key.js';
import type { SdkKeyRecord } from '../storage/redis-keys.js';

/** Clear tokens remembered before the cache starts over; bounds memory whatever clients send. */
const TOKEN_CACHE_LIMIT = 10_000;
const SCOPES: ReadonlySet<string> = new Set(SDK_KEY_SCOPES);

/** A record with its expiry as epoch ms (Infinity when it does not expire), compared on every lookup. */
interface HeldKey {
  record: SdkKeyRecord;
  expiresAtMs: number;
}

/**
 * The SDK keys of every environment, as stored in Redis (sha256 of the clear key → record).
 * Lookups run on every request, so a clear token seen once is remembered and not hashed again.
 * Only known tokens are cached: random tokens cannot evict the good ones.
 *
 * A rotated key carries `expiresAt`: the lookup refuses it from then on by itself, so the end of
 * a grace period does not depend on anyone publishing anything at that moment.
 */
export class SdkKeyTable {
  private readonly byToken = new Map<string, HeldKey>();
  private byId: Map<string, HeldKey> | undefined;

  private constructor(
    private readonly byHash: ReadonlyMap<string, HeldKey>,
    /** Order-independent fingerprint of the content, to skip swaps that change nothing. */
    readonly fingerprint: string,
    /**
     * Every origin some key of the table allows: a preflight carries no key, so it is answered for
     * these. A key past its `expiresAt` still counts until the table is next rebuilt; its requests
     * are refused anyway.
     */
    readonly origins: ReadonlySet<string>,
  ) {}

  static empty(): SdkKeyTable {
    return new SdkKeyTable(new Map(), '', new Set());
  }

  /**
   * Builds the table from the raw Redis hash. Malformed entries are left out and reported, so one
   * bad record cannot lock every client out.
   */
  static fromHash(raw: Record<string, string>): { table: SdkKeyTable; problems: string[] } {
    const byHash = new Map<string, HeldKey>();
    const origins = new Set<string>();
    const problems: string[] = [];
    for (const [hash, json] of Object.entries(raw)) {
      const record = parseRecord(json);
      if (typeof record === 'string') problems.push(`sdk key ${hash.slice(0, 12)}…: ${record}`);
      else {
        byHash.set(hash, {
          record,
          expiresAtMs: record.expiresAt === undefined ? Infinity : Date.parse(record.expiresAt),
        });
        for (const origin of record.origins ?? []) origins.add(origin);
      }
    }
    const fingerprint = Object.keys(raw)
      .sort()
      .map((hash) => `${hash}=${raw[hash]}`)
      .join('\n');
    return { table: new SdkKeyTable(byHash, fingerprint, origins), problems };
  }

  get size(): number {
    return this.byHash.size;
  }

  environments(): Set<string> {
    return new Set([...this.byHash.values()].map((k) => k.record.env));
  }

  /** The record of a live key; undefined for an unknown key or one past its `expiresAt` at `now`. */
  lookup(clearKey: string, now: number = Date.now()): SdkKeyRecord | undefined {
    let held = this.byToken.get(clearKey);
    if (!held) {
      held = this.byHash.get(hashSdkKey(clearKey));
      if (!held) return undefined;
      if (this.byToken.size >= TOKEN_CACHE_LIMIT) this.byToken.clear();
      this.byToken.set(clearKey, held);
    }
    return now < held.expiresAtMs ? held.record : undefined;
  }

  /**
   * The record of the live key with this id (event-stream tokens name a key by id, never by its
   * clear text); undefined once it is revoked (gone from the table) or past its `expiresAt`.
   */
  lookupId(id: string, now: number = Date.now()): SdkKeyRecord | undefined {
    this.byId ??= new Map([...this.byHash.values()].map((held) => [held.record.id, held] as const));
    const held = this.byId.get(id);
    return held !== undefined && now < held.expiresAtMs ? held.record : undefined;
  }
}

function parseRecord(json: string): SdkKeyRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return 'record is not valid JSON';
  }
  if (typeof value !== 'object' || value === null) return 'record is not a JSON object';
  const { id, env, scopes, name, expiresAt, origins } = value as Record<string, unknown>;
  if (typeof env !== 'string' || env === '') return 'record has no "env"';
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && SCOPES.has(s))) {
    return 'record "scopes" must be a list of flags, config, secrets';
  }
  if (origins !== undefined && !(Array.isArray(origins) && origins.every((o) => typeof o === 'string')))
    return 'record "origins" must be a list of origins';
  const record: SdkKeyRecord = {
    id: String(id ?? ''),
    env,
    scopes: scopes as SdkKeyRecord['scopes'],
    name: String(name ?? ''),
    ...(Array.isArray(origins) && origins.length ? { origins: origins as string[] } : {}),
  };
  if (expiresAt === undefined || expiresAt === null) return record;
  // An unreadable expiry is left out like any bad record: a key meant to stop must not live forever.
  if (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt)))
    return 'record "expiresAt" must be an ISO time';
  return { ...record, expiresAt };
}
