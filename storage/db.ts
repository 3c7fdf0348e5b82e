import { userInfo } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { SwitchyardError } from '../core/errors.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

// bigint columns (ids, seq, snapshot versions) fit comfortably in a double: this pool reads them
// as numbers. Per pool rather than pg's global parser, so other pools in the process are untouched.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A pool for one database. An idle client's error (e.g. the server restarting) would otherwise
 * crash the process; it is logged and the pool replaces the client.
 */
export function createPool(databaseUrl: string, options: { log?: Logger; max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10, types });
  pool.on('error', (err) => options.log?.warn({ err }, 'idle Postgres client failed'));
  return pool;
}

/** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * DATABASE_URL with a user name filled in when it names none: PGUSER, then USER, then the OS
 * account. pg itself only looks at PGUSER and USER, and USER is often unset in containers, where
 * the connection then fails with "no PostgreSQL user name specified". Left unchanged when no name
 * can be found; connecting then says which variable to set.
 */
export function databaseUrlWithUser(
  databaseUrl: string,
  env: NodeJS.ProcessEnv = process.env,
  osUser: () => string = () => userInfo().username,
): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return databaseUrl;
  }
  if (url.username) return databaseUrl;
  let user = env.PGUSER || env.USER;
  if (!user) {
    try {
      user = osUser();
    } catch {
      // No passwd entry for this uid (an arbitrary uid in a container): nothing to fill in.
      return databaseUrl;
    }
  }
  if (!user) return databaseUrl;
  url.username = encodeURIComponent(user);
  return url.toString();
}

/** The URL as it may be printed: without its password. */
export function redactedDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(DATABASE_URL is not a URL)';
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);
const START_HINT = 'start it (from a clone: `bash scripts/services.sh`) or point DATABASE_URL at a running server';

/**
 * One line for a failed connection to Postgres, naming the variable to fix and what to do, in the
 * words of the Temporal one ("cannot reach Temporal at TEMPORAL_ADDRESS=…"); undefined for errors
 * that are not about connecting (a failed query stays what it is).
 */
export function postgresConnectionProblem(err: unknown, databaseUrl: string): SwitchyardError | undefined {
  type NetError = { code?: string; message?: string; port?: number; hostname?: string };
  const e = err as (NetError & { errors?: NetError[] }) | undefined;
  if (!e || typeof e !== 'object') return undefined;
  const at = `DATABASE_URL=${redactedDatabaseUrl(databaseUrl)}`;
  const net = e.code ? e : (e.errors?.find((inner) => inner.code) ?? e);
  const code = net.code;
  const problem = (text: string) => new SwitchyardError(text, 'UNAVAILABLE', 503);
  if (code && UNREACHABLE.has(code)) {
    // Only a socket error about Postgres' own host and port (Redis refuses connections the same way).
    if (!aimsAt(net, databaseUrl)) return undefined;
    return problem(`cannot reach Postgres at ${at} (${code}): ${START_HINT}`);
  }
  if (e.message?.includes('no PostgreSQL user name specified')) {
    return problem(
      `cannot log in to Postgres at ${at}: it names no user and neither PGUSER nor USER is set; set DATABASE_URL=postgres://<user>@<host>:5432/<database> (or PGUSER)`,
    );
  }
  // 28000 invalid authorization (e.g. no such role), 28P01 wrong password.
  if (code === '28000' || code === '28P01')
    return problem(`Postgres at ${at} refused the login: ${e.message}; set DATABASE_URL with a user that exists there`);
  if (code === '3D000') return problem(`Postgres at ${at}: ${e.message}; \`switchyard migrate\` creates it`);
  if (code === '57P03') return problem(`Postgres at ${at} is starting up; try again in a moment`);
  return undefined;
}

/** Whether a socket error names the host or port of the database URL (or names neither). */
function aimsAt(err: { port?: number; hostname?: string }, databaseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return true;
  }
  if (err.port !== undefined) return err.port === Number(url.port || 5432);
  if (err.hostname !== undefined) return err.hostname === url.hostname;
  return true;
}

/** Runs one query so a process fails at start with one line, not on its first real query with a stack trace. */
export async function assertPostgresReachable(pool: Pick<pg.Pool, 'query'>, databaseUrl: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    throw postgresConnectionProblem(err, databaseUrl) ?? err;
  }
}
