import { openApiDocument } from './openapi.js';
import { API_ROUTES } from './routes/index.js';

/**
 * The OpenAPI document `/api/v1/openapi.json` serves. Building it needs no server, so `npm run
 * gen:api` types the browser console's client (web/console/src/api-types.ts) from this same call.
 */
export const apiDocument = () => openApiDocument(API_ROUTES, { version: '1.0.0' });
