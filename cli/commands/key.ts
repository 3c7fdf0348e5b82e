import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { sdkKeyKind } from '../../core/sdk-key.js';
import type { SdkKeyRecord } from '../../storage/redis-keys.js';
import type { SdkKeyRow } from '../../storage/sdk-key-list.js';
import { cliActor } from '../storage-runtime.js';
import { asOption, withStorage } from './shared.js';

/** A rotation longer than this is a second key living on, not a switch-over: create one instead. */
const MAX_GRACE_MS = 30 * 86_400_000;

/** `2026-12-10 14:03:07Z`: UTC to the second, the same on every operator's machine. */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;

/** The grace of `key rotate --grace`: a duration, or 0 to stop the old key at once. */
export function parseGrace(text: string): number {
  if (/^0+(?:ms|s|m|h|d|w)?$/.test(text.trim())) return 0;
  const ms = parseDuration(text);
  if (ms > MAX_GRACE_MS)
    throw new ValidationError(
      `--grace ${text} is longer than 30d: a grace period is for switching deployments over; keep two keys with switchyard key create instead`,
    );
  return ms;
}

/** What a new or rotated key is, in the words `key list` uses (docs/design.md#evaluator). */
export function describeKind(record: SdkKeyRecord): string {
  return sdkKeyKind(record) === 'client'
    ? `client key for browsers on ${record.origins?.join(', ')}: OFREP evaluation only`
    : 'server key';
}

function stateOf(row: SdkKeyRow): string {
  const life = row.lifecycle;
  switch (life.state) {
    case 'active':
      return 'active';
    case 'rotating':
      return `rotating until ${when(life.until)}${life.successor ? ` (replaced by ${life.successor})` : ''}`;
    case 'expired':
      return `expired ${when(life.at)} (rotated${life.successor ? ` to ${life.successor}` : ''})`;
    case 'revoked':
      return `revoked ${when(life.at)}${life.by ? ` by ${life.by}` : ''}${life.reason ? `: ${life.reason}` : ''}`;
  }
}

/**
 * The rows of `switchyard key list` as aligned columns; never the key or its hash. `lastUsed` is
 * undefined when Redis could not be read.
 */
export function formatKeyList(rows: SdkKeyRow[], lastUsed: ReadonlyMap<string, string> | undefined): string[] {
  const header = ['ID', 'NAME', 'ENV', 'SCOPES', 'KIND', 'ORIGINS', 'CREATED', 'LAST USED', 'STATE'];
  const lines = rows.map((row) => {
    const used = lastUsed?.get(row.id);
    return [
      row.id,
      row.name,
      row.env,
      row.scopes.join(','),
      row.kind,
      row.origins?.join(',') ?? '-',
      `${when(row.createdAt)} by ${row.createdBy}`,
      used ? when(used) : lastUsed ? 'never' : 'unknown',
      stateOf(row),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((cells) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  '),
  );
}

/** `switchyard key create | list | revoke | rotate`: SDK keys for the evaluator, all changes audited. */
export function registerKeyCommand(program: Command): void {
  const key = program
    .command('key')
    .description('SDK keys for the evaluator: create, list, revoke, rotate (every change audited)');
  key
    .command('create')
    .description('create an SDK key bound to one environment; the key is printed once, only its hash is stored')
    .requiredOption('--env <env>', 'environment the key reads')
    .option('--scopes <list>', 'comma-separated: flags, config, secrets', 'flags,config')
    .option('--name <name>', 'what uses this key (e.g. the service name)', 'default')
    .option(
      '--origin <origin>',
      'a browser origin whose pages may use the key (CORS), e.g. https://app.example.com; repeatable; makes it a client key, which may only evaluate flags over OFREP',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--reason <text>', 'why, for the audit log')
    .addOption(asOption())
    .action(
      async (opts: { env: string; scopes: string; name: string; origin: string[]; reason?: string; as?: string }) => {
        const { createSdkKey } = await import('../../storage/sdk-keys.js');
        await withStorage(async ({ deps }) => {
          const created = await createSdkKey(deps, {
            env: opts.env,
            scopes: opts.scopes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            name: opts.name,
            origins: opts.origin,
            actor: cliActor(opts.as),
            ...(opts.reason ? { reason: opts.reason } : {}),
          });
          console.error(
            `SDK key ${created.record.id} for ${created.record.env} (${created.record.scopes.join(', ')}; ${describeKind(created.record)}); it is shown only now:`,
          );
          console.log(created.key);
        });
      },
    );

  key
    .command('list')
    .description(
      'every SDK key: id, name, environment, scopes, kind (server, or client when bound to browser origins), browser origins, created, last used, state (never the key)',
    )
    .option('--env <env>', 'only the keys of this environment')
    .option('--live', 'only keys that still work (active, or rotating within their grace period)')
    .action(async (opts: { env?: string; live?: boolean }) => {
      const { listSdkKeys, sdkKeysLastUsed } = await import('../../storage/sdk-key-list.js');
      const { assertKnownEnvironments } = await import('../../storage/environments.js');
      await withStorage(async ({ deps }) => {
        if (opts.env) await assertKnownEnvironments(deps.pool, [opts.env]);
        const rows = await listSdkKeys(deps.pool, {
          ...(opts.env ? { env: opts.env } : {}),
          includeRetired: !opts.live,
        });
        if (!rows.length) {
          console.log(
            `no SDK keys${opts.env ? ` in ${opts.env}` : ''}: create one with switchyard key create --env ${opts.env ?? '<env>'}`,
          );
          return;
        }
        const lastUsed = await sdkKeysLastUsed(
          deps,
          rows.map((r) => r.id),
        );
        for (const line of formatKeyList(rows, lastUsed)) console.log(line);
        if (!lastUsed) console.error('warning: Redis could not be read, so "last used" is unknown');
      });
    });

  key
    .command('revoke <id>')
    .description('stop an SDK key now: every running evaluator refuses it within a second; audited')
    .requiredOption('--reason <text>', 'why (e.g. "leaked in a build log"), for the audit log')
    .addOption(asOption())
    .action(async (id: string, opts: { reason: string; as?: string }) => {
      const { revokeSdkKey } = await import('../../storage/sdk-keys.js');
      await withStorage(async ({ deps }) => {
        const revoked = await revokeSdkKey(deps, { id, actor: cliActor(opts.as), reason: opts.reason });
        console.log(
          `revoked SDK key ${revoked.id} ("${revoked.name}", ${revoked.env}): evaluators refuse it from now on`,
        );
      });
    });

  key
    .command('rotate <id>')
    .description(
      'replace an SDK key with a new one (same environment, scopes, origins and so kind), printed once; the old one works until the grace period ends; audited',
    )
    .option('--grace <duration>', 'how long the old key keeps working, e.g. 1h, 24h, 7d (0: stop it now)', '24h')
    .option('--reason <text>', 'why, for the audit log')
    .addOption(asOption())
    .action(async (id: string, opts: { grace: string; reason?: string; as?: string }) => {
      const graceMs = parseGrace(opts.grace);
      const { rotateSdkKey } = await import('../../storage/sdk-keys.js');
      await withStorage(async ({ deps }) => {
        const rotated = await rotateSdkKey(deps, {
          id,
          actor: cliActor(opts.as),
          graceMs,
          ...(opts.reason ? { reason: opts.reason } : {}),
        });
        const grace =
          graceMs === 0
            ? 'it stopped working now'
            : `it keeps working until ${when(rotated.previous.expiresAt)} (grace ${formatDuration(graceMs)})`;
        console.error(
          `SDK key ${rotated.record.id} replaces ${rotated.previous.id} ("${rotated.record.name}", ${rotated.record.env}, ${rotated.record.scopes.join(', ')}; ${describeKind(rotated.record)}); ` +
            `${grace}. The new key is shown only now:`,
        );
        console.log(rotated.key);
      });
    });
}
