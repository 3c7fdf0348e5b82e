import type { Client } from '@temporalio/client';
import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy.js';
import type { CommandHandler } from '../bot/command-handler.js';
import type { Pool } from '../storage/db.js';
import type { OidcSignIn } from './oidc.js';
import type { RateLimits } from './rate-limits.js';
import type { Session, SessionCodec } from './session.js';

/** What every route may use: the same handler, Temporal client and pool as the bot. */
export interface ApiDeps {
  client: Client;
  taskQueue: string;
  pool: Pool;
  log: Logger;
  environments: readonly string[];
  /** Which environments are production (policyOf(settings), the handler's too): every read is judged on it. */
  policy: Policy;
  handler: CommandHandler;
  /** How long a changing call waits for its change request to settle (as the command handler does). */
  waitMs: number;
  now: () => Date;
  sessions: SessionCodec;
  /** Failed token presentations and sign-ins per client address, and calls per caller (web/rate-limits.ts). */
  limits: RateLimits;
  /** `GET /dev-login` works: started by `switchyard dev`, listening on loopback only. */
  devLogin: boolean;
  /** Set when OIDC_ISSUER is: browsers sign in at /auth/login, and dev sign-in is refused. */
  oidc?: OidcSignIn;
}

/** Who is calling, and how they proved it. */
export type Caller =
  { principal: string; via: 'token'; tokenId: string } | { principal: string; via: 'session'; session: Session };
