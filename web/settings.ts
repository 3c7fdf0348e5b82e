import { isIP } from 'node:net';
import { z } from 'zod';
import { portSetting, type CoreSettings } from '../core/settings.js';
import type { StorageSettings } from '../storage/settings.js';
import type { TemporalSettings } from '../bot/temporal-connection.js';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** The names @fastify/proxy-addr knows besides addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(text: string): boolean {
  if (PROXY_RANGE_NAMES.has(text)) return true;
  const [address = '', bits, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY as fastify's `trustProxy`: `true` (believe X-Forwarded-For from any peer) or the
 * balancers' addresses and CIDRs. A hop count is refused: fastify 5 no longer trusts one, since it
 * cannot tell the balancer from a client that sends the header itself.
 */
const trustProxySetting = z.string().transform((text, ctx): boolean | string[] => {
  const value = text.trim().toLowerCase();
  if (value === 'true' || value === 'false') return value === 'true';
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const wrong = entries.filter((entry) => !isAddressOrRange(entry));
  if (!/^\d+$/.test(value) && entries.length > 0 && wrong.length === 0) return entries;
  const problem = /^\d+$/.test(value)
    ? 'is a hop count, which fastify does not trust (a client could send the header itself)'
    : `has ${wrong.join(', ') || 'no entries'}, which is not an address or CIDR`;
  ctx.addIssue({
    code: 'custom',
    message: `${problem}: set it to the balancers' addresses or CIDRs, comma-separated (e.g. 10.0.0.0/8,127.0.0.1), or to true when only a balancer can reach this port`,
  });
  return z.NEVER;
});

/** A DNS name as it appears after the `@` of an email address. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/** OIDC_ALLOWED_DOMAINS: email domains, comma-separated, lowercased (a leading `@` is dropped). */
const emailDomainsSetting = z.string().transform((text, ctx): string[] => {
  const domains = text
    .split(',')
    .map((entry) => entry.trim().toLowerCase().replace(/^@/, ''))
    .filter(Boolean);
  const wrong = domains.filter((domain) => !DOMAIN.test(domain));
  if (domains.length > 0 && wrong.length === 0) return domains;
  ctx.addIssue({
    code: 'custom',
    message: `has ${wrong.join(', ') || 'no entries'}, which is not an email domain: set it to the domains of your people's email addresses, comma-separated (e.g. example.com,example.org)`,
  });
  return z.NEVER;
});

/** Where the HTTP API listens and how browsers sign in; part of the environment validated at boot (cli/settings.ts). */
export const webSettingsSchema = z.object({
  WEB_PORT: portSetting(8090),
  /** Unset: every interface for `switchyard web`, loopback only for `switchyard dev` (where dev sign-in is allowed). */
  WEB_HOST: z.string().optional(),
  /** The address browsers reach the console at, e.g. https://switchyard.example.com: the OIDC redirect URI base. */
  WEB_PUBLIC_URL: httpUrl.optional(),
  /**
   * Unset: X-Forwarded-For is ignored and a client is its peer address. Behind a balancer, name it
   * here so each client is rate-limited on its own address rather than all on the balancer's.
   */
  TRUST_PROXY: trustProxySetting.optional(),
  /** Set: browsers sign in with OpenID Connect at /auth/login (e.g. https://slack.com for Sign in with Slack). */
  OIDC_ISSUER: httpUrl.optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** The ID token claim that is the principal (the id role bindings name); for Slack `https://slack.com/user_id`. */
  OIDC_PRINCIPAL_CLAIM: z.string().min(1).default('sub'),
  /** Set: only members of this Slack workspace (the `https://slack.com/team_id` claim) may sign in. */
  OIDC_ALLOWED_TEAM: z.string().optional(),
  /** Set: only accounts whose verified email is at one of these domains may sign in. */
  OIDC_ALLOWED_DOMAINS: emailDomainsSetting.optional(),
});

/** Everything `switchyard web` reads. */
export type WebSettings = CoreSettings & StorageSettings & TemporalSettings & z.infer<typeof webSettingsSchema>;

/**
 * The checks one variable cannot make alone: OIDC needs its client and a public URL to come back
 * to. Each problem is reported on the variable that is missing, so boot prints one line per variable.
 */
export function checkWebSettings(settings: Partial<z.infer<typeof webSettingsSchema>>, ctx: z.RefinementCtx): void {
  if (!settings.OIDC_ISSUER) return;
  const needed = {
    OIDC_CLIENT_ID: 'the client id your OIDC provider gave this app',
    OIDC_CLIENT_SECRET: 'the client secret your OIDC provider gave this app',
    WEB_PUBLIC_URL: 'the URL browsers open the console at (the redirect URI is <WEB_PUBLIC_URL>/auth/callback)',
  } as const;
  for (const [name, what] of Object.entries(needed)) {
    if (!settings[name as keyof typeof needed])
      ctx.addIssue({ code: 'custom', path: [name], message: `is required when OIDC_ISSUER is set: set it to ${what}` });
  }
}

/**
 * Why `switchyard web` must not start although every variable is valid, or undefined. OIDC without
 * an allow-list signs in anyone the provider knows (with Slack: any user of any workspace), and
 * RBAC alone then decides; `switchyard dev` may run so, `switchyard web` may not. One line, in the
 * words of a configuration error (core/settings.ts).
 */
export function webStartProblem(
  settings: Pick<z.infer<typeof webSettingsSchema>, 'OIDC_ISSUER' | 'OIDC_ALLOWED_TEAM' | 'OIDC_ALLOWED_DOMAINS'>,
): string | undefined {
  if (!settings.OIDC_ISSUER || settings.OIDC_ALLOWED_TEAM || settings.OIDC_ALLOWED_DOMAINS?.length) return undefined;
  return (
    'configuration error: OIDC_ALLOWED_TEAM or OIDC_ALLOWED_DOMAINS is required when OIDC_ISSUER is set: without one, ' +
    'anyone with an account at the provider may sign in; set OIDC_ALLOWED_TEAM to your Slack workspace id (T…) ' +
    'or OIDC_ALLOWED_DOMAINS to your email domains (e.g. example.com)'
  );
}
