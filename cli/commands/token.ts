import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { cliActor } from '../storage-runtime.js';
import { asOption, withStorage } from './shared.js';

/** `2026-12-10 14:03:07Z`: UTC to the second. */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;

/** `switchyard token create | list | revoke`: API tokens acting as one principal, every change audited. */
export function registerTokenCommand(program: Command): void {
  const token = program
    .command('token')
    .description(
      'API tokens for automation calling the HTTP API as a principal: create, list, revoke (every change audited)',
    );
  token
    .command('create')
    .description(
      'create a token acting as a principal (its role bindings decide what it may do); printed once, only its hash is stored',
    )
    .requiredOption(
      '--principal <id>',
      'who the token acts as, as role bindings name it (a Slack user id, a service account)',
    )
    .requiredOption('--name <name>', 'what uses the token (e.g. ci-deploy)')
    .option('--expires <duration>', 'lifetime, e.g. 90d or 12h (default: until revoked)')
    .option('--reason <text>', 'why, for the audit log')
    .addOption(asOption())
    .action(async (opts: { principal: string; name: string; expires?: string; reason?: string; as?: string }) => {
      const expiresInMs = opts.expires === undefined ? undefined : parseDuration(opts.expires);
      const { createApiToken } = await import('../../storage/api-tokens.js');
      await withStorage(async ({ deps }) => {
        const { token: clear, record } = await createApiToken(deps, {
          principal: opts.principal,
          name: opts.name,
          actor: cliActor(opts.as),
          expiresInMs,
          ...(opts.reason ? { reason: opts.reason } : {}),
        });
        console.error(
          `API token ${record.id} ("${record.name}") acting as ${record.principal}${record.expiresAt ? `, expires ${when(record.expiresAt)}` : ''}; it is shown only now:`,
        );
        console.log(clear);
      });
    });

  token
    .command('list')
    .description('every API token: id, name, principal, created, expiry, last used, state (never the token)')
    .option('--principal <id>', 'only the tokens acting as this principal')
    .action(async (opts: { principal?: string }) => {
      const { listApiTokens } = await import('../../storage/api-tokens.js');
      await withStorage(async ({ deps }) => {
        const rows = await listApiTokens(deps.pool, opts.principal ? { principal: opts.principal } : {});
        if (!rows.length)
          return console.log('no API tokens: create one with switchyard token create --principal <id> --name <name>');
        const now = Date.now();
        for (const row of rows) {
          const state = row.revokedAt
            ? `revoked ${when(row.revokedAt)} by ${row.revokedBy ?? '?'}`
            : row.expiresAt && Date.parse(row.expiresAt) <= now
              ? `expired ${when(row.expiresAt)}`
              : row.expiresAt
                ? `active until ${when(row.expiresAt)}`
                : 'active';
          console.log(
            [
              row.id,
              row.name,
              row.principal,
              `created ${when(row.createdAt)} by ${row.createdBy}`,
              row.lastUsedAt ? `used ${when(row.lastUsedAt)}` : 'never used',
              state,
            ].join('  '),
          );
        }
      });
    });

  token
    .command('revoke <id>')
    .description('stop an API token now (the next call with it gets 401); audited')
    .requiredOption('--reason <text>', 'why (e.g. "left in a CI log"), for the audit log')
    .addOption(asOption())
    .action(async (id: string, opts: { reason: string; as?: string }) => {
      const { revokeApiToken } = await import('../../storage/api-tokens.js');
      await withStorage(async ({ deps }) => {
        const revoked = await revokeApiToken(deps, { id, actor: cliActor(opts.as), reason: opts.reason });
        console.log(
          `revoked API token ${revoked.id} ("${revoked.name}", acting as ${revoked.principal}): calls with it are refused from now on`,
        );
      });
    });
}
