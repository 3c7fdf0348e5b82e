import { z } from 'zod';
import { portSetting, type CoreSettings } from '../core/settings.js';
import type { StorageSettings } from '../storage/settings.js';
import type { TemporalSettings } from '../bot/temporal-connection.js';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** Where the HTTP API listens and how browsers sign in; part of the environment validated at boot (cli/settings.ts). */
export const webSettingsSchema = z.object({
  WEB_PORT: portSetting(8090),
  /** Unset: every interface for `switchyard web`, loopback only for `switchyard dev` (where dev sign-in is allowed). */
  WEB_HOST: z.string().optional(),
  /** The address browsers reach the console at, e.g. https://switchyard.example.com: the OIDC redirect URI base. */
  WEB_PUBLIC_URL: httpUrl.optional(),
  /** Set: browsers sign in with OpenID Connect at /auth/login (e.g. https://slack.com for Sign in with Slack). */
  OIDC_ISSUER: httpUrl.optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** The ID token claim that is the principal (the id role bindings name); for Slack `https://slack.com/user_id`. */
  OIDC_PRINCIPAL_CLAIM: z.string().min(1).default('sub'),
  /** Set: only members of this Slack workspace (the `https://slack.com/team_id` claim) may sign in. */
  OIDC_ALLOWED_TEAM: z.string().optional(),
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
