import type { Command } from 'commander';
import { loadSettingsOrExit } from '../settings.js';

/** `switchyard evaluator`: the OFREP / config / secrets service. */
export function registerEvaluatorCommand(program: Command): void {
  program
    .command('evaluator')
    .description('run the evaluator service (OFREP, /v1/config, /metrics) on EVALUATOR_PORT')
    .action(async () => {
      const settings = loadSettingsOrExit();
      const { startEvaluator } = await import('../../evaluator/server.js');
      const running = await startEvaluator(settings);
      const stop = async () => {
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
