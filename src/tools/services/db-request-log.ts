/** RequestLog over recommend_requests, written in batches. */
import type { Db } from '../../db/db.ts';
import { recommendRequests } from '../../db/schema.ts';
import type { Logger } from '../../logging/logger.ts';
import type { RecommendRequest, RequestLog } from '../request-log.ts';

/** Most rows in one insert. */
const BATCH = 500;

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
