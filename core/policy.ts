import { DEFAULT_STAGES } from './rollout-stages.js';

/**
 * What every rights and classification decision reads from configuration (docs/design.md#policy):
 * built once per process from the settings and handed to each call. Nothing in core/ assumes a
 * name for production; a deployment that calls its environments `dev,staging,prod` or
 * `dev,prod-eu,prod-us` gets exactly the same protection as one that calls it `production`.
 */
export interface Policy {
  /** Every environment, in risk order (lowest first): ENVIRONMENTS. */
  readonly environments: readonly string[];
  /** The environments that need production rights: PRODUCTION_ENVIRONMENTS, else the last of ENVIRONMENTS. */
  readonly production: readonly string[];
  /** The stage plan a rollout "follows". */
  readonly plan: readonly number[];
}

export interface PolicySettings {
  ENVIRONMENTS: readonly string[];
  PRODUCTION_ENVIRONMENTS?: readonly string[];
}

/**
 * Why the settings cannot make a policy, or undefined when they can: every production environment
 * must be a configured one. A deployment with no environment below production is allowed (all of
 * it is then production).
 */
export function policySettingsRefusal(settings: PolicySettings): string | undefined {
  if (settings.ENVIRONMENTS.length === 0) return 'ENVIRONMENTS must name at least one environment';
  const unknown = (settings.PRODUCTION_ENVIRONMENTS ?? []).filter((e) => !settings.ENVIRONMENTS.includes(e));
  if (unknown.length) {
    return `PRODUCTION_ENVIRONMENTS names ${unknown.join(', ')}, which ENVIRONMENTS (${settings.ENVIRONMENTS.join(', ')}) does not list`;
  }
  if (settings.PRODUCTION_ENVIRONMENTS && settings.PRODUCTION_ENVIRONMENTS.length === 0) {
    return 'PRODUCTION_ENVIRONMENTS must name at least one environment (leave it unset for the last of ENVIRONMENTS)';
  }
  return undefined;
}

/**
 * The policy of a deployment. Throws on settings that policySettingsRefusal refuses, so a process
 * never runs with a production set it was not given.
 *
 * @example policyOf({ ENVIRONMENTS: ['dev', 'staging', 'prod'] }).production // ['prod']
 */
export function policyOf(settings: PolicySettings, plan: readonly number[] = DEFAULT_STAGES): Policy {
  const refusal = policySettingsRefusal(settings);
  if (refusal) throw new Error(`configuration error: ${refusal}`);
  const production = settings.PRODUCTION_ENVIRONMENTS?.length
    ? settings.ENVIRONMENTS.filter((e) => settings.PRODUCTION_ENVIRONMENTS!.includes(e))
    : settings.ENVIRONMENTS.slice(-1);
  return Object.freeze({
    environments: Object.freeze([...settings.ENVIRONMENTS]),
    production: Object.freeze(production),
    plan: Object.freeze([...plan]),
  });
}

export function isProduction(policy: Policy, env: string): boolean {
  return policy.production.includes(env);
}

/** The environments below production, in risk order. */
export function lowerEnvironments(policy: Policy): string[] {
  return policy.environments.filter((e) => !isProduction(policy, e));
}

/** One line for a start banner and `switchyard doctor`. */
export function describePolicy(policy: Policy): string {
  const lower = lowerEnvironments(policy);
  return `production: ${policy.production.join(', ')}${lower.length ? `; below production: ${lower.join(', ')}` : ''}`;
}
