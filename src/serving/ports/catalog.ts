/** The catalogue as tools see it: find tracks from text, describe them, and read their classifier labels. */

/** A track as tools return it. */
export interface TrackCard {
  readonly id: number;
  readonly title: string;
  readonly artists: readonly string[];
  readonly album: string | null;
  readonly year: number | null;
  /** Most probable genre (label table; else the genre classifier's prediction). */
  readonly genre: string | null;
  /** Predicted mood (mood classifier). */
  readonly mood: string | null;
  /** Playlists and people that have it. */
  readonly plays: number;
}

/** Filters of a catalogue search; all given ones must hold. */
export interface SearchFilters {
  readonly genre?: string;
  readonly mood?: string;
  readonly yearMin?: number;
  readonly yearMax?: number;
}

/** One classifier's answer for a track. */
export interface LabelPrediction {
  readonly label: string;
  readonly confidence: number;
  readonly probabilities: readonly { readonly label: string; readonly probability: number }[];
  readonly modelVersion: string;
}

/** The label vocabulary with how many tracks carry each label. */
export interface Vocabulary {
  readonly genres: readonly { readonly name: string; readonly tracks: number }[];
  readonly subgenres: readonly { readonly name: string; readonly tracks: number }[];
  readonly moods: readonly { readonly name: string; readonly tracks: number }[];
}

/** A track's genre and mood labels from every source, with each source's share (provenance). */
export interface TrackLabels {
  /** The label table version. */
  readonly version: string;
  readonly genre: readonly { readonly label: string; readonly probability: number; readonly sources: Readonly<Record<string, number>> }[];
  readonly mood: readonly { readonly label: string; readonly probability: number; readonly sources: Readonly<Record<string, number>> }[];
}

/** Classifier tasks whose predictions are stored. */
export type LabelTask = 'genre' | 'subgenre' | 'mood';

/** Read access to the catalogue. */
export interface Catalog {
  /** Tracks whose title, artists or tags match every word of `text`, best first. */
  search(text: string, limit: number, filters?: SearchFilters): Promise<TrackCard[]>;
  /** Cards of the given ids (unknown ids are left out). */
  describe(ids: readonly number[]): Promise<Map<number, TrackCard>>;
  /** Stored classifier predictions for a track (tasks with no active model or no prediction are left out). */
  predictions(trackId: number): Promise<Partial<Record<LabelTask, LabelPrediction>>>;
  /** The tracks that stand for a label (a genre or mood seed): those played in the most datasets, then the most played. */
  topWithLabel(task: LabelTask, label: string, limit: number): Promise<number[]>;
  vocabulary(): Promise<Vocabulary>;
  /** The track's labels from every source with provenance, or undefined when no label table is active. */
  labels?(trackId: number): Promise<TrackLabels | undefined>;
}
