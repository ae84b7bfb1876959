/** Why an item was recommended: every signal that put it there, with its numbers, and one human sentence. */

/** One signal's part in an item's final score. */
export interface SignalContribution {
  /** Signal name: a component (e.g. "ials", "itemknn", "content", "popularity") or "preference". */
  readonly signal: string;
  /** The signal's raw score for the item. */
  readonly score: number;
  /** The score standardised over the candidates (z-score). */
  readonly z: number;
  readonly weight: number;
  /** weight · z: what this signal added to the final score. */
  readonly contribution: number;
  /** 1-based rank of the item in this signal's own candidate list, when it was in that list. */
  readonly rank?: number;
}

/** The explanation attached to every ranked result. */
export interface Explanation {
  readonly signals: readonly SignalContribution[];
  /** The person's preference-model confidence when their utility took part (0..1). */
  readonly preferenceConfidence?: number;
  /** Largest similarity to an item ranked above it (what diversity weighed), when MMR was applied. */
  readonly redundancy?: number;
  readonly sentence: string;
}

const PHRASES: Readonly<Record<string, string>> = {
  ials: 'listeners with taste like yours play it',
  cf: 'listeners with taste like yours play it',
  itemknn: 'it is often played alongside your picks',
  rp3beta: 'it is often played alongside your picks',
  content: 'it sounds like your picks',
  popularity: 'it is popular right now',
  preference: 'it fits what your A/B votes say you like',
  similar_listeners: 'people with taste like yours play it',
  mood_fit: 'its mood fits what you asked for',
  similar_artists: 'its artist is close to the artists you asked for or like',
  novelty: 'it is less well known',
  holiday: 'it is plainly a holiday song, by its title or the playlists it is in',
};

/** The phrase for a signal ("content-artist" reads as content). */
function phrase(signal: string): string {
  return PHRASES[signal] ?? PHRASES[signal.split('-')[0]!] ?? `${signal} rates it highly`;
}

/** One sentence from the signals that added the most (at most two), with the strongest first. */
export function explanationSentence(signals: readonly SignalContribution[]): string {
  const positive = [...signals].filter((s) => s.contribution > 0).sort((a, b) => b.contribution - a.contribution);
  if (positive.length === 0) return 'It is the best remaining match for your request, though no signal favours it strongly.';
  const phrases: string[] = [];
  for (const s of positive) {
    const p = phrase(s.signal);
    if (!phrases.includes(p)) phrases.push(p);
    if (phrases.length === 2) break;
  }
  const text = phrases.length === 1 ? phrases[0]! : `${phrases[0]!}, and ${phrases[1]!}`;
  return `Recommended because ${text}.`;
}
