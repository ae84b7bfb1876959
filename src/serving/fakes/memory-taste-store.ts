/** TasteStore in memory: stated tastes per person, artist lookup over the world's artists, evidence from votes and likes. */
import { normalizeArtistName } from '../../catalog/normalize.ts';
import type { ArtistMatch, StatedTastes, StatedTastesChange, TasteStore } from '../ports/stated-tastes.ts';
import type { MemoryStated, MemoryWorld } from './memory-world.ts';

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** TasteStore over a MemoryWorld. */
export class MemoryTasteStore implements TasteStore {
  constructor(private readonly world: MemoryWorld) {}

  async stated(personId: number): Promise<StatedTastes | undefined> {
    const row = this.world.stated.get(personId);
    if (row === undefined) return undefined;
    const names = new Map(this.world.artists.map((a) => [a.id, a.name]));
    return {
      genres: [...row.genres],
      moods: [...row.moods],
      energy: row.energy,
      artists: row.artistIds.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : [])),
      updatedAt: row.updatedAt,
    };
  }

  async state(personId: number, change: StatedTastesChange): Promise<{ changed: boolean; tastes: StatedTastes }> {
    const row: MemoryStated = this.world.stated.get(personId) ?? { genres: [], moods: [], energy: null, artistIds: [], updatedAt: new Date() };
    const next = {
      genres: change.genres !== undefined ? [...new Set(change.genres)] : row.genres,
      moods: change.moods !== undefined ? [...new Set(change.moods)] : row.moods,
      energy: change.energy !== undefined ? change.energy : row.energy,
      artistIds: change.artistIds !== undefined ? [...new Set(change.artistIds)] : row.artistIds,
    };
    const same = sameList(next.genres, row.genres) && sameList(next.moods, row.moods) && next.energy === row.energy && sameList(next.artistIds, row.artistIds);
    this.world.stated.set(personId, same ? row : { ...next, updatedAt: new Date() });
    return { changed: !same, tastes: (await this.stated(personId))! };
  }

  async clear(personId: number): Promise<boolean> {
    return this.world.stated.delete(personId);
  }

  async findArtists(name: string, limit = 5): Promise<ArtistMatch[]> {
    const norm = normalizeArtistName(name);
    if (norm === '') return [];
    const match = (a: { id: number; name: string }) => ({ id: a.id, name: a.name, plays: this.artistPlays(a.id) });
    const exact = this.world.artists.filter((a) => a.normName === norm);
    if (exact.length > 0) return exact.map(match);
    return this.world.artists
      .filter((a) => a.normName.includes(norm))
      .map(match)
      .sort((a, b) => b.plays - a.plays || a.id - b.id)
      .slice(0, limit);
  }

  async artistTracks(artistIds: readonly number[], perArtist: number): Promise<number[]> {
    const out: number[] = [];
    for (const id of artistIds) {
      const tracks = this.world.tracks
        .filter((t) => t.artistIds.includes(id))
        .map((t) => ({ id: t.id, plays: this.world.plays(t.id) }))
        .sort((a, b) => b.plays - a.plays || a.id - b.id)
        .slice(0, Math.max(0, perArtist));
      out.push(...tracks.map((t) => t.id));
    }
    return out;
  }

  async evidence(personId: number): Promise<number> {
    const decided = this.world.votes.filter((v) => v.personId === personId && (v.choice === 'a' || v.choice === 'b')).length;
    const latest = this.world.latestRatings(personId).get(personId) ?? new Map();
    return decided + [...latest.values()].filter((k) => k === 'like').length;
  }

  /** Interactions with the artist's tracks, counted once per track credit (as the join over track_artists). */
  private artistPlays(artistId: number): number {
    let n = 0;
    for (const t of this.world.tracks) for (const a of t.artistIds) if (a === artistId) n += this.world.plays(t.id);
    return n;
  }
}
