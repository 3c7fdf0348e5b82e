export interface Token {
  text: string;
  /** True when the whole token was written in quotes: `"25"` stays the string "25". */
  quoted: boolean;
  /**
   * The token as it was typed, quotes included (after Slack's escapes and smart quotes are undone):
   * a JSON value typed as `"hello"` is the JSON string, though its text is `hello`.
   */
  raw: string;
}

export class UnterminatedQuoteError extends Error {}

// Slack's clients turn straight quotes into typographic ones; people paste both.
const SMART_QUOTES: Record<string, string> = { '“': '"', '”': '"', '„': '"', '«': '"', '»': '"', '‘': "'", '’': "'" };

/** Slack escapes these three in command text (https://api.slack.com/reference/surfaces/formatting#escaping). */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * The end (exclusive) of the JSON object or array opening at `start`, or undefined when its
 * brackets never balance. Strings are skipped with their escapes, so `{"a": "}"}` ends at its
 * last brace.
 */
function jsonSpanEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

/** Where a double-quoted run opening at `start` closes; `\"` inside it is a quote, as in a shell. */
function closingQuote(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\' && text[i + 1] === '"') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * Splits command text on whitespace, keeping "double" and 'single' quoted runs together. A quote
 * only opens at the start of a token or after `=` or `,`, so apostrophes inside words (don't) are
 * plain letters. At the same places a balanced JSON object or array is one run, spaces, commas
 * and quotes included, so `/config set blob {"a": 1, "b": "x"} --type json` needs no shell
 * quoting; brackets that never balance are plain letters.
 */
export function tokenize(input: string): Token[] {
  const text = unescapeSlack(input).replace(/[“”„«»‘’]/g, (c) => SMART_QUOTES[c]!);
  const tokens: Token[] = [];
  let current = '';
  let start = 0;
  let started = false;
  let quotedParts = 0;
  let plainParts = 0;
  let i = 0;
  const push = () => {
    if (started) tokens.push({ text: current, quoted: quotedParts > 0 && plainParts === 0, raw: text.slice(start, i) });
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
    if (!started) start = i;
    const prev = current[current.length - 1];
    const opens = !started || prev === '=' || prev === ',';
    if ((c === '"' || c === "'") && opens) {
      const end = closingQuote(text, i, c);
      if (end < 0) throw new UnterminatedQuoteError(`unterminated quote: ${text.slice(i, i + 30)}`);
      const inner = text.slice(i + 1, end);
      current += c === '"' ? inner.replaceAll('\\"', '"') : inner;
      started = true;
      quotedParts++;
      i = end + 1;
      continue;
    }
    const jsonEnd = (c === '{' || c === '[') && opens ? jsonSpanEnd(text, i) : undefined;
    if (jsonEnd !== undefined) {
      current += text.slice(i, jsonEnd);
      started = true;
      plainParts++;
      i = jsonEnd;
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
