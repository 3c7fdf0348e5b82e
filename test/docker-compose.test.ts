import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { settingsSchema } from '../cli/settings.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface ComposeService {
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
}

/** The compose file as Docker reads it (YAML merge keys `<<:` included). */
function loadCompose(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(`${root}/docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
}

/** Subcommand names from `switchyard --help` (commander's "Commands:" section). */
function switchyardSubcommands(): Set<string> {
  const help = execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--help'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const section = help.split(/^Commands:\s*$/m)[1] ?? '';
  // A command line starts two spaces in; wrapped descriptions are indented further.
  return new Set([...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help'));
}

const envNames = (env: ComposeService['environment']): string[] =>
  Array.isArray(env) ? env.map((e) => e.split('=')[0]!) : Object.keys(env ?? {});

describe('docker-compose.yml', () => {
  let services: Record<string, ComposeService>;
  let ours: Array<[string, ComposeService]>;
  let subcommands: Set<string>;

  beforeAll(async () => {
    services = loadCompose().services;
    // Services built from this repository run `switchyard <command>` (the image's entrypoint).
    ours = Object.entries(services).filter(([, s]) => s.build !== undefined);
    subcommands = switchyardSubcommands();
  }, 30_000);

  it('runs worker, bot, evaluator and migrate from this repository', () => {
    expect(ours.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining(['bot', 'evaluator', 'migrate', 'worker']),
    );
  });

  it('gives every switchyard service a command the switchyard CLI has', () => {
    for (const [name, service] of ours) {
      const command = Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/);
      expect(command[0], `service ${name} has no command`).toBeTruthy();
      expect(
        subcommands,
        `service ${name}: \`switchyard ${command[0]}\` does not exist (have: ${[...subcommands].join(', ')})`,
      ).toContain(command[0]);
    }
  });

  it('sets only environment variables Switchyard reads', () => {
    const known = new Set(Object.keys(settingsSchema.shape));
    for (const [name, service] of ours) {
      for (const variable of envNames(service.environment)) {
        expect(known, `service ${name} sets ${variable}, which cli/settings.ts does not read`).toContain(variable);
      }
    }
  });

  it('gives the evaluator what /v1/secrets needs, and the bot and worker what Slack needs', () => {
    expect(envNames(services.evaluator?.environment)).toContain('SECRETS_MASTER_KEY');
    for (const variable of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SECRETS_MASTER_KEY'])
      expect(envNames(services.bot?.environment)).toContain(variable);
    for (const variable of ['SLACK_BOT_TOKEN', 'SLACK_APPROVALS_CHANNEL', 'SLACK_INCIDENTS_CHANNEL'])
      expect(envNames(services.worker?.environment)).toContain(variable);
  });
});
