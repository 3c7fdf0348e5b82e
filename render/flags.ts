import { describeEnv } from '../core/change/describe-env.js';
import { conditionText } from '../core/command/condition-text.js';
import type { FlagDocument, Rule, Serve } from '../core/model/flag.js';
import type { StaleFlag } from '../core/notifications.js';
import { defaultVariationId, offVariationId } from '../core/model/validate-flag.js';
import { code, context, fields, header, section, type Block, type Message } from './blocks.js';
import { formatTime, who } from './format.js';
import type { VersionView } from './views.js';

/**
 * Who made a flag's latest version, from its audit row: `system` writes rollout stages, aborts,
 * rollbacks and guardrail kills on someone's behalf, and that someone is who made the change.
 */
export interface LastChange {
  action: string;
  at: string;
  /** The audit row's actor (`system` for automated steps). */
  actor: string;
  /** The person (or `guardrail`) `system` acted for. */
  onBehalfOf?: string;
  approvedBy?: string;
}

export interface FlagShowOptions {
  /** Only this environment. */
  only?: string;
  /** Who made the latest version; null to leave it out (the reader does not cover where it happened). */
  last?: LastChange | null;
  /** To mark user overrides that have expired (they no longer apply). */
  now?: Date;
}

function serveText(serve: Serve): string {
  if ('serve' in serve) return serve.serve;
  return Object.entries(serve.rollout)
    .map(([id, pct]) => `${id} ${pct} %`)
    .join(' / ');
}

function ruleLine(rule: Rule): string {
  const id = rule.id ? code(rule.id) : '_(no id: loaded by import)_';
  const comment = rule.comment ? ` — ${rule.comment}` : '';
  return `rule ${id} (priority ${rule.priority}): if ${code(conditionText(rule.condition))} → ${serveText(rule.action)}${comment}`;
}

/** What one environment serves to everyone no earlier step catches: a kill, or its serve or rollout, or the default. */
function servingText(doc: FlagDocument, env: string): string {
  const state = doc.environments[env];
  const rest = !state?.serve
    ? `default (${defaultVariationId(doc) ?? 'unset'})`
    : 'serve' in state.serve
      ? state.serve.serve
      : `rollout ${serveText(state.serve)}`;
  return state?.killed ? `killed: serves ${offVariationId(doc)} to everyone (${rest} once the kill is lifted)` : rest;
}

/**
 * One environment: what it serves, then the exceptions that decide first, in resolution order
 * (docs/design.md#resolution-order): tenant kills, user overrides (with expiry), tenant
 * overrides, rules.
 */
function envSection(doc: FlagDocument, env: string, now: Date | undefined): string {
  const state = doc.environments[env];
  const lines: string[] = [];
  if (state) {
    if (state.killedTenants.length) lines.push(`killed for tenant(s) ${state.killedTenants.join(', ')}`);
    for (const [user, o] of Object.entries(state.userOverrides)) {
      const expired = o.expiresAt && now && Date.parse(o.expiresAt) <= now.getTime();
      const until = o.expiresAt
        ? ` ${expired ? '_expired' : 'until'} ${formatTime(o.expiresAt)}${expired ? '_' : ''}`
        : ' (no expiry)';
      lines.push(`user ${code(user)} → ${o.variation}${until}`);
    }
    for (const [tenant, variation] of Object.entries(state.tenantOverrides))
      lines.push(`tenant ${code(tenant)} → ${variation}`);
    for (const rule of state.rules) lines.push(ruleLine(rule));
  }
  return [`*${env}*: ${servingText(doc, env)}`, ...lines.map((l) => `• ${l}`)].join('\n');
}

/** `by U_ALICE`, or `by U_ALICE (applied by system)` when system acted for her. */
export function changedBy(last: Pick<LastChange, 'actor' | 'onBehalfOf' | 'approvedBy'>): string {
  const human = last.onBehalfOf === 'guardrail' ? 'its guardrail monitor' : who(last.onBehalfOf ?? last.actor);
  const via = last.onBehalfOf && last.onBehalfOf !== last.actor ? ` (applied by ${last.actor})` : '';
  return `by ${human}${via}${last.approvedBy ? `, approved by ${who(last.approvedBy)}` : ''}`;
}

/**
 * `/flag show`: the flag's metadata, its guardrail and global rules, then per environment every
 * step that can decide an answer (kill, tenant kills, user and tenant overrides with expiry, rules
 * with their ids for `/flag rule remove`, serve or rollout), and who made the last change.
 */
export function renderFlag(
  flag: VersionView<FlagDocument>,
  environments: readonly string[],
  options: FlagShowOptions = {},
): Message {
  const doc = flag.document;
  const envs = options.only ? [options.only] : environments;
  const guard = doc.guardrails?.auto_disable;
  const blocks: Block[] = [
    header(`${doc.key} (${doc.kind} flag)`),
    section(doc.description),
    fields([
      ['Owner', doc.owner],
      ['Variations', doc.variations.map((v) => `${v.id}=${JSON.stringify(v.value)}`).join(', ')],
      ['Default', defaultVariationId(doc)],
      ['A kill serves', offVariationId(doc)],
      ['Expiry', doc.expiry],
      ['Ticket', doc.ticket],
    ]),
  ];
  if (guard) {
    blocks.push(
      section(
        `*Guardrail*: auto-disable when ${code(guard.metric)} is above ${guard.threshold} over ${guard.window} (every environment)`,
      ),
    );
  }
  if (doc.rules.length)
    blocks.push(section(`*Rules in every environment*\n${doc.rules.map((r) => `• ${ruleLine(r)}`).join('\n')}`));
  for (const env of envs) blocks.push(section(envSection(doc, env, options.now)));
  // Null: the reader does not cover where the last change happened, so who made it is not shown.
  const last =
    options.last === null
      ? undefined
      : (options.last ?? { action: flag.action, at: flag.createdAt, actor: flag.createdBy });
  blocks.push(
    context(
      last
        ? `Version ${flag.version}, last ${last.action} ${changedBy(last)} at ${formatTime(last.at)}`
        : `Version ${flag.version}`,
    ),
  );
  return { text: `${doc.key}: ${envs.map((env) => `${env} ${describeEnv(doc, env)}`).join('; ')}`, blocks };
}

/** Why a stale flag is listed, as the daily stale-flag post decides it (docs/design.md#stale-flags). */
function staleReason(stale: StaleFlag, maxAgeDays: number): string {
  return stale.why === 'expired'
    ? `past its expiry on ${stale.expiry?.slice(0, 10)}`
    : `older than ${maxAgeDays} days (created ${stale.createdAt?.slice(0, 10) ?? 'long ago'})`;
}

export function renderFlagList(
  flags: Array<VersionView<FlagDocument>>,
  filter: string,
  stale?: { flags: StaleFlag[]; maxAgeDays: number },
): Message {
  if (!flags.length) return renderEmpty(filter);
  const why = new Map(stale?.flags.map((s) => [s.key, s]));
  const lines = flags.map(({ document: f }) => {
    const staleness = why.get(f.key);
    const tail = staleness ? `stale: ${staleReason(staleness, stale!.maxAgeDays)}` : f.description;
    return `• ${code(f.key)} ${f.kind}, owner ${f.owner}${f.expiry && !staleness ? `, expires ${f.expiry}` : ''}: ${tail}`;
  });
  return {
    text: `${flags.length} flag(s)${filter ? ` ${filter}` : ''}`,
    blocks: [section(`*${flags.length} flag(s)*${filter ? ` ${filter}` : ''}`), section(lines.join('\n'))],
  };
}

function renderEmpty(filter: string): Message {
  const text = `No flags${filter ? ` ${filter}` : ''}.`;
  return { text, blocks: [section(text)] };
}
