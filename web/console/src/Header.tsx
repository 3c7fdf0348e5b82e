import { useState } from 'react';
import { api, problemOf, type SignInOptions } from './api.js';
import { href, type Route } from './routing.js';

const PAGES: Array<{ label: string; link: string; pages: Array<Route['page']> }> = [
  { label: 'Flags', link: href.flags, pages: ['flags', 'flag'] },
  { label: 'Approvals', link: href.approvals, pages: ['approvals', 'change-request'] },
  { label: 'Rollouts', link: href.rollouts, pages: ['rollouts'] },
  { label: 'Audit', link: href.audit, pages: ['audit'] },
];

/** Where the console was when sign-in began: the provider sends the browser back to `/`, without the hash. */
export const RETURN_TO_KEY = 'switchyard.returnTo';

interface Props {
  principal?: string;
  signIn?: SignInOptions;
  route: Route;
  onSignedOut(): void;
}

/** The top bar: the pages, who is signed in and signing out, or how to sign in. */
export function Header({ principal, signIn, route, onSignedOut }: Props) {
  const [error, setError] = useState<string | undefined>();
  const signOut = async () => {
    try {
      await api.signOut();
      onSignedOut();
    } catch (err) {
      setError(problemOf(err));
    }
  };
  return (
    <header className="top">
      <a className="brand" href={href.flags}>
        Switchyard
      </a>
      {principal && (
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((page) => (
              <li key={page.label}>
                <a href={page.link} aria-current={page.pages.includes(route.page) ? 'page' : undefined}>
                  {page.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div className="who">
        {principal ? (
          <>
            <span>
              Signed in as <strong>{principal}</strong>
            </span>
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <span>Not signed in</span>
            {signIn?.oidc && (
              <a
                className="button primary"
                href="/auth/login"
                onClick={() => sessionStorage.setItem(RETURN_TO_KEY, window.location.hash)}
              >
                Sign in
              </a>
            )}
            {signIn?.devLogin && (
              <span className="dev-hint">
                dev: <code>/dev-login?user=U_ALICE</code>
              </span>
            )}
          </>
        )}
        {error && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </div>
    </header>
  );
}
