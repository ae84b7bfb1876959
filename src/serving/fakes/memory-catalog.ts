/**
 * Catalog in memory, answering as DbCatalog does over classifier predictions (no label table): every search word
 * must occur in the track's normalised key (or the whole phrase must be one of its tags); whole-word matches rank
 * first, then plays, then id. Accents and case are folded as in the catalogue keys ("Beyoncé" finds "Beyonce").
 */
import { searchTerms } from '../../tools/search-terms.ts';
import type { Catalog, LabelPrediction, LabelTask, SearchFilters, TrackCard, TrackLabels, Vocabulary } from '../ports/catalog.ts';
import { storedPrediction, type MemoryTrack, type MemoryWorld } from './memory-world.ts';

const TASKS: readonly LabelTask[] = ['genre', 'subgenre', 'mood'];

/** Whether `word` occurs in `text` as a whole word (Postgres `\m word \M`). */
function wholeWord(text: string, word: string): boolean {
  return new RegExp(`(?<![A-Za-z0-9_])${word}(?![A-Za-z0-9_])`).test(text);
}

/** Catalog over a MemoryWorld. */
export class MemoryCatalog implements Catalog {
  constructor(private readonly world: MemoryWorld) {}

  async search(text: string, limit: number, filters: SearchFilters = {}): Promise<TrackCard[]> {
    const terms = searchTerms(text);
    if (terms.length === 0) return [];
    const phrase = terms.join(' ');
    const hits = this.world.tracks.filter(
      (t) =>
        (terms.every((w) => t.normKey.includes(w)) || (t.tags ?? []).includes(phrase)) &&
        this.hasLabel(t, 'genre', filters.genre) &&
        this.hasLabel(t, 'mood', filters.mood) &&
        (filters.yearMin === undefined || (t.year != null && t.year >= filters.yearMin)) &&
        (filters.yearMax === undefined || (t.year != null && t.year <= filters.yearMax)),
    );
    const ranked = hits
      .map((t) => ({ t, words: terms.filter((w) => wholeWord(t.normKey, w)).length, plays: this.world.plays(t.id) }))
      .sort((a, b) => b.words - a.words || b.plays - a.plays || a.t.id - b.t.id)
      .slice(0, Math.max(0, limit));
    return ranked.map((r) => this.card(r.t));
  }

  async describe(ids: readonly number[]): Promise<Map<number, TrackCard>> {
    const out = new Map<number, TrackCard>();
    for (const id of new Set(ids)) {
      const t = Number.isInteger(id) ? this.world.track(id) : undefined;
      if (t !== undefined) out.set(id, this.card(t));
    }
    return out;
  }

  async predictions(trackId: number): Promise<Partial<Record<LabelTask, LabelPrediction>>> {
    const out: Partial<Record<LabelTask, LabelPrediction>> = {};
    const t = this.world.track(trackId);
    if (t === undefined) return out;
    for (const task of TASKS) {
      const c = this.world.classifiers[task];
      const p = t[task];
      if (c === undefined || p === undefined) continue;
      const stored = storedPrediction(c, p);
      const probabilities = stored.probs.map((prob, i) => ({ label: c.classes[i] ?? `class ${i}`, probability: prob })).sort((a, b) => b.probability - a.probability);
      out[task] = { label: stored.label, confidence: stored.confidence, probabilities, modelVersion: c.version };
    }
    return out;
  }

  async topWithLabel(task: LabelTask, label: string, limit: number): Promise<number[]> {
    if (this.world.classifiers[task] === undefined) return [];
    const name = label.trim().toLowerCase();
    return this.world.tracks
      .filter((t) => t[task]?.label === name)
      .map((t) => ({ id: t.id, plays: this.world.plays(t.id), confidence: t[task]?.confidence ?? 1 }))
      .sort((a, b) => b.plays - a.plays || b.confidence - a.confidence || a.id - b.id)
      .slice(0, Math.max(0, limit))
      .map((t) => t.id);
  }

  async vocabulary(): Promise<Vocabulary> {
    const counts = (task: LabelTask) => {
      const c = this.world.classifiers[task];
      if (c === undefined) return [];
      return c.classes.map((name) => ({ name, tracks: this.world.tracks.filter((t) => t[task]?.label === name).length }));
    };
    return { genres: counts('genre'), subgenres: counts('subgenre'), moods: counts('mood') };
  }

  /** No label table is kept in memory: undefined, as DbCatalog answers when none is active. */
  async labels(_trackId: number): Promise<TrackLabels | undefined> {
    return undefined;
  }

  private hasLabel(t: MemoryTrack, task: 'genre' | 'mood', label: string | undefined): boolean {
    if (label === undefined) return true;
    return this.world.classifiers[task] !== undefined && t[task]?.label === label.trim().toLowerCase();
  }

  private card(t: MemoryTrack): TrackCard {
    const label = (task: 'genre' | 'mood') => (this.world.classifiers[task] !== undefined ? (t[task]?.label ?? null) : null);
    return { id: t.id, title: t.title, artists: [...t.artists], album: t.album ?? null, year: t.year ?? null, genre: label('genre'), mood: label('mood'), plays: this.world.plays(t.id) };
  }
}
