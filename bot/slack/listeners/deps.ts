import type { Logger } from '../../../core/logger.js';
import type { CommandHandler } from '../../command-handler.js';
import type { HomeSource } from '../app-home.js';

/** What every listener may use; built once by createSlackApp. */
export interface ListenerDeps {
  handler: CommandHandler;
  log: Logger;
  environments: readonly string[];
  /** SECRETS_MASTER_KEY, decoded; without it `/config secret set` is refused with the reason. */
  masterKey?: Buffer;
  home?: HomeSource;
}
