import type { Command } from 'commander';
import { describePolicy, policyOf } from '../../core/policy.js';
import { keyRingFromSettings } from '../../core/secrets/keyring.js';
import { loadSettingsOrExit } from '../settings.js';
import { withStorage } from './shared.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `switchyard doctor`: is every copy of the served state (Redis, evaluators) the one Postgres holds? */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'compare, per environment, the snapshot version and epoch in Postgres, Redis and each evaluator, and count secret envelopes per master key of the ring; exit 1 on drift or on envelopes under a key the ring lacks',
    )
    .option(
      '--evaluator <url>',
      'an evaluator to ask (its /readyz), e.g. http://evaluator:8080; repeat for several (default EVALUATOR_URLS, comma-separated)',
      collect,
      [],
    )
    .action(async (opts: { evaluator: string[] }) => {
      const urls = opts.evaluator.length
        ? opts.evaluator
        : (process.env.EVALUATOR_URLS ?? '')
            .split(',')
            .map((u) => u.trim())
            .filter(Boolean);
      const { runDoctor } = await import('../doctor.js');
      const settings = loadSettingsOrExit();
      const keyRing = keyRingFromSettings(settings);
      // Which environments get production rights is configuration: say which, before anything else.
      console.log(describePolicy(policyOf(settings)));
      const report = await withStorage(({ deps }) => runDoctor(deps, urls, keyRing ? { keyRing } : {}));
      for (const line of report.lines) console.log(line);
      if (report.problems.length) process.exitCode = 1;
    });
}
