/** One Server-Sent Event as it arrived. */
export interface ArrivedEvent {
  id?: string;
  event?: string;
  data: string;
  /** performance.now() when its blank line was read. */
  at: number;
}

export interface SseClient {
  events: ArrivedEvent[];
  /** Resolves with the first event at or after `since` that `accept` takes; rejects after `timeoutMs`. */
  next(since: number, accept: (event: ArrivedEvent) => boolean, timeoutMs: number): Promise<ArrivedEvent>;
  close(): void;
}

/** Parses `text/event-stream` blocks (fields `id`, `event`, `data`; comments skipped). */
function parseBlock(block: string, at: number): ArrivedEvent | undefined {
  const event: ArrivedEvent = { data: '', at };
  let any = false;
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') event.data = event.data ? `${event.data}\n${value}` : value;
    else continue;
    any = true;
  }
  return any ? event : undefined;
}

/**
 * A minimal EventSource over fetch (no reconnects: a benchmark wants to see a dropped stream),
 * with no headers beyond `Accept`, as a browser's EventSource sends.
 */
export async function openSse(url: string): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  if (response.status !== 200 || !response.body)
    throw new Error(`the event stream answered ${response.status}: ${await response.text()}`);
  const events: ArrivedEvent[] = [];
  let waiters: Array<() => void> = [];
  let ended: Error | undefined;
  const wake = () => {
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replaceAll('\r\n', '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = parseBlock(buffer.slice(0, end), performance.now());
          buffer = buffer.slice(end + 2);
          if (event) events.push(event);
        }
        wake();
      }
      ended = new Error('the event stream ended');
    } catch (error) {
      ended = abort.signal.aborted ? new Error('closed') : (error as Error);
    }
    wake();
  })();
  const next: SseClient['next'] = (since, accept, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching event within ${timeoutMs} ms (${events.length} events so far)`)),
        timeoutMs,
      );
      const check = () => {
        const found = events.find((e) => e.at >= since && accept(e));
        if (found) {
          clearTimeout(timer);
          return resolve(found);
        }
        if (ended) {
          clearTimeout(timer);
          return reject(ended);
        }
        waiters.push(check);
      };
      check();
    });
  return { events, next, close: () => abort.abort() };
}
