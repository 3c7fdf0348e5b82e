import type { Command } from 'commander';
import { createLogger } from '../../storage/logger.js';
import { loadSettingsOrExit } from '../settings.js';
import { cliActor } from '../storage-runtime.js';
import { asOption, withStorage } from './shared.js';

/** `switchyard import <path>`: flags and config as code, into Postgres through the one write path. */
export function registerImportCommand(program: Command): void {
  program
    .command('import <path>')
    .description(
      'validate flags/config as code (a JSON file or a directory), print the diff, apply it; plain secret values are sealed with SECRETS_MASTER_KEY',
    )
    .option('--env <env>', 'take only this environment’s state from the files; other environments keep theirs')
    .option('--reason <text>', 'why, for the audit log')
    .option('--dry-run', 'print the diff without applying')
    .addOption(asOption())
    .action(async (path: string, opts: { env?: string; reason?: string; dryRun?: boolean; as?: string }) => {
      const { importEntries } = await import('../import-command.js');
      const { keyRingFromSettings } = await import('../../core/secrets/keyring.js');
      const keyRing = keyRingFromSettings(loadSettingsOrExit());
      // Guarded flags are watched from the import on (without Temporal: from the worker's next start).
      const { openGuardrailMonitorTarget } = await import('../guardrail-monitors.js');
      const monitors = opts.dryRun
        ? undefined
        : await openGuardrailMonitorTarget(loadSettingsOrExit(), createLogger(process.env.LOG_LEVEL ?? 'warn', 'cli'));
      await withStorage(async ({ deps }) => {
        const report = await importEntries(deps, path, {
          ...opts,
          actor: cliActor(opts.as),
          ...(keyRing ? { keyRing } : {}),
          monitors: monitors?.target,
        });
        if (monitors?.warning && report.applied) report.warnings.push(monitors.warning);
        for (const warning of report.warnings) console.error(`warning: ${warning}`);
        for (const line of report.lines) console.log(line);
        const verb = opts.dryRun ? 'would apply' : 'applied';
        console.log(
          `${verb} ${opts.dryRun ? report.lines.filter((l) => !l.startsWith(' ') && !l.startsWith('=')).length : report.applied}, unchanged ${report.unchanged}`,
        );
      }).finally(() => monitors?.close());
    });
}
