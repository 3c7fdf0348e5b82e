import { createContext, useContext } from 'react';

/** What every page may use: who is signed in, the screen-reader announcer, and a refresh signal. */
export interface ConsoleContext {
  principal: string;
  /** Said by the polite live region (and so by screen readers), e.g. when someone else decides. */
  announce(text: string): void;
  /** Bumped after a command runs, so the page on screen reloads what it shows. */
  refreshTick: number;
  refresh(): void;
}

export const ConsoleContextValue = createContext<ConsoleContext>({
  principal: '',
  announce: () => undefined,
  refreshTick: 0,
  refresh: () => undefined,
});

export const useConsole = () => useContext(ConsoleContextValue);
