/**
 * @module soc/ingest/feeds/store
 * Where each platform feed stopped (`soc_feed_cursors`).
 */
import { type Db, queryRows, sql } from '../../../core/db/index.ts';

/** The saved position of a feed, or null before its first batch. */
export async function readCursor(db: Db, feed: string): Promise<string | null> {
  const [row] = await queryRows<{ position: string }>(
    db,
    sql`select position from soc_feed_cursors where feed = ${feed}`,
  );
  return row?.position ?? null;
}

/** Saves a feed's position. */
export async function writeCursor(db: Db, feed: string, position: string, at: Date): Promise<void> {
  await db.execute(sql`
    insert into soc_feed_cursors (feed, position, updated_at) values (${feed}, ${position}, ${at.toISOString()})
    on conflict (feed) do update set position = excluded.position, updated_at = excluded.updated_at`);
}
