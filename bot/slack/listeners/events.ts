import type { App } from '@slack/bolt';
import { homeView } from '../app-home.js';
import type { ListenerDeps } from './deps.js';

/** App Home: rebuilt from live state each time the user opens it. */
export function registerEventListeners(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab && event.tab !== 'home') return;
    try {
      const view = await homeView(deps.home, event.user);
      await client.views.publish({ user_id: event.user, view: view as never });
    } catch (err) {
      deps.log.error({ err, user: event.user }, 'App Home could not be published');
    }
  });
}
