import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import type { Pool } from '../storage/db.js';
import { createCommandHandler } from './command-handler.js';
import { TEST_POLICY } from '../test/policy.js';

// Parsing and help never reach Temporal or Postgres: these run without either.
const handler = createCommandHandler({
  client: {} as Client,
  taskQueue: 'q',
  pool: {} as Pool,
  log: createLogger('silent'),
  environments: ['dev', 'staging', 'production'],
  policy: TEST_POLICY,
});
const run = (command: '/flag' | '/config' | '/change', text: string) =>
  handler.handleCommand({
    transport: 'console',
    user: 'U1',
    command,
    text,
    requestId: 'r',
    replyTo: { transport: 'console', user: 'U1' },
  });

describe('command handler without services', () => {
  it('answers a bad command with one line naming the bad part, then the usage line', async () => {
    const reply = await run('/flag', 'kill checkout --env staging');
    expect(reply.ok).toBe(false);
    expect(reply.ephemeral).toBe(true);
    const [first, ...rest] = reply.text.split('\n');
    expect(first).toMatch(/reason/);
    expect(rest.join('\n')).toContain('/flag kill <key>');
  });

  it('answers help with the usage of every subcommand', async () => {
    const reply = await run('/change', 'help');
    expect(reply.ok).toBe(true);
    expect(reply.text).toContain('/change approve <id>');
  });

  it('asks Slack to open a dialog for a secret, with the key and environment the grammar parsed', async () => {
    const reply = await handler.handleCommand({
      transport: 'slack',
      user: 'U1',
      command: '/config',
      text: 'secret set db-password --env production',
      requestId: 'r',
      replyTo: { transport: 'slack', user: 'U1' },
    });
    expect(reply.ok).toBe(true);
    expect(reply.dialog).toEqual({ kind: 'secret', key: 'db-password', env: 'production' });
  });

  it('refuses a secret typed into a command, and asks every transport for the value instead', async () => {
    const typed = await handler.handleCommand({
      transport: 'slack',
      user: 'U1',
      command: '/config',
      text: 'secret set db-password hunter2 --env production',
      requestId: 'r',
      replyTo: { transport: 'slack', user: 'U1' },
    });
    expect(typed.ok).toBe(false);
    expect(typed.dialog).toBeUndefined();
    expect(typed.text).toContain('never type a secret into a command');
    const asked = await run('/config', 'secret set db-password --env staging');
    expect(asked.dialog).toEqual({ kind: 'secret', key: 'db-password', env: 'staging' });
  });

  it('refuses a button it does not know instead of guessing', async () => {
    const reply = await handler.handleAction({
      user: 'U1',
      actionId: 'mystery',
      value: 'x',
      requestId: 'r',
      replyTo: { transport: 'console', user: 'U1' },
    });
    expect(reply.ok).toBe(false);
    expect(reply.text).toContain('mystery');
  });

  it('refuses a button whose value points at the wrong kind of workflow', async () => {
    const reply = await handler.handleAction({
      user: 'U1',
      actionId: 'change_approve',
      value: 'rollout-production-x',
      requestId: 'r',
      replyTo: { transport: 'console', user: 'U1' },
    });
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/does not point at a change workflow/);
  });
});
