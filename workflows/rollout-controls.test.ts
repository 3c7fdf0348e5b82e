import { describe, expect, it } from 'vitest';
import type { RolloutStatus } from './contracts.js';
import {
  controlRefusal,
  inArrivalOrder,
  ROLLOUT_CONTROLS,
  validateControl,
  type ControlledRollout,
} from './rollout-controls.js';

const baking: ControlledRollout = { flagKey: 'checkout', env: 'production', status: 'baking', paused: false };
const paused: ControlledRollout = { ...baking, status: 'paused', paused: true };

describe('what a rollout lets a person do', () => {
  it('refuses a promote on a paused rollout and says to resume first, with the command', () => {
    expect(controlRefusal('promote', paused)).toBe(
      'paused: resume first (/flag rollout resume checkout --env production), then promote',
    );
  });

  it('lets a baking rollout be paused, promoted and aborted, but not resumed', () => {
    expect(ROLLOUT_CONTROLS.filter((action) => controlRefusal(action, baking) === undefined)).toEqual([
      'pause',
      'abort',
      'promote',
    ]);
    expect(controlRefusal('resume', baking)).toMatch(/not paused/);
  });

  it('lets a paused rollout be resumed and aborted, but not paused again', () => {
    expect(ROLLOUT_CONTROLS.filter((action) => controlRefusal(action, paused) === undefined)).toEqual([
      'resume',
      'abort',
    ]);
    expect(controlRefusal('pause', paused)).toMatch(/already paused/);
  });

  it('refuses every control on a finished rollout, naming how it ended', () => {
    for (const status of ['completed', 'aborted', 'rolled_back'] satisfies RolloutStatus[]) {
      for (const action of ROLLOUT_CONTROLS)
        expect(controlRefusal(action, { ...baking, status })).toBe(
          `this rollout is already ${status.replace('_', ' ')}`,
        );
    }
  });

  it('refuses every control while an abort or a breach rolls it back', () => {
    for (const action of ROLLOUT_CONTROLS) {
      expect(controlRefusal(action, { ...baking, stop: { kind: 'abort', by: 'U1' } })).toBe(
        'this rollout is being aborted by U1',
      );
      expect(
        controlRefusal(action, {
          ...paused,
          stop: { kind: 'breach', seenBy: 'monitor', metric: 'error_rate', value: 1, threshold: 0.1 },
        }),
      ).toMatch(/guardrail error_rate was breached/);
    }
  });

  it('refuses a control without a user or with an unknown name before it reaches the history', () => {
    expect(() => validateControl({ action: 'pause', user: '' }, baking)).toThrow(/user .* is missing/);
    expect(() => validateControl({ action: 'skip' as never, user: 'U1' }, baking)).toThrow(
      /unknown rollout control "skip": use pause, resume, abort, promote/,
    );
    expect(() => validateControl({ action: 'promote', user: 'U1' }, paused)).toThrow(/^paused: resume first/);
    expect(() => validateControl({ action: 'pause', user: 'U1' }, baking)).not.toThrow();
  });
});

describe('controls in arrival order', () => {
  it('runs a later control only after an earlier, slower one, and goes on after one fails', async () => {
    const serially = inArrivalOrder();
    const ran: string[] = [];
    const slow = serially(async () => {
      await new Promise((r) => setTimeout(r, 30));
      ran.push('pause');
      throw new Error('refused');
    });
    const fast = serially(async () => {
      ran.push('promote');
      return 'promoted';
    });
    await expect(slow).rejects.toThrow('refused');
    expect(await fast).toBe('promoted');
    expect(ran).toEqual(['pause', 'promote']);
  });
});
