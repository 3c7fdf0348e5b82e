// The workflow bundle's entry point: every workflow the worker runs, and nothing with I/O.
export { changeRequestWorkflow } from './change-request.js';
export { rolloutWorkflow } from './rollout.js';
export { breakGlassWorkflow } from './break-glass.js';
export { guardrailMonitorWorkflow } from './guardrail-monitor.js';
export { staleFlagsWorkflow } from './stale-flags.js';
