import { z } from 'zod';
import { errorBodySchema } from './api-error.js';
import type { ApiRoute } from './route.js';
import { SESSION_COOKIE } from './session.js';

type JsonSchema = Record<string, unknown>;

/** A zod schema as an OpenAPI 3.1 schema object (JSON Schema 2020-12, minus its `$schema`). */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/** Path or query parameters from an object schema's properties. */
function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: rest,
      ...(description ? { description } : {}),
    };
  });
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: schemaOf(errorBodySchema, 'output') } },
});

/**
 * The OpenAPI document of the route table: every path, parameter, body and answer comes from the
 * zod schemas the server validates with, so the document cannot describe another API than the one served.
 */
export function openApiDocument(routes: readonly ApiRoute[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const entry of routes) {
    const path = entry.path.replace(/:(\w+)/g, '{$1}');
    const operationId = `${entry.method.toLowerCase()}${path
      .replace(/^\/api\/v1/, '')
      .replace(/[{}]/g, '')
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`;
    const parameters = [...parametersOf(entry.params, 'path'), ...parametersOf(entry.query, 'query')];
    paths[path] ??= {};
    paths[path][entry.method.toLowerCase()] = {
      operationId,
      summary: entry.summary,
      tags: [entry.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(entry.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: schemaOf(entry.body, 'input') } } },
          }
        : {}),
      responses: {
        [String(entry.status ?? 200)]: {
          description: 'success',
          content: { 'application/json': { schema: schemaOf(entry.response, 'output') } },
        },
        '400': errorResponse('bad input: the message names the field and what it must be'),
        ...(entry.auth === false ? {} : { '401': errorResponse('no, unknown, expired or revoked credentials') }),
        '403': errorResponse('not allowed (a role, 4-eyes, a missing CSRF header)'),
        '404': errorResponse('no such entry or change request'),
        '409': errorResponse('the state no longer allows it (already decided, changed meanwhile)'),
        '429': errorResponse(
          'RATE_LIMITED: too many failed tokens or sign-ins from this address, or calls by this caller; Retry-After says when to come back',
        ),
        '500': errorResponse(
          'INTERNAL: the message is a reference to the line in the server log that says what failed',
        ),
      },
      security: entry.auth === false ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard API',
      version: info.version,
      description: 'The chat command layer over HTTP: the same change requests, 4-eyes approvals and audit as Slack.',
    },
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'an API token from `switchyard token create`' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'a browser session; POSTs also need X-CSRF-Token',
        },
      },
    },
  };
}
