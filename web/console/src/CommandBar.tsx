import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, problemOf, type Outcome } from './api.js';
import { Badge } from './Badge.js';
import { useConsole } from './console-context.js';
import { href } from './routing.js';

const EXAMPLE = '/flag on checkout-v2 --env production --reason "launch"';

/**
 * The chat grammar in the browser: the line goes to `POST /api/v1/commands`, the same handler
 * Slack uses, and the answer is what chat would say (applied, awaiting approval, refused and why).
 * `/` anywhere outside a field jumps here.
 */
export function CommandBar() {
  const { refresh } = useConsole();
  const field = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const jump = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (target && (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable)) return;
      event.preventDefault();
      field.current?.focus();
    };
    window.addEventListener('keydown', jump);
    return () => window.removeEventListener('keydown', jump);
  }, []);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) {
      setOutcome(undefined);
      setError(`Type a command as in chat, e.g. ${EXAMPLE}`);
      return;
    }
    setRunning(true);
    setError(undefined);
    setOutcome(undefined);
    try {
      setOutcome(await api.command(text.trim()));
      refresh();
    } catch (err) {
      setError(problemOf(err));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="command-bar" aria-label="Command bar">
      <form onSubmit={(e) => void run(e)}>
        <label htmlFor="command">Command</label>
        <input
          id="command"
          ref={field}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={EXAMPLE}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="command-help"
        />
        <button type="submit" className="primary" disabled={running}>
          {running ? 'Running…' : 'Run'}
        </button>
      </form>
      <p id="command-help" className="hint">
        The chat commands, exactly as in Slack (<code>/flag</code>, <code>/config</code>, <code>/change</code>,{' '}
        <code>/incident</code>, <code>/tenant</code>, <code>/cohort</code>). Press <kbd>/</kbd> to come back here.
      </p>
      <div aria-live="polite" className="outcome-region">
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {outcome && (
          <div className="outcome" aria-label="Command outcome">
            <p>
              <Badge status={outcome.status} />
              {outcome.reason && outcome.status !== 'refused' && <span className="reason"> {outcome.reason}</span>}
              {outcome.changeRequestId && (
                <>
                  {' '}
                  <a href={href.changeRequest(outcome.changeRequestId)}>
                    Open change request {outcome.changeRequestId}
                  </a>
                </>
              )}
            </p>
            <pre className="reply">{outcome.text}</pre>
          </div>
        )}
      </div>
    </section>
  );
}
