/**
 * What a playground tab shows: the conversation so far (messages, answers with their cards and button ids, notices)
 * and an unsent draft, per session, in process memory. What the person taught Earworm (ratings, votes, the
 * agent's memory) is in Postgres; this is only the page, so a restart shows an empty conversation, nothing more.
 */
import type { DeskReply } from '../bots/common/front-desk.ts';

/** One entry of the conversation. */
export type TranscriptEntry =
  | { readonly id: number; readonly kind: 'you'; readonly text: string }
  | { readonly id: number; readonly kind: 'reply'; readonly ack?: string; readonly reply?: DeskReply }
  | { readonly id: number; readonly kind: 'notice'; readonly code: string; readonly message: string };

/** Distributes `Omit` over the entry union. */
type NewEntry = TranscriptEntry extends infer E ? (E extends TranscriptEntry ? Omit<E, 'id'> : never) : never;

/** One session's page state. */
export interface Transcript {
  readonly entries: TranscriptEntry[];
  nextId: number;
  /** Text to put back into the message box (a message that was not accepted). */
  draft: string;
  /** Votes made on this page: comparison id → choice (`earlier`: answered before, from another page). */
  readonly voted: Map<number, 'a' | 'b' | 'skip' | 'earlier'>;
}

/** Bounded in-memory transcripts keyed by session hash (least recently used dropped first). */
export class Transcripts {
  private readonly map = new Map<string, Transcript>();

  constructor(
    private readonly maxSessions = 2000,
    private readonly maxEntries = 40,
  ) {}

  /** The transcript of a session (created empty). */
  get(key: string): Transcript {
    let t = this.map.get(key);
    if (t === undefined) {
      t = { entries: [], nextId: 1, draft: '', voted: new Map() };
      if (this.map.size >= this.maxSessions) this.map.delete(this.map.keys().next().value!);
    } else {
      this.map.delete(key);
    }
    this.map.set(key, t);
    return t;
  }

  /** Appends an entry and returns it. */
  add(t: Transcript, entry: NewEntry): TranscriptEntry {
    const e = { ...entry, id: t.nextId++ } as TranscriptEntry;
    t.entries.push(e);
    if (t.entries.length > this.maxEntries) t.entries.splice(0, t.entries.length - this.maxEntries);
    return e;
  }
}
