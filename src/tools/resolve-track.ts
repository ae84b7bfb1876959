/**
 * Turns what a person typed into one catalogue track: an id ("123", "track:123"), or text ("daft punk one more
 * time", "that Radiohead song"). Text that fits several tracks equally well comes back as candidates to choose from.
 */
import { searchTerms } from './search-terms.ts';
import type { Catalog, TrackCard } from '../serving/ports/catalog.ts';
import type { Candidate } from './tool.ts';

/** Words that say nothing about which track is meant. */
const FILLER = new Set(['that', 'this', 'those', 'these', 'some', 'something', 'songs', 'tracks', 'tune', 'tunes', 'music', 'please', 'like', 'me', 'my', 'i', 'one', 'new', 'old']);

/** A track reference as tools accept it. */
export type TrackRef = number | string;

/** The outcome of resolving a reference. */
type Resolution =
  | { readonly kind: 'found'; readonly track: TrackCard }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly TrackCard[] }
  | { readonly kind: 'none'; readonly message: string };

/** The catalogue id a reference names directly, if it is one. */
function idOf(ref: TrackRef): number | undefined {
  if (typeof ref === 'number') return ref;
  const m = /^\s*(?:track[:#\s]?)?(\d{1,9})\s*$/i.exec(ref);
  return m === null ? undefined : Number(m[1]);
}

/** Resolves one reference (see the module comment). */
export async function resolveTrack(catalog: Catalog, ref: TrackRef): Promise<Resolution> {
  const id = idOf(ref);
  if (id !== undefined) {
    const track = (await catalog.describe([id])).get(id);
    return track === undefined
      ? { kind: 'none', message: `There is no track with id ${id}. Use search_catalog to find the track's id, or pass its title and artist as text.` }
      : { kind: 'found', track };
  }
  const text = String(ref);
  const terms = searchTerms(text);
  const meaningful = terms.filter((t) => !FILLER.has(t));
  const attempts = [terms, meaningful].filter((t, i, all) => t.length > 0 && (i === 0 || t.join(' ') !== all[0]!.join(' ')));
  for (const words of attempts) {
    const found = await catalog.search(words.join(' '), 10);
    if (found.length > 0) return pick(found, words);
  }
  // Forgive one misspelt or extra word: drop each word in turn.
  if (meaningful.length >= 2) {
    for (let skip = 0; skip < meaningful.length; skip++) {
      const words = meaningful.filter((_, i) => i !== skip);
      const found = await catalog.search(words.join(' '), 10);
      if (found.length > 0) return pick(found, words);
    }
  }
  return { kind: 'none', message: `Nothing in the catalogue matches "${text}". Try the song title with its artist (e.g. "one more time daft punk"), or use search_catalog.` };
}

/** One clear winner by how many words match whole title/artist words, else the candidates. */
function pick(found: readonly TrackCard[], words: readonly string[]): Resolution {
  if (found.length === 1) return { kind: 'found', track: found[0]! };
  const scored = found.map((t) => ({ t, s: coverage(t, words) }));
  const best = Math.max(...scored.map((x) => x.s.title));
  const top = scored.filter((x) => x.s.title === best);
  // A title named in full and no rival naming it as well: that track. An artist alone names many tracks.
  if (best > 0 && top.length === 1) return { kind: 'found', track: top[0]!.t };
  return { kind: 'ambiguous', candidates: (best > 0 ? top.map((x) => x.t) : found).slice(0, 5) };
}

function coverage(t: TrackCard, words: readonly string[]): { title: number } {
  const titleWords = new Set(searchTerms(t.title));
  return { title: words.filter((w) => titleWords.has(w)).length };
}

/** A candidate as the caller sees it. */
export function toCandidate(t: TrackCard): Candidate {
  return { id: t.id, label: `${t.title} — ${t.artists.join(', ') || 'unknown artist'}${t.year === null ? '' : ` (${t.year})`}` };
}
