export interface Token {
  text: string;
  /** True when the whole token was written in quotes: `"25"` stays the string "25". */
  quoted: boolean;
}

export class UnterminatedQuoteError extends Error {}

// Slack's clients turn straight quotes into typographic ones; people paste both.
const SMART_QUOTES: Record<string, string> = { '“': '"', '”': '"', '„': '"', '«': '"', '»': '"', '‘': "'", '’': "'" };

/** Slack escapes these three in command text (https://api.slack.com/reference/surfaces/formatting#escaping). */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Splits command text on whitespace, keeping "double" and 'single' quoted runs together. A quote
 * only opens at the start of a token or after `=` or `,`, so apostrophes inside words (don't) are
 * plain letters.
 */
export function tokenize(input: string): Token[] {
  const text = unescapeSlack(input).replace(/[“”„«»‘’]/g, (c) => SMART_QUOTES[c]!);
  const tokens: Token[] = [];
  let current = '';
  let started = false;
  let quotedParts = 0;
  let plainParts = 0;
  let i = 0;
  const push = () => {
    if (started) tokens.push({ text: current, quoted: quotedParts > 0 && plainParts === 0 });
    current = '';
    started = false;
    quotedParts = 0;
    plainParts = 0;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      push();
      i++;
      continue;
    }
    const prev = current[current.length - 1];
    if ((c === '"' || c === "'") && (!started || prev === '=' || prev === ',')) {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new UnterminatedQuoteError(`unterminated quote: ${text.slice(i, i + 30)}`);
      current += text.slice(i + 1, end);
      started = true;
      quotedParts++;
      i = end + 1;
      continue;
    }
    current += c;
    started = true;
    plainParts++;
    i++;
  }
  push();
  return tokens;
}
