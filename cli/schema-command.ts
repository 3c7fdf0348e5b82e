import { z } from 'zod';
import { configEntrySchema } from '../core/model/config-entry.js';
import { flagDocumentSchema } from '../core/model/flag.js';

/** JSON Schema generated from the zod schemas, for editors and flags-as-code linting. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Switchyard entries',
    oneOf: [{ $ref: '#/$defs/flag' }, { $ref: '#/$defs/config' }],
    $defs: {
      flag: z.toJSONSchema(flagDocumentSchema, { io: 'input', unrepresentable: 'any' }),
      config: z.toJSONSchema(configEntrySchema, { io: 'input', unrepresentable: 'any' }),
    },
  };
}
