import { useMemo, useState } from 'react';
import { api, type FlagVersion, type StaleFlag } from './api.js';
import { envSummary, when } from './format.js';
import { href } from './routing.js';
import { useLoad } from './use-load.js';

const KINDS = ['release', 'ops', 'permission', 'experiment'];

const staleWhy = (stale: StaleFlag, maxAgeDays: number) =>
  stale.why === 'expired'
    ? `past its expiry on ${stale.expiry?.slice(0, 10) ?? '?'}`
    : `older than ${maxAgeDays} days (created ${stale.createdAt?.slice(0, 10) ?? 'long ago'})`;

async function loadFlags(): Promise<{ flags: FlagVersion[]; stale: Map<string, StaleFlag>; maxAgeDays: number }> {
  const [{ flags }, stale] = await Promise.all([api.flags({}), api.staleFlags()]);
  return { flags, stale: new Map(stale.flags.map((f) => [f.key, f])), maxAgeDays: stale.maxAgeDays };
}

/** Every flag, searchable by key or description and filtered by owner, kind and staleness. */
export function FlagsPage() {
  const loaded = useLoad(loadFlags, 'flags');
  const [search, setSearch] = useState('');
  const [owner, setOwner] = useState('');
  const [kind, setKind] = useState('');
  const [onlyStale, setOnlyStale] = useState(false);

  const all = loaded.data?.flags ?? [];
  const owners = useMemo(() => [...new Set(all.map((f) => f.document.owner))].sort(), [all]);
  const needle = search.trim().toLowerCase();
  const shown = all.filter(
    (f) =>
      (!needle || f.key.includes(needle) || f.document.description.toLowerCase().includes(needle)) &&
      (!owner || f.document.owner === owner) &&
      (!kind || f.document.kind === kind) &&
      (!onlyStale || loaded.data?.stale.has(f.key)),
  );

  return (
    <>
      <h1>Flags</h1>
      <form className="filters" aria-label="Filter flags" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="key or description"
          />
        </label>
        <label>
          Owner
          <select value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">any owner</option>
            {owners.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">any kind</option>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={onlyStale} onChange={(e) => setOnlyStale(e.target.checked)} />
          Only stale flags
        </label>
      </form>
      {loaded.error && (
        <p className="error" role="alert">
          {loaded.error}
        </p>
      )}
      <p className="muted" aria-live="polite">
        {loaded.data ? `${shown.length} of ${all.length} flag${all.length === 1 ? '' : 's'}` : 'Loading…'}
      </p>
      {loaded.data && shown.length > 0 && (
        <table className="list">
          <caption className="sr-only">Flags</caption>
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Kind</th>
              <th scope="col">Owner</th>
              <th scope="col">Environments</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => {
              const stale = loaded.data!.stale.get(f.key);
              return (
                <tr key={f.key}>
                  <th scope="row">
                    <a href={href.flag(f.key)}>{f.key}</a>
                    <div className="muted small">{f.document.description}</div>
                    {stale && <span className="badge wait">stale: {staleWhy(stale, loaded.data!.maxAgeDays)}</span>}
                  </th>
                  <td>{f.document.kind}</td>
                  <td>{f.document.owner}</td>
                  <td>
                    <ul className="env-chips">
                      {Object.keys(f.document.environments).map((env) => (
                        <li key={env}>
                          {env}: <strong>{envSummary(f.document, env)}</strong>
                        </li>
                      ))}
                      {Object.keys(f.document.environments).length === 0 && (
                        <li className="muted">default everywhere</li>
                      )}
                    </ul>
                  </td>
                  <td>
                    v{f.version} by {f.changedBy}
                    <div className="muted small">{when(f.changedAt)}</div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {loaded.data && all.length === 0 && (
        <p className="empty">
          No flags yet: create one from the command bar, e.g.{' '}
          <code>
            /flag create checkout-v2 --kind release --owner web --description "New checkout" --expiry 2027-01-31
          </code>
        </p>
      )}
    </>
  );
}
