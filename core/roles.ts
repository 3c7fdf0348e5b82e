import { z } from 'zod';

/** The roles of docs/design.md#roles. */
export const ROLES = ['system', 'developer', 'product_manager', 'operator', 'admin', 'viewer', 'oncall'] as const;
export type Role = (typeof ROLES)[number];

/** A Slack user (or service account) holding a role, optionally narrowed to one environment or tenant. */
export const roleBindingSchema = z
  .object({
    subject: z.string().min(1),
    role: z.enum(ROLES),
    env: z.string().min(1).optional(),
    tenant: z.string().min(1).optional(),
    /** When the binding stops counting (an on-call rotation); ISO time. */
    until: z.string().min(1).optional(),
  })
  .strict();
export type RoleBinding = z.infer<typeof roleBindingSchema>;
