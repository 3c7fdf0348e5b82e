import { describe, expect, it } from 'vitest';
import type { ChangeRequestState } from '../core/workflow-states.js';
import { renderChangeState } from './replies.js';

const state = (classification: ChangeRequestState['classification'], riskReasons: string[]): ChangeRequestState => ({
  requestId: 'r-1',
  status: 'applied',
  classification,
  riskReasons,
  requester: 'U_OPS1',
  summary: 'checkout in production: off → on',
});
const contextText = (s: ChangeRequestState) => JSON.stringify(renderChangeState(s, 'change-r-1').blocks);

describe('why a change was not a plain one', () => {
  it('an emergency change says why it was break-glass, not 4-eyes', () => {
    const shown = contextText(state('emergency', ['break-glass by an on-call operator']));
    expect(shown).toContain('Why break-glass: break-glass by an on-call operator');
    expect(shown).not.toContain('4-eyes');
  });

  it('a risky change says why it needed a second person', () => {
    expect(contextText(state('risky', ['changed in production under the operator role (4-eyes)']))).toContain(
      'Why 4-eyes: changed in production',
    );
  });
});
