import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createSlackWebClient, SlackNotifier } from '../../activities/slack-notifier.js';
import { createWorker } from '../../cli/worker.js';
import { compileSnapshot } from '../../core/engine/index.js';
import { createEvaluatorServer } from '../../evaluator/server.js';
import { keyRing } from '../../core/secrets/keyring.js';
import { registerSecretsRoutes } from '../../evaluator/secrets-routes.js';
import { SnapshotStore } from '../../evaluator/snapshot-store.js';
import { createSdkKey, syncSdkKeysToRedis } from '../../storage/sdk-keys.js';
import { startFakeSlack, type FakeSlack, type SlackCall } from '../../test/slack-fake/server.js';
import {
  blockActionBody,
  eventBody,
  sendSigned,
  sendSignedJson,
  slashCommandBody,
  viewSubmissionBody,
} from '../../test/slack-fake/signed-request.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../../test/temporal.js';
import { createCommandHandler } from '../command-handler.js';
import { temporalHomeSource } from './app-home.js';
import { createSlackApp, type SlackApp } from './app.js';
import { REASON_BLOCK, REASON_INPUT, REJECT_MODAL, SECRET_BLOCK, SECRET_INPUT, SECRET_MODAL } from './modals.js';
import { TEST_POLICY } from '../../test/policy.js';
import { liveReadScope } from '../read-scope.js';

const SIGNING = 'e2e-signing-secret';
const ENVS = ['dev', 'staging', 'production'];
const MASTER = randomBytes(32);
/** WEB_PUBLIC_URL as the worker and the bot get it: messages about a change request link to its console page. */
const CONSOLE_URL = 'https://switchyard.example.com';
const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

let h: TemporalHarness;
let fake: FakeSlack;
let slack: SlackApp;
let url: string;
let worker: Worker;
let running: Promise<void>;
let evaluator: FastifyInstance;
let evaluatorUrl: string;
let store: SnapshotStore;
let evalRedis: Redis[] = [];
let sdkKey: string;
const logLines: string[] = [];

let seq = 0;
/** Types a slash command as `user`; resolves with the ack and the reply posted to its response_url. */
async function slash(
  user: string,
  command: string,
  text: string,
  options: { triggerId?: string; retryNum?: number; rid?: string } = {},
) {
  const rid = options.rid ?? `r${++seq}`;
  const ack = await sendSigned(
    url,
    SIGNING,
    slashCommandBody({
      command,
      text,
      userId: user,
      channelId: 'C_GENERAL',
      responseUrl: fake.responseUrl(rid),
      triggerId: options.triggerId,
    }),
    options.retryNum ? { retryNum: options.retryNum } : {},
  );
  // The promise measured is the 3 s ack; a reply may take longer when 50 changes queue on a busy machine.
  return {
    ack,
    rid,
    reply: (waitMs = 20_000) => fake.waitFor((c) => c.responseId === rid, waitMs, `the reply to ${command} ${text}`),
  };
}

async function click(user: string, actionId: string, value: string) {
  const rid = `click${++seq}`;
  await sendSigned(
    url,
    SIGNING,
    blockActionBody({ userId: user, actionId, value, responseUrl: fake.responseUrl(rid), channelId: 'C_APPROVALS' }),
  );
  return fake.waitFor((c) => c.responseId === rid, 20_000, `the answer to ${user}'s ${actionId}`);
}

const buttonsOf = (call: SlackCall) =>
  ((call.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>) ?? []).flatMap(
    (b) => (b.type === 'actions' ? (b.elements ?? []) : []),
  );

const approvalFor = (summaryPart: string) =>
  fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' && c.args.channel === 'C_APPROVALS' && String(c.args.text).includes(summaryPart),
    20_000,
    `the approval message for ${summaryPart}`,
  );

async function evaluate(flag: string): Promise<unknown> {
  const res = await fetch(`${evaluatorUrl}/ofrep/v1/evaluate/flags/${flag}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
  });
  return res.ok ? ((await res.json()) as { value: unknown }).value : `HTTP ${res.status}`;
}

beforeAll(async () => {
  h = await startTemporalHarness({ worker: false });
  fake = await startFakeSlack();
  const log = pino(
    { level: 'debug' },
    new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }),
  );
  const notifier = new SlackNotifier({
    client: createSlackWebClient({ SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_API_URL: fake.apiUrl }),
    pool: h.db.pool,
    approvalsChannel: 'C_APPROVALS',
    incidentsChannel: 'C_INCIDENTS',
    log,
    inActivityWaitMs: 3000,
    consoleUrl: CONSOLE_URL,
  });
  worker = await createWorker({
    connection: h.nativeConnection,
    taskQueue: h.taskQueue,
    activities: createActivities({
      pool: h.db.pool,
      redis: h.redis,
      keys: h.keys,
      log,
      notifier,
      settings: h.settings,
    }),
  });
  running = worker.run();
  const handler = createCommandHandler({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ENVS,
    policy: TEST_POLICY,
    consoleUrl: CONSOLE_URL,
  });
  slack = createSlackApp({
    settings: {
      SLACK_SIGNING_SECRET: SIGNING,
      SLACK_BOT_TOKEN: 'xoxb-e2e',
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: fake.apiUrl,
      BOT_PORT: 0,
      SECRETS_MASTER_KEY: MASTER.toString('base64'),
      ENVIRONMENTS: ENVS,
    },
    handler,
    log,
    home: temporalHomeSource(h.client, (user) =>
      liveReadScope({ pool: h.db.pool, log, policy: TEST_POLICY, now: () => new Date() }, user),
    ),
  });
  url = `http://127.0.0.1:${(await slack.start(0)).port}/slack/events`;

  for (const user of ['U_OP1', 'U_OP2']) {
    await grantRole(h, user, 'developer');
    await grantRole(h, user, 'operator', { env: 'production' });
  }
  // Break-glass is on call's: U_OP1 breaks glass in production, U_OP2 (an operator there) reviews.
  await grantRole(h, 'U_OP1', 'oncall', { env: 'production' });
  await grantRole(h, 'U_DEV', 'developer');
  const deps = { pool: h.db.pool, redis: h.redis, keys: h.keys, log };
  sdkKey = (
    await createSdkKey(deps, {
      env: 'production',
      scopes: ['flags', 'config', 'secrets'],
      name: 'e2e',
      actor: 'test-setup',
    })
  ).key;
  await syncSdkKeysToRedis(deps);

  // The evaluator as `switchyard evaluator` runs it, plus the secrets route.
  evalRedis = [
    new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
    new Redis('redis://127.0.0.1:6379'),
  ];
  store = new SnapshotStore({
    redis: evalRedis[0]!,
    subscriber: evalRedis[1]!,
    keys: h.keys,
    compile: compileSnapshot,
    log,
    environments: ENVS,
    pollIntervalMs: 500,
  });
  evaluator = createEvaluatorServer({ store, log });
  registerSecretsRoutes(evaluator, { store, keyRing: keyRing([MASTER]), log });
  void store.start();
  evaluatorUrl = await evaluator.listen({ port: 0, host: '127.0.0.1' });
}, 180_000);

afterAll(async () => {
  await slack?.stop().catch(() => undefined);
  await evaluator?.close();
  store?.stop();
  for (const r of evalRedis) r.disconnect();
  worker?.shutdown();
  await running?.catch(() => undefined);
  await fake?.close();
  await h?.close();
}, 60_000);

describe('Slack end to end (Bolt over HTTP, fake Slack API, real Temporal, Postgres, Redis)', () => {
  it('a risky production change is approved in chat by a second operator and served by the evaluator', async () => {
    const created = await slash(
      'U_OP1',
      '/flag',
      `create checkout --kind release --owner web --description "Checkout v2" --expiry ${expiry}`,
    );
    expect(created.ack.status).toBe(200);
    expect(String((await created.reply()).args.text)).toMatch(/applied/i);

    const risky = await slash('U_OP1', '/flag', 'on checkout --env production --reason "launch day"');
    expect(risky.ack.status).toBe(200);
    const message = await approvalFor('checkout in production');
    expect(buttonsOf(message).map((b) => b.action_id)).toEqual(['change_approve', 'change_reject']);
    const workflowId = buttonsOf(message)[0]!.value;
    expect(JSON.stringify(message.args.blocks)).toContain('launch day');
    // The approval request links to the request's page in the web console, in the blocks and the fallback text.
    const page = `${CONSOLE_URL}/#/change-requests/${workflowId.replace(/^change-/, '')}`;
    expect(JSON.stringify(message.args.blocks)).toContain(`<${page}|Open in Switchyard>`);
    expect(String(message.args.text)).toContain(page);
    expect(String((await risky.reply()).args.text)).toContain(page);

    const self = await click('U_OP1', 'change_approve', workflowId);
    expect(self.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(self.args.text)).toMatch(/another eligible person/);
    expect(await evaluate('checkout')).toBe(false);

    const approved = await click('U_OP2', 'change_approve', workflowId);
    expect(String(approved.args.text)).toMatch(/applied/i);
    await eventually(
      async () => ((await evaluate('checkout')) === true ? true : undefined),
      15_000,
      'the evaluator to serve checkout = on',
    );

    const updated = await fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === message.result?.ts,
      15_000,
      'the approval message updated',
    );
    expect(JSON.stringify(updated.args.blocks)).toContain('U_OP2');
    expect(buttonsOf(updated)).toEqual([]);
  });

  it('Reject asks for a reason in a dialog and the message shows who rejected it and why', async () => {
    await slash('U_OP1', '/flag', 'off checkout --env production --reason "rollback test"');
    const message = await approvalFor('checkout in production: on');
    const workflowId = buttonsOf(message)[1]!.value;
    const rid = `rej${++seq}`;
    await sendSigned(
      url,
      SIGNING,
      blockActionBody({
        userId: 'U_OP2',
        actionId: 'change_reject',
        value: workflowId,
        responseUrl: fake.responseUrl(rid),
        triggerId: 'trig-reject-1',
      }),
    );
    const opened = await fake.waitFor((c) => c.method === 'views.open' && c.args.trigger_id === 'trig-reject-1');
    const view = opened.args.view as { private_metadata: string };
    const empty = await sendSigned(
      url,
      SIGNING,
      viewSubmissionBody({
        userId: 'U_OP2',
        callbackId: REJECT_MODAL,
        privateMetadata: view.private_metadata,
        values: { [REASON_BLOCK]: { [REASON_INPUT]: '' } },
      }),
    );
    expect(JSON.parse(empty.body).response_action).toBe('errors');
    await sendSigned(
      url,
      SIGNING,
      viewSubmissionBody({
        userId: 'U_OP2',
        callbackId: REJECT_MODAL,
        privateMetadata: view.private_metadata,
        values: { [REASON_BLOCK]: { [REASON_INPUT]: 'not during the sale' } },
      }),
    );
    const updated = await fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === message.result?.ts &&
        JSON.stringify(c.args.blocks).includes('not during the sale'),
      15_000,
      'the rejected message',
    );
    expect(JSON.stringify(updated.args.blocks)).toContain('U_OP2');
    expect(await evaluate('checkout')).toBe(true);
  });

  it('a forged signature and a stale timestamp get 401 and start nothing', async () => {
    const count = async () => (await h.client.workflow.count(`TaskQueue = '${h.taskQueue}'`)).count;
    const before = await count();
    const body = slashCommandBody({
      command: '/flag',
      text: 'on checkout --env dev',
      userId: 'U_DEV',
      responseUrl: fake.responseUrl('forged'),
    });
    expect((await sendSigned(url, SIGNING, body, { signWith: 'wrong' })).status).toBe(401);
    expect((await sendSigned(url, SIGNING, body, { timestampSec: Math.floor(Date.now() / 1000) - 301 })).status).toBe(
      401,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count()).toBe(before);
    expect(fake.calls.some((c) => c.responseId === 'forged')).toBe(false);
  });

  it('the same command delivered three times (Slack retries) makes one change', async () => {
    const text = `create retried-flag --kind release --owner web --description "retry" --expiry ${expiry}`;
    const first = await slash('U_DEV', '/flag', text, { triggerId: 'trig-retry', rid: 'retry-a' });
    await slash('U_DEV', '/flag', text, { triggerId: 'trig-retry', retryNum: 1, rid: 'retry-b' });
    await slash('U_DEV', '/flag', text, { triggerId: 'trig-retry', retryNum: 2, rid: 'retry-c' });
    await first.reply();
    await fake.waitFor((c) => c.responseId === 'retry-c', 20_000);
    const { rows } = await h.db.pool.query("SELECT count(*)::int AS n FROM flag_versions WHERE key = 'retried-flag'");
    expect(rows[0].n).toBe(1);
    const audits = await h.db.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE entity_key = 'retried-flag' AND action = 'flag.create'",
    );
    expect(audits.rows[0].n).toBe(1);
  });

  it('50 commands at once are each acknowledged in under 3 s and none is lost', async () => {
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        slash('U_DEV', '/config', `set burst-${i} ${i} --type int --env dev --reason "burst"`, { rid: `burst-${i}` }),
      ),
    );
    for (const s of sent) {
      expect(s.ack.status).toBe(200);
      expect(s.ack.latencyMs).toBeLessThan(3000);
    }
    const replies = await Promise.all(sent.map((s) => s.reply(75_000)));
    expect(replies).toHaveLength(50);
    await eventually(
      async () => {
        const { rows } = await h.db.pool.query(
          "SELECT count(DISTINCT key)::int AS n FROM config_versions WHERE key LIKE 'burst-%'",
        );
        return rows[0].n === 50 ? true : undefined;
      },
      60_000,
      'all 50 config changes applied',
    );
  }, 150_000);

  it('approval messages survive Slack rate limits (429 with Retry-After)', async () => {
    fake.rateLimitNext(4, 1, ['chat.postMessage']);
    await Promise.all(
      [1, 2, 3].map((i) => slash('U_OP1', '/config', `set limit-${i} ${i} --type int --reason "rate limit test"`)),
    );
    for (const i of [1, 2, 3]) await approvalFor(`limit-${i} (global)`);
    expect(fake.calls.filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it("App Home shows others' requests waiting for my approval, and my own open requests", async () => {
    const home = async (user: string) => {
      const before = fake.callsOf('views.publish').length;
      await sendSignedJson(url, SIGNING, eventBody({ type: 'app_home_opened', user, channel: 'D1', tab: 'home' }));
      return fake.waitFor(
        (c) =>
          c.method === 'views.publish' && c.args.user_id === user && fake.callsOf('views.publish').indexOf(c) >= before,
        10_000,
        `${user}'s home`,
      );
    };
    const approver = JSON.stringify((await home('U_OP2')).args.view);
    expect(approver).toMatch(/Waiting for your approval\* \([1-9]/);
    expect(approver).toContain('limit-1');
    expect(approver).toContain('change_approve');
    const requester = JSON.stringify((await home('U_OP1')).args.view);
    expect(requester).toMatch(/Waiting for your approval\* \(0\)/);
    expect(requester).toMatch(/Your open change requests\* \([1-9]/);
  });

  it('break-glass applies at once, posts the incident, and only someone else can mark it reviewed', async () => {
    // An ops flag is on by default, so creating it from chat touches production and waits for a second operator.
    await seedFlag(h, { key: 'payments-cb', kind: 'ops', owner: 'payments', expiry: undefined, default: 'on' });
    const done = await slash(
      'U_OP1',
      '/flag',
      'break-glass payments-cb off --env production --reason "INC-42 payments down"',
    );
    await done.reply();
    const incident = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'C_INCIDENTS',
      20_000,
      'the incident message',
    );
    expect(JSON.stringify(incident.args.blocks)).toContain('INC-42');
    await eventually(
      async () => ((await evaluate('payments-cb')) === false ? true : undefined),
      15_000,
      'payments-cb off in production',
    );
    const review = buttonsOf(incident).find((b) => b.action_id === 'breakglass_review')!;
    const own = await click('U_OP1', 'breakglass_review', review.value);
    expect(own.args.response_type).toBe('ephemeral');
    expect(String(own.args.text)).toMatch(/someone else/);
    const other = await click('U_OP2', 'breakglass_review', review.value);
    expect(String(other.args.text)).toMatch(/reviewed/);
  }, 60_000);

  it('a rollout keeps one message up to date, and Pause holds it', async () => {
    await slash(
      'U_DEV',
      '/flag',
      `create rollme --kind release --owner web --description "rollout" --expiry ${expiry}`,
    ).then((s) => s.reply());
    await slash('U_DEV', '/flag', 'rollout rollme on --env staging --stages 10,50,100 --bake 3s --reason "ship"');
    const first = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('rollme'),
      20_000,
      'the rollout message',
    );
    expect(buttonsOf(first).map((b) => b.action_id)).toContain('rollout_pause');
    const workflowId = buttonsOf(first).find((b) => b.action_id === 'rollout_pause')!.value;
    await fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === first.result?.ts && String(c.args.text).includes('50 %'),
      20_000,
      'the message at 50 %',
    );
    const paused = await click('U_DEV', 'rollout_pause', workflowId);
    expect(String(paused.args.text)).toMatch(/paus/i);
    const updatesAtPause = fake.callsOf('chat.update').filter((c) => c.args.ts === first.result?.ts).length;
    await new Promise((r) => setTimeout(r, 5000));
    const later = fake.callsOf('chat.update').filter((c) => c.args.ts === first.result?.ts);
    expect(later.length).toBe(updatesAtPause);
    expect(later.some((c) => String(c.args.text).includes('100 %'))).toBe(false);
    expect(
      fake
        .callsOf('chat.postMessage')
        .filter((c) => String(c.args.text).includes('rollme') && String(c.args.text).startsWith('Rollout')),
    ).toHaveLength(1);
  }, 60_000);

  it('a secret set through the dialog is served to a secrets-scoped key and is stored nowhere in clear', async () => {
    const clear = `s3cret-${randomBytes(12).toString('hex')}`;
    const asked = await slash('U_OP1', '/config', 'secret set payments-api-key --env production', {
      triggerId: 'trig-secret',
    });
    const opened = await fake.waitFor((c) => c.method === 'views.open' && c.args.trigger_id === 'trig-secret');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(SECRET_MODAL);
    await sendSigned(
      url,
      SIGNING,
      viewSubmissionBody({
        userId: 'U_OP1',
        callbackId: SECRET_MODAL,
        privateMetadata: view.private_metadata,
        values: { [SECRET_BLOCK]: { [SECRET_INPUT]: clear }, [REASON_BLOCK]: { [REASON_INPUT]: 'rotate the key' } },
      }),
    );
    const answer = await asked.reply();
    expect(String(answer.args.text)).toMatch(/awaiting approval/i);
    const message = await approvalFor('payments-api-key');
    await click('U_OP2', 'change_approve', buttonsOf(message)[0]!.value);

    const served = await eventually(
      async () => {
        const res = await fetch(`${evaluatorUrl}/v1/secrets/payments-api-key`, {
          headers: { authorization: `Bearer ${sdkKey}` },
        });
        return res.ok ? ((await res.json()) as { value: string }).value : undefined;
      },
      20_000,
      'the secret served',
    );
    expect(served).toBe(clear);

    // Nowhere in clear: every text-ish column of every table, every Redis key of the prefix, the logs, Slack, workflow histories.
    const { rows: columns } = await h.db.pool.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY')",
    );
    for (const { table_name, column_name } of columns) {
      const { rows } = await h.db.pool.query(
        `SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text LIKE $1`,
        [`%${clear}%`],
      );
      expect(rows[0].n, `${table_name}.${column_name}`).toBe(0);
    }
    for (const key of await h.redis.keys(`${h.redisPrefix}:*`)) {
      const type = await h.redis.type(key);
      const read: Record<string, () => Promise<unknown>> = {
        string: () => h.redis.get(key),
        hash: () => h.redis.hgetall(key),
        set: () => h.redis.smembers(key),
        zset: () => h.redis.zrange(key, 0, -1, 'WITHSCORES'),
        list: () => h.redis.lrange(key, 0, -1),
        stream: () => h.redis.xrange(key, '-', '+'),
      };
      expect(read[type], `${key} is a ${type}, which this scan cannot read`).toBeDefined();
      const value = JSON.stringify(await read[type]!());
      expect(value, key).not.toContain(clear);
    }
    expect(logLines.join('\n')).not.toContain(clear);
    expect(JSON.stringify(fake.calls)).not.toContain(clear);
    for await (const wf of h.client.workflow.list({ query: `TaskQueue = '${h.taskQueue}'` })) {
      const history = await h.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      expect(JSON.stringify(history), wf.workflowId).not.toContain(clear);
      expect(JSON.stringify(history), wf.workflowId).not.toContain(Buffer.from(clear).toString('base64'));
    }
    // A key without the secrets scope gets 403.
    const flagsOnly = (
      await createSdkKey(
        { pool: h.db.pool, redis: h.redis, keys: h.keys, log: pino({ level: 'silent' }) },
        { env: 'production', scopes: ['flags'], name: 'no-secrets', actor: 'test-setup' },
      )
    ).key;
    await syncSdkKeysToRedis({ pool: h.db.pool, redis: h.redis, keys: h.keys, log: pino({ level: 'silent' }) });
    await eventually(
      async () => {
        const res = await fetch(`${evaluatorUrl}/v1/secrets/payments-api-key`, {
          headers: { authorization: `Bearer ${flagsOnly}` },
        });
        return res.status === 403 ? true : undefined;
      },
      10_000,
      'a flags-only key refused',
    );
  }, 60_000);
});
