import { useEffect, useRef, useState } from 'react';
import { api, type ChangeRequest, type Outcome } from './api.js';
import { Badge } from './Badge.js';
import { ChangeRequestCard } from './ChangeRequestCard.js';
import { useConsole } from './console-context.js';
import { href } from './routing.js';
import { useLoad } from './use-load.js';

/** Often enough that a decision made elsewhere shows within two seconds. */
const POLL_MS = 1500;

interface Decided {
  requestId: string;
  status: string;
  text: string;
}

const decidedText = (request: ChangeRequest) =>
  request.status === 'rejected'
    ? `rejected by ${request.decidedBy ?? 'someone'}${request.rejectionReason ? `: ${request.rejectionReason}` : ''}`
    : request.status === 'applied'
      ? `approved${request.decidedBy ? ` by ${request.decidedBy}` : ''} and applied`
      : (request.message ?? request.status.replace(/_/g, ' '));

/**
 * The approvals inbox: every change request waiting for a second person, polled so that a request
 * made or decided elsewhere appears or leaves without a reload; what left is listed below with
 * how it ended, and announced.
 */
export function ApprovalsPage() {
  const { announce, principal } = useConsole();
  const pending = useLoad(api.pending, 'pending', { everyMs: POLL_MS });
  const seen = useRef<Set<string> | undefined>(undefined);
  const [decided, setDecided] = useState<Decided[]>([]);

  const remember = (entry: Decided) =>
    setDecided((list) => [entry, ...list.filter((d) => d.requestId !== entry.requestId)].slice(0, 10));

  useEffect(() => {
    const now = pending.data?.changeRequests;
    if (!now) return;
    const ids = new Set(now.map((r) => r.requestId));
    const before = seen.current;
    seen.current = ids;
    if (!before) return;
    const arrived = [...ids].filter((id) => !before.has(id));
    if (arrived.length) announce(`New change request${arrived.length > 1 ? 's' : ''} waiting: ${arrived.join(', ')}`);
    for (const id of [...before].filter((id) => !ids.has(id))) {
      void api.changeRequest(id).then(
        (request) => {
          const text = decidedText(request);
          remember({ requestId: id, status: request.status, text });
          announce(`Change request ${id} ${text}`);
        },
        () => undefined,
      );
    }
  }, [pending.data, announce]);

  const onDecided = (requestId: string) => (outcome: Outcome) => {
    const text = decidedText({
      requestId,
      status: outcome.status,
      riskReasons: [],
      requester: '',
      decidedBy: principal,
      rejectionReason: outcome.reason,
      message: outcome.text,
    });
    remember({ requestId, status: outcome.status, text });
    announce(`Change request ${requestId} ${text}`);
    pending.reload();
  };

  const requests = pending.data?.changeRequests ?? [];
  return (
    <>
      <h1>Approvals</h1>
      <p className="muted">Change requests waiting for a second person. This page updates by itself.</p>
      {pending.error && (
        <p className="error" role="alert">
          {pending.error}
        </p>
      )}
      <section aria-label="Pending change requests" className="stack">
        {pending.data && requests.length === 0 && <p className="empty">Nothing is waiting for approval.</p>}
        {requests.map((request) => (
          <ChangeRequestCard
            key={request.requestId}
            request={request}
            level={2}
            onDecided={onDecided(request.requestId)}
          />
        ))}
      </section>
      {decided.length > 0 && (
        <section aria-labelledby="recently-decided">
          <h2 id="recently-decided">Recently decided</h2>
          <ul className="decided">
            {decided.map((d) => (
              <li key={d.requestId}>
                <a href={href.changeRequest(d.requestId)}>{d.requestId}</a> <Badge status={d.status} /> {d.text}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
