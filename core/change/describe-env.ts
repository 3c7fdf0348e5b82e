import type { FlagDocument } from '../model/flag.js';
import { defaultVariationId } from '../model/validate-flag.js';

/**
 * How one environment's serving reads for a human: `on`, `off`, `variant-b`, `on 25 %`, `killed`.
 * It stays in core, not in render/: a plan's old → new summary is built from it, and that
 * summary is part of the plan (it is shown for approval, written to the audit log and carried in
 * workflow history), so the planner and the bot's flag replies word serving the same way.
 */
export function describeEnv(flag: FlagDocument | null, env: string): string {
  if (!flag) return 'absent';
  const label = (id: string) => {
    const v = flag.variations.find((x) => x.id === id);
    return typeof v?.value === 'boolean' ? (v.value ? 'on' : 'off') : id;
  };
  const fallback = defaultVariationId(flag);
  const state = flag.environments[env];
  if (!state) return `default (${fallback ? label(fallback) : 'unset'})`;
  const parts: string[] = [];
  if (state.killed) parts.push('killed');
  if (state.serve && 'serve' in state.serve) parts.push(label(state.serve.serve));
  else if (state.serve) {
    parts.push(
      Object.entries(state.serve.rollout)
        .map(([id, pct]) => `${label(id)} ${pct} %`)
        .join(' / '),
    );
  } else parts.push(`default (${fallback ? label(fallback) : 'unset'})`);
  if (state.killedTenants.length) parts.push(`killed for ${state.killedTenants.join(', ')}`);
  const tenants = Object.entries(state.tenantOverrides);
  if (tenants.length) parts.push(`tenants ${tenants.map(([t, v]) => `${t}→${label(v)}`).join(', ')}`);
  const users = Object.entries(state.userOverrides);
  if (users.length)
    parts.push(
      `users ${users.map(([u, o]) => `${u}→${label(o.variation)}${o.expiresAt ? ` until ${o.expiresAt}` : ''}`).join(', ')}`,
    );
  if (state.rules.length) parts.push(`${state.rules.length} rule(s)`);
  return parts.join(', ');
}
