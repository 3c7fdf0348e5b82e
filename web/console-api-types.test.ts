import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../scripts/api-types.js';
import { createLogger } from '../storage/logger.js';
import { policyOf } from '../core/policy.js';
import { apiDocument } from './api-document.js';
import { createWebApp } from './server.js';

describe("the console's API types", () => {
  it('are what `npm run gen:api` writes for the route table as it is now', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8').split('\n');
    const current = (await generateApiTypes()).split('\n');
    const at = current.findIndex((line, i) => committed[i] !== line);
    const where = at === -1 ? committed.length : at;
    if (at !== -1 || committed.length !== current.length)
      expect.fail(
        `${relative(process.cwd(), API_TYPES_FILE)} no longer matches the routes (from line ${where + 1}: ` +
          `${JSON.stringify(committed[where])}, now ${JSON.stringify(current[where])}): run \`npm run gen:api\` and commit it`,
      );
  });

  it('are made from the very document /api/v1/openapi.json serves', async () => {
    const unused = {} as never;
    const app = createWebApp({
      client: unused,
      taskQueue: 'unused',
      pool: unused,
      handler: unused,
      log: createLogger('silent'),
      environments: ['production'],
      policy: policyOf({ ENVIRONMENTS: ['production'] }),
      devLogin: false,
    });
    const served = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    await app.close();
    expect(served.json()).toEqual(JSON.parse(JSON.stringify(apiDocument())));
  });
});
