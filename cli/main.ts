import { Command, Option } from 'commander';
import { SwitchyardError, ValidationError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { databaseUrlOf, loadSettingsOrExit } from './settings.js';
import { cliActor, openStorage } from './storage-runtime.js';

/**
 * The `switchyard` command. Each subcommand loads only what it needs, so `schema` or `--help`
 * never opens a database connection.
 */
const program = new Command('switchyard')
  .description('Chat-ops change management: flags, dynamic config and secrets, governed and audited.')
  .showHelpAfterError();

const asOption = () => new Option('--as <name>', 'operator name recorded in the audit log as cli:<name> (default $USER)');

/** Runs a one-shot command against Postgres and Redis, closing both afterwards. */
async function withStorage<T>(work: (storage: ReturnType<typeof openStorage>) => Promise<T>): Promise<T> {
  const settings = loadSettingsOrExit();
  const storage = openStorage(settings, createLogger(process.env.LOG_LEVEL ?? 'warn', 'cli'));
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

program
  .command('migrate')
  .description('apply database migrations (creates the database when missing)')
  .action(async () => {
    const settings = loadSettingsOrExit();
    const { migrate } = await import('../storage/migrate.js');
    const applied = await migrate(settings.DATABASE_URL, { log: createLogger(settings.LOG_LEVEL, 'migrate') });
    await withStorage(async ({ deps }) => {
      const { ensureEnvironments } = await import('../storage/environments.js');
      await ensureEnvironments(deps.pool, settings.ENVIRONMENTS);
    });
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database schema is up to date');
  });

program
  .command('schema')
  .description('print the JSON Schema of flag and config documents')
  .action(async () => {
    const { jsonSchemas } = await import('./schema-command.js');
    console.log(JSON.stringify(jsonSchemas(), null, 2));
  });

program
  .command('import <path>')
  .description('validate flags/config as code (a JSON file or a directory), print the diff, apply it; plain secret values are sealed with SECRETS_MASTER_KEY')
  .option('--env <env>', 'take only this environment’s state from the files; other environments keep theirs')
  .option('--reason <text>', 'why, for the audit log')
  .option('--dry-run', 'print the diff without applying')
  .addOption(asOption())
  .action(async (path: string, opts: { env?: string; reason?: string; dryRun?: boolean; as?: string }) => {
    const { importEntries } = await import('./import-command.js');
    const { parseMasterKey } = await import('../core/secrets/envelope.js');
    const secretsKey = loadSettingsOrExit().SECRETS_MASTER_KEY;
    // Guarded flags are watched from the import on (without Temporal: from the worker's next start).
    const { openGuardrailMonitorTarget } = await import('./guardrail-monitors.js');
    const monitors = opts.dryRun ? undefined : await openGuardrailMonitorTarget(loadSettingsOrExit(), createLogger(process.env.LOG_LEVEL ?? 'warn', 'cli'));
    await withStorage(async ({ deps }) => {
      const report = await importEntries(deps, path, { ...opts, actor: cliActor(opts.as), ...(secretsKey ? { masterKey: parseMasterKey(secretsKey) } : {}), monitors: monitors?.target });
      if (monitors?.warning && report.applied) report.warnings.push(monitors.warning);
      for (const warning of report.warnings) console.error(`warning: ${warning}`);
      for (const line of report.lines) console.log(line);
      const verb = opts.dryRun ? 'would apply' : 'applied';
      console.log(`${verb} ${opts.dryRun ? report.lines.filter((l) => !l.startsWith(' ') && !l.startsWith('=')).length : report.applied}, unchanged ${report.unchanged}`);
    }).finally(() => monitors?.close());
  });

program
  .command('export')
  .description('print every flag and config entry as JSON (importable)')
  .option('--env <env>', 'only this environment’s state')
  .option('--snapshot', 'print the evaluator snapshot of --env instead (for the in-process provider’s file source)')
  .action(async (opts: { env?: string; snapshot?: boolean }) => {
    await withStorage(async ({ deps }) => {
      if (opts.snapshot) {
        if (!opts.env) throw new SwitchyardError('--snapshot needs --env <env>', 'USAGE', 400);
        const { buildSnapshot } = await import('../storage/snapshot-publisher.js');
        console.log(JSON.stringify(await buildSnapshot(deps.pool, opts.env), null, 2));
        return;
      }
      const { exportFlags } = await import('../storage/flags.js');
      const { exportConfigs } = await import('../storage/configs.js');
      const scope = opts.env ? { env: opts.env } : {};
      const entries = [...(await exportFlags(deps.pool, scope)), ...(await exportConfigs(deps.pool, scope))];
      console.log(JSON.stringify(entries, null, 2));
    });
  });

const key = program.command('key').description('SDK keys for the evaluator');
key
  .command('create')
  .description('create an SDK key bound to one environment; the key is printed once, only its hash is stored')
  .requiredOption('--env <env>', 'environment the key reads')
  .option('--scopes <list>', 'comma-separated: flags, config, secrets', 'flags,config')
  .option('--name <name>', 'what uses this key (e.g. the service name)', 'default')
  .option('--reason <text>', 'why, for the audit log')
  .addOption(asOption())
  .action(async (opts: { env: string; scopes: string; name: string; reason?: string; as?: string }) => {
    const { createSdkKey } = await import('../storage/sdk-keys.js');
    await withStorage(async ({ deps }) => {
      const created = await createSdkKey(deps, {
        env: opts.env,
        scopes: opts.scopes.split(',').map((s) => s.trim()).filter(Boolean),
        name: opts.name,
        actor: cliActor(opts.as),
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
      console.error(`SDK key ${created.record.id} for ${created.record.env} (${created.record.scopes.join(', ')}); it is shown only now:`);
      console.log(created.key);
    });
  });

const audit = program.command('audit').description('the tamper-evident audit log');
audit
  .command('verify')
  .description('walk the hash chain and name the first broken row')
  .option('--expect-head <seq:hash>', 'a head printed by an earlier verify: also fail if rows up to it were removed or rewritten')
  .action(async (opts: { expectHead?: string }) => {
    const { verifyAuditChain } = await import('../storage/audit.js');
    let expectHead: { seq: number; hash: string } | undefined;
    if (opts.expectHead !== undefined) {
      const match = /^(\d+):([0-9a-f]{64})$/.exec(opts.expectHead);
      if (!match) throw new ValidationError(`--expect-head must be <seq>:<sha256 hex>, as \`switchyard audit verify\` prints it (got ${opts.expectHead})`);
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
      console.error(`audit chain BROKEN at row seq=${result.brokenAt.seq} (id ${result.brokenAt.id}): ${result.brokenAt.reason} — ${result.rows} row(s) verified before it`);
      process.exitCode = 1;
    });
  });

program
  .command('publish')
  .description('rebuild every environment’s snapshot from Postgres and write it to Redis (repairs a flushed Redis)')
  .option('--force', 'overwrite even a newer version in Redis (after the database was recreated)')
  .action(async (opts: { force?: boolean }) => {
    const { publishSnapshots } = await import('../storage/snapshot-publisher.js');
    const { syncSdkKeysToRedis } = await import('../storage/sdk-keys.js');
    await withStorage(async ({ deps }) => {
      const result = await publishSnapshots(deps, undefined, { force: Boolean(opts.force) });
      const keys = await syncSdkKeysToRedis(deps);
      for (const [env, { version, written }] of Object.entries(result)) console.log(`${env}: version ${version}${written ? ' written' : ' (Redis already current)'}`);
      console.log(`${keys} SDK key(s) synced`);
    });
  });

const role = program.command('role').description('role bindings (SPEC §5); bootstrap the first operators from here');
role
  .command('grant <user> <role>')
  .description('grant a role (developer, product_manager, operator, admin), optionally scoped; audited')
  .option('--env <env>', 'only in this environment')
  .option('--tenant <id>', 'only for this tenant (required for admin)')
  .option('--reason <text>', 'why, for the audit log')
  .addOption(asOption())
  .action(async (user: string, roleName: string, opts: { env?: string; tenant?: string; reason?: string; as?: string }) => {
    const { grantRole } = await import('../storage/role-bindings.js');
    await withStorage(async ({ deps }) => {
      const { binding, created } = await grantRole(deps, { subject: user, role: roleName, env: opts.env, tenant: opts.tenant, actor: cliActor(opts.as), reason: opts.reason ?? 'bootstrap from the CLI' });
      const { describeRoleScope } = await import('../core/role-scope.js');
      const scope = describeRoleScope(binding.role, { env: binding.env ?? undefined, tenant: binding.tenant ?? undefined });
      console.log(`${created ? 'granted' : 'already held'}: ${binding.subject} is ${binding.role} (${scope})`);
    });
  });
role
  .command('revoke <user> <role>')
  .description('revoke a role binding; audited')
  .option('--env <env>')
  .option('--tenant <id>')
  .option('--reason <text>', 'why, for the audit log')
  .addOption(asOption())
  .action(async (user: string, roleName: string, opts: { env?: string; tenant?: string; reason?: string; as?: string }) => {
    const { revokeRole } = await import('../storage/role-bindings.js');
    await withStorage(async ({ deps }) => {
      const binding = await revokeRole(deps, { subject: user, role: roleName, env: opts.env, tenant: opts.tenant, actor: cliActor(opts.as), reason: opts.reason });
      console.log(`revoked: ${binding.subject} is no longer ${binding.role}`);
    });
  });
role
  .command('list <user>')
  .description('the role bindings a user holds')
  .action(async (user: string) => {
    const { listRoleBindings } = await import('../storage/role-bindings.js');
    await withStorage(async ({ deps }) => {
      const bindings = await listRoleBindings(deps.pool, user);
      if (!bindings.length) console.log(`${user} holds no roles`);
      for (const b of bindings) console.log(`${b.role}${b.env ? ` env=${b.env}` : ''}${b.tenant ? ` tenant=${b.tenant}` : ''} (granted by ${b.grantedBy} at ${b.createdAt})`);
    });
  });

program
  .command('worker')
  .description('run the Temporal worker (workflows and activities) against TEMPORAL_ADDRESS')
  .action(async () => {
    const settings = loadSettingsOrExit();
    if (!settings.TEMPORAL_ADDRESS) {
      console.error('configuration error: TEMPORAL_ADDRESS is required for `switchyard worker` (use `switchyard dev` to start a local Temporal)');
      process.exit(2);
    }
    const { runWorker } = await import('./worker.js');
    await runWorker({ settings, log: createLogger(settings.LOG_LEVEL, 'worker') });
  });

program
  .command('dev')
  .description('the whole stack on this machine: Temporal dev server (unless TEMPORAL_ADDRESS), migrations, worker, evaluator and the console')
  .option('--as <user>', 'the Slack user id the console acts as (a fresh database gets the walkthrough\'s U_ALICE and U_BOB)', 'U_ALICE')
  .option('--no-console', 'run the services only (no interactive console)')
  .action(async (opts: { as: string; console: boolean }) => {
    const settings = loadSettingsOrExit();
    const { runDev } = await import('./dev-command.js');
    await runDev(settings, { user: opts.as, console: opts.console });
  });

program
  .command('console')
  .description('type /flag, /config and /change lines as a Slack user would, against TEMPORAL_ADDRESS (no Slack workspace needed)')
  .requiredOption('--as <user>', 'the Slack user id to act as (switch later with `as <user>`)')
  .action(async (opts: { as: string }) => {
    const settings = loadSettingsOrExit();
    const { consoleMain } = await import('../bot/console/index.js');
    await consoleMain(settings, opts.as);
  });

program
  .command('bot')
  .description('serve the Slack app (slash commands, buttons, modals, App Home) on BOT_PORT, or over Socket Mode with SLACK_APP_TOKEN')
  .action(async () => {
    const settings = loadSettingsOrExit();
    const { runBot } = await import('../bot/slack/index.js');
    await runBot(settings);
  });

program
  .command('evaluator')
  .description('run the evaluator service (OFREP, /v1/config, /metrics) on EVALUATOR_PORT')
  .action(async () => {
    const settings = loadSettingsOrExit();
    const { startEvaluator } = await import('../evaluator/server.js');
    const running = await startEvaluator(settings);
    const stop = async () => {
      await running.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.parseAsync().catch(async (error: unknown) => {
  // A Postgres that cannot be reached or logged in to is one line, whichever command met it.
  const { postgresConnectionProblem } = await import('../storage/db.js');
  const databaseUrl = databaseUrlOf();
  const problem = databaseUrl === undefined ? undefined : postgresConnectionProblem(error, databaseUrl);
  if (problem) error = problem;
  if (error instanceof SwitchyardError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
