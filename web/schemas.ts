import { z } from 'zod';
import { KEY_PATTERN } from '../core/model/flag.js';

/** Shapes shared by several routes; each route's own live beside it. */

export const keyParam = z.object({
  key: z.string().regex(KEY_PATTERN, 'must be a flag or config key: lowercase letters, digits, ".", "_" or "-"'),
});

/** What people copy from messages: a request id, or the workflow id buttons carry. */
export const changeRequestId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/,
    'must be a change request id as replies show it (letters, digits, "-", "_", ".", ":")',
  );
export const idParam = z.object({ id: changeRequestId });

export const limitQuery = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** A rendered message, as Slack and the console get it: fallback text and Block Kit blocks. */
export const messageShape = { text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) };

export const changeRequestStateSchema = z.object({
  requestId: z.string(),
  status: z.string(),
  classification: z.enum(['standard', 'risky', 'emergency']).optional(),
  riskReasons: z.array(z.string()),
  requester: z.string(),
  justification: z.string().optional().describe('the requester’s reason'),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  rejectionReason: z.string().optional(),
  summary: z.string().optional().describe('the change, old → new'),
  message: z.string().optional(),
  appliedVersion: z.number().optional(),
  expiresAt: z.string().optional(),
  reach: z
    .array(z.object({ env: z.string().optional(), tenant: z.string().optional() }))
    .optional()
    .describe('where the change reaches (no env: every environment); who may read the request is judged on it'),
});

export const rolloutStateSchema = z.object({
  rolloutId: z.string(),
  flagKey: z.string(),
  env: z.string(),
  variation: z.string(),
  stages: z.array(z.union([z.number(), z.string()])),
  stageIndex: z.number(),
  status: z.string(),
  nextStepAt: z.string().optional(),
  guardrail: z.string(),
  message: z.string().optional(),
});

/** Of a change the API asked for: how it went, in the words of the chat reply too. */
export const outcomeSchema = z.object({
  status: z
    .string()
    .describe(
      'applied, awaiting_approval, refused, conflict, rejected, expired, failed, validating (still running), started (no worker yet), answered (a read)',
    ),
  reason: z.string().optional().describe('why it was refused, rejected or failed'),
  changeRequestId: z.string().optional(),
  riskReasons: z.array(z.string()).optional(),
  ...messageShape,
});
export type Outcome = z.infer<typeof outcomeSchema>;

export const auditRowSchema = z.object({
  seq: z.number(),
  occurredAt: z.string(),
  actor: z.string(),
  onBehalfOf: z.string().optional(),
  action: z.string(),
  entityKind: z.string().optional(),
  entityKey: z.string().optional(),
  environment: z.string().optional(),
  tenant: z.string().optional(),
  changeId: z.string().optional(),
  reason: z.string().optional(),
  approvedBy: z.string().optional(),
  requestId: z.string().optional(),
  ticket: z.string().optional(),
  diff: z.unknown().optional(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
});

export const reasonBody = z.object({ reason: z.string().trim().min(1, 'a reason is required') }).strict();
