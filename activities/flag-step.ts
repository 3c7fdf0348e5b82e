import { ConflictError, ValidationError } from '../core/errors.js';
import type { FlagDocument, Guardrails } from '../core/model/flag.js';
import { kill, rolloutTo, setRollout } from '../core/operations/flag-operations.js';
import type { AppliedResult } from './change.js';
import type { ActivityContext } from './context.js';
import { permanent } from './permanent.js';

/** One edit of a flag in one environment that the system makes on someone's behalf. */
export type FlagStep =
  | { type: 'percent'; variation: string; percent: number }
  | { type: 'tenants'; variation: string; tenants: string[] }
  | { type: 'tenants-clear'; tenants: string[] }
  | { type: 'kill' };

export interface ApplyFlagStepInput {
  changeId: string;
  flagKey: string;
  env: string;
  step: FlagStep;
  action: string;
  onBehalfOf: string;
  approvedBy?: string;
  reason?: string;
  requestId: string;
}

/** The step's outcome, and the flag's auto-disable rule as the step found it: a rollout bakes on it without reading the flag again. */
export interface FlagStepResult extends AppliedResult {
  guardrail: NonNullable<Guardrails['auto_disable']> | null;
}

const CONFLICT_RETRIES = 3;

export function stepDocument(flag: FlagDocument, env: string, step: FlagStep): FlagDocument {
  switch (step.type) {
    case 'percent':
      return setRollout(flag, env, rolloutTo(flag, step.variation, step.percent));
    case 'kill':
      return kill(flag, env);
    case 'tenants':
    case 'tenants-clear': {
      const state = flag.environments[env] ?? {
        killed: false,
        killedTenants: [],
        userOverrides: {},
        tenantOverrides: {},
        rules: [],
      };
      const tenantOverrides = { ...state.tenantOverrides };
      for (const t of step.tenants) {
        if (step.type === 'tenants') tenantOverrides[t] = step.variation;
        else delete tenantOverrides[t];
      }
      return { ...flag, environments: { ...flag.environments, [env]: { ...state, tenantOverrides } } };
    }
  }
}

/** The steps rollouts, rollbacks and guardrails write as `system`, and the cohorts they step through. */
export function flagStepActivities({ stores }: ActivityContext) {
  const { entries, cohorts } = stores;
  return {
    applyFlagStep: permanent(async (input: ApplyFlagStepInput): Promise<FlagStepResult> => {
      for (let attempt = 1; ; attempt++) {
        const current = await entries.latest('flag', input.flagKey);
        if (!current || current.kind !== 'flag') throw new ValidationError(`there is no flag \`${input.flagKey}\``);
        try {
          const result = await entries.apply({
            changeId: input.changeId,
            actor: 'system',
            onBehalfOf: input.onBehalfOf,
            action: input.action,
            target: {
              kind: 'flag',
              key: input.flagKey,
              document: stepDocument(current.document, input.env, input.step),
            },
            expectedVersion: current.version,
            environment: input.env,
            reason: input.reason,
            approvedBy: input.approvedBy,
            requestId: input.requestId,
          });
          return {
            version: result.version,
            applied: result.applied,
            guardrail: current.document.guardrails?.auto_disable ?? null,
          };
        } catch (err) {
          // Someone changed the flag between our read and write: the step is still wanted, re-read and redo it.
          if (!(err instanceof ConflictError) || attempt >= CONFLICT_RETRIES) throw err;
        }
      }
    }),

    cohortTenants: permanent((input: { cohorts: string[] }) => cohorts.tenantsOf(input.cohorts)),
  };
}
