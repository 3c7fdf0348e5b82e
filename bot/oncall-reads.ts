import { canRead, type ReadScope } from '../core/read-access.js';
import type { Message } from '../render/blocks.js';
import { renderOnCallList } from '../render/oncall.js';
import type { Pool } from '../storage/db.js';
import { listOnCall } from '../storage/role-bindings.js';

/**
 * `/oncall list`: the live on-call bindings (an expired one is not listed: it no longer counts) of
 * each environment whose env-wide data the reader covers, like any read (core/read-access.ts). Who
 * is on call in an environment is that environment's business, not one tenant's.
 */
export async function answerOnCall(pool: Pool, environments: readonly string[], scope: ReadScope): Promise<Message> {
  const shown = environments.filter((env) => canRead(scope, { env }));
  const rows = await listOnCall(pool);
  return renderOnCallList(
    rows.flatMap((r) =>
      r.env && shown.includes(r.env)
        ? [{ subject: r.subject, env: r.env, ...(r.until ? { until: r.until } : {}) }]
        : [],
    ),
    shown,
  );
}
