import { describe, expect, it } from 'vitest';
import { contextFromBody } from './request-context.js';

describe('evaluation context from an OFREP body', () => {
  it('binds the context to the SDK key’s environment, overriding what the client sent', () => {
    expect(contextFromBody({ context: { targetingKey: 'u1', env: 'production' } }, 'dev')).toEqual({
      ok: true,
      context: { targetingKey: 'u1', env: 'dev' },
    });
  });

  it('treats a missing body or context as an empty context', () => {
    expect(contextFromBody(undefined, 'dev')).toEqual({ ok: true, context: { env: 'dev' } });
    expect(contextFromBody({}, 'dev')).toEqual({ ok: true, context: { env: 'dev' } });
  });

  it('refuses a context that is not an object, saying what it got', () => {
    const outcome = contextFromBody({ context: 'u1' }, 'dev');
    expect(outcome).toMatchObject({ ok: false, errorCode: 'INVALID_CONTEXT' });
    expect(!outcome.ok && outcome.errorDetails).toContain('string');
    expect(contextFromBody([{ context: {} }], 'dev')).toMatchObject({ ok: false, errorCode: 'INVALID_CONTEXT' });
  });
});
