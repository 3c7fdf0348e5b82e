import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Pool } from '../storage/db.js';

/**
 * Where a secret's clear value could end up, dumped as text so a test can search it: every row
 * of every table, every Redis key of a prefix, every log line. Used to show a value is nowhere.
 */

/** Each table of the public schema, all its rows as JSON text (text, jsonb, bytea as hex: every column). */
export async function dumpDatabase(pool: Pool): Promise<Record<string, string>> {
  const { rows: tables } = await pool.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const dump: Record<string, string> = {};
  for (const { tablename } of tables) {
    const { rows } = await pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
    dump[`table ${tablename}`] = rows.map((r) => r.row).join('\n');
  }
  return dump;
}

/** Every key under `prefix`, whatever its type, as text. */
export async function dumpRedisPrefix(redis: Redis, prefix: string): Promise<Record<string, string>> {
  const dump: Record<string, string> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'set'
              ? JSON.stringify(await redis.smembers(key))
              : type === 'list'
                ? JSON.stringify(await redis.lrange(key, 0, -1))
                : type === 'zset'
                  ? JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'))
                  : type === 'stream'
                    ? JSON.stringify(await redis.xrange(key, '-', '+'))
                    : `(${type})`;
      dump[`redis ${key}`] = value ?? '';
    }
    cursor = next;
  } while (cursor !== '0');
  return dump;
}

/** A pino logger at `trace` and without redaction (so nothing is hidden from the search), writing into `lines`. */
export function capturingLogger(lines: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return pino({ level: 'trace' }, sink);
}

/** The ways a clear value shows up in text: as is, JSON-escaped (a JSON column, a log line), base64, hex. */
export function textForms(clear: string): string[] {
  const bytes = Buffer.from(clear, 'utf8');
  return [...new Set([clear, JSON.stringify(clear).slice(1, -1), bytes.toString('base64'), bytes.toString('hex')])];
}

/** The places (dump labels) whose text holds any of `needles`, or holds any form of them. */
export function placesHolding(needles: string[], dumps: Record<string, string>): string[] {
  const forms = needles.flatMap(textForms);
  return Object.entries(dumps)
    .filter(([, text]) => forms.some((form) => text.includes(form)))
    .map(([place]) => place);
}
