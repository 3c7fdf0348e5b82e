import { api, type FlagDetail } from './api.js';
import { EnvironmentColumn, RuleList } from './EnvironmentColumn.js';
import { FlagHistory } from './FlagHistory.js';
import { when } from './format.js';
import { href } from './routing.js';
import { useLoad } from './use-load.js';

const loadFlag = (key: string) =>
  Promise.all([api.flag(key), api.history(key)]).then(([flag, { history }]) => ({ flag, history }));

/** A readiness checklist as the server reports it (a list of checks, or named results). */
function Readiness({ value }: { value: unknown }) {
  const entries = Array.isArray(value)
    ? value.map((item, i) => [String(i + 1), item] as const)
    : Object.entries(value as Record<string, unknown>);
  return (
    <section aria-labelledby="readiness">
      <h2 id="readiness">Readiness</h2>
      <ul>
        {entries.map(([name, item]) => (
          <li key={name}>
            {typeof item === 'object' && item !== null
              ? Object.values(item as Record<string, unknown>)
                  .map(String)
                  .join(' — ')
              : `${name}: ${String(item)}`}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Facts({ flag }: { flag: FlagDetail }) {
  const doc = flag.document;
  const guard = doc.guardrails?.auto_disable;
  return (
    <dl className="facts wide">
      <dt>Kind</dt>
      <dd>{doc.kind}</dd>
      <dt>Owner</dt>
      <dd>{doc.owner}</dd>
      {doc.expiry && (
        <>
          <dt>Expiry</dt>
          <dd>{doc.expiry}</dd>
        </>
      )}
      <dt>Variations</dt>
      <dd>{doc.variations.map((v) => `${v.id} = ${JSON.stringify(v.value)}`).join(', ')}</dd>
      <dt>Guardrail</dt>
      <dd>
        {guard ? (
          `auto-disable when ${guard.metric} is above ${guard.threshold} over ${guard.window}`
        ) : (
          <span className="muted">none</span>
        )}
      </dd>
      <dt>Version</dt>
      <dd>
        v{flag.version}, changed by {flag.changedBy} at {when(flag.changedAt)}
      </dd>
    </dl>
  );
}

/** One flag: every environment side by side, its guardrail, readiness when reported, and its history. */
export function FlagPage({ flagKey }: { flagKey: string }) {
  const loaded = useLoad(() => loadFlag(flagKey), flagKey);
  const flag = loaded.data?.flag;
  const readiness = flag?.readiness ?? flag?.document.readiness;
  return (
    <>
      <p>
        <a href={href.flags}>← All flags</a>
      </p>
      <h1>
        Flag <code>{flagKey}</code>
      </h1>
      {loaded.error && (
        <p className="error" role="alert">
          {loaded.error}
        </p>
      )}
      {flag && (
        <>
          <p className="lead">{flag.document.description}</p>
          <Facts flag={flag} />
          {flag.document.rules.length > 0 && (
            <section aria-labelledby="shared-rules">
              <h2 id="shared-rules">Rules for every environment</h2>
              <RuleList flag={flag.document} rules={flag.document.rules} />
            </section>
          )}
          {readiness !== undefined && readiness !== null && <Readiness value={readiness} />}
          <section aria-labelledby="environments">
            <h2 id="environments">Environments</h2>
            <div className="env-grid">
              {flag.environments.map((env) => (
                <EnvironmentColumn key={env} flag={flag.document} env={env} rollout={flag.rollouts[env]} />
              ))}
            </div>
          </section>
          <FlagHistory rows={loaded.data!.history} />
        </>
      )}
    </>
  );
}
