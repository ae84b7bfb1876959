/**
 * The one conversation core behind every chat front end (Discord, Slack, the web playground): it turns a platform
 * user into a person, applies the per-person rate limit, runs the agent for free text, attaches server-side buttons
 * to every card and comparison, and applies button presses (votes, likes, more-like-this) exactly once.
 * Front ends only translate platform payloads to these calls and render `DeskReply` in their own format.
 */
import type { Agent } from '../agent/agent.ts';
import { toReplyCard, type AgentReply, type ReplyCard, type ReplyComparison } from '../agent/agent-reply.ts';
import type { ConversationKey, ConversationStore } from '../agent/conversation-state.ts';
import type { Db } from '../db/db.ts';
import { linkedUserId } from '../serving/state/linked-accounts.ts';
import { resolvePerson } from '../serving/state/people.ts';
import { comparisonTitles, recentVotes, type RecentVote } from '../db/votes.ts';
import type { Logger } from '../logging/logger.ts';
import { stripControlChars } from '../tools/control-chars.ts';
import { callTool, type ToolArgs, type ToolCallOutcome, type ToolFailure, type ToolName } from '../tools/registry.ts';
import { contextFor, type ToolServices } from '../tools/tool-context.ts';
import { ButtonActions, type ButtonAction } from './button-actions.ts';
import { Conversation } from './conversation.ts';
import { RateLimiter } from './rate-limiter.ts';

/** Who is talking, where. */
export interface Speaker {
  /** `discord`, `slack`, `web`, … (the identity provider). */
  readonly platform: string;
  /** The platform's user id (for Slack, include the team: `T123:U456`). */
  readonly externalId: string;
  readonly displayName?: string;
  /** Conversation channel (a DM, a channel, a thread, a browser tab). */
  readonly channelId: string;
}

/** Button ids of one card. */
interface CardButtons {
  readonly like: string;
  readonly dislike: string;
  readonly more: string;
}

/** A card as a front end shows it. */
export interface CardView {
  readonly card: ReplyCard;
  readonly buttons: CardButtons;
}

/** An A/B comparison as a front end shows it. */
export interface ComparisonView {
  readonly comparison: ReplyComparison;
  readonly buttons: { readonly a: string; readonly b: string; readonly both: string; readonly neither: string; readonly skip: string };
}

/** What a front end renders. */
export interface DeskReply {
  readonly text: string;
  readonly cards: readonly CardView[];
  readonly comparison?: ComparisonView;
  readonly suggestions: readonly string[];
  readonly planner: 'llm' | 'rules' | 'button';
}

/** The outcome of a press or a message. `notice` kinds are for the person only (ephemeral where possible). */
export type DeskOutcome =
  | { readonly kind: 'reply'; readonly reply: DeskReply; readonly personId: number }
  | {
      readonly kind: 'pressed';
      readonly personId: number;
      readonly action: ButtonAction;
      /** false: this press was already applied (a repeated delivery or a second click). */
      readonly recorded: boolean;
      /** One short line for the person ("Voted for A.", "Liked Creep."). */
      readonly ack: string;
      /** What to show next: the next comparison after a vote, similar tracks after "more". */
      readonly reply?: DeskReply;
    }
  | { readonly kind: 'notice'; readonly code: 'rate_limited' | 'expired' | 'unknown' | 'not_yours' | 'empty' | 'too_long' | 'failed'; readonly message: string };

/** Longest message the agent is given. */
export const MAX_MESSAGE_CHARS = 2000;

/** Dependencies of the desk. */
interface FrontDeskOptions {
  readonly db: Db;
  readonly agent: Agent;
  readonly services: ToolServices;
  readonly store: ConversationStore;
  readonly logger: Logger;
  /** Requests per person per minute (default 20). */
  readonly ratePerMinute?: number;
  readonly now?: () => number;
}

/** The conversation core shared by the chat front ends. */
export class FrontDesk {
  readonly buttons: ButtonActions;
  private readonly limiter: RateLimiter;
  /** Conversations kept per (person, channel): the terminal chat runs its turns here too. */
  readonly conversation: Conversation;

  constructor(private readonly options: FrontDeskOptions) {
    this.buttons = new ButtonActions(options.db, options.now);
    this.conversation = new Conversation({ agent: options.agent, store: options.store });
    this.limiter = new RateLimiter(options.ratePerMinute ?? 20, 60_000, options.now);
  }

  /** The person behind a platform user (created on first sight). */
  person(speaker: Speaker): Promise<number> {
    return resolvePerson(this.options.db, speaker.platform, speaker.externalId, speaker.displayName);
  }

  /** Free text to the agent (control characters removed first: Postgres cannot store some, and none carries meaning). */
  async say(speaker: Speaker, text: string): Promise<DeskOutcome> {
    const trimmed = stripControlChars(text).trim();
    if (trimmed === '') return { kind: 'notice', code: 'empty', message: 'Say what you would like to hear, for example "upbeat indie for a run".' };
    if (trimmed.length > MAX_MESSAGE_CHARS) {
      return { kind: 'notice', code: 'too_long', message: `That message is ${trimmed.length.toLocaleString('en-US')} characters; please keep it under ${MAX_MESSAGE_CHARS.toLocaleString('en-US')}.` };
    }
    const personId = await this.person(speaker);
    const limited = this.limit(speaker);
    if (limited !== undefined) return limited;
    const reply = await this.conversation.handle({ personId, platform: speaker.platform, channelId: speaker.channelId, text: trimmed });
    // Earworm itself failed (already logged where it happened): a short message for the person, not a reply for all.
    if (reply.failure?.kind === 'system') return { kind: 'notice', code: 'failed', message: reply.text };
    return { kind: 'reply', personId, reply: await this.decorate(personId, speaker.platform, reply) };
  }

  /** Starts (or continues) A/B voting: the next comparison, with vote buttons. */
  async compare(speaker: Speaker): Promise<DeskOutcome> {
    const personId = await this.person(speaker);
    const limited = this.limit(speaker);
    if (limited !== undefined) return limited;
    const next = await this.nextComparison(personId, speaker, 'Which of these two fits you better?');
    return next.kind === 'notice' ? next : { kind: 'reply', personId, reply: next.reply };
  }

  /** Runs one tool for the speaker (slash-command options, profile, autocomplete); rate-limited. */
  async tool<N extends ToolName>(speaker: Speaker, name: N, args: ToolArgs<N>, options: { limited?: boolean } = {}): Promise<{ personId: number; outcome: ToolCallOutcome<N> } | DeskOutcome> {
    const personId = await this.person(speaker);
    if (options.limited !== false) {
      const limited = this.limit(speaker);
      if (limited !== undefined) return limited;
    }
    return { personId, outcome: await callTool(name, args, contextFor(this.options.services, personId, { platform: speaker.platform })) };
  }

  /** Applies a button press (its id as the button carried it). */
  async press(speaker: Speaker, buttonId: string): Promise<DeskOutcome> {
    const found = await this.buttons.resolve(buttonId);
    if (found.status === 'unknown') {
      return { kind: 'notice', code: 'unknown', message: "I don't recognise that button: it may come from an old version of Earworm. Ask me again for fresh recommendations." };
    }
    if (found.status === 'expired') {
      return { kind: 'notice', code: 'expired', message: 'That button has expired. Ask me again (or use /compare) for fresh ones.' };
    }
    const personId = await this.person(speaker);
    const action = found.action;
    if (action.type === 'vote' && found.personId !== personId) {
      return { kind: 'notice', code: 'not_yours', message: 'That comparison was made for someone else. Use /compare to get your own.' };
    }
    const limited = this.limit(speaker);
    if (limited !== undefined) return limited;
    const ctx = contextFor(this.options.services, personId, { platform: speaker.platform });
    const interactionId = `button:${found.key}`;
    switch (action.type) {
      case 'vote': {
        const out = await callTool('record_preference', { comparison_id: action.comparisonId, choice: action.choice, interaction_id: `comparison:${personId}:${action.comparisonId}` }, ctx);
        if (out.kind !== 'ok') return this.failed(out);
        await this.buttons.markUsed(found.key);
        const { recorded, choice: stored, votes } = out.value;
        const ack = recorded ? voteAck(stored, votes) : `Already counted: you chose ${voteWords(stored)}.`;
        await this.forgetComparison(personId, speaker, action.comparisonId);
        const next = await this.nextComparison(personId, speaker, `${ack} Next one:`);
        return { kind: 'pressed', personId, action, recorded, ack, ...(next.kind === 'notice' ? {} : { reply: next.reply }) };
      }
      case 'rate': {
        const out = await callTool('rate_track', { track: action.trackId, rating: action.rating, interaction_id: interactionId }, ctx);
        if (out.kind !== 'ok') return this.failed(out);
        const { recorded, track: { title } } = out.value;
        const verb = action.rating === 'like' ? 'Liked' : action.rating === 'dislike' ? 'Disliked' : 'Skipped';
        const ack = recorded
          ? `${verb} ${title}.${action.rating === 'dislike' ? ' I will not suggest it again.' : action.rating === 'like' ? ' It will seed your next recommendations.' : ''}`
          : `Already noted: ${verb.toLowerCase()} ${title}.`;
        return { kind: 'pressed', personId, action, recorded, ack };
      }
      case 'more': {
        const out = await callTool('similar_tracks', { track: action.trackId, count: 5 }, ctx);
        if (out.kind !== 'ok') return this.failed(out);
        const seed = out.value.track;
        const cards = out.value.similar.map((s) => toReplyCard(s.track, s.why.sentence));
        const text = cards.length > 0 ? `More like ${seed.title}:` : `Nothing close to ${seed.title} yet. ${out.value.notes.join(' ')}`.trim();
        await this.remember(personId, speaker, cards);
        const reply = await this.decorate(personId, speaker.platform, { text, cards, suggestions: [], planner: 'rules' }, 'button');
        return { kind: 'pressed', personId, action, recorded: true, ack: text, reply };
      }
      case 'compare': {
        const next = await this.nextComparison(personId, speaker, 'Which of these two fits you better?');
        if (next.kind === 'notice') return next;
        return { kind: 'pressed', personId, action, recorded: true, ack: 'Here is a pair to compare.', reply: next.reply };
      }
      case 'custom':
        return { kind: 'pressed', personId, action, recorded: true, ack: '' };
    }
  }

  /** The person's last A/B votes with their pairs' titles, newest first. */
  recentVotes(personId: number, limit = 5): Promise<RecentVote[]> {
    return recentVotes(this.options.db, personId, limit);
  }

  /** The titles of a comparison's two tracks (what a vote acknowledgement names); undefined for an unknown id. */
  comparisonTitles(comparisonId: number): Promise<{ a: string; b: string } | undefined> {
    return comparisonTitles(this.options.db, comparisonId);
  }

  /** The user id a person linked on a provider (Spotify), if any. */
  linkedAccount(personId: number, provider: string): Promise<string | undefined> {
    return linkedUserId(this.options.db, personId, provider);
  }

  /** Adds buttons to an agent reply. */
  async decorate(personId: number, platform: string, reply: AgentReply, planner?: DeskReply['planner']): Promise<DeskReply> {
    const actions: ButtonAction[] = [];
    for (const c of reply.cards) {
      actions.push({ type: 'rate', trackId: c.id, rating: 'like' }, { type: 'rate', trackId: c.id, rating: 'dislike' }, { type: 'more', trackId: c.id });
    }
    const cmp = reply.comparison;
    if (cmp !== undefined) {
      for (const choice of VOTE_CHOICES) actions.push({ type: 'vote', comparisonId: cmp.comparisonId, choice });
    }
    const ids = await this.buttons.createMany(personId, platform, actions);
    const cards: CardView[] = reply.cards.map((card, i) => ({ card, buttons: { like: ids[3 * i]!, dislike: ids[3 * i + 1]!, more: ids[3 * i + 2]! } }));
    const base = 3 * reply.cards.length;
    return {
      text: reply.text,
      cards,
      ...(cmp !== undefined
        ? { comparison: { comparison: cmp, buttons: { a: ids[base]!, b: ids[base + 1]!, both: ids[base + 2]!, neither: ids[base + 3]!, skip: ids[base + 4]! } } }
        : {}),
      suggestions: reply.suggestions,
      planner: planner ?? reply.planner,
    };
  }

  private limit(speaker: Speaker): DeskOutcome | undefined {
    const d = this.limiter.take(`${speaker.platform}:${speaker.externalId}`);
    if (d.allowed) return undefined;
    const s = Math.ceil(d.retryAfterMs / 1000);
    return { kind: 'notice', code: 'rate_limited', message: `You're going a bit fast for me. Try again in ${s} second${s === 1 ? '' : 's'}.` };
  }

  private failed(out: ToolFailure): Extract<DeskOutcome, { kind: 'notice' }> {
    return { kind: 'notice', code: 'failed', message: out.message };
  }

  private async nextComparison(personId: number, speaker: Speaker, text: string): Promise<{ kind: 'ok'; reply: DeskReply } | Extract<DeskOutcome, { kind: 'notice' }>> {
    const out = await callTool('next_comparison', {}, contextFor(this.options.services, personId, { platform: speaker.platform }));
    if (out.kind !== 'ok') return this.failed(out);
    const comparison: ReplyComparison = { comparisonId: out.value.comparison_id, a: toReplyCard(out.value.a), b: toReplyCard(out.value.b) };
    const key = this.key(personId, speaker);
    const { state } = await this.options.store.load(key, 0);
    await this.options.store.save(key, { ...state, pendingComparison: comparison }, []);
    return { kind: 'ok', reply: await this.decorate(personId, speaker.platform, { text, cards: [], comparison, suggestions: ['a', 'b', 'both', 'neither', 'skip'], planner: 'rules' }, 'button') };
  }

  private async forgetComparison(personId: number, speaker: Speaker, comparisonId: number): Promise<void> {
    const key = this.key(personId, speaker);
    const { state } = await this.options.store.load(key, 0);
    if (state.pendingComparison?.comparisonId !== comparisonId) return;
    const { pendingComparison: _done, ...rest } = state;
    await this.options.store.save(key, rest, []);
  }

  /** Remembers the cards just shown in the speaker's conversation: what "save these" or "like 2" then refers to. */
  async remember(personId: number, speaker: Speaker, cards: readonly ReplyCard[]): Promise<void> {
    if (cards.length === 0) return;
    const key = this.key(personId, speaker);
    const { state } = await this.options.store.load(key, 0);
    await this.options.store.save(key, { ...state, lastRecommendations: cards }, []);
  }

  /** The cards last shown in the speaker's conversation, by any path (agent, slash command, button); empty when none. */
  async lastShown(speaker: Speaker): Promise<readonly ReplyCard[]> {
    const { state } = await this.options.store.load(this.key(await this.person(speaker), speaker), 0);
    return state.lastRecommendations;
  }

  private key(personId: number, speaker: Speaker): ConversationKey {
    return { personId, platform: speaker.platform, channelId: speaker.channelId };
  }
}

/** The vote buttons of a pair, in display order. */
const VOTE_CHOICES = ['a', 'b', 'both', 'neither', 'skip'] as const;

/** What a stored choice means, as words ("A", "both", "to skip that pair"). */
function voteWords(choice: string): string {
  if (choice === 'skip') return 'to skip that pair';
  if (choice === 'both') return 'both (they fit equally)';
  if (choice === 'neither') return 'neither';
  return choice.toUpperCase();
}

function voteAck(choice: string, votes: number): string {
  if (choice === 'skip') return 'Skipped that pair.';
  const count = `Your taste model has ${String(votes)} vote${votes === 1 ? '' : 's'} now.`;
  if (choice === 'both') return `Noted: both fit you. ${count}`;
  if (choice === 'neither') return `Noted: neither fits you. ${count}`;
  return `Voted for ${choice.toUpperCase()}. ${count}`;
}
