/**
 * `npm run gen:api`: writes web/console/src/api-types.ts from the OpenAPI document the API serves,
 * built in process (no server is started).
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { API_TYPES_FILE, generateApiTypes } from './api-types.js';

writeFileSync(API_TYPES_FILE, await generateApiTypes());
process.stdout.write(`wrote ${relative(process.cwd(), API_TYPES_FILE)}\n`);
