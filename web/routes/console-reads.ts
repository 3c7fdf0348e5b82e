import { z } from 'zod';
import { staleFlagsOf } from '../../activities/stale-flags.js';
import { listLifecycleFlags } from '../../storage/stale-flags.js';
import { readerOf } from '../reader.js';
import { route } from '../route.js';

/** The daily stale-flag post's age limit (workflows/stale-flags.ts), so the console lists the same flags as `/flag list --stale`. */
const STALE_AGE_DAYS = 90;

/** Reads the browser console needs beside the resources: how to sign in, and which flags are stale. */
export const consoleReadRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/sign-in',
    summary: 'How a browser signs in here: OpenID Connect at /auth/login, or (under `switchyard dev` only) /dev-login',
    tag: 'session',
    auth: false,
    response: z.object({ oidc: z.boolean(), devLogin: z.boolean() }),
    handle: async (_input, { deps }) => ({
      oidc: deps.oidc !== undefined,
      devLogin: deps.devLogin && deps.oidc === undefined,
    }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/stale-flags',
    summary:
      'Release and experiment flags past their expiry or older than the age limit, with why (as `/flag list --stale`)',
    tag: 'flags',
    response: z.object({
      maxAgeDays: z.number(),
      flags: z.array(
        z.object({
          key: z.string(),
          kind: z.string(),
          owner: z.string(),
          why: z.enum(['expired', 'old']),
          expiry: z.string().optional(),
          createdAt: z.string().optional(),
        }),
      ),
    }),
    handle: async ({ caller }, { deps }) => {
      // Key, kind, owner and age are the flag's own, of no environment: whoever reads anything may list them.
      await readerOf(deps, caller);
      return {
        maxAgeDays: STALE_AGE_DAYS,
        flags: staleFlagsOf(await listLifecycleFlags(deps.pool), STALE_AGE_DAYS, deps.now()),
      };
    },
  }),
];
