import {
  isTenancyCommand,
  planChange,
  revertPlan,
  type ChangePlan,
  type PlannableCommand,
} from '../core/change/plan/index.js';
import { changeRequestOf } from '../core/command/change-request-of.js';
import { isRoleChange, roleChangeOf } from '../core/command/role-change.js';
import { ValidationError } from '../core/errors.js';
import { assertGrantableScope } from '../core/role-scope.js';
import type { CommandOf } from '../core/command/schema.js';
import type { ChangeRequest } from '../core/change-request.js';
import { judgedOnDiff as judgeOnDiff, type TouchedScopes } from '../core/touched-scopes.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { ActivityContext } from './context.js';
import { PROMQL_TEMPLATES } from './guardrail-metric.js';
import { tenancyChanges } from './tenancy.js';

/** What RBAC and classification judge a change on, and the flag it reads (for its kind). */
export interface Judged {
  request: ChangeRequest;
  touched?: TouchedScopes;
  currentFlag?: FlagDocument;
}

/** The change plan of a request as the workflow carries it between prepare and apply. */
export interface PlannedChangeRef {
  plan: ChangePlan;
  request: ChangeRequest;
}

/** Planning and judging a change on its documents: what prepareChange and applyPlannedChange share. */
export function changePlanner({
  stores,
  settings,
  promqlTemplates,
  policy,
}: Pick<ActivityContext, 'stores' | 'settings' | 'policy'> & Partial<Pick<ActivityContext, 'promqlTemplates'>>) {
  const { entries, cohorts } = stores;
  const tenancy = tenancyChanges({ stores, settings, policy });
  // A guardrail may only name a metric a monitor can measure: the templates the monitors use (activities/guardrail.ts).
  const guardrailMetrics = Object.keys({ ...PROMQL_TEMPLATES, ...settings.GUARDRAIL_PROMQL, ...promqlTemplates });
  const judgedOnDiff = (
    plan: ChangePlan,
    request: ChangeRequest,
    before: FlagDocument | ConfigEntry | null | undefined,
  ) => judgeOnDiff(plan, request, before, settings.ENVIRONMENTS);

  /** The plan, and the description RBAC and classification judge, of one change command. */
  const planOf = async (
    command: PlannableCommand | CommandOf<'change.revert'>,
    requester: string,
  ): Promise<Judged & { plan: ChangePlan }> => {
    const now = new Date();
    // `/oncall add|remove` is the role change it stands for.
    if (isRoleChange(command)) {
      const role = roleChangeOf(command)!;
      // Only grants are checked: a binding granted before a rule changed must stay revocable.
      if (role.name === 'change.role.grant')
        assertGrantableScope(role.role, { env: role.env, tenant: role.tenant }, policy);
      return {
        plan: planChange(role, { current: null, version: 0, environments: settings.ENVIRONMENTS, now }),
        request: changeRequestOf(role, { actor: requester })!,
      };
    }
    if (isTenancyCommand(command)) return tenancy.planTenancy(command, requester);
    if (command.name === 'change.revert') {
      const source = await entries.appliedChange(command.id);
      const current = await entries.latest(source.kind, source.key);
      const plan = revertPlan(source, {
        current: current?.document ?? null,
        version: current?.version ?? 0,
        environments: settings.ENVIRONMENTS,
        now,
      });
      const currentFlag = current?.kind === 'flag' ? current.document : undefined;
      // Judged on what undoing it changes now: the same entry, and the environments and tenants that differ.
      const request: ChangeRequest = {
        action: 'change.revert',
        entity: plan.entryKind === 'secret' ? 'secret' : source.kind,
        key: source.key,
        env: source.environments.length === 1 ? source.environments[0] : undefined,
        tenant: plan.tenant,
        flagKind: currentFlag?.kind,
        requestedBy: requester,
      };
      return { plan, ...judgedOnDiff(plan, request, current?.document), currentFlag };
    }
    const current = await entries.latest(command.name.startsWith('config.') ? 'config' : 'flag', command.key);
    // A tier nobody has yet is most likely a typo: `--tier` is planned knowing the tiers in use.
    const tiers = command.name === 'flag.serve' && command.tier !== undefined ? { tenancy: await tenancy.tiers() } : {};
    const plan = planChange(command, {
      current: current?.document ?? null,
      version: current?.version ?? 0,
      environments: settings.ENVIRONMENTS,
      now,
      guardrailMetrics,
      ...tiers,
    });
    // An unknown cohort, or one nobody is in, is refused now, not when the rollout reaches it.
    if (plan.rollout?.cohorts) assertCohortsHaveTenants(await cohorts.tenantsOf(plan.rollout.cohorts));
    const currentFlag = current?.kind === 'flag' ? current.document : undefined;
    const request = changeRequestOf(command, { actor: requester, flagKind: currentFlag?.kind })!;
    if (plan.rollout && request.rollout) request.rollout.from = plan.rollout.fromPercent;
    return { plan, ...judgedOnDiff(plan, request, current?.document), currentFlag };
  };

  /**
   * Applying re-judges the change on its documents, not on what was typed or carried in the
   * workflow: the entry is re-read, and if it is still the version the plan was made against, what
   * the target changes relative to it is authorized again. (If it moved, storage refuses the write
   * as a conflict, or finds this change id already applied; the prepared request is judged then.)
   */
  const rejudge = async (input: PlannedChangeRef): Promise<Judged> => {
    const { plan } = input;
    if (plan.role || !plan.target) return { request: input.request };
    const current = await entries.latest(plan.target.kind, plan.key);
    const currentFlag = current?.kind === 'flag' ? current.document : undefined;
    if ((current?.version ?? 0) !== plan.expectedVersion) {
      const units = input.request.touched ?? [];
      const environments = [...new Set(units.map((u) => u.env))];
      const tenants = [...new Set(units.flatMap((u) => (u.tenant ? [u.tenant] : [])))];
      return { request: input.request, touched: { units, environments, tenants }, currentFlag };
    }
    return { ...judgedOnDiff(plan, input.request, current?.document), currentFlag };
  };

  return { planOf, rejudge };
}

/** A cohort without tenants would make a stage that serves nobody: refused with the command that fills it. */
function assertCohortsHaveTenants(tenants: Record<string, string[]>): void {
  const empty = Object.entries(tenants)
    .filter(([, members]) => !members.length)
    .map(([name]) => name);
  if (empty.length)
    throw new ValidationError(
      `cohort ${empty.map((c) => `\`${c}\``).join(', ')} has no tenants: add some with /cohort add ${empty[0]} <tenant…> (see /cohort list)`,
    );
}
