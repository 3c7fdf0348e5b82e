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
 * Signs and reads session cookies with a secret that lives only in this process: a restart signs
 * everyone out, which is what a dev sign-in wants, and nothing secret is ever configured or stored.
 */
export function createSessionCodec(secret: Buffer = randomBytes(32), now: () => number = Date.now) {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    /** A new session for `principal` and the cookie value carrying it. */
    issue(principal: string): { session: Session; value: string } {
      const session: Session = { principal, csrf: randomBytes(24).toString('base64url'), expiresAt: now() + SESSION_MS };
      const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
      return { session, value: `${payload}.${sign(payload)}` };
    },
    /** The session a cookie value carries, or undefined when it is forged, altered or expired. */
    read(value: string | undefined): Session | undefined {
      if (!value) return undefined;
      const [payload, signature, extra] = value.split('.');
      if (!payload || !signature || extra !== undefined) return undefined;
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Session;
        return typeof session.principal === 'string' && typeof session.csrf === 'string' && session.expiresAt > now() ? session : undefined;
      } catch {
        return undefined;
      }
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
