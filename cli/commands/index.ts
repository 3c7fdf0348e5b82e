import type { Command } from 'commander';
import { registerAuditCommand } from './audit.js';
import { registerBotCommand } from './bot.js';
import { registerConsoleCommand } from './console.js';
import { registerDevCommand } from './dev.js';
import { registerDoctorCommand } from './doctor.js';
import { registerEvaluatorCommand } from './evaluator.js';
import { registerExportCommand } from './export.js';
import { registerImportCommand } from './import.js';
import { registerKeyCommand } from './key.js';
import { registerLintCommand } from './lint.js';
import { registerMigrateCommand } from './migrate.js';
import { registerPublishCommand } from './publish.js';
import { registerRoleCommand } from './role.js';
import { registerSchemaCommand } from './schema.js';
import { registerSecretCommand } from './secret.js';
import { registerTokenCommand } from './token.js';
import { registerWebCommand } from './web.js';
import { registerWorkerCommand } from './worker.js';

/** Every subcommand of `switchyard`, one file each, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerMigrateCommand(program);
  registerSchemaCommand(program);
  registerImportCommand(program);
  registerExportCommand(program);
  registerLintCommand(program);
  registerKeyCommand(program);
  registerTokenCommand(program);
  registerSecretCommand(program);
  registerAuditCommand(program);
  registerPublishCommand(program);
  registerDoctorCommand(program);
  registerRoleCommand(program);
  registerWorkerCommand(program);
  registerDevCommand(program);
  registerConsoleCommand(program);
  registerBotCommand(program);
  registerEvaluatorCommand(program);
  registerWebCommand(program);
}
