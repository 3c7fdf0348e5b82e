import type { Client } from '@temporalio/client';
import type { CommandNameIn } from '../core/command/kinds.js';
import type { CommandOf } from '../core/command/schema.js';
import { compileConfig } from '../core/engine/config.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { FlagDocument } from '../core/model/flag.js';
import {
  assertCanRead,
  assertCanReadAll,
  assertReadsEnvironment,
  canReadAll,
  environmentRead,
  readableAuditRows,
  redactFlag,
  type ReadScope,
} from '../core/read-access.js';
import type { Pool } from '../storage/db.js';
import { auditTrail } from '../storage/audit.js';
import { getConfig } from '../storage/configs.js';
import { getFlag, listFlags } from '../storage/flags.js';
import { listLifecycleFlags } from '../storage/stale-flags.js';
import { staleFlagsOf } from '../activities/stale-flags.js';
import type { StaleFlag } from '../core/notifications.js';
import type { EntryVersion } from '../storage/entry-versions.js';
import { changeRequestStateQuery } from '../workflows/contracts.js';
import { renderChangeList, renderChangeState, renderConfig, renderHistory } from '../render/replies.js';
import { renderFlag, renderFlagList, type LastChange } from '../render/flags.js';
import type { Message } from '../render/blocks.js';
import type { ConsoleLinks } from '../render/console-link.js';
import { changeWorkflowId } from './workflow-refs.js';
import { isNotFound, userMessageOf } from './temporal-errors.js';
import { answerTenancyRead } from './tenancy-reads.js';
import { answerOnCall } from './oncall-reads.js';

/** Incidents are read by ./incident-commands.ts. */
export type ReadCommand = CommandOf<Exclude<CommandNameIn<'read'>, `incident.${string}`>>;

export interface ReadDeps extends ConsoleLinks {
  client: Client;
  pool: Pool;
  environments: readonly string[];
  now: () => Date;
  /** What the caller may read, from its live bindings (core/read-access.ts). */
  scope: ReadScope;
}

/** The daily stale-flag post's age limit (workflows/stale-flags.ts), so `/flag list --stale` lists the same flags. */
const STALE_AGE_DAYS = 90;

/** Release and experiment flags that are stale, with why, as the daily post decides it (docs/design.md#stale-flags). */
async function staleFlags(pool: Pool, now: Date): Promise<StaleFlag[]> {
  return staleFlagsOf(await listLifecycleFlags(pool), STALE_AGE_DAYS, now);
}

/**
 * Who made a flag's latest version: its audit row names the person `system` acted for. Null when
 * the reader does not cover where that change happened: then who made it is not theirs to see.
 */
async function lastChangeOf(
  pool: Pool,
  flag: EntryVersion<FlagDocument>,
  scope: ReadScope,
): Promise<LastChange | null | undefined> {
  const [row] = await auditTrail(pool, { entityKind: 'flag', entityKey: flag.key, changeId: flag.changeId, limit: 1 });
  if (!row) return undefined;
  if (!readableAuditRows(scope, [row]).length) return null;
  return {
    action: row.action,
    at: row.occurredAt,
    actor: row.actor,
    onBehalfOf: row.onBehalfOf,
    approvedBy: row.approvedBy,
  };
}

function checkEnv(env: string | undefined, environments: readonly string[]): void {
  if (env !== undefined && !environments.includes(env))
    throw new ValidationError(`--env must be one of ${environments.join(', ')} (got \`${env}\`)`);
}

async function flagOrThrow(pool: Pool, key: string): Promise<EntryVersion<FlagDocument>> {
  const flag = await getFlag(pool, key);
  if (!flag) throw new NotFoundError(`there is no flag \`${key}\` (see /flag list)`);
  return flag;
}

/** The open change requests the reader covers every place of (one not yet planned reaches every environment). */
async function openChangeRequests(client: Client, scope: ReadScope): Promise<Message> {
  const items: Parameters<typeof renderChangeList>[0] = [];
  // Visibility lists running workflows of every task queue in the namespace; 25 is plenty for a chat reply.
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'changeRequestWorkflow' AND ExecutionStatus = 'Running'`,
    pageSize: 25,
  })) {
    const state = await client.workflow
      .getHandle(wf.workflowId)
      .query(changeRequestStateQuery)
      .catch(() => undefined);
    if (!state || !canReadAll(scope, state.reach ?? [{}])) continue;
    items.push({ workflowId: wf.workflowId, state, startedAt: wf.startTime.toISOString() });
    if (items.length >= 25) break;
  }
  return renderChangeList(items);
}

/**
 * Answers the commands that change nothing straight from storage (or the workflow's state), as far
 * as the reader's scope covers them: a place it does not cover is refused naming the missing
 * scope, a list keeps what it covers (the command handler has refused whoever reads nothing).
 */
export async function answerRead(command: ReadCommand, deps: ReadDeps): Promise<Message> {
  const { scope } = deps;
  switch (command.name) {
    case 'flag.show': {
      checkEnv(command.env, deps.environments);
      if (command.env) assertReadsEnvironment(scope, command.env);
      const flag = await flagOrThrow(deps.pool, command.key);
      const shown = { ...flag, document: redactFlag(scope, flag.document) };
      return renderFlag(
        shown,
        deps.environments.filter((env) => environmentRead(scope, env)),
        { only: command.env, last: await lastChangeOf(deps.pool, flag, scope), now: deps.now() },
      );
    }
    case 'flag.list': {
      const stale = command.stale ? await staleFlags(deps.pool, deps.now()) : undefined;
      const staleKeys = new Set(stale?.map((f) => f.key));
      const flags = (await listFlags(deps.pool)).filter(
        (f) => (!command.owner || f.document.owner === command.owner) && (!stale || staleKeys.has(f.key)),
      );
      const filter = [command.owner && `owned by ${command.owner}`, command.stale && 'that are stale']
        .filter(Boolean)
        .join(' ');
      return renderFlagList(flags, filter, stale && { flags: stale, maxAgeDays: STALE_AGE_DAYS });
    }
    case 'flag.history': {
      await flagOrThrow(deps.pool, command.key);
      const rows = await auditTrail(deps.pool, {
        entityKind: 'flag',
        entityKey: command.key,
        limit: command.limit ?? 20,
      });
      return renderHistory(command.key, readableAuditRows(scope, rows));
    }
    case 'config.get': {
      checkEnv(command.env, deps.environments);
      // The value asked for is the place read: a global value is every environment's, a user's needs all of its environment.
      assertCanRead(scope, { env: command.env, ...(command.user ? {} : { tenant: command.tenant }) });
      const entry = await getConfig(deps.pool, command.key);
      if (!entry)
        throw new NotFoundError(
          `there is no config entry \`${command.key}\` (create it with /config set ${command.key} <value> --type <type> --reason "<text>")`,
        );
      const where = [
        command.env ? `in ${command.env}` : 'globally',
        command.tenant && `for tenant ${command.tenant}`,
        command.user && `for user ${command.user}`,
      ]
        .filter(Boolean)
        .join(' ');
      if (!command.env) {
        return renderConfig(
          entry,
          entry.document.value === undefined
            ? { where, missing: 'no global value' }
            : { where, value: entry.document.value, scope: 'global' },
        );
      }
      const result = compileConfig(
        entry.document,
        command.env,
      )({ targetingKey: command.user, ...(command.tenant ? { tenant: { id: command.tenant } } : {}) });
      return renderConfig(
        entry,
        result.ok ? { where, value: result.value, scope: result.scope } : { where, missing: result.errorDetails },
      );
    }
    case 'change.list':
      return openChangeRequests(deps.client, scope);
    case 'tenant.list':
    case 'cohort.list':
      return answerTenancyRead(command, deps.pool, scope);
    case 'oncall.list':
      return answerOnCall(deps.pool, deps.environments, scope);
    case 'change.show': {
      const workflowId = changeWorkflowId(command.id);
      const state = await deps.client.workflow
        .getHandle(workflowId)
        .query(changeRequestStateQuery)
        .catch((err: unknown) => {
          if (isNotFound(err))
            throw new NotFoundError(`there is no change request \`${command.id}\` (see /change list)`);
          throw new ValidationError(`cannot read change request ${command.id}: ${userMessageOf(err)}`);
        });
      assertCanReadAll(scope, state.reach ?? [{}]);
      return renderChangeState(state, workflowId, { buttons: true, consoleUrl: deps.consoleUrl });
    }
  }
}
