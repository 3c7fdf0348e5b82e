import type { Command } from 'commander';
import { SwitchyardError } from '../../core/errors.js';
import { withStorage } from './shared.js';

/** `switchyard export`: every entry as importable JSON, or one environment's snapshot. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('print every flag and config entry as JSON (importable)')
    .option('--env <env>', 'only this environment’s state')
    .option('--snapshot', 'print the evaluator snapshot of --env instead (for the in-process provider’s file source)')
    .action(async (opts: { env?: string; snapshot?: boolean }) => {
      await withStorage(async ({ deps }) => {
        if (opts.snapshot) {
          if (!opts.env) throw new SwitchyardError('--snapshot needs --env <env>', 'USAGE', 400);
          const { buildSnapshot } = await import('../../storage/snapshot-publisher.js');
          console.log(JSON.stringify(await buildSnapshot(deps.pool, opts.env), null, 2));
          return;
        }
        const { exportFlags } = await import('../../storage/flags.js');
        const { exportConfigs } = await import('../../storage/configs.js');
        const scope = opts.env ? { env: opts.env } : {};
        const entries = [...(await exportFlags(deps.pool, scope)), ...(await exportConfigs(deps.pool, scope))];
        console.log(JSON.stringify(entries, null, 2));
      });
    });
}
