import { KEY_PATTERN } from '../model/flag.js';
import { parseDuration } from '../duration.js';
import { ValidationError } from '../errors.js';
import { CommandError } from './errors.js';
import { BadValue } from './option-values.js';
import type { Token } from './tokenize.js';

/** Which options a subcommand takes: `value` options read the next token, `boolean` ones stand alone. */
export type OptionSpec = Record<string, 'value' | 'boolean'>;

/**
 * The tokens of one subcommand, split into positionals and options, with readers that fail as a
 * CommandError carrying this subcommand's usage line.
 */
export class Args {
  private readonly positionals: Token[] = [];
  private readonly options = new Map<string, Token | true>();
  private readonly used = new Set<number>();

  constructor(
    tokens: Token[],
    spec: OptionSpec,
    readonly usage: string,
    readonly environments: readonly string[],
  ) {
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.quoted || !token.text.startsWith('--') || token.text === '--') {
        this.positionals.push(token);
        continue;
      }
      const [rawName, inlineValue] = splitInline(token.text);
      const name = rawName.slice(2);
      const kind = spec[name];
      if (!kind) this.fail(`unknown option \`--${name}\``);
      if (this.options.has(name)) this.fail(`\`--${name}\` is given twice`);
      if (kind === 'boolean') {
        if (inlineValue !== undefined) this.fail(`\`--${name}\` takes no value`);
        this.options.set(name, true);
      } else if (inlineValue !== undefined) {
        this.options.set(name, { text: inlineValue, quoted: false, raw: inlineValue });
      } else {
        const next = tokens[i + 1];
        if (!next || (!next.quoted && next.text.startsWith('--'))) this.fail(`\`--${name}\` needs a value`);
        this.options.set(name, next);
        i++;
      }
    }
  }

  fail(problem: string): never {
    throw new CommandError(problem, this.usage);
  }

  /** Runs a value reader, reporting its complaint against the option or argument it came from. */
  read<T>(label: string, text: string, reader: (text: string) => T): T {
    try {
      return reader(text);
    } catch (error) {
      if (error instanceof BadValue || error instanceof ValidationError) {
        // Readers phrase problems as predicates ("must end at 100") or as whole sentences.
        const predicate = /^(must|is|needs|has|names|ends|takes)\b/.test(error.message);
        this.fail(predicate ? `\`${label}\` ${error.message}` : `\`${label}\`: ${error.message}`);
      }
      throw error;
    }
  }

  positional(index: number, placeholder: string): string {
    const token = this.positionals[index];
    if (!token) this.fail(`missing \`${placeholder}\``);
    this.used.add(index);
    return token.text;
  }

  /** The positional as a token, for readers that care how it was quoted (a JSON value). */
  positionalToken(index: number, placeholder: string): Token {
    this.positional(index, placeholder);
    return this.positionals[index]!;
  }

  optionalPositional(index: number): string | undefined {
    const token = this.positionals[index];
    if (token) this.used.add(index);
    return token?.text;
  }

  get positionalCount(): number {
    return this.positionals.length;
  }

  /** Call after reading: anything left over is a typo the user should hear about. */
  noExtraPositionals(): void {
    const extra = this.positionals.find((_, i) => !this.used.has(i));
    if (extra) this.fail(`unexpected \`${extra.text}\``);
  }

  has(name: string): boolean {
    return this.options.has(name);
  }

  flag(name: string): boolean {
    return this.options.get(name) === true;
  }

  option(name: string): string | undefined {
    const value = this.options.get(name);
    return value === undefined || value === true ? undefined : value.text;
  }

  required(name: string, placeholder: string): string {
    const value = this.option(name);
    if (value === undefined) this.fail(`missing \`--${name} ${placeholder}\``);
    if (!value.trim()) this.fail(`\`--${name}\` must not be empty`);
    return value;
  }

  key(index = 0): string {
    const key = this.positional(index, '<key>');
    if (!KEY_PATTERN.test(key)) {
      this.fail(
        `\`<key>\` must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit (got \`${key}\`)`,
      );
    }
    return key;
  }

  private checkEnv(env: string): string {
    if (!this.environments.includes(env))
      this.fail(`\`--env\` must be one of ${this.environments.join(', ')} (got \`${env}\`)`);
    return env;
  }

  env(): string {
    return this.checkEnv(this.required('env', '<env>'));
  }

  optionalEnv(): string | undefined {
    const env = this.option('env');
    return env === undefined ? undefined : this.checkEnv(env);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], value: string | undefined): T | undefined {
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T))
      this.fail(`\`--${name}\` must be one of ${allowed.join(', ')} (got \`${value}\`)`);
    return value as T;
  }

  duration(name: string): number | undefined {
    const text = this.option(name);
    return text === undefined ? undefined : this.read(`--${name}`, text, parseDuration);
  }

  positiveInt(name: string): number | undefined {
    const text = this.option(name);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < 1)
      this.fail(`\`--${name}\` must be a whole number above 0 (got \`${text}\`)`);
    return Number(text);
  }
}

function splitInline(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** One subcommand's grammar: the words that select it, its options, and how it reads its arguments. */
export interface Subcommand {
  /** Words after the slash command, e.g. `['rule', 'add']`. */
  path: string[];
  name: import('./usage.js').CommandName;
  options: OptionSpec;
  build(args: Args): import('./schema.js').Command;
}
