import { randomBytes, timingSafeEqual } from 'node:crypto';
import { signerFactory, type CookieSerializeOptions } from '@fastify/cookie';

/** A browser session: who signed in, the CSRF value its state changes must echo, and when it ends. */
export interface Session {
  principal: string;
  csrf: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'switchyard_session';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_MS = 8 * 3_600_000;

/**
 * Signs a JSON value into a cookie value and reads it back: undefined when the value was forged,
 * altered or is not one of ours at all. Used for sessions and for the short-lived state of a
 * sign-in in progress. The HMAC is @fastify/cookie's signer.
 */
export function createSealer(secret: Buffer = randomBytes(32)) {
  const signer = signerFactory(secret);
  return {
    seal(value: unknown): string {
      return signer.sign(Buffer.from(JSON.stringify(value), 'utf8').toString('base64url'));
    },
    open(value: string | undefined): unknown {
      if (!value) return undefined;
      const { valid, value: payload } = signer.unsign(value);
      if (!valid || !payload) return undefined;
      try {
        return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Signs and reads session cookies with a secret that lives only in this process: a restart signs
 * everyone out, which is what a dev sign-in wants, and nothing secret is ever configured or stored.
 */
export function createSessionCodec(secret: Buffer = randomBytes(32), now: () => number = Date.now) {
  const sealer = createSealer(secret);
  return {
    /** A new session for `principal` and the cookie value carrying it. */
    issue(principal: string): { session: Session; value: string } {
      const session: Session = {
        principal,
        csrf: randomBytes(24).toString('base64url'),
        expiresAt: now() + SESSION_MS,
      };
      return { session, value: sealer.seal(session) };
    },
    /** The session a cookie value carries, or undefined when it is forged, altered or expired. */
    read(value: string | undefined): Session | undefined {
      const session = sealer.open(value) as Partial<Session> | undefined;
      if (!session || typeof session !== 'object') return undefined;
      return typeof session.principal === 'string' &&
        typeof session.csrf === 'string' &&
        typeof session.expiresAt === 'number' &&
        session.expiresAt > now()
        ? (session as Session)
        : undefined;
    },
    maxAgeSeconds: SESSION_MS / 1000,
  };
}
export type SessionCodec = ReturnType<typeof createSessionCodec>;

/** Constant-time comparison of the CSRF header with the session's value. */
export function csrfMatches(session: Session, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The attributes of every cookie Switchyard sets (with `reply.setCookie`): HttpOnly, on the whole
 * site, SameSite=Strict unless told otherwise. `secure` is off only for a console served over plain
 * http on loopback (dev), where a browser would drop a Secure cookie.
 */
export function cookieOptions(options: {
  maxAgeSeconds: number;
  secure: boolean;
  sameSite?: 'strict' | 'lax';
  path?: string;
}): CookieSerializeOptions {
  return {
    path: options.path ?? '/',
    httpOnly: true,
    sameSite: options.sameSite ?? 'strict',
    maxAge: options.maxAgeSeconds,
    secure: options.secure,
  };
}
