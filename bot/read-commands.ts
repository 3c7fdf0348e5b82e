import type { Client } from '@temporalio/client';
import type { CommandOf } from '../core/command/schema.js';
import { compileConfig } from '../core/engine/config.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { Pool } from '../storage/db.js';
import { auditTrail } from '../storage/audit.js';
import { getConfig } from '../storage/configs.js';
import { getFlag, listFlags } from '../storage/flags.js';
import type { EntryVersion } from '../storage/entry-versions.js';
import { changeRequestStateQuery } from '../workflows/contracts.js';
import { renderChangeList, renderChangeState, renderConfig, renderFlag, renderFlagList, renderHistory } from './render/replies.js';
import type { Message } from './render/blocks.js';
import { changeWorkflowId } from './workflow-refs.js';
import { isNotFound, userMessageOf } from './temporal-errors.js';

export type ReadCommand = CommandOf<'flag.show' | 'flag.list' | 'flag.history' | 'config.get' | 'change.list' | 'change.show'>;
export const READ_COMMANDS = new Set<string>(['flag.show', 'flag.list', 'flag.history', 'config.get', 'change.list', 'change.show'] satisfies Array<ReadCommand['name']>);

export interface ReadDeps {
  client: Client;
  pool: Pool;
  environments: readonly string[];
  now: () => Date;
}

/** Stale, as docs/design.md#stale-flags defines it: release/experiment flags past their expiry or older than 90 days. */
const STALE_AFTER_MS = 90 * 86_400_000;
function isStale(flag: FlagDocument, now: Date): boolean {
  if (flag.kind !== 'release' && flag.kind !== 'experiment') return false;
  if (flag.expiry && new Date(flag.expiry).getTime() < now.getTime()) return true;
  return !!flag.createdAt && now.getTime() - new Date(flag.createdAt).getTime() > STALE_AFTER_MS;
}

function checkEnv(env: string | undefined, environments: readonly string[]): void {
  if (env !== undefined && !environments.includes(env)) throw new ValidationError(`--env must be one of ${environments.join(', ')} (got \`${env}\`)`);
}

async function flagOrThrow(pool: Pool, key: string): Promise<EntryVersion<FlagDocument>> {
  const flag = await getFlag(pool, key);
  if (!flag) throw new NotFoundError(`there is no flag \`${key}\` (see /flag list)`);
  return flag;
}

async function openChangeRequests(client: Client): Promise<Message> {
  const items: Parameters<typeof renderChangeList>[0] = [];
  // Visibility lists running workflows of every task queue in the namespace; 25 is plenty for a chat reply.
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'changeRequestWorkflow' AND ExecutionStatus = 'Running'`, pageSize: 25 })) {
    const state = await client.workflow.getHandle(wf.workflowId).query(changeRequestStateQuery).catch(() => undefined);
    items.push({ workflowId: wf.workflowId, state, startedAt: wf.startTime.toISOString() });
    if (items.length >= 25) break;
  }
  return renderChangeList(items);
}

/** Answers the commands that change nothing straight from storage (or the workflow's state). */
export async function answerRead(command: ReadCommand, deps: ReadDeps): Promise<Message> {
  switch (command.name) {
    case 'flag.show':
      checkEnv(command.env, deps.environments);
      return renderFlag(await flagOrThrow(deps.pool, command.key), deps.environments, command.env);
    case 'flag.list': {
      const now = deps.now();
      const flags = (await listFlags(deps.pool)).filter((f) => (!command.owner || f.document.owner === command.owner) && (!command.stale || isStale(f.document, now)));
      const filter = [command.owner && `owned by ${command.owner}`, command.stale && 'that are stale'].filter(Boolean).join(' ');
      return renderFlagList(flags, filter);
    }
    case 'flag.history': {
      await flagOrThrow(deps.pool, command.key);
      return renderHistory(command.key, await auditTrail(deps.pool, { entityKind: 'flag', entityKey: command.key, limit: command.limit ?? 20 }));
    }
    case 'config.get': {
      checkEnv(command.env, deps.environments);
      const entry = await getConfig(deps.pool, command.key);
      if (!entry) throw new NotFoundError(`there is no config entry \`${command.key}\``);
      const where = [command.env ? `in ${command.env}` : 'globally', command.tenant && `for tenant ${command.tenant}`, command.user && `for user ${command.user}`].filter(Boolean).join(' ');
      if (!command.env) {
        return renderConfig(entry, entry.document.value === undefined ? { where, missing: 'no global value' } : { where, value: entry.document.value, scope: 'global' });
      }
      const result = compileConfig(entry.document, command.env)({ targetingKey: command.user, ...(command.tenant ? { tenant: { id: command.tenant } } : {}) });
      return renderConfig(entry, result.ok ? { where, value: result.value, scope: result.scope } : { where, missing: result.errorDetails });
    }
    case 'change.list':
      return openChangeRequests(deps.client);
    case 'change.show': {
      const workflowId = changeWorkflowId(command.id);
      try {
        const state = await deps.client.workflow.getHandle(workflowId).query(changeRequestStateQuery);
        return renderChangeState(state, workflowId, { buttons: true });
      } catch (err) {
        if (isNotFound(err)) throw new NotFoundError(`there is no change request \`${command.id}\` (see /change list)`);
        throw new ValidationError(`cannot read change request ${command.id}: ${userMessageOf(err)}`);
      }
    }
  }
}
