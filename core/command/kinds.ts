import type { Command, CommandOf } from './schema.js';

/**
 * What each command is (docs/design.md#commands), in one table from which every list of commands
 * is derived: the command handler routes by category (what only reads is judged on the reader's
 * scope, core/read-access.ts, never on change rights),
 * the change-request workflow accepts what it can plan.
 *
 * - `help`: answers with usage lines.
 * - `read`: answers from storage; changes nothing.
 * - `change-request`: becomes a change request: planned, authorized, classified, applied.
 * - `rollout-control`: steers a running rollout (a Temporal update on its workflow).
 * - `decision`: approves or rejects a change request waiting for a second person, or reviews a
 *   break-glass change.
 */
export type CommandCategory = 'help' | 'read' | 'change-request' | 'rollout-control' | 'decision';

/** What a command acts on. */
export type CommandEntity = 'flag' | 'config' | 'secret' | 'role' | 'change' | 'incident' | 'tenant' | 'cohort';

export interface CommandKind {
  category: CommandCategory;
  entity: CommandEntity;
  /**
   * For a change request, how its next state is worked out: `command` from the command and the
   * entry (planChange), `revert` from the change it undoes (revertPlan).
   */
  plannedFrom?: 'command' | 'revert';
}

const help = { category: 'help', entity: 'change' } as const;
const read = <E extends CommandEntity>(entity: E) => ({ category: 'read', entity }) as const;
const change = <E extends CommandEntity>(entity: E) =>
  ({ category: 'change-request', entity, plannedFrom: 'command' }) as const;
const control = { category: 'rollout-control', entity: 'flag' } as const;
const decision = { category: 'decision', entity: 'change' } as const;

export const COMMAND_KINDS = {
  'flag.help': { ...help, entity: 'flag' },
  'flag.create': change('flag'),
  'flag.show': read('flag'),
  'flag.list': read('flag'),
  'flag.on': change('flag'),
  'flag.off': change('flag'),
  'flag.serve': change('flag'),
  'flag.rollout': change('flag'),
  'flag.rollout.pause': control,
  'flag.rollout.resume': control,
  'flag.rollout.abort': control,
  'flag.rollout.promote': control,
  'flag.rule.add': change('flag'),
  'flag.rule.remove': change('flag'),
  'flag.override': change('flag'),
  'flag.kill': change('flag'),
  'flag.break-glass': change('flag'),
  'flag.history': read('flag'),
  'flag.guardrail.set': change('flag'),
  'flag.guardrail.remove': change('flag'),
  'config.help': { ...help, entity: 'config' },
  'config.set': change('config'),
  'config.get': read('config'),
  'config.secret.set': change('secret'),
  'change.help': help,
  'change.list': read('change'),
  'change.show': read('change'),
  'change.approve': decision,
  'change.reject': decision,
  'change.revert': { category: 'change-request', entity: 'change', plannedFrom: 'revert' },
  'change.role.grant': change('role'),
  'change.role.revoke': change('role'),
  'oncall.help': { ...help, entity: 'role' },
  // Who is on call: read from the role bindings, like any read.
  'oncall.list': read('role'),
  // Grants and revokes of `oncall`: change requests of role changes (core/command/role-change.ts).
  'oncall.add': change('role'),
  'oncall.remove': change('role'),
  'tenant.help': { ...help, entity: 'tenant' },
  'tenant.add': change('tenant'),
  'tenant.set': change('tenant'),
  'tenant.list': read('tenant'),
  'cohort.help': { ...help, entity: 'cohort' },
  'cohort.create': change('cohort'),
  'cohort.add': change('cohort'),
  'cohort.remove': change('cohort'),
  'cohort.list': read('cohort'),
  'incident.help': { ...help, entity: 'incident' },
  'incident.list': read('incident'),
  'incident.show': read('incident'),
  // The review of a break-glass change: the same workflow update as the incident's Review button.
  'incident.review': { category: 'decision', entity: 'incident' },
} as const satisfies { [N in Command['name']]: CommandKind };

type Kinds = typeof COMMAND_KINDS;
type NamesWhere<P> = { [N in keyof Kinds]: Kinds[N] extends P ? N : never }[keyof Kinds];

export type CommandNameIn<C extends CommandCategory> = NamesWhere<{ category: C }>;

/** The commands a change request plans from the command itself (core/change/plan). */
export type PlannableCommandName = NamesWhere<{ plannedFrom: 'command' }>;
/** Serialisable: they travel through Temporal as the change request's input. */
export type PlannableCommand = CommandOf<PlannableCommandName>;

/** The names of every command in one of `categories`. */
export function commandsIn(...categories: CommandCategory[]): ReadonlySet<string> {
  return new Set<string>(
    (Object.keys(COMMAND_KINDS) as Array<keyof Kinds>).filter((name) =>
      categories.includes(COMMAND_KINDS[name].category),
    ),
  );
}

/** Whether `name` is a command in one of `categories` (false for actions that are not commands, e.g. `flag.rollout.stage`). */
export function isCommandIn(name: string, ...categories: CommandCategory[]): boolean {
  const kind = (COMMAND_KINDS as Record<string, CommandKind | undefined>)[name];
  return kind !== undefined && categories.includes(kind.category);
}

/** Commands that change nothing; who may read what they answer is core/read-access.ts's to say. */
export const READ_ONLY_COMMANDS = commandsIn('help', 'read');
/** Commands that become a change request (the workflow's prepareChange accepts exactly these). */
export const CHANGE_REQUEST_COMMANDS = commandsIn('change-request');
/** Commands answered from storage. */
export const READ_COMMANDS = commandsIn('read');
/** Commands that steer a running rollout. */
export const ROLLOUT_CONTROL_COMMANDS = commandsIn('rollout-control');
