import { useEffect, useState } from 'react';

/**
 * The console's pages, by the location's hash: `#/change-requests/<id>` is the link Slack messages
 * carry, so that route must keep opening one change request.
 */
export type Route =
  | { page: 'flags' }
  | { page: 'flag'; key: string }
  | { page: 'approvals' }
  | { page: 'change-request'; id: string }
  | { page: 'rollouts' }
  | { page: 'audit' }
  | { page: 'not-found'; path: string };

export function routeOf(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/flags';
  const [, first, second, ...rest] = path.split('/');
  const arg = second !== undefined && rest.length === 0 ? safeDecode(second) : undefined;
  if (path === '/' || (first === 'flags' && second === undefined)) return { page: 'flags' };
  if (first === 'flags' && arg) return { page: 'flag', key: arg };
  if (first === 'approvals' && second === undefined) return { page: 'approvals' };
  if (first === 'change-requests' && arg) return { page: 'change-request', id: arg };
  if (first === 'change-requests' && second === undefined) return { page: 'approvals' };
  if (first === 'rollouts' && second === undefined) return { page: 'rollouts' };
  if (first === 'audit' && second === undefined) return { page: 'audit' };
  return { page: 'not-found', path };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text) || undefined;
  } catch {
    return undefined;
  }
}

export const href = {
  flags: '#/flags',
  flag: (key: string) => `#/flags/${encodeURIComponent(key)}`,
  approvals: '#/approvals',
  changeRequest: (id: string) => `#/change-requests/${encodeURIComponent(id)}`,
  rollouts: '#/rollouts',
  audit: '#/audit',
};

/** The current route, following the hash as links and the back button change it. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const follow = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}
