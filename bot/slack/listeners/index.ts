import type { App } from '@slack/bolt';
import { registerActionListeners } from './actions.js';
import { registerCommandListeners } from './commands.js';
import type { ListenerDeps } from './deps.js';
import { registerEventListeners } from './events.js';
import { registerViewListeners } from './views.js';

export type { ListenerDeps } from './deps.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommandListeners(app, deps);
  registerActionListeners(app, deps);
  registerViewListeners(app, deps);
  registerEventListeners(app, deps);
}
