/**
 * Mood labels from human tags. Each mood is a fixed list of Last.fm / Yes.com tags; a track's mood is the mood whose
 * tags carry the most weight on it, taken from the track's own tags when any of them is a mood tag, else from its
 * primary artist's Last.fm tags. Ties are dropped (no label), so every label has a clear majority.
 * The labels never come from audio features, which are what the mood model sees.
 */
import { normaliseTag } from '../content/tag-embedding.ts';

/** The moods Earworm predicts. */
export const MOODS = ['happy', 'sad', 'energetic', 'calm', 'focus'] as const;

/** One mood. */
type Mood = (typeof MOODS)[number];

/** The tag-to-mood mapping (tags normalised: lower case, single spaces). A tag maps to at most one mood. */
export const MOOD_TAGS: { readonly [M in Mood]: readonly string[] } = {
  happy: ['happy', 'feel good', 'feelgood', 'feel-good', 'fun', 'uplifting', 'upbeat', 'cheerful', 'joyful', 'good mood', 'sunny', 'happy music', 'summer'],
  sad: ['sad', 'melancholy', 'melancholic', 'depressing', 'depressive', 'sadness', 'heartbreak', 'sad songs', 'tearjerker', 'lonely'],
  energetic: ['energetic', 'energy', 'party', 'driving', 'powerful', 'workout', 'pump up', 'high energy', 'intense', 'aggressive'],
  calm: ['chill', 'chillout', 'chill out', 'chilled', 'mellow', 'relaxing', 'relax', 'calm', 'soothing', 'peaceful', 'easy listening', 'downtempo', 'laid back', 'quiet storm'],
  focus: ['instrumental', 'ambient', 'atmospheric', 'study', 'studying', 'concentration', 'focus', 'lo-fi', 'post-rock', 'minimal', 'soundtrack', 'classical'],
};

const TAG_TO_MOOD: ReadonlyMap<string, number> = new Map(MOODS.flatMap((m, i) => MOOD_TAGS[m].map((t) => [t, i] as const)));

/** The mood index a tag maps to, or -1. */
export function moodOfTag(tag: string): number {
  return TAG_TO_MOOD.get(normaliseTag(tag)) ?? -1;
}

/** Weighted tags of one thing (a track or an artist). */
export interface WeightedTags {
  readonly tags: readonly string[];
  readonly weights?: readonly number[];
}

/** A derived label: the mood index and whether it came from the track's own tags or its artist's. */
interface MoodLabel {
  readonly mood: number;
  readonly source: 'track' | 'artist';
}

/** Mood weights of a tag list (one entry per mood). */
export function moodScores(t: WeightedTags): Float64Array {
  const s = new Float64Array(MOODS.length);
  t.tags.forEach((tag, j) => {
    const m = moodOfTag(tag);
    const w = t.weights?.[j] ?? 1;
    if (m >= 0 && w > 0 && Number.isFinite(w)) s[m]! += w;
  });
  return s;
}

/** The mood label of a track, or undefined when neither its tags nor its artist's name a clear mood. */
export function moodLabel(trackTags: WeightedTags | undefined, artistTags: WeightedTags | undefined): MoodLabel | undefined {
  for (const [tags, source] of [
    [trackTags, 'track'],
    [artistTags, 'artist'],
  ] as const) {
    if (tags === undefined) continue;
    const s = moodScores(tags);
    let best = -1;
    let bestScore = 0;
    let tie = false;
    for (let m = 0; m < s.length; m++) {
      if (s[m]! > bestScore) {
        best = m;
        bestScore = s[m]!;
        tie = false;
      } else if (s[m]! === bestScore && bestScore > 0) tie = true;
    }
    if (best >= 0) return tie ? undefined : { mood: best, source };
  }
  return undefined;
}
