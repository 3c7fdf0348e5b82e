import type { EvaluationContext } from '../core/engine/types.js';

export type ContextOutcome =
  { ok: true; context: EvaluationContext } | { ok: false; errorCode: 'INVALID_CONTEXT'; errorDetails: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The evaluation context of an OFREP request body `{"context": {...}}`, bound to the SDK key's
 * environment. A missing body or context evaluates with an empty one: OFREP marks targetingKey
 * required, but flags without splits do not need it, and the engine answers TARGETING_KEY_MISSING
 * where a split does. The context returned is the body's own object: the body is taken over, not copied.
 */
export function contextFromBody(body: unknown, env: string): ContextOutcome {
  if (body === undefined || body === null) return { ok: true, context: { env } };
  if (!isPlainObject(body)) {
    return {
      ok: false,
      errorCode: 'INVALID_CONTEXT',
      errorDetails: 'the request body must be a JSON object like {"context": {...}}',
    };
  }
  const context = body.context;
  if (context === undefined || context === null) return { ok: true, context: { env } };
  if (!isPlainObject(context)) {
    const got = Array.isArray(context) ? 'an array' : typeof context;
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: `"context" must be a JSON object (got ${got})` };
  }
  if (context.targetingKey !== undefined && typeof context.targetingKey !== 'string') {
    return {
      ok: false,
      errorCode: 'INVALID_CONTEXT',
      errorDetails: `"context.targetingKey" must be a string (got ${typeof context.targetingKey})`,
    };
  }
  // The SDK key decides the environment, whatever the client claims: a key for dev must never
  // see production's targeting, so a client-sent `env` is overwritten, not merged. Set on the
  // parsed body itself, which nothing else holds: copying it was a tenth of a single-flag request's own work.
  context.env = env;
  return { ok: true, context: context as EvaluationContext };
}
