/**
 * The subset of Slack Block Kit Switchyard posts, with small builders. Every message goes out as
 * `{ text, blocks }`: `text` is the notification / screen-reader fallback Slack requires.
 */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type TextObject = PlainText | Mrkdwn;

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: PlainText;
  value: string;
  style?: 'primary' | 'danger';
}

export type Block =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id?: string; elements: ButtonElement[] };

export interface Message {
  text: string;
  blocks: Block[];
}

// Slack rejects section text over 3,000 characters and more than 10 fields per section.
const MAX_SECTION_TEXT = 3000;
const MAX_FIELDS = 10;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, 150), emoji: true },
});
export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) },
});
export const context = (...texts: string[]): Block => ({
  type: 'context',
  elements: texts.map((text) => ({ type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) })),
});
export const divider = (): Block => ({ type: 'divider' });

/** `label: value` pairs as a two-column section; pairs with an undefined value are left out. */
export function fields(pairs: Array<[string, string | number | undefined]>): Block {
  const present = pairs.filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== '');
  return {
    type: 'section',
    fields: present
      .slice(0, MAX_FIELDS)
      .map(([label, value]) => ({ type: 'mrkdwn', text: clip(`*${label}*\n${value}`, 2000) })),
  };
}

export function button(actionId: string, label: string, value: string, style?: ButtonElement['style']): ButtonElement {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    value,
    ...(style ? { style } : {}),
  };
}

export const actions = (...elements: ButtonElement[]): Block => ({ type: 'actions', elements });

/** Code formatting that survives backticks in the content. */
export const code = (text: string): string => `\`${text.replaceAll('`', "'")}\``;
