import { join } from 'node:path';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { apiDocument } from '../web/api-document.js';

/** The console's types of the API, committed, so the browser build needs nothing of the server. */
export const API_TYPES_FILE = join(import.meta.dirname, '..', 'web', 'console', 'src', 'api-types.ts');

const HEADER = `/**
 * @generated
 * The HTTP API's paths, parameters and answers as TypeScript, for openapi-fetch (web/console/src/api.ts).
 * Generated from the route table's OpenAPI document by \`npm run gen:api\` (scripts/gen-api-types.ts):
 * do not edit. web/console-api-types.test.ts fails when it no longer matches the routes.
 */
`;

/** The text of web/console/src/api-types.ts for the route table as it is now, formatted as the tree is. */
export async function generateApiTypes(): Promise<string> {
  const ast = await openapiTS(apiDocument() as unknown as OpenAPI3, { silent: true });
  const options = await resolveConfig(API_TYPES_FILE);
  return format(`${HEADER}\n${astToString(ast)}`, { ...options, filepath: API_TYPES_FILE });
}
