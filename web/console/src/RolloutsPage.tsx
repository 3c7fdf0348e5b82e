import { useState } from 'react';
import { api, problemOf, type Rollout } from './api.js';
import { Badge } from './Badge.js';
import { useConsole } from './console-context.js';
import { fromNow, when } from './format.js';
import { href } from './routing.js';
import { useLoad } from './use-load.js';

type Control = 'pause' | 'resume' | 'promote' | 'abort';

const stageText = (r: Rollout) => {
  const current = r.stages[r.stageIndex];
  const unit = typeof r.stages[0] === 'number' ? ' %' : '';
  return current === undefined
    ? `not started (${r.stages.join(', ')}${unit})`
    : `${r.stageIndex + 1} of ${r.stages.length}: ${current}${unit}`;
};

/** Which controls a rollout in this state takes (the workflow refuses the others). */
const controlsFor = (r: Rollout): Control[] =>
  r.status === 'paused' ? ['resume', 'abort'] : ['pause', 'promote', 'abort'];

const LABELS: Record<Control, string> = { pause: 'Pause', resume: 'Resume', promote: 'Promote', abort: 'Abort' };

/** Running rollouts: stage, next advance, guardrail, and the controls chat has. */
export function RolloutsPage() {
  const { announce } = useConsole();
  const loaded = useLoad(api.rollouts, 'rollouts', { everyMs: 2000 });
  const [said, setSaid] = useState<{ text: string; failed: boolean } | undefined>();

  const control = async (r: Rollout, action: Control) => {
    try {
      const answer = await api.controlRollout(r.flagKey, r.env, action);
      setSaid({ text: answer.text, failed: false });
      announce(answer.text);
    } catch (err) {
      setSaid({ text: problemOf(err), failed: true });
    }
    loaded.reload();
  };

  const rollouts = loaded.data?.rollouts ?? [];
  return (
    <>
      <h1>Rollouts</h1>
      <p className="muted">Staged rollouts that are running or paused. This page updates by itself.</p>
      <div aria-live="polite">{said && <p className={said.failed ? 'error' : 'outcome'}>{said.text}</p>}</div>
      {loaded.error && (
        <p className="error" role="alert">
          {loaded.error}
        </p>
      )}
      {loaded.data && rollouts.length === 0 && (
        <p className="empty">
          No rollout is running. Start one from the command bar:{' '}
          <code>/flag rollout checkout-v2 on --env staging --stages 10,50,100 --bake 30s --reason "try it"</code>
        </p>
      )}
      {rollouts.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Environment</th>
              <th scope="col">Serving</th>
              <th scope="col">Stage</th>
              <th scope="col">Status</th>
              <th scope="col">Next advance</th>
              <th scope="col">Guardrail</th>
              <th scope="col">Controls</th>
            </tr>
          </thead>
          <tbody>
            {rollouts.map((r) => (
              <tr key={`${r.flagKey}/${r.env}`}>
                <th scope="row">
                  <a href={href.flag(r.flagKey)}>{r.flagKey}</a>
                </th>
                <td>{r.env}</td>
                <td>{r.variation}</td>
                <td>{stageText(r)}</td>
                <td>
                  <Badge status={r.status} />
                </td>
                <td>
                  {r.nextStepAt && r.status !== 'paused' ? `${when(r.nextStepAt)} (${fromNow(r.nextStepAt)})` : '—'}
                </td>
                <td>
                  <Badge status={r.guardrail} text={r.guardrail === 'unchecked' ? 'no guardrail' : r.guardrail} />
                </td>
                <td>
                  <div className="actions">
                    {controlsFor(r).map((action) => (
                      <button
                        key={action}
                        type="button"
                        className={action === 'abort' ? 'danger' : undefined}
                        aria-label={`${LABELS[action]} ${r.flagKey} in ${r.env}`}
                        onClick={() => void control(r, action)}
                      >
                        {LABELS[action]}
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
