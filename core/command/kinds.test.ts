import { describe, expect, it } from 'vitest';
import { CHANGE_SUBCOMMANDS } from './change-grammar.js';
import { CONFIG_SUBCOMMANDS } from './config-grammar.js';
import { FLAG_SUBCOMMANDS } from './flag-grammar.js';
import { COHORT_SUBCOMMANDS } from './cohort-grammar.js';
import { INCIDENT_SUBCOMMANDS } from './incident-grammar.js';
import { ONCALL_SUBCOMMANDS } from './oncall-grammar.js';
import { TENANT_SUBCOMMANDS } from './tenant-grammar.js';
import {
  CHANGE_REQUEST_COMMANDS,
  COMMAND_KINDS,
  READ_COMMANDS,
  READ_ONLY_COMMANDS,
  ROLLOUT_CONTROL_COMMANDS,
  commandsIn,
  isCommandIn,
} from './kinds.js';
import { commandSchema } from './schema.js';
import { USAGE } from './usage.js';

const grammarNames = [
  ...FLAG_SUBCOMMANDS,
  ...CONFIG_SUBCOMMANDS,
  ...CHANGE_SUBCOMMANDS,
  ...INCIDENT_SUBCOMMANDS,
  ...TENANT_SUBCOMMANDS,
  ...COHORT_SUBCOMMANDS,
  ...ONCALL_SUBCOMMANDS,
].map((s) => s.name);
const schemaNames = commandSchema.options.map((o) => o.shape.name.value);

describe('the command-kind table', () => {
  it('knows every command the schema, the grammar and the usage lines know, and no other', () => {
    const table = Object.keys(COMMAND_KINDS).sort();
    expect(table).toEqual([...schemaNames].sort());
    expect(table).toEqual(Object.keys(USAGE).sort());
    for (const name of grammarNames) expect(table).toContain(name);
  });

  it('puts every command in exactly one category', () => {
    const categories = ['help', 'read', 'change-request', 'rollout-control', 'decision'] as const;
    const total = categories.reduce((n, c) => n + commandsIn(c).size, 0);
    expect(total).toBe(schemaNames.length);
  });

  it('lets every role run help and reads, but no change, control or decision', () => {
    expect([...READ_ONLY_COMMANDS].sort()).toEqual([
      'change.help',
      'change.list',
      'change.show',
      'cohort.help',
      'cohort.list',
      'config.get',
      'config.help',
      'flag.help',
      'flag.history',
      'flag.list',
      'flag.show',
      'incident.help',
      'incident.list',
      'incident.show',
      'oncall.help',
      'oncall.list',
      'tenant.help',
      'tenant.list',
    ]);
    expect([...READ_COMMANDS].every((name) => READ_ONLY_COMMANDS.has(name))).toBe(true);
    for (const name of ['flag.on', 'flag.rollout.pause', 'change.approve', 'change.role.grant', 'oncall.add'])
      expect(READ_ONLY_COMMANDS.has(name)).toBe(false);
  });

  it('sends secrets and reverts through a change request, and only a revert is planned from the change it undoes', () => {
    expect(CHANGE_REQUEST_COMMANDS.has('config.secret.set')).toBe(true);
    expect(CHANGE_REQUEST_COMMANDS.has('change.revert')).toBe(true);
    const fromRevert = Object.entries(COMMAND_KINDS).filter(
      ([, kind]) => 'plannedFrom' in kind && kind.plannedFrom === 'revert',
    );
    expect(fromRevert.map(([name]) => name)).toEqual(['change.revert']);
    expect(
      [...CHANGE_REQUEST_COMMANDS].every((name) => 'plannedFrom' in COMMAND_KINDS[name as keyof typeof COMMAND_KINDS]),
    ).toBe(true);
  });

  it('names the four rollout controls, and no system action counts as a command', () => {
    expect([...ROLLOUT_CONTROL_COMMANDS]).toEqual([
      'flag.rollout.pause',
      'flag.rollout.resume',
      'flag.rollout.abort',
      'flag.rollout.promote',
    ]);
    expect(isCommandIn('flag.rollout.stage', 'change-request', 'rollout-control')).toBe(false);
    expect(isCommandIn('change.approve', 'decision')).toBe(true);
  });
});
