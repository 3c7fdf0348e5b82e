import type { ApiRoute } from '../route.js';
import { auditRoutes } from './audit.js';
import { changeRequestRoutes } from './change-requests.js';
import { commandRoutes } from './commands.js';
import { consoleReadRoutes } from './console-reads.js';
import { entryRoutes } from './entries.js';
import { rolloutRoutes } from './rollouts.js';
import { sessionRoutes } from './session.js';

/** The route table: what is served and what /api/v1/openapi.json documents. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...commandRoutes,
  ...entryRoutes,
  ...changeRequestRoutes,
  ...rolloutRoutes,
  ...auditRoutes,
  ...sessionRoutes,
  ...consoleReadRoutes,
];
