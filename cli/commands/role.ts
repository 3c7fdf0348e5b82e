import type { Command } from 'commander';
import { cliActor } from '../storage-runtime.js';
import { asOption, withStorage } from './shared.js';

/** `, until 2026-12-09T09:00:00.000Z`, or nothing for a binding without an end. */
const untilText = (until: string | null) => (until ? `, until ${until}` : '');

/** `switchyard role grant|revoke|list`: role bindings, and the bootstrap of the first operators. */
export function registerRoleCommand(program: Command): void {
  const role = program
    .command('role')
    .description('role bindings (docs/design.md#roles); bootstrap the first operators from here');
  role
    .command('grant <user> <role>')
    .description(
      'grant a role (developer, product_manager, operator, admin, viewer, oncall), optionally scoped and timed; audited',
    )
    .option('--env <env>', 'only in this environment (required for oncall)')
    .option('--tenant <id>', 'only for this tenant (required for admin)')
    .option('--until <time>', 'until this ISO time with its zone, e.g. 2026-12-09T09:00Z (an on-call shift)')
    .option('--reason <text>', 'why, for the audit log')
    .addOption(asOption())
    .action(
      async (
        user: string,
        roleName: string,
        opts: { env?: string; tenant?: string; until?: string; reason?: string; as?: string },
      ) => {
        const { grantRole } = await import('../../storage/role-bindings.js');
        await withStorage(async ({ deps, policy }) => {
          const { binding, created, changed } = await grantRole(
            { ...deps, policy },
            {
              subject: user,
              role: roleName,
              env: opts.env,
              tenant: opts.tenant,
              until: opts.until,
              actor: cliActor(opts.as),
              reason: opts.reason ?? 'bootstrap from the CLI',
            },
          );
          const { describeRoleScope } = await import('../../core/role-scope.js');
          const scope = describeRoleScope(binding.role, {
            env: binding.env ?? undefined,
            tenant: binding.tenant ?? undefined,
          });
          const outcome = created ? 'granted' : changed ? 'end changed' : 'already held';
          console.log(`${outcome}: ${binding.subject} is ${binding.role} (${scope}${untilText(binding.until)})`);
        });
      },
    );
  role
    .command('revoke <user> <role>')
    .description('revoke a role binding; audited')
    .option('--env <env>')
    .option('--tenant <id>')
    .option('--reason <text>', 'why, for the audit log')
    .addOption(asOption())
    .action(
      async (user: string, roleName: string, opts: { env?: string; tenant?: string; reason?: string; as?: string }) => {
        const { revokeRole } = await import('../../storage/role-bindings.js');
        await withStorage(async ({ deps }) => {
          const binding = await revokeRole(deps, {
            subject: user,
            role: roleName,
            env: opts.env,
            tenant: opts.tenant,
            actor: cliActor(opts.as),
            reason: opts.reason,
          });
          console.log(`revoked: ${binding.subject} is no longer ${binding.role}`);
        });
      },
    );
  role
    .command('list <user>')
    .description('the role bindings a user holds now (an expired one is not listed), with their ends')
    .action(async (user: string) => {
      const { listRoleBindings } = await import('../../storage/role-bindings.js');
      await withStorage(async ({ deps }) => {
        const bindings = await listRoleBindings(deps.pool, user);
        if (!bindings.length) console.log(`${user} holds no roles`);
        for (const b of bindings)
          console.log(
            `${b.role}${b.env ? ` env=${b.env}` : ''}${b.tenant ? ` tenant=${b.tenant}` : ''}${b.until ? ` until=${b.until}` : ''} (granted by ${b.grantedBy} at ${b.createdAt})`,
          );
      });
    });
}
