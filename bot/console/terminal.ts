import { createInterface, type Interface } from 'node:readline';
import { Writable, type Readable } from 'node:stream';

/**
 * The console's readline. On a terminal it echoes through a gate the caller can close, so a
 * secret's value typed at the prompt never reaches the screen; piped input gets no echo at all.
 */
export function openConsoleReadline(
  input: Readable,
  output: Writable,
  muted: () => boolean,
): { rl: Interface; interactive: boolean } {
  const interactive = 'isTTY' in input && Boolean((input as { isTTY?: boolean }).isTTY);
  const terminalOutput = new Writable({
    write(chunk, encoding, done) {
      if (!muted()) output.write(chunk, encoding);
      done();
    },
  });
  // readline sizes its line editing by the width of the screen it writes to.
  Object.defineProperty(terminalOutput, 'columns', { get: () => (output as { columns?: number }).columns });
  const rl = createInterface({ input, output: interactive ? terminalOutput : undefined, terminal: interactive });
  return { rl, interactive };
}
