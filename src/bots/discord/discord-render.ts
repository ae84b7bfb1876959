/**
 * Renders the desk's replies as Discord messages: one embed per track (title, artists, genre and mood badges, the
 * explanation, the signals that ranked it), a row of like / dislike / more-like-this buttons per track, and an A/B
 * pair with A / B / skip buttons. After a press the message is re-rendered from what Discord sent back: the chosen
 * side is marked and the buttons are disabled.
 */
import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { ReplyCard } from '../../agent/agent-reply.ts';
import type { CardView, ComparisonView, DeskReply } from '../../desk/front-desk.ts';
import type { VoteChoice } from '../../desk/button-actions.ts';
import type { ActionRow, OutgoingMessage } from './discord-request.ts';

/** Embed colours. */
export const COLOURS = { track: 0x7c3aed, a: 0x2563eb, b: 0xdb2777, chosen: 0x16a34a, muted: 0x4b5563, profile: 0x0891b2 } as const;

/** Discord's limits that rendering respects. */
export const LIMITS = { content: 2000, embedsPerMessage: 10, rows: 5, buttonLabel: 80, embedTitle: 256, embedDescription: 4096, fieldValue: 1024, footer: 2048 } as const;

/** Tracks shown per message: one button row each, at most five rows. */
const CARDS_PER_MESSAGE = 5;

/** One signal behind a recommendation (from the recommend / similar_tracks tools' `why.signals`). */
interface SignalView {
  readonly signal: string;
  readonly contribution: number;
}

const SIGNAL_NAMES: Readonly<Record<string, string>> = {
  ials: 'listeners like you',
  cf: 'listeners like you',
  itemknn: 'played together',
  rp3beta: 'played together',
  content: 'sounds alike',
  popularity: 'popular',
  preference: 'your A/B votes',
};

/** Shortens text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The signals line of a track embed: the three that weighed most, always including the A/B votes when present. */
export function signalsLine(signals: readonly SignalView[]): string {
  const named = (s: SignalView) => `${SIGNAL_NAMES[s.signal] ?? SIGNAL_NAMES[s.signal.split('-')[0]!] ?? s.signal} ${s.contribution >= 0 ? '+' : '−'}${Math.abs(s.contribution).toFixed(2)}`;
  const top = [...signals].sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution)).slice(0, 3);
  const pref = signals.find((s) => s.signal === 'preference');
  if (pref !== undefined && !top.includes(pref)) top.push(pref);
  return top.map(named).join(' · ');
}

/** `rock` `sad` `1997` as inline-code badges. */
function badges(card: ReplyCard): string {
  const parts = [card.genre, card.mood, card.year === null ? null : String(card.year)].filter((p): p is string => p !== null);
  return parts.map((p) => `\`${p}\``).join(' ');
}

/** The embed of one track; `label` prefixes the title ("1.", "A"). */
function trackEmbed(card: ReplyCard, label?: string, signals?: readonly SignalView[], colour: number = COLOURS.track): APIEmbed {
  const lines = [`by **${card.artists.join(', ') || 'unknown artist'}**`];
  const b = badges(card);
  if (b !== '') lines.push(b);
  if (card.why !== undefined) lines.push(`*${card.why}*`);
  const embed: APIEmbed = {
    title: clip(label === undefined ? card.title : `${label} ${card.title}`, LIMITS.embedTitle),
    description: clip(lines.join('\n'), LIMITS.embedDescription),
    color: colour,
  };
  return signals !== undefined && signals.length > 0 ? { ...embed, footer: { text: clip(`Signals: ${signalsLine(signals)}`, LIMITS.footer) } } : embed;
}

function button(customId: string, label: string, style: ButtonStyle, emoji?: string): APIButtonComponent {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label: clip(label, LIMITS.buttonLabel),
    style,
    ...(emoji !== undefined ? { emoji: { name: emoji } } : {}),
  } as APIButtonComponent;
}

/** A link button (Spotify). */
export function linkButton(url: string, label: string): ActionRow {
  return { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Link, url, label: clip(label, LIMITS.buttonLabel) }] };
}

/** The like / dislike / more-like-this row of the n-th card. */
function cardRow(view: CardView, n: number): ActionRow {
  return {
    type: ComponentType.ActionRow,
    components: [
      button(view.buttons.like, `Like #${n}`, ButtonStyle.Secondary, '👍'),
      button(view.buttons.dislike, `Dislike #${n}`, ButtonStyle.Secondary, '👎'),
      button(view.buttons.more, `More like #${n}`, ButtonStyle.Primary, '🔁'),
    ],
  };
}

/** The two embeds and the vote row of an A/B comparison. */
function comparisonMessage(view: ComparisonView, content: string): OutgoingMessage {
  const { a, b } = view.comparison;
  return {
    content: clip(content, LIMITS.content),
    embeds: [trackEmbed(a, 'A ·', undefined, COLOURS.a), trackEmbed(b, 'B ·', undefined, COLOURS.b)],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          button(view.buttons.a, `A: ${a.title}`, ButtonStyle.Primary),
          button(view.buttons.b, `B: ${b.title}`, ButtonStyle.Primary),
          button(view.buttons.both, 'Both', ButtonStyle.Secondary, '👍'),
          button(view.buttons.neither, 'Neither', ButtonStyle.Secondary, '👎'),
          button(view.buttons.skip, 'Skip', ButtonStyle.Secondary, '⏭️'),
        ],
      },
    ],
  };
}

/** A desk reply as one or more messages: text and the first five cards, then five more per message, then the A/B pair. */
export function renderReply(reply: DeskReply, signals?: ReadonlyMap<number, readonly SignalView[]>): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  const text = clip(reply.text.trim(), LIMITS.content);
  for (let start = 0; start < reply.cards.length; start += CARDS_PER_MESSAGE) {
    const chunk = reply.cards.slice(start, start + CARDS_PER_MESSAGE);
    out.push({
      ...(start === 0 && text !== '' ? { content: text } : {}),
      embeds: chunk.map((v, i) => trackEmbed(v.card, `${start + i + 1}.`, signals?.get(v.card.id))),
      components: chunk.map((v, i) => cardRow(v, start + i + 1)),
    });
  }
  if (reply.comparison !== undefined) out.push(comparisonMessage(reply.comparison, out.length === 0 ? text : 'Which of these two fits you better?'));
  if (out.length === 0) out.push({ content: text === '' ? 'I have nothing to show for that yet.' : text });
  return out;
}

type Button = APIButtonComponent & { custom_id?: string };

function rowsWith(components: readonly ActionRow[], change: (b: Button, row: number) => Button): ActionRow[] {
  return components.map((row, r) => ({
    ...row,
    components: row.components.map((c) => (c.type === ComponentType.Button ? (change(c as Button, r) as typeof c) : c)),
  }));
}

/** The pair message after a vote: the chosen side marked, every button disabled. */
export function markVoted(message: { embeds: readonly APIEmbed[]; components: readonly ActionRow[] }, pressedId: string, choice: VoteChoice): { embeds: APIEmbed[]; components: ActionRow[] } {
  const chosen = choice === 'a' ? 0 : choice === 'b' ? 1 : -1;
  const note = choice === 'skip' ? 'Skipped' : choice === 'both' ? 'Both fit' : choice === 'neither' ? 'Neither fits' : undefined;
  const embeds = message.embeds.map((e, i) => {
    if (i === chosen) return { ...e, title: `✅ ${e.title ?? ''}`.trim(), color: COLOURS.chosen, footer: { text: 'Your pick' } };
    return { ...e, color: COLOURS.muted, ...(note !== undefined && i === message.embeds.length - 1 ? { footer: { text: note } } : {}) };
  });
  const components = rowsWith(message.components, (b) => ({
    ...b,
    disabled: true,
    ...(b.custom_id === pressedId ? { style: choice === 'a' || choice === 'b' ? ButtonStyle.Success : ButtonStyle.Secondary } : {}),
  }) as Button);
  return { embeds, components };
}

/** A card message after a like or dislike by its owner: that card's rating buttons show the rating and are disabled. */
export function markRated(components: readonly ActionRow[], pressedId: string, rating: 'like' | 'dislike' | 'skip'): ActionRow[] {
  const row = components.findIndex((r) => r.components.some((c) => c.type === ComponentType.Button && (c as Button).custom_id === pressedId));
  if (row < 0) return [...components];
  return rowsWith(components, (b, r) => {
    if (r !== row || b.style === ButtonStyle.Primary || b.style === ButtonStyle.Link) return b;
    if (b.custom_id !== pressedId) return { ...b, disabled: true } as Button;
    return { ...b, disabled: true, style: rating === 'like' ? ButtonStyle.Success : ButtonStyle.Danger, label: rating === 'like' ? 'Liked' : rating === 'dislike' ? 'Disliked' : 'Skipped' } as Button;
  });
}
