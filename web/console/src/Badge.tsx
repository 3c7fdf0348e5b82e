import { statusTone, statusWords } from './format.js';

/** A status in words with its colour; the words carry the meaning, the colour only repeats it. */
export function Badge({ status, text }: { status: string; text?: string }) {
  return <span className={`badge ${statusTone(status)}`}>{text ?? statusWords(status)}</span>;
}
