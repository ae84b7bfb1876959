/** What the agent answers with, whatever produced it: text, track cards, an optional A/B pair and follow-ups. */

/** A track as a reply shows it; always copied from a tool result, never written by the model. */
export interface ReplyCard {
  readonly id: number;
  readonly title: string;
  readonly artists: readonly string[];
  readonly year: number | null;
  readonly genre: string | null;
  readonly mood: string | null;
  /** One sentence on why it is there, when a recommender gave one. */
  readonly why?: string;
}

/** An A/B comparison waiting for the person's vote. */
export interface ReplyComparison {
  readonly comparisonId: number;
  readonly a: ReplyCard;
  readonly b: ReplyCard;
}

/** One answer of the agent. */
export interface AgentReply {
  readonly text: string;
  readonly cards: readonly ReplyCard[];
  readonly comparison?: ReplyComparison;
  /** Short things the person might say next. */
  readonly suggestions: readonly string[];
  /** Who planned this turn: the LLM, or the rule planner (no LLM configured, or it failed). */
  readonly planner: 'llm' | 'rules';
  /** Track names the model wrote that no tool returned; they were removed from `text`. */
  readonly flagged?: readonly string[];
  /** Set when the turn asked for no music (a greeting, help, a closing such as "that is all"): a short text answer. */
  readonly talk?: true;
  /** Set when a tool failed inside Earworm (logged there): `text` is the short generic message, for the person only. */
  readonly failure?: { readonly kind: 'system'; readonly code: string };
}

/** The `failure` mark of a reply to a failed tool call: only a system error is marked. */
export function failureOf(o: { readonly kind: string; readonly code: string }): Pick<AgentReply, 'failure'> {
  return o.kind === 'system' ? { failure: { kind: 'system', code: o.code } } : {};
}

/** The fields of a tool's track card (`trackCard` in src/tools/schemas.ts) that a reply shows. */
interface ToolTrack {
  readonly id: number;
  readonly title: string;
  readonly artists: readonly string[];
  readonly year: number | null;
  readonly genre: string | null;
  readonly mood: string | null;
}

/** Converts a tool's track card (and optional reason) into a reply card. */
export function toReplyCard(t: ToolTrack, why?: string): ReplyCard {
  const card: ReplyCard = { id: t.id, title: t.title, artists: [...t.artists], year: t.year, genre: t.genre, mood: t.mood };
  return why === undefined ? card : { ...card, why };
}

/** Reads a track card out of a value of unknown shape (a walk over tool outputs); undefined when it is not one. */
export function readReplyCard(t: unknown, why?: string): ReplyCard | undefined {
  if (typeof t !== 'object' || t === null) return undefined;
  const [id, title, artists, year, genre, mood]: unknown[] = ['id', 'title', 'artists', 'year', 'genre', 'mood'].map((k) => Reflect.get(t, k));
  if (typeof id !== 'number' || typeof title !== 'string' || !Array.isArray(artists)) return undefined;
  const card: ReplyCard = {
    id,
    title,
    artists: artists.filter((a): a is string => typeof a === 'string'),
    year: typeof year === 'number' ? year : null,
    genre: typeof genre === 'string' ? genre : null,
    mood: typeof mood === 'string' ? mood : null,
  };
  return why === undefined ? card : { ...card, why };
}
