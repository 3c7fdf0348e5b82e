import { describe, expect, it } from 'vitest';
import type { Condition } from '../model/condition.js';
import { compileCondition } from './condition.js';
import type { EvaluationContext } from './types.js';

const holds = (condition: Condition, context: EvaluationContext) => compileCondition(condition)(context);

describe('conditions', () => {
  it('reads dotted paths into nested context objects', () => {
    expect(holds({ 'user.email': { endsWith: '@companyos.io' } }, { user: { email: 'ana@companyos.io' } })).toBe(true);
    expect(holds({ 'app.build.channel': { eq: 'beta' } }, { app: { build: { channel: 'beta' } } })).toBe(true);
    expect(holds({ 'app.build.channel': { eq: 'beta' } }, { app: { build: 'beta' } })).toBe(false);
  });

  it('accepts a flat key spelled like the path when the nested one is absent', () => {
    expect(holds({ 'user.email': { endsWith: '@companyos.io' } }, { 'user.email': 'ana@companyos.io' })).toBe(true);
    expect(holds({ 'a.b.c': { eq: 1 } }, { 'a.b.c': 1 })).toBe(true);
  });

  it('requires every attribute of one object to hold', () => {
    const condition = { 'tenant.tier': { eq: 'enterprise' }, region: { startsWith: 'eu-' } };
    expect(holds(condition, { tenant: { tier: 'enterprise' }, region: 'eu-west-1' })).toBe(true);
    expect(holds(condition, { tenant: { tier: 'enterprise' }, region: 'us-east-1' })).toBe(false);
  });

  it('all / any / not combine conditions', () => {
    const condition: Condition = {
      all: [
        { any: [{ 'tenant.tier': { eq: 'enterprise' } }, { 'tenant.id': { in: ['acme'] } }] },
        { not: { 'app.version': { semverLt: '2.0.0' } } },
      ],
    };
    expect(holds(condition, { tenant: { tier: 'enterprise' }, app: { version: '2.3.0' } })).toBe(true);
    expect(holds(condition, { tenant: { id: 'acme' }, app: { version: '2.0.0' } })).toBe(true);
    expect(holds(condition, { tenant: { id: 'acme' }, app: { version: '1.9.9' } })).toBe(false);
    expect(holds(condition, { tenant: { id: 'globex' }, app: { version: '3.0.0' } })).toBe(false);
  });

  it('refuses malformed conditions with a message naming the problem', () => {
    expect(() => compileCondition({ all: [] })).toThrow(/"all" needs a non-empty list/);
    expect(() => compileCondition({ 'user.email': 'x' } as unknown as Condition)).toThrow(
      /"user.email" needs an operator test/,
    );
  });
});
