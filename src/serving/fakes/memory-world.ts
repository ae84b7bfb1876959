/**
 * The in-memory "database" the fakes share, as the Postgres adapters share one database: a fixed catalogue (tracks,
 * artists, tags, classifier predictions, playlists) and the tables the ports write (ratings, comparisons and votes,
 * preference models, stated tastes, consents, served tracks, bandit feedback, recommend requests). A rating recorded
 * by MemoryRatingStore is a play to MemoryCatalog and a like to MemoryTasteStore and MemoryListeners, as it is in
 * Postgres. Track and artist ids are assigned in order of the specs, from 1.
 */
import { normalizeArtistName, trackKey } from '../../catalog/normalize.ts';
import type { BradleyTerryState } from '../../recsys/preference/bradley-terry.ts';

/** A classifier's answer for a track: the label and, optionally, the probability of each class. */
interface MemoryPrediction {
  readonly label: string;
  readonly confidence?: number;
  /** Probabilities in the classifier's class order; default: `confidence` on the label, the rest spread evenly. */
  readonly probs?: readonly number[];
}

/** Audio fields a track may have (what ranges and preference features read). */
interface MemoryAudio {
  readonly energy?: number;
  readonly valence?: number;
  readonly danceability?: number;
  readonly acousticness?: number;
  readonly instrumentalness?: number;
  readonly speechiness?: number;
  readonly tempo?: number;
}

/** One catalogue track as a fixture states it. */
export interface MemoryTrackSpec {
  readonly title: string;
  /** Credited artists, primary first. */
  readonly artists: readonly string[];
  readonly album?: string | null;
  readonly year?: number | null;
  readonly explicit?: boolean;
  /** Tag names (e.g. "french house"). */
  readonly tags?: readonly string[];
  readonly genre?: MemoryPrediction;
  readonly subgenre?: MemoryPrediction;
  readonly mood?: MemoryPrediction;
  readonly audio?: MemoryAudio;
}

/** An active classifier: its version name and class names. */
interface MemoryClassifier {
  readonly version: string;
  readonly classes: readonly string[];
}

/** What a world is built from. */
export interface MemoryWorldSpec {
  readonly tracks: readonly MemoryTrackSpec[];
  /** Playlists as lists of track indexes into `tracks` (each entry is one play of that track). */
  readonly playlists?: readonly (readonly number[])[];
  /** Active classifiers by task; a task without one has no predictions. */
  readonly classifiers?: { readonly genre?: MemoryClassifier; readonly subgenre?: MemoryClassifier; readonly mood?: MemoryClassifier };
}

/** A track of the world with its id and normalised key. */
export interface MemoryTrack extends MemoryTrackSpec {
  readonly id: number;
  /** `normalised title|normalised primary artist`, as tracks.norm_key. */
  readonly normKey: string;
  readonly artistIds: readonly number[];
}

/** An artist of the world. */
interface MemoryArtist {
  readonly id: number;
  readonly name: string;
  readonly normName: string;
}

/** One stored rating interaction. */
interface MemoryRating {
  readonly seq: number;
  readonly key: string;
  readonly personId: number;
  readonly trackId: number;
  readonly kind: 'like' | 'skip' | 'dislike';
  /** Ordering of opinions: bumped when a keyless repeat makes a rating the latest again. */
  at: number;
}

/** One stored comparison. */
interface MemoryComparison {
  readonly id: number;
  readonly personId: number;
  readonly a: number;
  readonly b: number;
  readonly strategy: 'informative' | 'random';
}

/** One stored vote. */
interface MemoryVote {
  readonly id: number;
  readonly personId: number;
  readonly comparisonId: number;
  readonly interactionId: string;
  readonly choice: 'a' | 'b' | 'skip' | 'both' | 'neither';
}

/** A person's stored Bradley–Terry model, as preference_models keeps it (similar listeners compare the weights). */
interface MemoryPreferenceModel {
  readonly featureVersion: string;
  readonly weights: readonly number[];
  readonly votes: number;
  /** The full posterior, so another store over the same world continues from it. */
  readonly state: BradleyTerryState;
  /** The highest vote id folded in. */
  readonly lastVoteId: number;
}

/** Stated tastes as stored. */
export interface MemoryStated {
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  readonly energy: number | null;
  readonly artistIds: readonly number[];
  readonly updatedAt: Date;
}

/** A served track: which strategy in which scope, and whether a reaction was counted. */
interface MemoryServed {
  readonly id: number;
  readonly scope: string;
  readonly strategy: string;
  readonly servedAt: number;
  rewarded: boolean;
}

/** One recommend request row. */
export interface MemoryRequestRow {
  readonly personId: number;
  readonly platform: string;
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  readonly activity: string | null;
}

/** The shared in-memory state of the fakes. */
export class MemoryWorld {
  readonly tracks: readonly MemoryTrack[];
  readonly artists: readonly MemoryArtist[];
  readonly classifiers: NonNullable<MemoryWorldSpec['classifiers']>;
  /** Plays from playlists per track id (ratings are added on read, see `plays`). */
  readonly #playlistPlays = new Map<number, number>();
  /** Playlists as track id lists. */
  readonly playlists: readonly (readonly number[])[];
  readonly #byId = new Map<number, MemoryTrack>();

  readonly ratings: MemoryRating[] = [];
  readonly comparisons: MemoryComparison[] = [];
  readonly votes: MemoryVote[] = [];
  readonly preferenceModels = new Map<number, MemoryPreferenceModel>();
  readonly stated = new Map<number, MemoryStated>();
  readonly consents = new Map<number, string>();
  /** person → track → served row. */
  readonly served = new Map<number, Map<number, MemoryServed>>();
  /** Feedback interaction ids already counted. */
  readonly feedbackKeys = new Set<string>();
  /** scope → arm → counts. */
  readonly arms = new Map<string, Map<string, { successes: number; failures: number }>>();
  readonly requests: MemoryRequestRow[] = [];
  #seq = 0;

  constructor(spec: MemoryWorldSpec) {
    const artistIds = new Map<string, number>();
    const artists: MemoryArtist[] = [];
    const artistOf = (name: string) => {
      let id = artistIds.get(name);
      if (id === undefined) {
        id = artists.length + 1;
        artistIds.set(name, id);
        artists.push({ id, name, normName: normalizeArtistName(name) });
      }
      return id;
    };
    this.tracks = spec.tracks.map((t, i) => ({ ...t, id: i + 1, normKey: trackKey(t.title, t.artists[0] ?? ''), artistIds: t.artists.map(artistOf) }));
    this.artists = artists;
    this.classifiers = spec.classifiers ?? {};
    for (const t of this.tracks) this.#byId.set(t.id, t);
    this.playlists = (spec.playlists ?? []).map((p) => p.map((i) => this.tracks[i]!.id));
    for (const p of this.playlists) for (const id of p) this.#playlistPlays.set(id, (this.#playlistPlays.get(id) ?? 0) + 1);
  }

  /** The next value of the world's one sequence (row ids and write order). */
  next(): number {
    return ++this.#seq;
  }

  /** A track by id. */
  track(id: number): MemoryTrack | undefined {
    return this.#byId.get(id);
  }

  /** The id of the first track with this title; throws for an unknown title (a fixture mistake). */
  trackId(title: string): number {
    const t = this.tracks.find((x) => x.title === title);
    if (t === undefined) throw new Error(`no track titled ${title} in this world`);
    return t.id;
  }

  /** Interactions with a track: playlist plays plus rating interactions (as count(*) over interactions). */
  plays(trackId: number): number {
    let n = this.#playlistPlays.get(trackId) ?? 0;
    for (const r of this.ratings) if (r.trackId === trackId) n++;
    return n;
  }

  /** Each person's current opinion per track (the latest rating of each track wins). */
  latestRatings(personId?: number): Map<number, Map<number, MemoryRating['kind']>> {
    const latest = new Map<string, MemoryRating>();
    for (const r of this.ratings) {
      if (personId !== undefined && r.personId !== personId) continue;
      const k = `${r.personId}|${r.trackId}`;
      const seen = latest.get(k);
      if (seen === undefined || r.at > seen.at || (r.at === seen.at && r.seq > seen.seq)) latest.set(k, r);
    }
    const out = new Map<number, Map<number, MemoryRating['kind']>>();
    for (const r of latest.values()) {
      let m = out.get(r.personId);
      if (m === undefined) out.set(r.personId, (m = new Map()));
      m.set(r.trackId, r.kind);
    }
    return out;
  }
}

/** A prediction as stored (track_predictions): label, confidence and one probability per class. */
export function storedPrediction(classifier: MemoryClassifier, p: MemoryPrediction): { label: string; confidence: number; probs: number[] } {
  const confidence = p.confidence ?? 1;
  const rest = classifier.classes.length > 1 ? (1 - confidence) / (classifier.classes.length - 1) : 0;
  const probs = p.probs !== undefined ? [...p.probs] : classifier.classes.map((c) => (c === p.label ? confidence : rest));
  return { label: p.label, confidence, probs };
}
