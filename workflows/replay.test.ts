import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { quietTemporalRuntime } from '../test/temporal.js';
import { loadFixtures, replayFixtures } from '../test/replay-fixtures.js';

/**
 * Histories recorded from real runs (workflows/replay-record.e2e.test.ts) must replay on today's
 * workflow code: a change that would break running workflows fails here, in CI, not in production.
 */
describe('workflow replay', () => {
  beforeAll(() => quietTemporalRuntime());

  it('replays every recorded history without a determinism error', async () => {
    const fixtures = await loadFixtures();
    expect(fixtures.map((f) => f.workflowId)).toEqual(
      // A monitor that killed its flag before monitors signalled rollouts (kept by hand, not re-recorded): monitors run
      // for months, so that change is behind a patch marker and such histories must keep replaying.
      // Requests and rollouts started before their data steps became local activities (`*-activity-steps`, kept by hand) must
      // replay too: a rollout runs for days, so that change is behind patch markers as well.
      expect.arrayContaining([
        'change-request-approved',
        'rollout-completed',
        'break-glass-reviewed',
        'guardrail-monitor-killed',
        'guardrail-monitor-killed-before-rollout-signal',
        'change-request-approved-activity-steps',
        'change-request-rollout-activity-steps',
        'rollout-completed-activity-steps',
      ]),
    );
    const results = await replayFixtures(fixtures);
    expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error ? String(r.error) : undefined }))).toEqual(
      fixtures.map((f) => ({ workflowId: f.workflowId, error: undefined })),
    );
  }, 60_000);

  it('catches a history the code no longer matches', async () => {
    const [fixture] = (await loadFixtures()).filter((f) => f.workflowId === 'rollout-completed');
    // What a reordering of activities in the workflow would look like from the history's side.
    const history = fixture!.history as {
      events: Array<{ activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }>;
    };
    const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes)!;
    scheduled.activityTaskScheduledEventAttributes!.activityType!.name = 'someOtherActivity';
    const [result] = await replayFixtures([fixture!]);
    expect(result!.error).toBeInstanceOf(DeterminismViolationError);
  }, 60_000);
});
