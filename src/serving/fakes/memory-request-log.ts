/** RequestLog in memory: `record` buffers, and the buffer is moved into the world's rows on the next tick or at `flush`. */
import type { RecommendRequest, RequestLog } from '../ports/request-log.ts';
import type { MemoryRequestRow, MemoryWorld } from './memory-world.ts';

/** RequestLog over a MemoryWorld's request rows. */
export class MemoryRequestLog implements RequestLog {
  private pending: MemoryRequestRow[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly world: MemoryWorld) {}

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

  /** The rows written so far, oldest first (what a drift check would read). */
  rows(): readonly MemoryRequestRow[] {
    return this.world.requests;
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) this.world.requests.push(...this.pending.splice(0));
    this.writing = undefined;
  }
}
