import { parseTestCommand } from '../../test/parse-command.js';
import { describe, expect, it } from 'vitest';
import { CommandError } from './errors.js';
import { usageFor } from './usage.js';

function errorOf(command: '/tenant' | '/cohort' | '/flag', text: string): CommandError {
  try {
    parseTestCommand(command, text);
  } catch (error) {
    if (error instanceof CommandError) return error;
    throw error;
  }
  throw new Error(`${command} ${text} parsed`);
}

describe('/tenant', () => {
  it('adds a tenant with a tier and a display name', () => {
    expect(parseTestCommand('/tenant', 'add acme --tier enterprise --name "Acme Corp" --reason "signed"')).toEqual({
      name: 'tenant.add',
      id: 'acme',
      tier: 'enterprise',
      displayName: 'Acme Corp',
      reason: 'signed',
    });
    expect(parseTestCommand('/tenant', 'add globex')).toMatchObject({
      name: 'tenant.add',
      id: 'globex',
      tier: undefined,
      displayName: undefined,
    });
  });

  it('sets a tier or a name, and says what to give when neither is', () => {
    expect(parseTestCommand('/tenant', 'set acme --tier standard')).toMatchObject({
      name: 'tenant.set',
      id: 'acme',
      tier: 'standard',
    });
    expect(parseTestCommand('/tenant', 'set acme --name "Acme Inc"')).toMatchObject({
      name: 'tenant.set',
      id: 'acme',
      displayName: 'Acme Inc',
    });
    expect(errorOf('/tenant', 'set acme').problem).toBe(
      'say what to change: `--tier <tier>` or `--name "<text>"` (see /tenant list for acme\'s settings)',
    );
  });

  it('refuses a tier that is not one lowercase word and an id with spaces or commas', () => {
    expect(errorOf('/tenant', 'add acme --tier "Gold Plus"').problem).toMatch(
      /`--tier` must be one lowercase word, e\.g\. enterprise \(got `Gold Plus`\)/,
    );
    expect(errorOf('/tenant', 'add a,b').problem).toMatch(/`<id>` must be letters, digits/);
  });

  it('lists, and answers help with its usage lines', () => {
    expect(parseTestCommand('/tenant', 'list')).toEqual({ name: 'tenant.list' });
    const help = parseTestCommand('/tenant', 'help');
    expect(help).toMatchObject({ name: 'tenant.help' });
    expect(usageFor('/tenant')).toHaveLength(4);
  });
});

describe('/cohort', () => {
  it('creates a cohort with a description', () => {
    expect(parseTestCommand('/cohort', 'create beta --description "early adopters"')).toEqual({
      name: 'cohort.create',
      cohort: 'beta',
      description: 'early adopters',
      reason: undefined,
    });
  });

  it('adds and removes tenants given with spaces or commas, each once', () => {
    expect(parseTestCommand('/cohort', 'add beta acme globex,initech acme')).toMatchObject({
      name: 'cohort.add',
      cohort: 'beta',
      tenants: ['acme', 'globex', 'initech'],
    });
    expect(parseTestCommand('/cohort', 'remove beta globex')).toMatchObject({
      name: 'cohort.remove',
      cohort: 'beta',
      tenants: ['globex'],
    });
  });

  it('needs at least one tenant, and a cohort name typed as --cohorts would read it', () => {
    expect(errorOf('/cohort', 'add beta').problem).toBe(
      'missing `<tenant…>`: name one or more tenants (see /tenant list)',
    );
    expect(errorOf('/cohort', 'create Beta').problem).toMatch(/`<name>` must be lowercase/);
  });
});

describe('/flag serve --tier', () => {
  it('serves a variation to one tier, but not to a tier and a tenant at once', () => {
    expect(parseTestCommand('/flag', 'serve sso on --env production --tier enterprise')).toMatchObject({
      name: 'flag.serve',
      key: 'sso',
      variation: 'on',
      env: 'production',
      tier: 'enterprise',
    });
    expect(errorOf('/flag', 'serve sso on --env production --tier enterprise --tenant acme').problem).toMatch(
      /not both/,
    );
  });
});
