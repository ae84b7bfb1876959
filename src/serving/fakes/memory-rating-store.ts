/**
 * RatingStore in memory, with DbRatingStore's keys: per person and interaction id when one is given (ids are scoped
 * to their person), else per (person, track, kind), where a repeat only makes the rating the latest opinion.
 */
import type { Opinions, RatingKind, RatingStore } from '../ports/rating-store.ts';
import type { MemoryWorld } from './memory-world.ts';

/** RatingStore over a MemoryWorld's ratings. */
export class MemoryRatingStore implements RatingStore {
  constructor(private readonly world: MemoryWorld) {}

  async rate(r: { personId: number; trackId: number; kind: RatingKind; interactionId?: string }): Promise<{ recorded: boolean }> {
    const key = r.interactionId !== undefined ? `i:${r.personId}:${r.interactionId}` : `p:${r.personId}|${r.trackId}|${r.kind}`;
    const stored = this.world.ratings.find((x) => x.key === key);
    if (stored !== undefined) {
      if (r.interactionId === undefined) stored.at = this.world.next();
      return { recorded: false };
    }
    const seq = this.world.next();
    this.world.ratings.push({ seq, key, personId: r.personId, trackId: r.trackId, kind: r.kind, at: seq });
    return { recorded: true };
  }

  async opinions(personId: number): Promise<Opinions> {
    const latest = this.world.latestRatings(personId).get(personId) ?? new Map<number, RatingKind>();
    const out: Record<RatingKind, number[]> = { like: [], skip: [], dislike: [] };
    for (const [trackId, kind] of [...latest].sort((a, b) => a[0] - b[0])) out[kind].push(trackId);
    return { liked: out.like, skipped: out.skip, disliked: out.dislike };
  }
}
