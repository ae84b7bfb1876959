/** What the agent remembers per (person, channel) between turns, and the store interface that keeps it. */
import type { Holiday, Instrument, Popularity, Vocals } from '../recsys/constraints/constraint-vocabulary.ts';
import type { ReplyCard, ReplyComparison } from './agent-reply.ts';
import type { LlmMessage } from './llm-client.ts';

/** A numeric range constraint (either end optional). */
export interface Range {
  readonly min?: number;
  readonly max?: number;
}

/** Constraints that stay active across turns until the person changes them. */
export interface ActiveConstraints {
  readonly genres?: readonly string[];
  readonly moods?: readonly string[];
  /** Genres to leave out ("no rap"): tracks whose labels point to them are filtered before ranking. */
  readonly excludeGenres?: readonly string[];
  /** Moods to leave out ("nothing sad"), as for genres. */
  readonly excludeMoods?: readonly string[];
  readonly energy?: Range;
  readonly valence?: Range;
  readonly tempo?: Range;
  readonly danceability?: Range;
  readonly acousticness?: Range;
  readonly instrumentalness?: Range;
  readonly year?: Range;
  readonly explicit?: boolean;
  /** Instrumental, sung, or sung by a woman or a man, with evidence (the constraint vocabulary's `vocals`). */
  readonly vocals?: Vocals;
  /** One of these instruments, by listeners' tags (the vocabulary's `instruments`). */
  readonly instruments?: readonly Instrument[];
  /** Mainstream or deep cuts (the constraint vocabulary's `popularity`). */
  readonly popularity?: Popularity;
  /** Holiday songs only ("christmas songs"); left out, recommending leaves them out (the vocabulary's `holiday`). */
  readonly holiday?: Holiday;
  readonly excludeArtists?: readonly string[];
  /** Only these artists' own tracks ("add some Ciara", "songs by Adele"), where "like X" means X's neighbours too. */
  readonly artists?: readonly string[];
  /** Tracks to leave out (ids), e.g. "not that one". */
  readonly excludeTracks?: readonly number[];
}

/** The entity the person named or was shown last on its own: what "that one" and "more like that" mean. */
export type NamedEntity = { readonly kind: 'track'; readonly id: number; readonly title: string } | { readonly kind: 'artist'; readonly name: string };

/** The query a refinement re-runs: what the last recommendation started from. */
export type BaseQuery =
  | { readonly kind: 'recommend'; readonly seeds?: { readonly text?: string; readonly artists?: readonly string[]; readonly genres?: readonly string[]; readonly moods?: readonly string[]; readonly tracks?: readonly number[] }; readonly for: 'me' | 'anyone' }
  | { readonly kind: 'similar'; readonly track: string | number };

/** One conversation's memory. */
export interface ConversationState {
  readonly lastRecommendations: readonly ReplyCard[];
  readonly constraints: ActiveConstraints;
  readonly lastQuery?: BaseQuery;
  readonly count?: number;
  /** Tracks per new answer while a playlist is being built (set when the person says "playlist"). */
  readonly listSize?: number;
  readonly pendingComparison?: ReplyComparison;
  /** What was last named or shown on its own (a searched track, a seed artist). */
  readonly lastNamed?: NamedEntity;
}

/** Active constraints in words ("; energy ≤ 0.5, no rap"): for the reply and the LLM's system prompt. */
export function describeConstraints(c: ActiveConstraints): string {
  const parts: string[] = [];
  if (c.genres !== undefined) parts.push(c.genres.join('/'));
  if (c.moods !== undefined) parts.push(c.moods.join('/'));
  for (const f of ['energy', 'valence', 'tempo', 'danceability', 'acousticness', 'instrumentalness', 'year'] as const) {
    const r = c[f];
    if (r === undefined) continue;
    if (r.min !== undefined && r.max !== undefined) parts.push(`${f} ${r.min}–${r.max}`);
    else if (r.min !== undefined) parts.push(`${f} ≥ ${r.min}`);
    else if (r.max !== undefined) parts.push(`${f} ≤ ${r.max}`);
  }
  if (c.excludeGenres !== undefined) parts.push(...c.excludeGenres.map((g) => `no ${g}`));
  if (c.excludeMoods !== undefined) parts.push(...c.excludeMoods.map((m) => `nothing ${m}`));
  if (c.artists !== undefined) parts.push(`by ${c.artists.join('/')}`);
  if (c.excludeArtists !== undefined) parts.push(...c.excludeArtists.map((a) => `no ${a}`));
  if (c.explicit === false) parts.push('clean');
  if (c.vocals !== undefined) parts.push(c.vocals === 'instrumental' ? 'no vocals' : c.vocals === 'vocal' ? 'with vocals' : `${c.vocals} vocals`);
  if (c.popularity !== undefined) parts.push(c.popularity === 'mainstream' ? 'mainstream' : 'deep cuts');
  if (c.holiday === 'only') parts.push('holiday songs');
  if (c.instruments !== undefined && c.instruments.length > 0) parts.push(`with ${c.instruments.join(' or ')}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** A conversation: the person on a platform channel. */
export interface ConversationKey {
  readonly personId: number;
  readonly platform: string;
  readonly channelId: string;
}

/** Where conversation memory lives (Postgres in production, in memory in tests). */
export interface ConversationStore {
  /** The state and the most recent chat messages (oldest first, at most `historyLimit`). */
  load(key: ConversationKey, historyLimit: number): Promise<{ state: ConversationState; history: LlmMessage[] }>;
  /** Replaces the state and appends this turn's messages. */
  save(key: ConversationKey, state: ConversationState, newMessages: readonly LlmMessage[]): Promise<void>;
}

/** The state of a conversation that has not started. */
export const EMPTY_STATE: ConversationState = { lastRecommendations: [], constraints: {} };

/** A store in process memory, for tests and one-off runs. */
export class InMemoryConversationStore implements ConversationStore {
  private readonly data = new Map<string, { state: ConversationState; history: LlmMessage[] }>();

  async load(key: ConversationKey, historyLimit: number): Promise<{ state: ConversationState; history: LlmMessage[] }> {
    const d = this.data.get(keyOf(key));
    return { state: d?.state ?? EMPTY_STATE, history: d === undefined ? [] : d.history.slice(-historyLimit) };
  }

  async save(key: ConversationKey, state: ConversationState, newMessages: readonly LlmMessage[]): Promise<void> {
    const d = this.data.get(keyOf(key)) ?? { state, history: [] };
    this.data.set(keyOf(key), { state, history: [...d.history, ...newMessages] });
  }
}

const keyOf = (k: ConversationKey) => `${k.personId}|${k.platform}|${k.channelId}`;

