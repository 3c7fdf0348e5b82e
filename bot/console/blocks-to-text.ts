import type { Block, ButtonElement, Message, TextObject } from '../../render/blocks.js';

// The handful of emoji the renderers use, as terminal symbols; any other :shortcode: stays as typed.
const EMOJI: Record<string, string> = {
  white_check_mark: '✔',
  warning: '⚠',
  no_entry: '⛔',
  no_entry_sign: '✖',
  x: '✖',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  rocket: '🚀',
  rotating_light: '🚨',
  alarm_clock: '⏰',
  sos: '🆘',
  broom: '🧹',
  leftwards_arrow_with_hook: '↩',
};

/** Slack mrkdwn as plain terminal text: mentions and links readable, emphasis markers dropped. */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/```\n?([\s\S]*?)\n?```/g, (_, body: string) =>
      body
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n'),
    )
    .replace(/<@([A-Z0-9_]+)>/gi, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s.,:;)!?])/gm, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s.,:;)!?])/gm, '$1$2')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s.,:;)!?])/gm, '$1$2')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/:([a-z_]+):/g, (whole, name: string) => EMOJI[name] ?? whole)
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

const plain = (t: TextObject) => (t.type === 'mrkdwn' ? mrkdwnToText(t.text) : t.text);
const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

/** A field is `*Label*\nvalue`: shown as `Label: value`. */
function fieldLine(field: TextObject): string {
  const [label, ...value] = plain(field).split('\n');
  return value.length ? `${label}: ${value.join(' ')}` : label!;
}

function blockText(block: Block, number: (button: ButtonElement) => number): string {
  switch (block.type) {
    case 'header':
      return `== ${block.text.text} ==`;
    case 'section': {
      const parts: string[] = [];
      if (block.text) parts.push(plain(block.text));
      if (block.fields?.length) parts.push(block.fields.map((f) => `  ${fieldLine(f)}`).join('\n'));
      return parts.join('\n');
    }
    case 'context':
      return indent(block.elements.map(plain).join('  ·  '), '  | ');
    case 'divider':
      return '----';
    case 'actions':
      return block.elements.map((b) => `[${number(b)}] ${b.text.text}`).join('  ');
  }
}

/**
 * A Block Kit message as terminal text. Buttons are listed as `[N] Label`, `N` chosen by the
 * caller (the console numbers them across the session so `click N` is never ambiguous).
 */
export function blocksToText(message: Message, number: (button: ButtonElement) => number = () => 0): string {
  if (!message.blocks.length) return mrkdwnToText(message.text);
  return message.blocks
    .map((b) => blockText(b, number))
    .filter((s) => s.length > 0)
    .join('\n');
}
