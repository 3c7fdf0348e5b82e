import { randomUUID } from 'node:crypto';
import { OpenFeature, ProviderEvents, type Client } from '@openfeature/server-sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EnvSnapshot } from '../core/snapshot.js';
import { redisKeys } from '../storage/redis-keys.js';
import { clearRedisPrefix, testRedisPrefix } from '../test/db.js';
import { encodeFeedEntry, flagField } from '../storage/change-feed.js';
import { FIXTURE_EPOCH, plantDelta, plantSnapshot } from '../test/redis-fixture.js';
import { redisSource } from './redis-source.js';
import { SwitchyardProvider } from './switchyard-provider.js';
import { killedIn, SEED_KEY, snapshotOf } from '../test/snapshots.js';

const quiet = { logger: { warn: () => undefined, info: () => undefined } };
const dogfooder = { targetingKey: 'ada', user: { email: 'ada@companyos.io' } };
let redis: Redis;
const prefixes: string[] = [];

function setup(label: string) {
  const prefix = testRedisPrefix(`provider-${label}`);
  prefixes.push(prefix);
  const keys = redisKeys(prefix);
  const publish = (snapshot: EnvSnapshot) => plantSnapshot(redis, keys, snapshot);
  /** Writes a snapshot the way a publisher would whose feed entry got lost. */
  const writeSilently = (snapshot: EnvSnapshot) => plantSnapshot(redis, keys, snapshot, { announce: false });
  return { prefix, keys, publish, writeSilently };
}

async function clientFor(provider: SwitchyardProvider): Promise<Client> {
  const domain = randomUUID();
  await OpenFeature.setProviderAndWait(domain, provider);
  return OpenFeature.getClient(domain);
}

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await OpenFeature.close();
  for (const prefix of prefixes) await clearRedisPrefix(redis, prefix);
  redis.disconnect();
});

describe('the provider reading snapshots from Redis', () => {
  it('serves the published snapshot and switches to a new one as soon as its feed entry arrives', async () => {
    const { prefix, publish } = setup('invalidation');
    await publish(snapshotOf('production', 1));
    const provider = new SwitchyardProvider(
      redisSource({ url: 'redis://127.0.0.1:6379', prefix, env: 'production', pollIntervalMs: 0 }),
      quiet,
    );
    const client = await clientFor(provider);
    const changed: Array<string[] | undefined> = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (event) => changed.push(event?.flagsChanged));
    expect(await client.getBooleanDetails(SEED_KEY, false, dogfooder)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });

    await publish(snapshotOf('production', 2, [killedIn('production')]));
    await vi.waitFor(
      async () =>
        expect(await client.getBooleanDetails(SEED_KEY, true, dogfooder)).toMatchObject({
          value: false,
          reason: 'DISABLED',
        }),
      {
        timeout: 2_000,
        interval: 10,
      },
    );
    expect(changed).toEqual([[SEED_KEY]]);
    // Another environment's snapshot is none of this provider's business.
    await publish(snapshotOf('dev', 9));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(provider.snapshotInfo).toEqual({ env: 'production', version: 2 });
  });

  it('catches up after a reconnect on a change whose feed entry it missed', async () => {
    const { prefix, publish, writeSilently } = setup('reconnect');
    await publish(snapshotOf('production', 1));
    const provider = new SwitchyardProvider(
      redisSource({ url: 'redis://127.0.0.1:6379', prefix, env: 'production', pollIntervalMs: 0 }),
      quiet,
    );
    const client = await clientFor(provider);
    await writeSilently(snapshotOf('production', 2, [killedIn('production')]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(provider.snapshotInfo?.version).toBe(1);

    // Drop only this provider's connections (their name carries the unique prefix).
    const clients = (await redis.client('LIST')) as string;
    const ids = clients
      .split('\n')
      .filter((line) => line.includes(`name=switchyard-provider:${prefix} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) await redis.client('KILL', 'ID', id!);

    await vi.waitFor(() => expect(provider.snapshotInfo?.version).toBe(2), { timeout: 3_000, interval: 20 });
    expect(await client.getBooleanDetails(SEED_KEY, true, dogfooder)).toMatchObject({ reason: 'DISABLED' });
  });

  it('reloads when the database was recreated, though the new snapshot has a lower version', async () => {
    const { prefix, publish } = setup('new-epoch');
    await publish({ ...snapshotOf('production', 7), epoch: 'database-before' });
    const provider = new SwitchyardProvider(
      redisSource({ url: 'redis://127.0.0.1:6379', prefix, env: 'production', pollIntervalMs: 0 }),
      quiet,
    );
    const client = await clientFor(provider);
    expect(await client.getBooleanDetails(SEED_KEY, false, dogfooder)).toMatchObject({ value: true });

    await publish({ ...snapshotOf('production', 1, [killedIn('production')]), epoch: 'database-after' });
    await vi.waitFor(() => expect(provider.snapshotInfo).toEqual({ env: 'production', version: 1 }), {
      timeout: 2_000,
      interval: 10,
    });
    expect(await client.getBooleanDetails(SEED_KEY, true, dogfooder)).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    // Within the new epoch, versions order snapshots again.
    await publish({ ...snapshotOf('production', 2), epoch: 'database-after' });
    await vi.waitFor(() => expect(provider.snapshotInfo?.version).toBe(2), { timeout: 2_000, interval: 10 });
  });

  it("the poll picks up a recreated database's snapshot whose feed entry it missed", async () => {
    const { prefix, keys, publish, writeSilently } = setup('new-epoch-poll');
    await publish({ ...snapshotOf('production', 7), epoch: 'database-before' });
    const provider = new SwitchyardProvider(
      redisSource({ url: 'redis://127.0.0.1:6379', prefix, env: 'production', pollIntervalMs: 50 }),
      quiet,
    );
    const client = await clientFor(provider);

    await writeSilently({ ...snapshotOf('production', 3, [killedIn('production')]), epoch: 'database-after' });
    await redis.set(keys.snapshotEpoch('production'), 'database-after');
    await vi.waitFor(() => expect(provider.snapshotInfo?.version).toBe(3), { timeout: 2_000, interval: 20 });
    expect(await client.getBooleanDetails(SEED_KEY, true, dogfooder)).toMatchObject({ reason: 'DISABLED' });
  });

  it('applies a delta from the feed itself, without reading the environment in full', async () => {
    const { prefix, keys, publish } = setup('delta');
    await publish(snapshotOf('production', 1));
    const provider = new SwitchyardProvider(
      redisSource({ url: 'redis://127.0.0.1:6379', prefix, env: 'production', pollIntervalMs: 0 }),
      quiet,
    );
    const client = await clientFor(provider);
    const changed: Array<string[] | undefined> = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (event) => changed.push(event?.flagsChanged));
    // Only the feed carries the kill (the hash keeps the old flag): a full read would not serve it.
    const set = { [flagField(SEED_KEY)]: JSON.stringify(killedIn('production')) };
    await redis.set(keys.snapshotVersion('production'), '2');
    await redis.xadd(
      keys.changeFeed,
      '*',
      ...encodeFeedEntry({
        kind: 'delta',
        env: 'production',
        epoch: FIXTURE_EPOCH,
        from: 1,
        version: 2,
        generatedAt: new Date().toISOString(),
        set,
        del: [],
      }),
    );
    await vi.waitFor(() => expect(provider.snapshotInfo?.version).toBe(2), { timeout: 2_000, interval: 10 });
    expect(await client.getBooleanDetails(SEED_KEY, true, dogfooder)).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    expect(changed).toEqual([[SEED_KEY]]);
  });

  it('reads the environment in full when the feed skips a version it never saw', async () => {
    const { prefix, keys, publish } = setup('gap');
    await publish(snapshotOf('production', 1));
    const provider = new SwitchyardProvider(
      redisSource({ url: 'redis://127.0.0.1:6379', prefix, env: 'production', pollIntervalMs: 0 }),
      quiet,
    );
    const client = await clientFor(provider);
    await plantDelta(redis, keys, 'production', { flags: [killedIn('production')] }, { announce: false });
    await plantDelta(redis, keys, 'production', { configs: [] });
    await vi.waitFor(() => expect(provider.snapshotInfo?.version).toBe(3), { timeout: 2_000, interval: 10 });
    expect(await client.getBooleanDetails(SEED_KEY, true, dogfooder)).toMatchObject({ reason: 'DISABLED' });
  });

  it('refuses to start without a snapshot, saying where it looked', async () => {
    const { prefix } = setup('missing');
    await expect(
      OpenFeature.setProviderAndWait(
        randomUUID(),
        new SwitchyardProvider(redisSource({ url: 'redis://127.0.0.1:6379', prefix, env: 'staging' }), quiet),
      ),
    ).rejects.toThrow(new RegExp(`no snapshot of "staging" in Redis under prefix "${prefix}"`));
  });
});
