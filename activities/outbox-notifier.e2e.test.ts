import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../test/db.js';
import type { NotificationEvent } from './notification-event.js';
import { OUTBOX_CHANNEL, readOutbox } from '../storage/outbox.js';
import { OutboxNotifier } from './outbox-notifier.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

it('writes an event once per id and wakes listeners with its outbox id', async () => {
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  const woken: string[] = [];
  listener.on('notification', (n) => woken.push(n.payload ?? ''));
  await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);

  const event: NotificationEvent = {
    kind: 'change_refused',
    id: 'change-r1:refused',
    at: new Date().toISOString(),
    replyTo: { transport: 'console', user: 'U1' },
    requestId: 'r1',
    requester: 'U1',
    message: 'U1 has no Switchyard role',
    code: 'FORBIDDEN',
  };
  const notifier = new OutboxNotifier(db.pool);
  await notifier.deliver(event);
  await notifier.deliver(event);

  const rows = await readOutbox(db.pool);
  expect(rows).toHaveLength(1);
  expect(rows[0]!.event).toEqual(event);
  await expect.poll(() => woken).toEqual([String(rows[0]!.id)]);
  await listener.end();
});
