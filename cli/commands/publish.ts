import type { Command } from 'commander';
import { withStorage } from './shared.js';

/** `switchyard publish`: rebuilds the Redis snapshots from Postgres. */
export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description(
      'rewrite every environment’s entries in Redis from Postgres, announced on the change feed (repairs a flushed Redis)',
    )
    .option('--force', 'overwrite even a newer version in Redis (after the database was recreated)')
    .action(async (opts: { force?: boolean }) => {
      const { publishSnapshots } = await import('../../storage/snapshot-publisher.js');
      const { syncSdkKeysToRedis } = await import('../../storage/sdk-keys.js');
      await withStorage(async ({ deps }) => {
        const result = await publishSnapshots(deps, undefined, { force: Boolean(opts.force) });
        const keys = await syncSdkKeysToRedis(deps);
        for (const [env, { version, written }] of Object.entries(result))
          console.log(`${env}: version ${version}${written ? ' written' : ' (Redis already current)'}`);
        console.log(`${keys} SDK key(s) synced`);
      });
    });
}
