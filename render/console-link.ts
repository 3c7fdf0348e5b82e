import { context, type Message } from './blocks.js';

/**
 * Where the web console lives (settings WEB_PUBLIC_URL), so messages about a change request can
 * link to its page there. Unset: messages carry no link, exactly as before the console existed.
 */
export interface ConsoleLinks {
  consoleUrl?: string;
}

export const OPEN_IN_CONSOLE = 'Open in Switchyard';

/**
 * The console page of one change request. The console routes by hash (`#/change-requests/<id>`),
 * so the server only ever serves its root and any base path works, e.g. `https://x.io/switchyard`.
 */
export function changeRequestUrl(consoleUrl: string, requestId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/#/change-requests/${encodeURIComponent(requestId)}`;
}

/**
 * The message with a link to the change request's console page: a context line in the blocks
 * (a link, not a button: Slack sends every button press to the app, which has nothing to do
 * with this one) and the bare URL on its own line of the plain-text fallback.
 */
export function withConsoleLink(message: Message, requestId: string, links: ConsoleLinks): Message {
  if (!links.consoleUrl) return message;
  const url = changeRequestUrl(links.consoleUrl, requestId);
  return {
    text: `${message.text}\n${OPEN_IN_CONSOLE}: ${url}`,
    blocks: [...message.blocks, context(`<${url}|${OPEN_IN_CONSOLE}>`)],
  };
}
