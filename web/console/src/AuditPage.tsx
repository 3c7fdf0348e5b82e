import { useState, type FormEvent } from 'react';
import { api, type AuditVerification } from './api.js';
import { when } from './format.js';
import { useLoad } from './use-load.js';

const PAGE_SIZE = 25;

interface Filter {
  entity: string;
  actor: string;
  since: string;
}

/** A `datetime-local` value (the reader's time) as the ISO instant the API filters on. */
const sinceIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

function Verification({ result, error }: { result?: AuditVerification; error?: string }) {
  if (error) return <p className="error">Chain verification failed to run: {error}</p>;
  if (!result) return <p className="muted">Verifying the chain…</p>;
  if (!result.ok) {
    return (
      <p className="badge bad block" role="alert">
        Chain broken at row #{result.brokenAt?.seq}: {result.brokenAt?.reason}
      </p>
    );
  }
  return (
    <p className="badge good block">
      Chain intact: {result.rows} rows{result.head && `, head #${result.head.seq} ${result.head.hash.slice(0, 16)}…`}
    </p>
  );
}

/** The hash-chained audit log, newest first: filtered by entity, actor and time, paged, and verified. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filter>({ entity: '', actor: '', since: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  // The `before` of each page seen, so "Newer" goes back the way "Older" came.
  const [pages, setPages] = useState<Array<number | undefined>>([undefined]);
  const before = pages[pages.length - 1];
  const verify = useLoad(api.verifyAudit, 'verify');
  const log = useLoad(
    () =>
      api.audit({
        entity: filter.entity.trim() || undefined,
        actor: filter.actor.trim() || undefined,
        since: sinceIso(filter.since),
        before,
        limit: PAGE_SIZE,
      }),
    JSON.stringify([filter, before]),
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    setPages([undefined]);
  };
  const field = (name: keyof Filter) => ({
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  const entries = log.data?.entries ?? [];

  return (
    <>
      <h1>Audit log</h1>
      <section aria-label="Chain verification" aria-live="polite">
        <Verification result={verify.data} error={verify.error} />
      </section>
      <form className="filters" aria-label="Filter the audit log" onSubmit={apply}>
        <label>
          Entity
          <input {...field('entity')} placeholder="flag or config key, principal" />
        </label>
        <label>
          Actor
          <input {...field('actor')} placeholder="e.g. U_ALICE" />
        </label>
        <label>
          Since
          <input type="datetime-local" step="1" {...field('since')} />
        </label>
        <button type="submit" className="primary">
          Apply filters
        </button>
      </form>
      {log.error && (
        <p className="error" role="alert">
          {log.error}
        </p>
      )}
      <table className="list">
        <caption className="sr-only">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Entity</th>
            <th scope="col">Where</th>
            <th scope="col">Reason</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((row) => (
            <tr key={row.seq}>
              <td>{row.seq}</td>
              <td>{when(row.occurredAt)}</td>
              <td>
                {row.actor}
                {row.onBehalfOf && <span className="muted"> for {row.onBehalfOf}</span>}
                {row.approvedBy && <div className="muted small">approved by {row.approvedBy}</div>}
              </td>
              <td>
                <code>{row.action}</code>
              </td>
              <td>{[row.entityKind, row.entityKey].filter(Boolean).join(' ') || '—'}</td>
              <td>{[row.environment, row.tenant && `tenant ${row.tenant}`].filter(Boolean).join(', ') || '—'}</td>
              <td>{row.reason ?? '—'}</td>
              <td>
                <code title={row.hash}>{row.hash.slice(0, 10)}</code>
              </td>
            </tr>
          ))}
          {log.data && entries.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No entries match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <nav className="pager" aria-label="Audit pages">
        <button type="button" disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
          Newer
        </button>
        <span className="muted">page {pages.length}</span>
        <button
          type="button"
          disabled={!log.data?.nextBefore}
          onClick={() => setPages([...pages, log.data?.nextBefore])}
        >
          Older
        </button>
      </nav>
    </>
  );
}
