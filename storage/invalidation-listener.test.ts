import { describe, expect, it } from 'vitest';
import { parseInvalidation } from './invalidation-listener.js';

describe('reading an invalidation message', () => {
  it('understands a snapshot announcement and an SDK key announcement', () => {
    expect(parseInvalidation('{"kind":"snapshot","env":"production","version":7}')).toEqual({ kind: 'snapshot', env: 'production', version: 7 });
    expect(parseInvalidation('{"kind":"sdk-keys"}')).toEqual({ kind: 'sdk-keys' });
  });

  it('says why it ignores anything else', () => {
    expect(parseInvalidation('snapshot production 7')).toBe('not JSON');
    expect(parseInvalidation('null')).toBe('unknown kind');
    expect(parseInvalidation('{"kind":"snapshot","env":"production"}')).toBe('unknown kind');
    expect(parseInvalidation('{"kind":"flags-changed"}')).toBe('unknown kind');
  });
});
