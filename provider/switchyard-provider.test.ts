import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, OpenFeature, ProviderEvents, type Client } from '@openfeature/server-sdk';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { EnvSnapshot } from '../core/snapshot.js';
import { fileSource } from './file-source.js';
import { SwitchyardProvider } from './switchyard-provider.js';
import { killedIn, SEED_KEY, snapshotOf } from '../test/snapshots.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-provider-'));
const quiet = { logger: { warn: () => undefined, info: () => undefined } };

function writeSnapshotFile(name: string, snapshot: EnvSnapshot | string): string {
  const path = join(dir, name);
  writeFileSync(path, typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot));
  return path;
}

async function clientFor(provider: SwitchyardProvider): Promise<Client> {
  const domain = randomUUID();
  await OpenFeature.setProviderAndWait(domain, provider);
  return OpenFeature.getClient(domain);
}

afterAll(async () => {
  await OpenFeature.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the in-process provider with a production snapshot file', async () => {
  const production = await clientFor(
    new SwitchyardProvider(fileSource(writeSnapshotFile('production.json', snapshotOf('production', 7))), quiet),
  );

  it('serves the rust engine to a @companyos.io email', async () => {
    const details = await production.getBooleanDetails(SEED_KEY, false, {
      targetingKey: 'ada',
      user: { email: 'ada@companyos.io' },
    });
    expect(details).toMatchObject({ value: true, variant: 'rust_engine', reason: 'TARGETING_MATCH' });
    expect(details.errorCode).toBeUndefined();
    expect(details.flagMetadata).toMatchObject({ env: 'production', snapshotVersion: 7, decidedBy: 'rule:1' });
  });

  it('keeps an enterprise tenant on legacy', async () => {
    const details = await production.getBooleanDetails(SEED_KEY, true, {
      targetingKey: 'bob',
      tenant: { tier: 'enterprise' },
    });
    expect(details).toMatchObject({ value: false, variant: 'legacy', reason: 'TARGETING_MATCH' });
  });

  it('splits other users about 25 / 75 by targeting key', async () => {
    let on = 0;
    for (let i = 0; i < 4_000; i++)
      if (await production.getBooleanValue(SEED_KEY, false, { targetingKey: `user-${i}` })) on++;
    expect(on / 4_000).toBeGreaterThan(0.22);
    expect(on / 4_000).toBeLessThan(0.28);
  });

  it('serves the environment of its snapshot even when the context claims another one', async () => {
    const details = await production.getBooleanDetails(SEED_KEY, false, { targetingKey: 'user-1', env: 'dev' });
    expect(details).toMatchObject({ reason: 'SPLIT', flagMetadata: { env: 'production' } });
  });

  it('answers the default with TYPE_MISMATCH when a boolean flag is read as a string', async () => {
    const details = await production.getStringDetails(SEED_KEY, 'fallback', {
      targetingKey: 'ada',
      user: { email: 'ada@companyos.io' },
    });
    expect(details).toMatchObject({ value: 'fallback', reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH });
    expect(details.errorMessage).toContain('boolean');
    expect(await production.getNumberValue(SEED_KEY, 3, { targetingKey: 'ada' })).toBe(3);
  });

  it('answers the default with FLAG_NOT_FOUND for an unknown flag', async () => {
    const details = await production.getBooleanDetails('no.such.flag', true, { targetingKey: 'ada' });
    expect(details).toMatchObject({ value: true, errorCode: ErrorCode.FLAG_NOT_FOUND });
  });

  it('answers the default with TARGETING_KEY_MISSING when the split needs a targeting key', async () => {
    const details = await production.getBooleanDetails(SEED_KEY, true, {});
    expect(details).toMatchObject({ value: true, errorCode: ErrorCode.TARGETING_KEY_MISSING });
  });
});

describe('the in-process provider with a dev snapshot file', () => {
  it('serves the default false, since the production rollout rule does not apply', async () => {
    const dev = await clientFor(
      new SwitchyardProvider(fileSource(writeSnapshotFile('dev.json', snapshotOf('dev', 3))), quiet),
    );
    const details = await dev.getBooleanDetails(SEED_KEY, true, { targetingKey: 'carol' });
    expect(details).toMatchObject({ value: false, variant: 'legacy', reason: 'DEFAULT' });
  });
});

describe('a watched snapshot file', () => {
  it('picks up a newer version, announces the changed flags, and ignores an older one', async () => {
    const path = writeSnapshotFile('watched.json', snapshotOf('production', 1));
    const provider = new SwitchyardProvider(fileSource(path, { watch: true, debounceMs: 10 }), quiet);
    const client = await clientFor(provider);
    const changes: Array<string[] | undefined> = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (event) => changes.push(event?.flagsChanged));
    const context = { targetingKey: 'ada', user: { email: 'ada@companyos.io' } };
    expect(await client.getBooleanValue(SEED_KEY, false, context)).toBe(true);

    writeSnapshotFile('watched.json', snapshotOf('production', 2, [killedIn('production')]));
    await vi.waitFor(() => expect(provider.snapshotInfo?.version).toBe(2), { timeout: 3_000 });
    expect(await client.getBooleanDetails(SEED_KEY, true, context)).toMatchObject({ value: false, reason: 'DISABLED' });
    await vi.waitFor(() => expect(changes).toEqual([[SEED_KEY]]));

    writeSnapshotFile('watched.json', snapshotOf('production', 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.snapshotInfo?.version).toBe(2);
    expect(await client.getBooleanDetails(SEED_KEY, true, context)).toMatchObject({ reason: 'DISABLED' });
  });
});

describe('a snapshot file that cannot be served', () => {
  it('fails initialization with a message naming the file and the problem', async () => {
    const broken = writeSnapshotFile('broken.json', '{"env": "production", "flags": {}}');
    await expect(
      OpenFeature.setProviderAndWait(randomUUID(), new SwitchyardProvider(fileSource(broken), quiet)),
    ).rejects.toThrow(/broken\.json.*"version" must be a non-negative integer/);
    await expect(
      OpenFeature.setProviderAndWait(
        randomUUID(),
        new SwitchyardProvider(fileSource(join(dir, 'missing.json')), quiet),
      ),
    ).rejects.toThrow(/missing\.json.*ENOENT/);
  });
});
