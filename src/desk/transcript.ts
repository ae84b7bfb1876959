/**
 * What a playground tab shows: the conversation so far (messages, answers with their cards and button ids, notices),
 * an unsent draft and the votes made on the page. For a stored session it lives in Postgres (`web_page_entries`,
 * `web_sessions.draft/voted`), keyed by the server-issued session, so no amount of anonymous traffic can push a
 * visitor's conversation out and a restart keeps it. A visitor without a stored session gets a page-only transcript
 * that is never stored (page views create nothing).
 */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { DeskReply } from '../desk/front-desk.ts';
import type { Db } from '../db/db.ts';
import { webPageEntries, webSessions } from '../db/schema.ts';
import { stripControlChars } from '../tools/control-chars.ts';

/** One entry of the conversation. */
export type TranscriptEntry =
  | { readonly id: number; readonly kind: 'you'; readonly text: string }
  | { readonly id: number; readonly kind: 'reply'; readonly ack?: string; readonly reply?: DeskReply }
  | { readonly id: number; readonly kind: 'notice'; readonly code: string; readonly message: string };

/** Distributes `Omit` over the entry union. */
type NewEntry = TranscriptEntry extends infer E ? (E extends TranscriptEntry ? Omit<E, 'id'> : never) : never;

/** A vote shown on the page: the choice, or `earlier` (answered before, from another page). */
export type ShownVote = 'a' | 'b' | 'both' | 'neither' | 'skip' | 'earlier';

/** One session's page state. */
export interface Transcript {
  /** The session's id hash when stored; undefined for a page-only transcript. */
  readonly key: string | undefined;
  readonly entries: TranscriptEntry[];
  /** Text to put back into the message box (a message that was not accepted). */
  draft: string;
  /** Votes made on this page: comparison id → choice. */
  readonly voted: Map<number, ShownVote>;
}

/** Transcripts over Postgres, at most `maxEntries` per session (older ones are deleted). */
export class Transcripts {
  constructor(
    private readonly db: Db,
    private readonly maxEntries = 40,
  ) {}

  /** A page-only transcript (nothing stored), optionally with a draft. */
  ephemeral(draft = ''): Transcript {
    return { key: undefined, entries: [], draft, voted: new Map() };
  }

  /** The stored transcript of a session (empty when it has none yet). */
  async load(sessionHash: string): Promise<Transcript> {
    const [session] = await this.db.orm.select({ draft: webSessions.draft, voted: webSessions.voted }).from(webSessions).where(eq(webSessions.idHash, sessionHash));
    const rows = await this.db.orm
      .select({ id: webPageEntries.id, entry: webPageEntries.entry })
      .from(webPageEntries)
      .where(eq(webPageEntries.sessionHash, sessionHash))
      .orderBy(desc(webPageEntries.id))
      .limit(this.maxEntries);
    const voted = new Map<number, ShownVote>(Object.entries(session?.voted ?? {}).map(([k, v]) => [Number(k), v]));
    return { key: sessionHash, entries: rows.reverse().map((r) => ({ ...(r.entry as NewEntry), id: r.id }) as TranscriptEntry), draft: session?.draft ?? '', voted };
  }

  /** Appends an entry (stored for a session) and returns it. */
  async add(t: Transcript, entry: NewEntry): Promise<TranscriptEntry> {
    let id: number;
    if (t.key === undefined) {
      id = (t.entries.at(-1)?.id ?? 0) + 1;
    } else {
      const [row] = await this.db.orm.insert(webPageEntries).values({ sessionHash: t.key, entry }).returning({ id: webPageEntries.id });
      id = row!.id;
      // Keep the newest maxEntries: delete what falls below the cut.
      const cut = await this.db.orm
        .select({ id: webPageEntries.id })
        .from(webPageEntries)
        .where(eq(webPageEntries.sessionHash, t.key))
        .orderBy(desc(webPageEntries.id))
        .offset(this.maxEntries)
        .limit(1);
      if (cut[0] !== undefined) await this.db.orm.delete(webPageEntries).where(and(eq(webPageEntries.sessionHash, t.key), lt(webPageEntries.id, cut[0].id + 1)));
    }
    const e = { ...entry, id } as TranscriptEntry;
    t.entries.push(e);
    if (t.entries.length > this.maxEntries) t.entries.splice(0, t.entries.length - this.maxEntries);
    return e;
  }

  /** Sets the text put back into the message box (without control characters: Postgres refuses NUL in text). */
  async setDraft(t: Transcript, text: string): Promise<void> {
    const draft = stripControlChars(text);
    t.draft = draft;
    if (t.key !== undefined) await this.db.orm.update(webSessions).set({ draft }).where(eq(webSessions.idHash, t.key));
  }

  /** Records a vote shown on the page (merged into the stored map, so concurrent presses do not overwrite each other). */
  async setVoted(t: Transcript, comparisonId: number, choice: ShownVote): Promise<void> {
    t.voted.set(comparisonId, choice);
    if (t.key !== undefined) {
      await this.db.orm
        .update(webSessions)
        .set({ voted: sql`${webSessions.voted} || jsonb_build_object(${String(comparisonId)}::text, ${choice}::text)` })
        .where(eq(webSessions.idHash, t.key));
    }
  }
}
