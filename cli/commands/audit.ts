import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { withStorage } from './shared.js';

/** `switchyard audit verify`: walks the audit hash chain. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('walk the hash chain and name the first broken row')
    .option(
      '--expect-head <seq:hash>',
      'a head printed by an earlier verify: also fail if rows up to it were removed or rewritten',
    )
    .action(async (opts: { expectHead?: string }) => {
      const { verifyAuditChain } = await import('../../storage/audit.js');
      let expectHead: { seq: number; hash: string } | undefined;
      if (opts.expectHead !== undefined) {
        const match = /^(\d+):([0-9a-f]{64})$/.exec(opts.expectHead);
        if (!match)
          throw new ValidationError(
            `--expect-head must be <seq>:<sha256 hex>, as \`switchyard audit verify\` prints it (got ${opts.expectHead})`,
          );
        expectHead = { seq: Number(match[1]), hash: match[2]! };
      }
      await withStorage(async ({ deps }) => {
        const result = await verifyAuditChain(deps.pool, { expectHead });
        if (result.ok) {
          console.log(`audit chain intact: ${result.rows} row(s) verified`);
          // Kept outside the database (a ticket, a log), it catches a later removal of the newest rows.
          if (result.head) console.log(`head: ${result.head.seq}:${result.head.hash}`);
          return;
        }
        console.error(
          `audit chain BROKEN at row seq=${result.brokenAt.seq} (id ${result.brokenAt.id}): ${result.brokenAt.reason} — ${result.rows} row(s) verified before it`,
        );
        process.exitCode = 1;
      });
    });
}
