/**
 * The Postgres ConversationStore: one `conversations` row per (person, platform, channel) holding the state as
 * JSON in `conversation_states`, and the chat messages in `messages`, oldest first.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { conversations, conversationStates, messages } from '../db/schema.ts';
import { EMPTY_STATE, type ConversationKey, type ConversationState, type ConversationStore } from '../agent/conversation-state.ts';
import type { LlmMessage } from '../agent/llm-client.ts';
import { estimateTokens } from '../agent/token-budget.ts';

/** Conversation memory in the database. */
export class PgConversationStore implements ConversationStore {
  constructor(private readonly db: Db) {}

  async load(key: ConversationKey, historyLimit: number): Promise<{ state: ConversationState; history: LlmMessage[] }> {
    const [row] = await this.db.orm
      .select({ id: conversations.id, state: conversationStates.state })
      .from(conversations)
      .leftJoin(conversationStates, eq(conversationStates.conversationId, conversations.id))
      .where(and(eq(conversations.personId, key.personId), eq(conversations.platform, key.platform), eq(conversations.channelId, key.channelId)));
    if (row === undefined) return { state: EMPTY_STATE, history: [] };
    const recent = await this.db.orm
      .select({ role: messages.role, content: messages.content })
      .from(messages)
      .where(eq(messages.conversationId, row.id))
      .orderBy(desc(messages.id))
      .limit(historyLimit);
    return { state: (row.state as ConversationState | null) ?? EMPTY_STATE, history: recent.reverse().map((m) => m.content as LlmMessage) };
  }

  async save(key: ConversationKey, state: ConversationState, newMessages: readonly LlmMessage[]): Promise<void> {
    await this.db.orm.transaction(async (tx) => {
      const [conv] = await tx
        .insert(conversations)
        .values({ personId: key.personId, platform: key.platform, channelId: key.channelId })
        .onConflictDoUpdate({ target: [conversations.personId, conversations.platform, conversations.channelId], set: { updatedAt: sql`now()` } })
        .returning({ id: conversations.id });
      const id = conv!.id;
      await tx
        .insert(conversationStates)
        .values({ conversationId: id, state })
        .onConflictDoUpdate({ target: conversationStates.conversationId, set: { state, updatedAt: sql`now()` } });
      if (newMessages.length > 0) await tx.insert(messages).values(newMessages.map((m) => ({ conversationId: id, role: m.role, content: m, tokens: estimateTokens(m) })));
    });
  }
}
