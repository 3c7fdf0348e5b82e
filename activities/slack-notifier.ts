import { ApplicationFailure } from '@temporalio/common';
import { webApi } from '@slack/bolt';
import type { Pool } from 'pg';
import { renderNotification } from '../render/notifications.js';
import type { Message } from '../render/blocks.js';
import type { Logger } from '../core/logger.js';
import { findSlackMessage, rememberSlackMessage } from '../storage/slack-messages.js';
import type { NotificationEvent, Notifier } from './notification-event.js';

/** The Slack variables the worker's notifier reads; declared and validated with the bot's (bot/slack/settings.ts, joined in cli/settings.ts). */
type Settings = {
  SLACK_BOT_TOKEN?: string;
  SLACK_API_URL?: string;
  SLACK_APPROVALS_CHANNEL?: string;
  SLACK_INCIDENTS_CHANNEL?: string;
  WEB_PUBLIC_URL?: string;
};
type WebClient = webApi.WebClient;
const { ErrorCode, LogLevel } = webApi;

export const SLACK_RATE_LIMITED = 'SlackRateLimited';

/**
 * The Web API client activities post with. Its own retries are off (`retries: 0`,
 * `rejectRateLimitedCalls`): Temporal owns retrying, so a 429 surfaces here with its Retry-After
 * instead of the client sleeping invisibly for up to 30 minutes inside one activity attempt.
 */
export function createSlackWebClient(settings: Pick<Settings, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>): WebClient {
  return new webApi.WebClient(settings.SLACK_BOT_TOKEN, {
    ...(settings.SLACK_API_URL ? { slackApiUrl: settings.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}

export interface SlackNotifierOptions {
  client: WebClient;
  pool: Pool;
  approvalsChannel: string;
  incidentsChannel: string;
  log: Logger;
  /** WEB_PUBLIC_URL: set, messages about a change request link to its page in the web console. */
  consoleUrl?: string;
  /**
   * How long one delivery may sleep on Retry-After before handing the wait to Temporal (a
   * retryable failure carrying the delay). Keep it under the notify activity's startToClose (15 s).
   */
  inActivityWaitMs?: number;
}

type Where = { channel: string; ref?: string; update: 'always' | 'if-known' | 'never' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isRateLimited(err: unknown): err is webApi.WebAPIRateLimitedError {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === ErrorCode.RateLimitedError;
}

/**
 * Delivers control-plane notifications to Slack from the worker's notify activity: approval
 * requests to SLACK_APPROVALS_CHANNEL, break-glass and guardrail alarms to SLACK_INCIDENTS_CHANNEL,
 * replies to the requester through the command's response_url. Outcomes and rollout progress
 * update the original message in place, found through the `slack_messages` table.
 */
export class SlackNotifier implements Notifier {
  private readonly waitBudgetMs: number;

  constructor(private readonly options: SlackNotifierOptions) {
    this.waitBudgetMs = options.inActivityWaitMs ?? 10_000;
  }

  async deliver(event: NotificationEvent): Promise<void> {
    if (await this.lookup(`event:${event.id}`)) return;
    const message = renderNotification(event, { consoleUrl: this.options.consoleUrl });
    const target = this.routeOf(event);
    if (target === 'reply') {
      await this.reply(event, message);
      await this.remember(`event:${event.id}`, 'response_url', '-');
      return;
    }
    const known = target.ref ? await this.lookup(target.ref) : undefined;
    if (known && target.update !== 'never') {
      await this.call('chat.update', {
        channel: known.channel,
        ts: known.ts,
        text: message.text,
        blocks: message.blocks,
      });
      await this.remember(`event:${event.id}`, known.channel, known.ts);
      return;
    }
    if (!known && target.update === 'if-known') {
      // A standard change has no approval message to update: the requester hears it as a reply.
      await this.reply(event, message);
      await this.remember(`event:${event.id}`, 'response_url', '-');
      return;
    }
    const posted = (await this.call('chat.postMessage', {
      channel: target.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
    })) as { channel?: string; ts?: string };
    const ts = posted.ts ?? '';
    const channel = posted.channel ?? target.channel;
    if (target.ref) await this.remember(target.ref, channel, ts);
    await this.remember(`event:${event.id}`, channel, ts);
  }

  private routeOf(event: NotificationEvent): Where | 'reply' {
    const { approvalsChannel, incidentsChannel } = this.options;
    switch (event.kind) {
      case 'approval_requested':
        return { channel: approvalsChannel, ref: `change:${event.requestId}`, update: 'always' };
      case 'change_applied':
      case 'change_rejected':
      case 'change_expired':
      case 'change_conflict':
      case 'change_stopped':
        return { channel: approvalsChannel, ref: `change:${event.requestId}`, update: 'if-known' };
      case 'change_refused':
        return 'reply';
      case 'rollout_progress':
      case 'rollout_finished':
        return {
          channel: event.replyTo?.channel ?? approvalsChannel,
          ref: `rollout:${event.rolloutId}`,
          update: 'always',
        };
      case 'incident_opened':
        return { channel: incidentsChannel, ref: `incident:${event.incidentId}`, update: 'never' };
      case 'review_done':
        return { channel: incidentsChannel, ref: `incident:${event.incidentId}`, update: 'always' };
      case 'review_reminder':
      case 'review_escalation':
      case 'guardrail_breach':
        return { channel: incidentsChannel, update: 'never' };
      case 'stale_flags':
        return { channel: approvalsChannel, update: 'never' };
    }
  }

  /** To the requester: through the command's response_url when there is one, else ephemerally in their channel. */
  private async reply(event: NotificationEvent, message: Message): Promise<void> {
    const to = event.replyTo;
    const failed =
      event.kind === 'change_refused' ||
      event.kind === 'change_conflict' ||
      event.kind === 'change_stopped' ||
      event.kind === 'change_expired' ||
      event.kind === 'change_rejected';
    if (to?.responseUrl) {
      const res = await fetch(to.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: failed ? 'ephemeral' : 'in_channel',
          replace_original: false,
          text: message.text,
          blocks: message.blocks,
        }),
      });
      if (res.status === 429) throw this.rateLimited(Number(res.headers.get('retry-after') ?? '1'));
      // response_url expires after 30 minutes: then fall through to an ephemeral message.
      if (res.ok) return;
      this.options.log.debug(
        { status: res.status, kind: event.kind },
        'response_url refused the reply; posting ephemerally',
      );
    }
    if (to?.channel && to.user) {
      await this.call('chat.postEphemeral', {
        channel: to.channel,
        user: to.user,
        text: message.text,
        blocks: message.blocks,
      });
      return;
    }
    this.options.log.warn(
      { kind: event.kind, id: event.id },
      'notification has nowhere to go in Slack (no reply target)',
    );
  }

  /**
   * One Web API call. A 429 is waited out here while the budget lasts (a short burst costs no
   * attempt); past it, a retryable failure carries Retry-After to Temporal as the next retry delay.
   */
  private async call(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const started = Date.now();
    for (;;) {
      try {
        return (await this.options.client.apiCall(method, args)) as unknown as Record<string, unknown>;
      } catch (err) {
        if (!isRateLimited(err)) throw err;
        const waitMs = Math.max(1, err.retryAfter) * 1000;
        if (Date.now() - started + waitMs > this.waitBudgetMs) throw this.rateLimited(err.retryAfter);
        this.options.log.info({ method, retryAfterSec: err.retryAfter }, 'Slack rate limit: waiting Retry-After');
        await sleep(waitMs);
      }
    }
  }

  private rateLimited(retryAfterSec: number): ApplicationFailure {
    return ApplicationFailure.create({
      type: SLACK_RATE_LIMITED,
      message: `Slack answered 429: retry after ${retryAfterSec} s`,
      nextRetryDelay: `${Math.max(1, retryAfterSec)}s`,
    });
  }

  private lookup(ref: string): Promise<{ channel: string; ts: string } | undefined> {
    return findSlackMessage(this.options.pool, ref);
  }

  private remember(ref: string, channel: string, ts: string): Promise<void> {
    return rememberSlackMessage(this.options.pool, ref, { channel, ts });
  }
}

/** The notifier the worker uses: Slack when a bot token and channels are configured, otherwise none (the caller falls back). */
export function slackNotifierFromSettings(
  settings: Pick<
    Settings,
    'SLACK_BOT_TOKEN' | 'SLACK_API_URL' | 'SLACK_APPROVALS_CHANNEL' | 'SLACK_INCIDENTS_CHANNEL' | 'WEB_PUBLIC_URL'
  >,
  pool: Pool,
  log: Logger,
): SlackNotifier | undefined {
  if (!settings.SLACK_BOT_TOKEN || !settings.SLACK_APPROVALS_CHANNEL) return undefined;
  return new SlackNotifier({
    client: createSlackWebClient(settings),
    pool,
    approvalsChannel: settings.SLACK_APPROVALS_CHANNEL,
    incidentsChannel: settings.SLACK_INCIDENTS_CHANNEL ?? settings.SLACK_APPROVALS_CHANNEL,
    log,
    consoleUrl: settings.WEB_PUBLIC_URL,
  });
}
