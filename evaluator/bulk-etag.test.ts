import { describe, expect, it } from 'vitest';
import { bulkEtag, contextHashOf } from './bulk-etag.js';

const held = (version: number, epoch?: string) => ({
  compiled: { env: 'production', version },
  snapshot: epoch === undefined ? {} : { epoch },
});

describe('the bulk ETag', () => {
  it('differs between two databases at the same version, and between versions of one', () => {
    const context = contextHashOf({ targetingKey: 'u1' });
    expect(bulkEtag(held(7, 'db-a'), context)).not.toBe(bulkEtag(held(7, 'db-b'), context));
    expect(bulkEtag(held(7, 'db-a'), context)).not.toBe(bulkEtag(held(8, 'db-a'), context));
    expect(bulkEtag(held(7), context)).not.toBe(bulkEtag(held(7, 'db-a'), context));
  });

  it('is the same for the same snapshot and context, and a valid quoted header value', () => {
    const context = contextHashOf({ targetingKey: 'u1' });
    const etag = bulkEtag(held(7, 'db-a'), context);
    expect(bulkEtag(held(7, 'db-a'), context)).toBe(etag);
    expect(etag).toMatch(/^"[\w.-]+"$/);
    expect(bulkEtag(held(7, 'db-a'), contextHashOf({ targetingKey: 'u2' }))).not.toBe(etag);
  });
});
