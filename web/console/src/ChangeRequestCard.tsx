import { useId, useState } from 'react';
import { api, problemOf, type ChangeRequest, type Outcome } from './api.js';
import { Badge } from './Badge.js';
import { useConsole } from './console-context.js';
import { diffRows } from './diff.js';
import { fromNow, when } from './format.js';
import { ReasonForm } from './ReasonForm.js';
import { href } from './routing.js';

/** What a requester reads under their own request's disabled Approve button. */
export const SELF_APPROVAL_NOTE = 'You requested this change: another eligible person must approve it.';

interface Props {
  request: ChangeRequest;
  /** 1 on the change request's own page, 2 in the inbox. */
  level: 1 | 2;
  /** Called with the server's answer once this person approved or rejected it. */
  onDecided(outcome: Outcome): void;
}

/**
 * One change request: the change field by field (before → after), why it is risky, who asked and
 * why, when it expires, and, while it waits, Approve and Reject. The requester sees the request
 * but not an Approve they can press: the server would refuse it, so the button says why first.
 */
export function ChangeRequestCard({ request, level, onDecided }: Props) {
  const { principal } = useConsole();
  const id = useId();
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const Heading = level === 1 ? 'h1' : 'h2';
  const pending = request.status === 'awaiting_approval';
  const own = request.requester === principal;
  const rows = diffRows(request.summary);

  const approve = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onDecided(await api.approve(request.requestId));
    } catch (err) {
      setError(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  const reject = async (reason: string) => {
    onDecided(await api.reject(request.requestId, reason));
    setRejecting(false);
  };

  return (
    <article className="card change-request" aria-labelledby={`${id}-title`}>
      <header className="card-head">
        <Heading id={`${id}-title`}>
          {level === 2 ? (
            <a href={href.changeRequest(request.requestId)}>Change request {request.requestId}</a>
          ) : (
            `Change request ${request.requestId}`
          )}
        </Heading>
        <Badge status={request.status} />
        {request.classification && <span className="muted">{request.classification}</span>}
      </header>
      <dl className="facts">
        <dt>Requested by</dt>
        <dd>{request.requester}</dd>
        <dt>Justification</dt>
        <dd>{request.justification ?? <span className="muted">none given</span>}</dd>
        {request.expiresAt && pending && (
          <>
            <dt>Expires</dt>
            <dd>
              {when(request.expiresAt)} <span className="muted">({fromNow(request.expiresAt)})</span>
            </dd>
          </>
        )}
        {request.decidedBy && (
          <>
            <dt>{request.status === 'rejected' ? 'Rejected by' : 'Decided by'}</dt>
            <dd>
              {request.decidedBy} {request.decidedAt && <span className="muted">at {when(request.decidedAt)}</span>}
            </dd>
          </>
        )}
        {request.rejectionReason && (
          <>
            <dt>Rejection reason</dt>
            <dd>{request.rejectionReason}</dd>
          </>
        )}
        {request.message && !pending && (
          <>
            <dt>Outcome</dt>
            <dd>{request.message}</dd>
          </>
        )}
      </dl>
      <table className="diff">
        <caption>The change, field by field</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.field}>
              <th scope="row">{row.field}</th>
              <td className="before">{row.before ?? '—'}</td>
              <td className="after">{row.after ?? '—'}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                not known yet (the request is still being validated)
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {request.riskReasons.length > 0 && (
        <section aria-label="Risk reasons">
          <h3>Why it needs a second person</h3>
          <ul className="risks">
            {request.riskReasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </section>
      )}
      {pending && (
        <div className="decision">
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={own || busy}
              aria-describedby={own ? `${id}-own` : undefined}
              onClick={() => void approve()}
            >
              Approve
            </button>
            <button type="button" className="danger" disabled={busy || rejecting} onClick={() => setRejecting(true)}>
              Reject
            </button>
            {own && (
              <span id={`${id}-own`} className="note">
                {SELF_APPROVAL_NOTE}
              </span>
            )}
          </div>
          {rejecting && (
            <ReasonForm
              label={`Reason for rejecting ${request.requestId}`}
              submitLabel="Send rejection"
              emptyError="A rejection needs a reason: say why, so the requester knows what to change."
              onSubmit={reject}
              onCancel={() => setRejecting(false)}
            />
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </article>
  );
}
