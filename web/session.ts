import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
 * Signs a JSON value into a cookie value and reads it back: undefined when the value was forged or
 * altered. Used for sessions and for the short-lived state of a sign-in in progress.
 */
export function createSealer(secret: Buffer = randomBytes(32)) {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    seal(value: unknown): string {
      const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    open(value: string | undefined): unknown {
      if (!value) return undefined;
      const [payload, signature, extra] = value.split('.');
      if (!payload || !signature || extra !== undefined) return undefined;
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
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

/** One cookie's value from a Cookie header (no dependency for a one-line parse). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Constant-time comparison of the CSRF header with the session's value. */
export function csrfMatches(session: Session, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A Set-Cookie value for an HttpOnly cookie on the whole site. `secure` is off only for a console
 * served over plain http on loopback (dev), where a browser would drop a Secure cookie.
 */
export function cookieHeader(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean; sameSite?: 'Strict' | 'Lax'; path?: string },
): string {
  const parts = [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    'HttpOnly',
    `SameSite=${options.sameSite ?? 'Strict'}`,
    `Max-Age=${options.maxAgeSeconds}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
