import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openSecret } from '../../core/secrets/envelope.js';
import { createLogger } from '../../storage/logger.js';
import type { CommandHandler, CommandInput } from '../command-handler.js';
import { okReply } from '../reply.js';
import { runConsole } from './repl.js';

/** A command handler that asks for a secret as the real one does, and records what reaches it. */
function recordingHandler() {
  const received: CommandInput[] = [];
  const handler: CommandHandler = {
    async handleCommand(input) {
      received.push(input);
      if (input.sealed) return okReply({ text: 'Change c1: awaiting approval', blocks: [] });
      return {
        ...okReply({ text: 'Type the value into the dialog.', blocks: [] }),
        dialog: { kind: 'secret', key: 'payments.api-key', env: 'production' },
      };
    },
    async handleAction() {
      return okReply({ text: 'clicked', blocks: [] });
    },
  };
  return { handler, received };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

describe("the console's secret prompt on a terminal", () => {
  it('echoes nothing of the value as it is typed, then seals it before the command handler sees it', async () => {
    const masterKey = randomBytes(32);
    const value = 'hunter2-is-not-a-password';
    const input = Object.assign(new PassThrough(), { isTTY: true });
    let printed = '';
    const output = Object.assign(
      new Writable({
        write(chunk, _enc, done) {
          printed += String(chunk);
          done();
        },
      }),
      { columns: 120 },
    );
    const { handler, received } = recordingHandler();
    const running = runConsole({ user: 'U1', handler, input, output, log: createLogger('silent'), masterKey });

    input.write('/config secret set payments.api-key --env production\r');
    await tick();
    expect(printed).toContain('secret (hidden)> ');
    // Typed key by key, as a person does: a terminal would echo each one.
    for (const ch of value) input.write(ch);
    await tick();
    input.write('\r');
    await tick();
    input.write('rotating the vendor key\r');
    await tick();
    input.write('quit\r');
    await running;

    expect(printed).not.toContain(value);
    expect(printed).not.toContain('hunter2');
    expect(printed).toContain('awaiting approval');
    const sealed = received.find((r) => r.sealed)!;
    expect(JSON.stringify(sealed)).not.toContain(value);
    expect(sealed.sealed!.reason).toBe('rotating the vendor key');
    expect(sealed.text).toBe('secret set payments.api-key --env production');
    expect(openSecret(masterKey, sealed.sealed!.envelope, { key: 'payments.api-key', env: 'production' })).toBe(value);
  });
});
