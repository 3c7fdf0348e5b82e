import { useCallback, useEffect, useRef, useState } from 'react';
import { problemOf } from './api.js';
import { useConsole } from './console-context.js';

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload(): void;
}

/**
 * Loads `load()` when `key` changes or a command ran, and again every `everyMs` while the page is
 * open (the next poll starts when the last one ended, so a slow server is never asked twice at
 * once). What was shown stays on screen while a reload runs or fails.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, options: { everyMs?: number } = {}): Loaded<T> {
  const { refreshTick } = useConsole();
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [manual, setManual] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await loadRef.current();
        if (!stopped) setState({ data, loading: false });
      } catch (err) {
        if (!stopped) setState((previous) => ({ ...previous, error: problemOf(err), loading: false }));
      }
      if (!stopped && options.everyMs) timer = setTimeout(() => void run(), options.everyMs);
    };
    setState((previous) => ({ ...previous, loading: true }));
    void run();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, refreshTick, manual, options.everyMs]);

  const reload = useCallback(() => setManual((n) => n + 1), []);
  return { ...state, reload };
}
