import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, problemOf, type Session, type SignInOptions } from './api.js';
import { ApprovalsPage } from './ApprovalsPage.js';
import { AuditPage } from './AuditPage.js';
import { ChangeRequestPage } from './ChangeRequestPage.js';
import { CommandBar } from './CommandBar.js';
import { ConsoleContextValue, type ConsoleContext } from './console-context.js';
import { FlagPage } from './FlagPage.js';
import { FlagsPage } from './FlagsPage.js';
import { Header, RETURN_TO_KEY } from './Header.js';
import { RolloutsPage } from './RolloutsPage.js';
import { href, useRoute, type Route } from './routing.js';
import { SignIn } from './SignIn.js';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'flags':
      return <FlagsPage />;
    case 'flag':
      return <FlagPage key={route.key} flagKey={route.key} />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'change-request':
      return <ChangeRequestPage key={route.id} id={route.id} />;
    case 'rollouts':
      return <RolloutsPage />;
    case 'audit':
      return <AuditPage />;
    case 'not-found':
      return (
        <>
          <h1>No such page</h1>
          <p>
            Nothing lives at <code>#{route.path}</code>. <a href={href.flags}>Go to the flags</a>.
          </p>
        </>
      );
  }
}

/** The console: who is signed in decides between the sign-in panel and the pages. */
export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [options, setOptions] = useState<SignInOptions | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const [refreshTick, setRefreshTick] = useState(0);

  const loadSession = useCallback(() => {
    api.session().then(
      (found) => {
        setSession(found ?? null);
        setProblem(undefined);
        const returnTo = sessionStorage.getItem(RETURN_TO_KEY);
        if (found && returnTo) {
          sessionStorage.removeItem(RETURN_TO_KEY);
          window.location.hash = returnTo;
        }
        if (!found) api.signInOptions().then(setOptions, (err: unknown) => setProblem(problemOf(err)));
      },
      (err: unknown) => setProblem(problemOf(err)),
    );
  }, []);
  useEffect(loadSession, [loadSession]);
  // A new page moves the keyboard focus to it, as a page load would, so a screen reader reads it.
  const path = JSON.stringify(route);
  useEffect(() => document.getElementById('main')?.focus({ preventScroll: true }), [path]);

  const announce = useCallback((text: string) => setAnnouncement(text), []);
  const refresh = useCallback(() => setRefreshTick((n) => n + 1), []);
  const context = useMemo<ConsoleContext>(
    () => ({ principal: session?.principal ?? '', announce, refreshTick, refresh }),
    [session, announce, refreshTick, refresh],
  );

  return (
    <ConsoleContextValue.Provider value={context}>
      {/* Hash links are routes here, so the skip link moves focus itself. */}
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <Header
        principal={session?.principal}
        signIn={options}
        route={route}
        onSignedOut={() => {
          setSession(null);
          loadSession();
        }}
      />
      {session && <CommandBar />}
      <main id="main" tabIndex={-1}>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        {session === undefined && !problem && <p className="muted">Loading…</p>}
        {session === null && <SignIn options={options} onSignedIn={loadSession} />}
        {session && <Page route={route} />}
      </main>
      <div className="sr-only" role="status" aria-live="polite">
        {announcement}
      </div>
    </ConsoleContextValue.Provider>
  );
}
