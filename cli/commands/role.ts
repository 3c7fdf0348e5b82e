import type { Command } from 'commander';
import { cliActor } from '../storage-runtime.js';
import { asOption, withStorage } from './shared.js';

/** `switchyard role grant|revoke|list`: role bindings, and the bootstrap of the first operators. */
export function registerRoleCommand(program: Command): void {
  const role = program
    .command('role')
    .description('role bindings (docs/design.md#roles); bootstrap the first operators from here');
  role
    .command('grant <user> <role>')
    .description('grant a role (developer, product_manager, operator, admin), optionally scoped; audited')
    .option('--env <env>', 'only in this environment')
    .option('--tenant <id>', 'only for this tenant (required for admin)')
    .option('--reason <text>', 'why, for the audit log')
    .addOption(asOption())
    .action(
      async (user: string, roleName: string, opts: { env?: string; tenant?: string; reason?: string; as?: string }) => {
        const { grantRole } = await import('../../storage/role-bindings.js');
        await withStorage(async ({ deps, policy }) => {
          const { binding, created } = await grantRole(
            { ...deps, policy },
            {
              subject: user,
              role: roleName,
              env: opts.env,
              tenant: opts.tenant,
              actor: cliActor(opts.as),
              reason: opts.reason ?? 'bootstrap from the CLI',
            },
          );
          const { describeRoleScope } = await import('../../core/role-scope.js');
          const scope = describeRoleScope(binding.role, {
            env: binding.env ?? undefined,
            tenant: binding.tenant ?? undefined,
          });
          console.log(`${created ? 'granted' : 'already held'}: ${binding.subject} is ${binding.role} (${scope})`);
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
    .description('the role bindings a user holds')
    .action(async (user: string) => {
      const { listRoleBindings } = await import('../../storage/role-bindings.js');
      await withStorage(async ({ deps }) => {
        const bindings = await listRoleBindings(deps.pool, user);
        if (!bindings.length) console.log(`${user} holds no roles`);
        for (const b of bindings)
          console.log(
            `${b.role}${b.env ? ` env=${b.env}` : ''}${b.tenant ? ` tenant=${b.tenant}` : ''} (granted by ${b.grantedBy} at ${b.createdAt})`,
          );
      });
    });
}
