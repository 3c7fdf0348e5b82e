import type { FlagDocument, Rollout, Rule } from './api.js';
import { Badge } from './Badge.js';
import { conditionText, fromNow, serveText, variationLabel, when } from './format.js';

export function RuleList({ flag, rules }: { flag: FlagDocument; rules: Rule[] }) {
  if (!rules.length) return <p className="muted small">No rules.</p>;
  return (
    <ol className="rules">
      {[...rules]
        .sort((a, b) => a.priority - b.priority)
        .map((rule, i) => (
          <li key={rule.id ?? i}>
            <code>{rule.id ?? `#${i + 1}`}</code> <span className="muted">(priority {rule.priority})</span>: if{' '}
            {conditionText(rule.condition)} → <strong>{serveText(flag, rule.action)}</strong>
            {rule.comment && <div className="muted small">{rule.comment}</div>}
          </li>
        ))}
    </ol>
  );
}

/**
 * One environment of a flag, everything that can decide an answer there in the order it applies:
 * a kill, tenant kills, user and tenant overrides, rules, then the serve or the rollout split.
 */
export function EnvironmentColumn({ flag, env, rollout }: { flag: FlagDocument; env: string; rollout?: Rollout }) {
  const state = flag.environments[env];
  const headingId = `env-${env}`;
  const users = Object.entries(state?.userOverrides ?? {});
  const tenants = Object.entries(state?.tenantOverrides ?? {});
  return (
    <section className="env card" aria-labelledby={headingId}>
      <h3 id={headingId}>{env}</h3>
      <p className="serving">
        {state?.killed ? (
          <Badge status="killed" text="killed (serves off)" />
        ) : (
          <Badge status={state?.serve ? 'applied' : 'neutral'} text={serveText(flag, state?.serve)} />
        )}
      </p>
      {rollout && (
        <>
          <h4>Rollout</h4>
          <p>
            <Badge status={rollout.status} /> stage {rollout.stageIndex + 1} of {rollout.stages.length} (
            {String(rollout.stages[rollout.stageIndex] ?? rollout.stages[0])}
            {typeof rollout.stages[0] === 'number' ? ' %' : ''}) of {variationLabel(flag, rollout.variation)}
            {rollout.nextStepAt && <span className="muted"> · next {fromNow(rollout.nextStepAt)}</span>}
          </p>
        </>
      )}
      {state && state.killedTenants.length > 0 && <p>Killed for tenants: {state.killedTenants.join(', ')}</p>}
      <h4>User overrides</h4>
      {users.length ? (
        <ul>
          {users.map(([user, o]) => (
            <li key={user}>
              {user} → {variationLabel(flag, o.variation)}
              {o.expiresAt && <span className="muted"> until {when(o.expiresAt)}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">None.</p>
      )}
      {tenants.length > 0 && (
        <>
          <h4>Tenant overrides</h4>
          <ul>
            {tenants.map(([tenant, variation]) => (
              <li key={tenant}>
                {tenant} → {variationLabel(flag, variation)}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Rules</h4>
      <RuleList flag={flag} rules={state?.rules ?? []} />
    </section>
  );
}
