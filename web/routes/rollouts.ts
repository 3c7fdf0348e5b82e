import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { KEY_PATTERN } from '../../core/model/flag.js';
import { environmentRead, type ReadScope } from '../../core/read-access.js';
import { controlRollout } from '../../bot/rollout-control.js';
import { rolloutStateQuery, workflowIds, type RolloutControl } from '../../workflows/contracts.js';
import type { ApiDeps } from '../api-deps.js';
import { readerOf } from '../reader.js';
import { route } from '../route.js';
import { messageShape, rolloutStateSchema } from '../schemas.js';

const CONTROLS = ['pause', 'resume', 'promote', 'abort'] as const satisfies readonly RolloutControl[];

const controlParams = z.object({
  flag: z.string().regex(KEY_PATTERN, 'must be a flag key'),
  env: z.string().min(1),
  action: z.enum(CONTROLS),
});

const listed = rolloutStateSchema.extend({ workflowId: z.string() });

/** Running rollouts of the environments the caller reads (a rollout is its flag's state there, like its serve). */
async function listRollouts(deps: ApiDeps, scope: ReadScope) {
  const rollouts: Array<z.infer<typeof listed>> = [];
  for await (const wf of deps.client.workflow.list({
    query: `WorkflowType = 'rolloutWorkflow' AND ExecutionStatus = 'Running'`,
    pageSize: 100,
  })) {
    const state = await deps.client.workflow
      .getHandle(wf.workflowId)
      .query(rolloutStateQuery)
      .catch(() => undefined);
    if (state && environmentRead(scope, state.env)) rollouts.push({ ...state, workflowId: wf.workflowId });
    if (rollouts.length >= 200) break;
  }
  return { rollouts };
}

/** The rollout's own update, as the chat command and the buttons send it: it checks the role and the state. */
async function control(deps: ApiDeps, user: string, params: z.infer<typeof controlParams>) {
  if (!deps.environments.includes(params.env))
    throw new ValidationError(`env must be one of ${deps.environments.join(', ')} (got \`${params.env}\`)`);
  const message = await controlRollout(deps.client, user, params.action, { flagKey: params.flag, env: params.env });
  const state = await deps.client.workflow
    .getHandle(workflowIds.rollout(params.flag, params.env))
    .query(rolloutStateQuery)
    .catch(() => undefined);
  return { status: state?.status ?? 'unknown', ...(state ? { rollout: state } : {}), ...message };
}

export const rolloutRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/rollouts',
    summary: 'Running rollouts of the environments the caller reads: stage, next advance, guardrail status',
    tag: 'rollouts',
    response: z.object({ rollouts: z.array(listed) }),
    handle: async ({ caller }, { deps }) => listRollouts(deps, await readerOf(deps, caller)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/rollouts/:flag/:env/:action',
    summary: 'Pause, resume, promote or abort the running rollout of a flag in an environment, as the caller',
    tag: 'rollouts',
    params: controlParams,
    response: z.object({ status: z.string(), rollout: rolloutStateSchema.optional(), ...messageShape }),
    handle: ({ params, caller }, { deps }) => control(deps, caller.principal, params),
  }),
];
