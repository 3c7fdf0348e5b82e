import { useState, type FormEvent } from 'react';
import { api, problemOf, type SignInOptions } from './api.js';

/**
 * What a visitor who is not signed in sees: "Sign in" through the configured OpenID Connect
 * provider, or, under `switchyard dev` only, a sign-in as any principal (the dev-login route).
 */
export function SignIn({ options, onSignedIn }: { options: SignInOptions | undefined; onSignedIn(): void }) {
  const [user, setUser] = useState('U_ALICE');
  const [error, setError] = useState<string | undefined>();

  const devLogin = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.devLogin(user.trim());
      onSignedIn();
    } catch (err) {
      setError(problemOf(err));
    }
  };

  return (
    <section className="card sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to Switchyard</h1>
      <p>Changes to flags, config and secrets, with the same approvals and audit as in Slack.</p>
      {options?.oidc && (
        <p>Press Sign in at the top to sign in with your organisation’s account; you come back to this page.</p>
      )}
      {options?.devLogin && (
        <form onSubmit={(e) => void devLogin(e)} className="inline-form">
          <label htmlFor="dev-user">Principal (dev sign-in)</label>
          <input id="dev-user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />
          <button type="submit" className="primary">
            Sign in as this principal
          </button>
          <p className="hint">
            <code>switchyard dev</code> only: or open <code>/dev-login?user=U_ALICE</code>. Use a second browser profile
            as <code>U_BOB</code> to approve Alice’s changes.
          </p>
        </form>
      )}
      {options && !options.oidc && !options.devLogin && (
        <p className="error" role="alert">
          No browser sign-in is configured here: set OIDC_ISSUER (see the README), or call the API with a token from{' '}
          <code>switchyard token create</code>.
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
