import { TEST_POLICY } from '../policy.js';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../../bot/command-handler.js';
import { createLogger } from '../../storage/logger.js';
import { grantRole } from '../../storage/role-bindings.js';
import { createOidcSignIn } from '../../web/oidc.js';
import { createWebApp } from '../../web/server.js';
import { changeRequestStateQuery, rolloutStateQuery, workflowIds } from '../../workflows/contracts.js';
import { rolloutWorkflow } from '../../workflows/rollout.js';
import { eventually, seedFlag, startTemporalHarness, type TemporalHarness } from '../temporal.js';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  ensureConsoleBuilt,
  freePort,
  isolatedContext,
  ROOT,
  signInThroughOidc,
} from './console-helpers.js';
import { startLocalOidcServer, type LocalOidcServer } from './oidc-helpers.js';

/**
 * The browser console in Debian's Chromium against the real stack: Postgres, Redis, a Temporal dev
 * server with a worker, and a real OpenID Connect server whose login form people sign in with.
 */

const hasChromium = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing under CI: install it with \`apt-get install -y chromium\` (as .ci/run does)`);
if (!hasChromium)
  console.warn(
    `skipping the console browser test: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`)`,
  );

const ENVIRONMENTS = ['dev', 'staging', 'production'];
// The README's screenshots are rewritten only when asked (UPDATE_SCREENSHOTS=1); otherwise they are
// still taken and checked, in a temporary folder, so a test run leaves the working tree as it was.
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(ROOT, 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'switchyard-screenshots-'));
const log = createLogger('silent');
let h: TemporalHarness;
let oidc: LocalOidcServer;
let app: FastifyInstance;
let browser: Browser;
let consoleUrl: string;
let alice: Page;
let bob: Page;

/** Runs a chat command from the page's command bar; answers the change request id the outcome links to, if any. */
async function runCommand(page: Page, text: string): Promise<string | undefined> {
  await page.getByLabel('Command', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const outcome = page.getByLabel('Command outcome');
  await outcome.waitFor({ timeout: 20_000 });
  const link = outcome.getByRole('link', { name: /^Open change request / });
  if ((await link.count()) === 0) return undefined;
  return (await link.textContent())!.replace('Open change request ', '');
}

const cardOf = (page: Page, id: string) => page.getByRole('article', { name: `Change request ${id}`, exact: true });

/** A value set in the page's window survives only as long as the page is not reloaded. */
const markPage = (page: Page) =>
  page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
const stillSamePage = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded === true);

const stateOf = (id: string) =>
  h.client.workflow.getHandle(workflowIds.changeRequest(id)).query(changeRequestStateQuery);

async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  expect(statSync(path).size, `${name}.png`).toBeLessThan(300 * 1024);
}

describe.skipIf(!hasChromium)('the browser console', () => {
  beforeAll(async () => {
    const consoleDir = await ensureConsoleBuilt();
    h = await startTemporalHarness();
    const store = { pool: h.db.pool, log, policy: TEST_POLICY };
    await grantRole(store, { subject: 'U_ALICE', role: 'operator', env: 'production', actor: 'test-setup' });
    await grantRole(store, { subject: 'U_ALICE', role: 'developer', actor: 'test-setup' });
    await grantRole(store, { subject: 'U_BOB', role: 'operator', env: 'production', actor: 'test-setup' });
    await seedFlag(h, { key: 'checkout-v2', owner: 'web', description: 'New checkout' });
    await seedFlag(h, {
      key: 'search-ranking',
      owner: 'search',
      kind: 'experiment',
      description: 'Learning-to-rank results',
      environments: {
        staging: {
          rules: [
            {
              id: 'staff',
              priority: 1,
              condition: { 'user.email': { endsWith: '@companyos.io' } },
              action: { serve: 'on' },
            },
          ],
          serve: { serve: 'off' },
        },
      },
    });
    await seedFlag(h, { key: 'dark-mode', owner: 'design', description: 'Dark theme for the dashboard' });
    const rollout = await h.client.workflow.start(rolloutWorkflow, {
      workflowId: workflowIds.rollout('search-ranking', 'staging'),
      taskQueue: h.taskQueue,
      args: [
        {
          rolloutId: randomUUID(),
          flagKey: 'search-ranking',
          env: 'staging',
          variation: 'on',
          stages: [10, 50, 100],
          bakeMs: 3_600_000,
          requester: 'U_ALICE',
          replyTo: { transport: 'console', user: 'U_ALICE' },
        },
      ],
    });
    await eventually(async () => ((await rollout.query(rolloutStateQuery)).status === 'baking' ? true : undefined));

    const port = await freePort();
    consoleUrl = `http://127.0.0.1:${port}`;
    oidc = await startLocalOidcServer(`${consoleUrl}/auth/callback`);
    const signIn = createOidcSignIn({
      issuer: new URL(oidc.issuer),
      clientId: oidc.client.client_id,
      clientSecret: oidc.client.client_secret,
      principalClaim: 'sub',
      publicUrl: new URL(consoleUrl),
    });
    const handler = createCommandHandler({
      client: h.client,
      taskQueue: h.taskQueue,
      pool: h.db.pool,
      log,
      environments: ENVIRONMENTS,
      policy: TEST_POLICY,
    });
    const deps = {
      client: h.client,
      taskQueue: h.taskQueue,
      pool: h.db.pool,
      log,
      environments: ENVIRONMENTS,
      policy: TEST_POLICY,
      handler,
      devLogin: false,
      oidc: signIn,
    };
    app = createWebApp(deps, { consoleDir });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await oidc?.close();
    await h?.close();
  });

  it('signs people in through the OIDC server’s login form, each as their own principal, back on the page they started from', async () => {
    alice = await signInThroughOidc(browser, consoleUrl, 'U_ALICE');
    await expect(alice.getByRole('banner').textContent()).resolves.toContain('Signed in as U_ALICE');
    expect(await alice.getByRole('heading', { level: 1 }).textContent()).toBe('Flags');
    bob = await signInThroughOidc(browser, consoleUrl, 'U_BOB', '#/approvals');
    await expect(bob.getByRole('banner').textContent()).resolves.toContain('Signed in as U_BOB');
    await bob.getByRole('heading', { name: 'Approvals', exact: true, level: 1 }).waitFor();
  });

  it('4-eyes: a request from Alice’s command bar reaches Bob’s inbox without a reload, Alice cannot approve it, Bob’s approval updates her page', async () => {
    await bob.getByRole('link', { name: 'Approvals', exact: true }).click();
    await bob.getByText('Nothing is waiting for approval.').waitFor();
    await markPage(bob);

    const id = await runCommand(alice, '/flag on checkout-v2 --env production --reason "launch"');
    expect(id).toBeTruthy();
    expect(await alice.getByLabel('Command outcome').textContent()).toContain('awaiting approval');

    const card = cardOf(bob, id!);
    await card.waitFor({ timeout: 10_000 });
    expect(await stillSamePage(bob)).toBe(true);
    expect(await card.getByRole('row', { name: /checkout-v2 in production/ }).textContent()).toMatch(
      /checkout-v2 in production.*off.*on/,
    );
    expect(
      await card.getByRole('region', { name: 'Risk reasons', exact: true }).getByRole('listitem').count(),
    ).toBeGreaterThan(0);
    expect(await card.textContent()).toMatch(/Requested byU_ALICE.*JustificationlaunchExpires/);

    await alice.getByRole('link', { name: `Open change request ${id}`, exact: true }).click();
    const own = cardOf(alice, id!);
    await own.waitFor();
    await markPage(alice);
    const approve = own.getByRole('button', { name: 'Approve', exact: true });
    expect(await approve.isDisabled()).toBe(true);
    const why = await approve.getAttribute('aria-describedby');
    expect(await alice.locator(`[id="${why}"]`).textContent()).toBe(
      'You requested this change: another eligible person must approve it.',
    );

    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await bob
      .getByRole('region', { name: 'Pending change requests', exact: true })
      .getByText('Nothing is waiting for approval.')
      .waitFor({ timeout: 20_000 });
    expect(
      await bob.getByRole('heading', { name: 'Recently decided', exact: true }).locator('xpath=..').textContent(),
    ).toContain(`${id} applied approved by U_BOB and applied`);

    await own.getByText('U_BOB').waitFor({ timeout: 10_000 });
    expect(await own.textContent()).toMatch(/applied/);
    expect(await stillSamePage(alice)).toBe(true);
    expect((await stateOf(id!)).status).toBe('applied');

    await alice.getByRole('link', { name: 'Flags', exact: true }).click();
    await alice.getByRole('link', { name: 'checkout-v2', exact: true }).click();
    const production = alice.getByRole('region', { name: 'production', exact: true });
    await production.waitFor();
    expect(await production.locator('.serving').textContent()).toBe('on');
    expect(await alice.getByRole('region', { name: 'staging', exact: true }).locator('.serving').textContent()).toBe(
      'default (off)',
    );
  });

  it('a revert from the flag’s history asks for a reason; Bob’s rejection without one is refused with an error, with one the request leaves his inbox as rejected', async () => {
    const sent: string[] = [];
    bob.on('request', (request) => sent.push(`${request.method()} ${new URL(request.url()).pathname}`));
    // Alice is on checkout-v2's page: the newest history row is her approved flag.on in production.
    const history = alice.getByRole('region', { name: 'History', exact: true });
    await history
      .getByRole('button', { name: /^Revert / })
      .first()
      .click();
    await history.getByRole('button', { name: 'Request revert', exact: true }).click();
    expect(await history.getByRole('alert').textContent()).toBe('A revert needs a reason.');
    await history.getByLabel(/^Reason for reverting /).fill('roll back the launch');
    await history.getByRole('button', { name: 'Request revert', exact: true }).click();
    const revertOutcome = history.getByRole('link', { name: /^Open change request / });
    await revertOutcome.waitFor({ timeout: 20_000 });
    expect(await history.textContent()).toContain('awaiting approval');
    const id = (await revertOutcome.textContent())!.replace('Open change request ', '');
    const card = cardOf(bob, id);
    await card.waitFor({ timeout: 10_000 });

    await card.getByRole('button', { name: 'Reject', exact: true }).click();
    await card.getByRole('button', { name: 'Send rejection', exact: true }).click();
    expect(await card.getByRole('alert').textContent()).toMatch(/A rejection needs a reason/);
    expect(sent.filter((s) => s.endsWith('/reject'))).toEqual([]);
    expect((await stateOf(id)).status).toBe('awaiting_approval');

    await card.getByLabel(`Reason for rejecting ${id}`).fill('not during the freeze');
    await card.getByRole('button', { name: 'Send rejection', exact: true }).click();
    await card.waitFor({ state: 'detached', timeout: 10_000 });
    expect(
      await bob.getByRole('heading', { name: 'Recently decided', exact: true }).locator('xpath=..').textContent(),
    ).toContain(`${id} rejected rejected by U_BOB: not during the freeze`);
    expect(await stateOf(id)).toMatchObject({
      status: 'rejected',
      decidedBy: 'U_BOB',
      rejectionReason: 'not during the freeze',
    });
  });

  it('under `switchyard dev`: the dev sign-in link opens the console signed in, and sign-out offers the dev sign-in form', async () => {
    const dev = createWebApp({
      client: h.client,
      taskQueue: h.taskQueue,
      pool: h.db.pool,
      log,
      environments: ENVIRONMENTS,
      policy: TEST_POLICY,
      handler: createCommandHandler({
        client: h.client,
        taskQueue: h.taskQueue,
        pool: h.db.pool,
        log,
        environments: ENVIRONMENTS,
        policy: TEST_POLICY,
      }),
      devLogin: true,
    });
    const devUrl = await dev.listen({ port: 0, host: '127.0.0.1' });
    try {
      const page = await (await isolatedContext(browser)).newPage();
      await page.goto(`${devUrl}/dev-login?user=U_CAROL`);
      await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      expect(await page.getByRole('banner').textContent()).toContain('Signed in as U_CAROL');
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByLabel('Principal (dev sign-in)').fill('U_DAVE');
      await page.getByRole('button', { name: 'Sign in as this principal', exact: true }).click();
      await page.getByText('Signed in as U_DAVE').waitFor();
      await page.context().close();
    } finally {
      await dev.close();
    }
  });

  it('saves screenshots of the main pages', async () => {
    await alice.getByRole('link', { name: 'Flags', exact: true }).click();
    // A fresh page: no command outcome left over from the tests above.
    await alice.reload();
    await alice.getByText('3 of 3 flags').waitFor();
    await screenshot(alice, 'flags');

    await alice.getByRole('link', { name: 'search-ranking', exact: true }).click();
    await alice.getByRole('region', { name: 'staging', exact: true }).getByText('staff', { exact: true }).waitFor();
    await screenshot(alice, 'flag');

    const id = await runCommand(
      alice,
      '/flag on dark-mode --env production --reason "dark launch for the design review"',
    );
    await cardOf(bob, id!).waitFor({ timeout: 10_000 });
    await screenshot(bob, 'approvals');
    await alice.reload();

    await alice.getByRole('link', { name: 'Rollouts', exact: true }).click();
    await alice.getByRole('button', { name: 'Pause search-ranking in staging', exact: true }).waitFor();
    await screenshot(alice, 'rollouts');

    await alice.getByRole('link', { name: 'Audit', exact: true }).click();
    await alice.getByText(/^Chain intact/).waitFor();
    await screenshot(alice, 'audit');
  });
});
