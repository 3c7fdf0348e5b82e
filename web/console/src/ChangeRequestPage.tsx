import { useEffect, useRef } from 'react';
import { api } from './api.js';
import { ChangeRequestCard } from './ChangeRequestCard.js';
import { useConsole } from './console-context.js';
import { statusWords } from './format.js';
import { href } from './routing.js';
import { useLoad } from './use-load.js';

/** Statuses after which nothing more happens to a request: polling stops there. */
const SETTLED = new Set(['applied', 'rejected', 'expired', 'conflict', 'refused', 'failed']);

/**
 * One change request, the page Slack messages link to (`#/change-requests/<id>`). While it is
 * open it follows the request, so the requester sees it approved or rejected without a reload.
 */
export function ChangeRequestPage({ id }: { id: string }) {
  const { announce } = useConsole();
  const settled = useRef(false);
  const loaded = useLoad(() => api.changeRequest(id), id, { everyMs: settled.current ? undefined : 1500 });
  const status = loaded.data?.status;
  settled.current = status !== undefined && SETTLED.has(status);
  const previous = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (status && previous.current && previous.current !== status)
      announce(`Change request ${id} is now ${statusWords(status)}`);
    previous.current = status;
  }, [status, id, announce]);

  return (
    <>
      <p>
        <a href={href.approvals}>← All pending approvals</a>
      </p>
      {loaded.error && !loaded.data && <h1>Change request {id}</h1>}
      {loaded.error && (
        <p className="error" role="alert">
          {loaded.error}
        </p>
      )}
      {loaded.data && <ChangeRequestCard request={loaded.data} level={1} onDecided={() => loaded.reload()} />}
      {loaded.data && SETTLED.has(loaded.data.status) && (
        <p className="muted">This request is settled; nothing more will happen to it.</p>
      )}
    </>
  );
}
