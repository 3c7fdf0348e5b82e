import { useState } from 'react';
import { api, type AuditRow, type Outcome } from './api.js';
import { Badge } from './Badge.js';
import { useConsole } from './console-context.js';
import { when } from './format.js';
import { ReasonForm } from './ReasonForm.js';
import { href } from './routing.js';

/** The id `/change revert` takes for a history row: its request id, else its change id. */
const revertId = (row: AuditRow) => row.requestId ?? row.changeId;

/** A flag's audit rows, newest first, each applied change with a Revert that asks for a reason. */
export function FlagHistory({ rows }: { rows: AuditRow[] }) {
  const { announce, refresh } = useConsole();
  const [reverting, setReverting] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<{ id: string; outcome: Outcome } | undefined>();

  const revert = async (id: string, reason: string) => {
    const answer = await api.revert(id, reason);
    setOutcome({ id, outcome: answer });
    setReverting(undefined);
    announce(`Revert of ${id}: ${answer.status.replace(/_/g, ' ')}`);
    refresh();
  };

  return (
    <section aria-labelledby="history">
      <h2 id="history">History</h2>
      <div aria-live="polite">
        {outcome && (
          <p className="outcome">
            Revert of {outcome.id}: <Badge status={outcome.outcome.status} /> {outcome.outcome.reason ?? ''}{' '}
            {outcome.outcome.changeRequestId && (
              <a href={href.changeRequest(outcome.outcome.changeRequestId)}>
                Open change request {outcome.outcome.changeRequestId}
              </a>
            )}
          </p>
        )}
      </div>
      {rows.length === 0 ? (
        <p className="muted">No changes recorded.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Where</th>
              <th scope="col">Why</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const id = revertId(row);
              const revertable = id !== undefined && row.changeId !== undefined;
              return (
                <tr key={row.seq}>
                  <td>{when(row.occurredAt)}</td>
                  <td>
                    {row.actor}
                    {row.onBehalfOf && <span className="muted"> for {row.onBehalfOf}</span>}
                    {row.approvedBy && <div className="muted small">approved by {row.approvedBy}</div>}
                  </td>
                  <td>
                    <code>{row.action}</code>
                  </td>
                  <td>{[row.environment, row.tenant && `tenant ${row.tenant}`].filter(Boolean).join(', ') || '—'}</td>
                  <td>{row.reason ?? <span className="muted">—</span>}</td>
                  <td>
                    {revertable &&
                      (reverting === id ? (
                        <ReasonForm
                          label={`Reason for reverting ${id}`}
                          submitLabel="Request revert"
                          emptyError="A revert needs a reason."
                          onSubmit={(reason) => revert(id, reason)}
                          onCancel={() => setReverting(undefined)}
                        />
                      ) : (
                        <button type="button" onClick={() => setReverting(id)} aria-label={`Revert ${id}`}>
                          Revert
                        </button>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
