import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { ApiError, forbidden, unauthenticated } from './api-error.js';
import { createSealer } from './session.js';
import type { WebSettings } from './settings.js';

/** The Slack claim naming the workspace a user signed in from. */
export const SLACK_TEAM_CLAIM = 'https://slack.com/team_id';
/** The cookie holding a sign-in in progress (state, nonce, PKCE verifier) between /auth/login and /auth/callback. */
export const SIGN_IN_COOKIE = 'switchyard_sign_in';
/** Long enough to type a password and pass a second factor at the provider; short enough to be useless if stolen. */
const SIGN_IN_MS = 10 * 60_000;

export interface OidcOptions {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  principalClaim: string;
  allowedTeam?: string;
  /** Only accounts whose verified `email` ends with `@<one of these>` may sign in (lowercase). */
  allowedDomains?: readonly string[];
  /** The console's public base URL; the redirect URI is `<publicUrl>/auth/callback`. */
  publicUrl: URL;
  now?: () => number;
}

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
}

const isLoopbackHost = (host: string) => host === 'localhost' || host === '[::1]' || /^127\./.test(host);

/** A plain-http URL on loopback: a local issuer in tests or a console in dev. Anything else must be https. */
export const isLoopbackHttp = (url: URL) => url.protocol === 'http:' && isLoopbackHost(url.hostname);

/** The OIDC options the settings describe, or undefined when OIDC_ISSUER is unset (checkWebSettings made sure the rest is there). */
export function oidcOptionsOf(
  settings: Pick<
    WebSettings,
    | 'OIDC_ISSUER'
    | 'OIDC_CLIENT_ID'
    | 'OIDC_CLIENT_SECRET'
    | 'OIDC_PRINCIPAL_CLAIM'
    | 'OIDC_ALLOWED_TEAM'
    | 'OIDC_ALLOWED_DOMAINS'
    | 'WEB_PUBLIC_URL'
  >,
): OidcOptions | undefined {
  if (!settings.OIDC_ISSUER) return undefined;
  if (!settings.OIDC_CLIENT_ID || !settings.OIDC_CLIENT_SECRET || !settings.WEB_PUBLIC_URL) {
    throw new Error('OIDC_ISSUER is set: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and WEB_PUBLIC_URL must be set too');
  }
  return {
    issuer: new URL(settings.OIDC_ISSUER),
    clientId: settings.OIDC_CLIENT_ID,
    clientSecret: settings.OIDC_CLIENT_SECRET,
    principalClaim: settings.OIDC_PRINCIPAL_CLAIM,
    ...(settings.OIDC_ALLOWED_TEAM ? { allowedTeam: settings.OIDC_ALLOWED_TEAM } : {}),
    ...(settings.OIDC_ALLOWED_DOMAINS?.length ? { allowedDomains: settings.OIDC_ALLOWED_DOMAINS } : {}),
    publicUrl: new URL(settings.WEB_PUBLIC_URL),
  };
}

const badSignIn = (message: string) => new ApiError(message, 'BAD_REQUEST', 400);
const START_AGAIN = 'start again at /auth/login';

/**
 * Browser sign-in with OpenID Connect (authorization code flow with PKCE, state and nonce), for
 * "Sign in with Slack" or any other provider. The provider is discovered on first use, not at
 * boot, so the API still serves tokens while the provider is unreachable; a failed discovery is
 * retried on the next sign-in.
 */
export function createOidcSignIn(options: OidcOptions) {
  const now = options.now ?? Date.now;
  const sealer = createSealer(randomBytes(32));
  const redirectUri = new URL(
    'auth/callback',
    options.publicUrl.href.endsWith('/') ? options.publicUrl : new URL(`${options.publicUrl.href}/`),
  ).href;
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = () => {
    discovered ??= client
      .discovery(
        options.issuer,
        options.clientId,
        options.clientSecret,
        undefined,
        isLoopbackHttp(options.issuer) ? { execute: [client.allowInsecureRequests] } : {},
      )
      .catch((err: unknown) => {
        discovered = undefined;
        // Why it failed goes to the log with the error (its cause), not to the browser.
        throw Object.assign(
          new ApiError(
            `could not read the OIDC discovery document of ${options.issuer.href}; check OIDC_ISSUER`,
            'OIDC_UNAVAILABLE',
            502,
          ),
          { cause: err },
        );
      });
    return discovered;
  };

  return {
    redirectUri,
    /** Session cookies are Secure unless the console is plain http on loopback. */
    secureCookies: !isLoopbackHttp(options.publicUrl),

    /** Where to send the browser, and the sealed cookie value that lets the callback check what comes back. */
    async start(): Promise<{ url: string; cookie: string; maxAgeSeconds: number }> {
      const config = await configuration();
      const pending: PendingSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        expiresAt: now() + SIGN_IN_MS,
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        // The email claim comes only with the email scope.
        scope: options.allowedDomains ? 'openid email' : 'openid',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, cookie: sealer.seal(pending), maxAgeSeconds: SIGN_IN_MS / 1000 };
    },

    /**
     * The principal a provider's redirect back signs in: the code is exchanged, the ID token checked
     * (signature, issuer, audience, nonce), the workspace compared with OIDC_ALLOWED_TEAM and the
     * verified email with OIDC_ALLOWED_DOMAINS.
     */
    async finish(callbackUrl: URL, cookie: string | undefined): Promise<string> {
      const pending = sealer.open(cookie) as PendingSignIn | undefined;
      if (!pending || typeof pending.state !== 'string' || pending.expiresAt <= now()) {
        throw badSignIn(`this sign-in expired or was started in another browser: ${START_AGAIN}`);
      }
      const refused = callbackUrl.searchParams.get('error');
      if (refused) {
        const description = callbackUrl.searchParams.get('error_description');
        throw unauthenticated(
          `the OIDC provider refused the sign-in: ${refused}${description ? ` (${description})` : ''}; ${START_AGAIN}`,
        );
      }
      if (callbackUrl.searchParams.get('state') !== pending.state) {
        throw badSignIn(
          `the provider's answer does not belong to the sign-in this browser started (state differs): ${START_AGAIN}`,
        );
      }
      const config = await configuration();
      // The code's redirect_uri must be the one sent at login: rebuild the URL on the public base,
      // whatever host header the request came in with (a proxy may rewrite it).
      const current = new URL(redirectUri);
      current.search = callbackUrl.search;
      let claims: Record<string, unknown> | undefined;
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims() as Record<string, unknown> | undefined;
      } catch (err) {
        throw unauthenticated(
          `the sign-in could not be completed with the OIDC provider (${(err as Error).message}): ${START_AGAIN}`,
        );
      }
      if (!claims) throw unauthenticated(`the OIDC provider sent no ID token: ${START_AGAIN}`);
      // Some providers put profile claims only in userinfo; Slack puts its ids in the ID token.
      if (
        claims[options.principalClaim] === undefined ||
        (options.allowedTeam && claims[SLACK_TEAM_CLAIM] === undefined) ||
        (options.allowedDomains && claims.email === undefined)
      ) {
        const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub)).catch(() => undefined);
        if (info) claims = { ...info, ...claims };
      }
      if (options.allowedTeam && claims[SLACK_TEAM_CLAIM] !== options.allowedTeam) {
        const team = claims[SLACK_TEAM_CLAIM];
        throw forbidden(
          `sign-in refused: this console is for the Slack workspace ${options.allowedTeam}, and you signed in from ${typeof team === 'string' ? team : 'no workspace'}; sign in with your account in ${options.allowedTeam}`,
        );
      }
      if (options.allowedDomains) refuseUnlessAllowedEmail(claims, options.allowedDomains);
      const principal = claims[options.principalClaim];
      if (typeof principal !== 'string' || principal === '') {
        throw forbidden(
          `the ID token has no ${options.principalClaim} claim to use as your principal: set OIDC_PRINCIPAL_CLAIM to a claim your provider sends (e.g. sub)`,
        );
      }
      return principal;
    },
  };
}
export type OidcSignIn = ReturnType<typeof createOidcSignIn>;

/**
 * OIDC_ALLOWED_DOMAINS: the email must end with `@<domain>` exactly (no subdomains) and the provider
 * must say it verified it, or anyone could sign up at the provider with someone else's address.
 */
function refuseUnlessAllowedEmail(claims: Record<string, unknown>, domains: readonly string[]): void {
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  if (email && verified && domains.some((domain) => email.endsWith(`@${domain}`))) return;
  const who = !email
    ? 'an account the provider gave no email for'
    : verified
      ? email
      : `${email}, which the provider has not verified`;
  throw forbidden(
    `sign-in refused: this console is for accounts with a verified email at ${domains.join(', ')}, and you signed in as ${who}; sign in with your account at ${domains.join(' or ')}`,
  );
}
