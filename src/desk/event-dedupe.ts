/** Deliveries already handled (Slack event ids, Discord interaction ids): the first delivery wins, retries are no-ops. */
import { lt, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { processedEvents } from '../db/schema.ts';

/** True the first time (source, eventId) is seen; false for a repeated delivery. Safe under concurrent deliveries. */
export async function firstDelivery(db: Db, source: string, eventId: string): Promise<boolean> {
  const rows = await db.orm.insert(processedEvents).values({ source, eventId }).onConflictDoNothing().returning({ id: processedEvents.eventId });
  return rows.length > 0;
}

/** Forgets deliveries older than `maxAgeMs` (default a day: platforms retry for minutes, not days). */
export async function pruneDeliveries(db: Db, maxAgeMs = 86_400_000): Promise<number> {
  const rows = await db.orm
    .delete(processedEvents)
    .where(lt(processedEvents.receivedAt, sql`now() - make_interval(secs => ${maxAgeMs / 1000})`))
    .returning({ id: processedEvents.eventId });
  return rows.length;
}
