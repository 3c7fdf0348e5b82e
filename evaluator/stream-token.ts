import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a stream token names: the SDK key (by id, never its clear text), its environment, and the context digest of the bulk request. */
export interface StreamClaims {
  keyId: string;
  env: string;
  contextHash: string;
  /** Epoch ms after which the token no longer opens a stream. */
  exp: number;
}

export type VerifiedToken = { ok: true; claims: StreamClaims } | { ok: false; why: string };

export interface StreamTokenOptions {
  /** HMAC secret; every evaluator behind one balancer needs the same one (EVALUATOR_STREAM_SECRET). Random when unset. */
  secret?: string | undefined;
  /** How long a token opens streams, at least (default 10 min); it may live up to `ttlMs + windowMs`. */
  ttlMs?: number;
  /** Tokens issued within one window are identical (default 5 min). */
  windowMs?: number;
}

/**
 * Short-lived signed tokens for the event-stream URL: browsers' EventSource sends no headers, so
 * the stream cannot take the SDK key the way the OFREP routes do.
 *
 * The expiry is rounded to a window, so every bulk answer within one window carries the same URL:
 * the web provider keeps its open stream when the URL is unchanged and reconnects when it is not,
 * and a URL that changed on every refetch would drop the stream on every change.
 */
export class StreamTokens {
  private readonly secret: Buffer;
  private readonly ttlMs: number;
  private readonly windowMs: number;

  constructor(options: StreamTokenOptions = {}) {
    this.secret = options.secret ? Buffer.from(options.secret, 'utf8') : randomBytes(32);
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.windowMs = options.windowMs ?? 5 * 60_000;
  }

  issue(claims: Omit<StreamClaims, 'exp'>, now: number = Date.now()): string {
    const exp = Math.ceil((now + this.ttlMs) / this.windowMs) * this.windowMs;
    const payload = Buffer.from(JSON.stringify([claims.keyId, claims.env, claims.contextHash, exp])).toString(
      'base64url',
    );
    return `${payload}.${this.sign(payload)}`;
  }

  verify(token: string | undefined, now: number = Date.now()): VerifiedToken {
    if (!token)
      return {
        ok: false,
        why: 'no token: use the eventStreams URL of a bulk evaluation (POST /ofrep/v1/evaluate/flags)',
      };
    const dot = token.indexOf('.');
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (dot < 1 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        why: 'token signature does not match (issued by an evaluator with another EVALUATOR_STREAM_SECRET?): fetch a new one with a bulk evaluation',
      };
    }
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, why: 'token payload is unreadable' };
    }
    if (!Array.isArray(fields) || fields.length !== 4) return { ok: false, why: 'token payload is unreadable' };
    const [keyId, env, contextHash, exp] = fields as unknown[];
    if (
      typeof keyId !== 'string' ||
      typeof env !== 'string' ||
      typeof contextHash !== 'string' ||
      typeof exp !== 'number'
    ) {
      return { ok: false, why: 'token payload is unreadable' };
    }
    if (now >= exp) return { ok: false, why: 'token expired: fetch a new one with a bulk evaluation' };
    return { ok: true, claims: { keyId, env, contextHash, exp } };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
