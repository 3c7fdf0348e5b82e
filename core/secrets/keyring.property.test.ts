import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './envelope.js';
import { keyRing } from './keyring.js';
import { rewrapSecretEntry } from './rewrap.js';
import { configEntrySchema } from '../model/config-entry.js';
import { secretPlaceOf } from './sealed-entry.js';

/**
 * Rotation never changes what a secret opens to: over generated values, scopes and rings, an entry
 * sealed under any mix of the ring's keys opens to the same values before re-wrapping (with the
 * ring) and after it (with the current key alone), and re-wrapping again finds nothing to do.
 * Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>.
 */
const SEED = Number(process.env.FC_SEED ?? 20_261_201);
const RUNS = Number(process.env.FC_RUNS ?? 100);
const params = { seed: SEED, numRuns: RUNS };

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes));
const ENVS = ['dev', 'staging', 'production'];

describe('re-wrapping under a key ring', () => {
  it('keeps every value, moves every envelope to the current key, and is idempotent', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(key32, { minLength: 1, maxLength: 4, selector: (k) => k.toString('hex') }),
        fc.subarray(ENVS, { minLength: 1 }),
        fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { minLength: 4, maxLength: 4 }),
        (keys, envs, pick, clears) => {
          const ring = keyRing(keys);
          const sealer = (i: number) => keys[pick[i]! % keys.length]!;
          const scopes = envs.map((env, i) => ({
            env,
            value: sealSecret(sealer(i + 1), clears[i + 1]!, { key: 'k', env }) as never,
          }));
          const entry = configEntrySchema.parse({
            key: 'k',
            valueType: 'string',
            secret: true,
            value: sealSecret(sealer(0), clears[0]!, { key: 'k' }),
            scopes,
          });
          const opened = (e: typeof entry, with_: Parameters<typeof openSecret>[0]) => [
            openSecret(with_, e.value, { key: 'k' }),
            ...e.scopes.map((s) => openSecret(with_, s.value, secretPlaceOf('k', s))),
          ];
          const before = opened(entry, ring);
          expect(before).toEqual([clears[0], ...envs.map((_, i) => clears[i + 1])]);
          const after = rewrapSecretEntry(entry, ring)?.entry ?? entry;
          expect(opened(after, ring.current)).toEqual(before);
          expect(rewrapSecretEntry(after, ring)).toBeUndefined();
        },
      ),
      params,
    );
  });
});
