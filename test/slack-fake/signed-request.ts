import { createHmac, randomUUID } from 'node:crypto';

/** Slack's request signature: `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`). */
export function slackSignature(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export interface SignedRequestOptions {
  /** Seconds since the epoch; default now. */
  timestampSec?: number;
  /** Sign with another secret (a forgery). */
  signWith?: string;
  /** X-Slack-Retry-Num, as Slack sends on a redelivery. */
  retryNum?: number;
  retryReason?: string;
}

export interface SlackResponse {
  status: number;
  body: string;
  /** Milliseconds from sending to the complete answer: what Slack's 3-second limit measures. */
  latencyMs: number;
}

/** POSTs a form body to the app exactly as Slack does: signed, form-encoded, with the retry headers when asked. */
export async function sendSigned(
  url: string,
  signingSecret: string,
  rawBody: string,
  options: SignedRequestOptions = {},
): Promise<SlackResponse> {
  const ts = options.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': slackSignature(options.signWith ?? signingSecret, ts, rawBody),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  const body = await res.text();
  return { status: res.status, body, latencyMs: performance.now() - started };
}

export interface SlashCommandFields {
  command: string;
  text: string;
  userId: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
  responseUrl: string;
  triggerId?: string;
}

/** The form body of a slash command invocation. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: f.teamId ?? 'T_TEST',
    team_domain: 'test',
    channel_id: f.channelId ?? 'C_GENERAL',
    channel_name: 'general',
    user_id: f.userId,
    user_name: f.userName ?? f.userId.toLowerCase(),
    command: f.command,
    text: f.text,
    api_app_id: 'A_TEST',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: f.triggerId ?? `${Date.now()}.${randomUUID().slice(0, 8)}`,
  }).toString();
}

/** Interactive payloads travel as `payload=<JSON>` in a form body. */
export function payloadBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockActionFields {
  userId: string;
  actionId: string;
  value: string;
  teamId?: string;
  channelId?: string;
  messageTs?: string;
  responseUrl: string;
  triggerId?: string;
}

/** A button click (block_actions). */
export function blockActionBody(f: BlockActionFields): string {
  return payloadBody({
    type: 'block_actions',
    user: { id: f.userId, username: f.userId.toLowerCase(), team_id: f.teamId ?? 'T_TEST' },
    api_app_id: 'A_TEST',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: f.messageTs ?? '1.000001',
      channel_id: f.channelId ?? 'C_APPROVALS',
      is_ephemeral: false,
    },
    trigger_id: f.triggerId ?? `${Date.now()}.${randomUUID().slice(0, 8)}`,
    team: { id: f.teamId ?? 'T_TEST', domain: 'test' },
    channel: { id: f.channelId ?? 'C_APPROVALS', name: 'approvals' },
    message: { type: 'message', ts: f.messageTs ?? '1.000001', text: '' },
    response_url: f.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: f.actionId,
        block_id: 'b',
        value: f.value,
        action_ts: String(Date.now() / 1000),
        text: { type: 'plain_text', text: f.actionId },
      },
    ],
  });
}

export interface ViewSubmissionFields {
  userId: string;
  callbackId: string;
  privateMetadata: string;
  /** block_id → action_id → value, as typed into plain_text_input elements. */
  values: Record<string, Record<string, string>>;
  teamId?: string;
}

/** A modal's submit (view_submission). */
export function viewSubmissionBody(f: ViewSubmissionFields): string {
  const values = Object.fromEntries(
    Object.entries(f.values).map(([block, inputs]) => [
      block,
      Object.fromEntries(
        Object.entries(inputs).map(([action, value]) => [action, { type: 'plain_text_input', value }]),
      ),
    ]),
  );
  return payloadBody({
    type: 'view_submission',
    team: { id: f.teamId ?? 'T_TEST', domain: 'test' },
    user: { id: f.userId, username: f.userId.toLowerCase(), team_id: f.teamId ?? 'T_TEST' },
    api_app_id: 'A_TEST',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${randomUUID().slice(0, 8)}`,
    view: {
      id: `V_${randomUUID().slice(0, 8)}`,
      team_id: f.teamId ?? 'T_TEST',
      type: 'modal',
      callback_id: f.callbackId,
      private_metadata: f.privateMetadata,
      state: { values },
      hash: '1.abc',
    },
  });
}

/** An Events API envelope (event_callback). */
export function eventBody(event: Record<string, unknown>, eventId = `Ev${randomUUID().slice(0, 10)}`): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T_TEST',
    api_app_id: 'A_TEST',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

/** Events arrive as JSON, signed the same way. */
export async function sendSignedJson(
  url: string,
  signingSecret: string,
  rawBody: string,
  options: SignedRequestOptions = {},
): Promise<SlackResponse> {
  const ts = options.timestampSec ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(options.signWith ?? signingSecret, ts, rawBody),
    },
    body: rawBody,
  });
  return { status: res.status, body: await res.text(), latencyMs: performance.now() - started };
}
