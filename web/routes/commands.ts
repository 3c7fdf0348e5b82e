import { z } from 'zod';
import { route } from '../route.js';
import { apiRequestId, runCommand } from '../command-outcome.js';
import { outcomeSchema } from '../schemas.js';

const commandBody = z
  .object({
    text: z
      .string()
      .min(1, 'send the command as typed in chat, e.g. "/flag show checkout-v2"')
      .max(8000)
      .describe('a chat command, exactly as typed in Slack'),
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'letters, digits, "-", "_", ".", ":" (at most 100)')
      .optional()
      .describe(
        'idempotency key: sending the same id again reaches the same change request instead of making a second one',
      ),
  })
  .strict();

/** The chat grammar over HTTP: the same handler as Slack and the console, the same outcome. */
export const commandRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/commands',
    summary:
      'Run a chat command as the caller; a change answers once its change request is applied, refused or awaits a second person',
    tag: 'commands',
    body: commandBody,
    response: outcomeSchema,
    handle: ({ body, caller }, { deps }) => runCommand(deps, caller.principal, body.text, apiRequestId(body.requestId)),
  }),
];
