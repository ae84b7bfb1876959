/** RequestLog over recommend_requests, written in batches. */
import { lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { recommendRequests } from '../../db/schema.ts';
import type { Logger } from '../../logging/logger.ts';
import type { RecommendRequest, RequestLog } from '../ports/request-log.ts';

/** Most rows in one insert. */
const BATCH = 500;

/** Requests older than this are removed by housekeeping: drift checks read the recent ones [30 days]. */
const REQUEST_RETENTION_MS = 30 * 86_400_000;

/** Recommend requests in the database, one row per answered call; rows arriving together go in one insert. */
export class DbRequestLog implements RequestLog {
  private pending: (typeof recommendRequests.$inferInsert)[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  record(personId: number, request: RecommendRequest): void {
    this.pending.push({
      personId,
      platform: request.platform,
      genres: [...new Set(request.genres.map((g) => g.toLowerCase()))],
      moods: [...new Set(request.moods.map((m) => m.toLowerCase()))],
      activity: request.activity?.toLowerCase() ?? null,
    });
    this.writing ??= this.drain();
  }

  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  /** Deletes requests older than `maxAgeMs` (hourly housekeeping); returns how many. */
  async prune(maxAgeMs = REQUEST_RETENTION_MS): Promise<number> {
    const rows = await this.db.orm
      .delete(recommendRequests)
      .where(lt(recommendRequests.createdAt, sql`now() - make_interval(secs => ${maxAgeMs / 1000})`))
      .returning({ id: recommendRequests.id });
    return rows.length;
  }

  /** Writes until the buffer is empty; what arrives meanwhile goes into the next batch. */
  private async drain(): Promise<void> {
    // Let the requests of this turn of the event loop join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH);
      try {
        await this.db.orm.insert(recommendRequests).values(batch);
      } catch (err) {
        this.logger.warn({ err, rows: batch.length }, 'recording recommend requests failed; they are dropped');
      }
    }
    this.writing = undefined;
  }
}
