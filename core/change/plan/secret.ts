import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import { configEntrySchema, type ConfigEntry, type ConfigScopeValue } from '../../model/config-entry.js';
import { currentConfig, requireEnv } from './context.js';
import type { ChangePlan, PlanContext } from './plan.js';

/**
 * A secret's next document: the sealed envelope as the environment's scoped value. The plan and
 * its summary never hold the clear value, so approval messages, the audit log and workflow
 * histories cannot leak it (docs/design.md#secrets-at-rest).
 */
export function secretPlan(ctx: PlanContext, cmd: CommandOf<'config.secret.set'>): ChangePlan {
  if (!cmd.envelope)
    throw new ValidationError(
      `the value of a secret is typed into a dialog, never into a command: run /config secret set ${cmd.key} --env <env> in Slack`,
    );
  const env = requireEnv(cmd.env, ctx.environments, 'config secret set');
  const existing = currentConfig(ctx, cmd.key, 'a secret');
  if (existing && !existing.secret)
    throw new ValidationError(`\`${cmd.key}\` is a plain config entry: a secret needs a key of its own`);
  const base: ConfigEntry = existing ?? configEntrySchema.parse({ key: cmd.key, valueType: 'string', secret: true });
  const envValue = (s: ConfigScopeValue) => s.env === env && s.tenant === undefined && s.user === undefined;
  const replaced = base.scopes.some(envValue);
  const next: ConfigEntry = {
    ...base,
    scopes: [...base.scopes.filter((s) => !envValue(s)), { env, value: cmd.envelope }],
  };
  return {
    kind: 'config',
    key: cmd.key,
    action: 'config.secret.set',
    envs: [env],
    target: { kind: 'config', key: cmd.key, document: configEntrySchema.parse(next) },
    expectedVersion: ctx.version,
    summary: `secret ${cmd.key} (env ${env}): ${replaced ? 'replaced' : 'set'} (value sealed, not shown)`,
    entryKind: 'secret',
  };
}
