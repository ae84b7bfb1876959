/**
 * Block Kit rendering of FrontDesk replies: track sections with like / dislike / more-like-this buttons, the A/B
 * voting message (and its voted state), notices, and the App Home view with the taste profile. Pure functions: no I/O.
 * Every Earworm button carries the FrontDesk button id (`ew:…`) as its `action_id` and `value`; the few Slack-only
 * controls (App Home) use `slack:…` action ids.
 */
import type { types as SlackTypes } from '@slack/bolt';
import type { ReplyCard } from '../../agent/agent-reply.ts';
import type { CardView, ComparisonView, DeskReply } from '../../desk/front-desk.ts';
import type { VoteChoice } from '../../desk/button-actions.ts';
import { energyWord } from '../../desk/taste-form.ts';
import type { SpotifyState } from '../../desk/command-replies.ts';

export type Block = SlackTypes.KnownBlock;
type HomeView = SlackTypes.HomeView;

/** Action ids of the Slack-only controls. */
export const SLACK_ACTIONS = {
  compare: 'slack:compare',
  spotifyConnect: 'slack:spotify_connect',
  spotifyDisconnect: 'slack:spotify_disconnect',
  spotifyOpen: 'slack:spotify_open',
  refreshHome: 'slack:refresh_home',
  setTastes: 'slack:set_tastes',
} as const;

/** Slack's limits that shape the rendering. */
const MAX_SECTION_TEXT = 3000;
const MAX_BUTTON_TEXT = 75;
const MAX_CARDS = 10;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** "Title — Artist, Artist" in plain text. */
function trackLabel(card: Pick<ReplyCard, 'title' | 'artists'>): string {
  return card.artists.length > 0 ? `${card.title} — ${card.artists.join(', ')}` : card.title;
}

function cardText(card: ReplyCard, prefix = ''): string {
  const meta = [card.year === null ? undefined : String(card.year), card.genre ?? undefined, card.mood ?? undefined].filter((m): m is string => m !== undefined);
  const lines = [`${prefix}*${escapeMrkdwn(card.title)}* — ${escapeMrkdwn(card.artists.join(', ') || 'unknown artist')}`];
  if (meta.length > 0) lines.push(escapeMrkdwn(meta.join(' · ')));
  if (card.why !== undefined && card.why !== '') lines.push(`_${escapeMrkdwn(card.why)}_`);
  return clip(lines.join('\n'), MAX_SECTION_TEXT);
}

function button(text: string, actionId: string, style?: 'primary' | 'danger'): SlackTypes.Button {
  return { type: 'button', text: { type: 'plain_text', text: clip(text, MAX_BUTTON_TEXT), emoji: true }, action_id: actionId, value: actionId, ...(style === undefined ? {} : { style }) };
}

const textSection = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) } });
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) }] });

/** One track: a section and its like / dislike / more-like-this buttons. */
function cardBlocks(view: CardView, index: number): Block[] {
  return [
    textSection(cardText(view.card, `${index + 1}. `)),
    {
      type: 'actions',
      block_id: `card:${view.card.id}:${index}`,
      elements: [button('👍 Like', view.buttons.like), button('👎 Not for me', view.buttons.dislike), button('More like this', view.buttons.more)],
    },
  ];
}

/** An A/B pair with its vote buttons. */
function comparisonBlocks(view: ComparisonView): Block[] {
  const { a, b } = view.comparison;
  return [
    textSection(cardText(a, '*A* · ')),
    textSection(cardText(b, '*B* · ')),
    {
      type: 'actions',
      block_id: `vote:${view.comparison.comparisonId}`,
      elements: [
        button('A fits better', view.buttons.a, 'primary'),
        button('B fits better', view.buttons.b, 'primary'),
        button('Both fit', view.buttons.both),
        button('Neither', view.buttons.neither),
        button('Skip this pair', view.buttons.skip),
      ],
    },
  ];
}

/** Plain-text fallback of a reply (notifications, screen readers). */
export function replyFallback(reply: DeskReply): string {
  const parts = [reply.text];
  if (reply.comparison !== undefined) parts.push(`A: ${trackLabel(reply.comparison.comparison.a)} / B: ${trackLabel(reply.comparison.comparison.b)}`);
  for (const [i, c] of reply.cards.slice(0, MAX_CARDS).entries()) parts.push(`${i + 1}. ${trackLabel(c.card)}`);
  return clip(parts.filter((p) => p !== '').join('\n'), 3000);
}

/** A whole reply as message blocks; `lead` is an optional first line (e.g. who asked what). */
export function replyBlocks(reply: DeskReply, lead?: string): Block[] {
  const blocks: Block[] = [];
  if (lead !== undefined && lead !== '') blocks.push(context(lead));
  if (reply.text !== '') blocks.push(textSection(escapeMrkdwn(reply.text)));
  for (const [i, c] of reply.cards.slice(0, MAX_CARDS).entries()) blocks.push(...cardBlocks(c, i));
  if (reply.comparison !== undefined) blocks.push(...comparisonBlocks(reply.comparison));
  if (reply.suggestions.length > 0 && reply.comparison === undefined) {
    blocks.push(context(`Try: ${reply.suggestions.slice(0, 4).map((s) => `“${escapeMrkdwn(s)}”`).join(' · ')}`));
  }
  return blocks;
}

/** The A/B message after a vote: what was chosen, then the next pair (or a closing line when there is none). */
export function votedBlocks(choiceLine: string, next: DeskReply | undefined): Block[] {
  const blocks: Block[] = [textSection(`:white_check_mark: ${choiceLine}`)];
  if (next?.comparison !== undefined) {
    blocks.push({ type: 'divider' }, textSection('Next pair: which fits you better?'), ...comparisonBlocks(next.comparison));
  } else {
    blocks.push(context('No more pairs right now. Use `/earworm compare` later for more.'));
  }
  return blocks;
}

/** The taste profile as `get_taste_profile` returns it (the parts the Home tab shows). */
export interface TasteProfileView {
  readonly counts: { readonly liked: number; readonly skipped: number; readonly disliked: number; readonly votes: number };
  readonly confidence: number;
  readonly top_genres: readonly { readonly name: string; readonly count: number }[];
  readonly top_moods: readonly { readonly name: string; readonly count: number }[];
  readonly liked: readonly { readonly title: string; readonly artists: readonly string[] }[];
  /** What the person stated (set_tastes) and how much it still counts; null or absent when nothing. */
  readonly stated?: { readonly genres: readonly string[]; readonly moods: readonly string[]; readonly energy: number | null; readonly artists: readonly string[]; readonly weight: number } | null;
}

/** One recent A/B vote, for the Home tab. */
interface RecentVote {
  readonly choice: VoteChoice;
  readonly a: string;
  readonly b: string;
  readonly at: Date;
}


/** Inputs of the Home tab. */
interface HomeInput {
  readonly profile: TasteProfileView | undefined;
  readonly recentVotes: readonly RecentVote[];
  readonly chartUrl?: string;
  readonly spotify: SpotifyState;
  /** A one-off line at the top (the outcome of the last Home button). */
  readonly notice?: string;
}

const tally = (items: readonly { name: string; count: number }[]) =>
  items.length === 0 ? '_none yet_' : items.slice(0, 5).map((i) => `${escapeMrkdwn(i.name)} (${i.count})`).join(', ');

/** The App Home tab: taste profile (what was learnt and what the person stated), recent votes, chart, Spotify controls. */
export function homeView(input: HomeInput): HomeView {
  const blocks: Block[] = [];
  if (input.notice !== undefined) blocks.push(context(escapeMrkdwn(input.notice)));
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'Your taste profile', emoji: true } });
  const p = input.profile;
  if (p === undefined) {
    blocks.push(textSection('I could not load your taste profile just now. Open this tab again in a moment.'));
  } else {
    const c = p.counts;
    const pct = Math.round(Math.max(0, Math.min(1, p.confidence)) * 100);
    blocks.push(
      textSection(
        c.votes + c.liked + c.disliked === 0
          ? 'Nothing learnt yet. Send me `/earworm compare` and vote on a few pairs, or like some tracks, and your profile fills in here.'
          : `*Confidence:* ${pct}% from ${c.votes} A/B vote${c.votes === 1 ? '' : 's'}\n*Ratings:* ${c.liked} liked · ${c.disliked} disliked · ${c.skipped} skipped`,
      ),
      textSection(`*Top genres:* ${tally(p.top_genres)}\n*Top moods:* ${tally(p.top_moods)}`),
    );
    blocks.push(textSection(statedSection(p.stated)));
    if (p.liked.length > 0) blocks.push(textSection(`*Recently liked:*\n${p.liked.slice(0, 5).map((t) => `• ${escapeMrkdwn(trackLabel(t))}`).join('\n')}`));
  }
  if (input.recentVotes.length > 0) {
    const lines = input.recentVotes.map((v) =>
      v.choice === 'skip'
        ? `• skipped ${escapeMrkdwn(v.a)} vs ${escapeMrkdwn(v.b)}`
        : v.choice === 'both'
          ? `• both ${escapeMrkdwn(v.a)} and ${escapeMrkdwn(v.b)}`
          : v.choice === 'neither'
            ? `• neither ${escapeMrkdwn(v.a)} nor ${escapeMrkdwn(v.b)}`
            : `• *${escapeMrkdwn(v.choice === 'a' ? v.a : v.b)}* over ${escapeMrkdwn(v.choice === 'a' ? v.b : v.a)}`,
    );
    blocks.push(textSection(`*Recent votes:*\n${lines.join('\n')}`));
  }
  if (input.chartUrl !== undefined) {
    blocks.push({ type: 'image', image_url: input.chartUrl, alt_text: 'Chart of your taste profile: genres and moods you lean towards' });
  }
  blocks.push({
    type: 'actions',
    block_id: 'home:main',
    elements: [button('Compare two songs', SLACK_ACTIONS.compare, 'primary'), button('Set my tastes', SLACK_ACTIONS.setTastes), button('Refresh', SLACK_ACTIONS.refreshHome)],
  });
  blocks.push({ type: 'divider' }, ...spotifyBlocks(input.spotify));
  return { type: 'home', blocks };
}

/** "What you told me": the stated tastes (set with the "Set my tastes" modal) and how much they still count. */
function statedSection(s: TasteProfileView['stated']): string {
  if (s === null || s === undefined) return '*What you told me:* _nothing yet_. Press *Set my tastes* to pick genres, moods, artists and an energy level.';
  const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.map(escapeMrkdwn).join(', '));
  const energy = s.energy === null ? '—' : `${s.energy} (${energyWord(s.energy)})`;
  return [
    `*What you told me* (counts ${Math.round(s.weight * 100)}% now; fades as you vote and like):`,
    `Genres: ${list(s.genres)} · Moods: ${list(s.moods)} · Energy: ${energy}`,
    `Artists: ${list(s.artists)}`,
  ].join('\n');
}

function spotifyBlocks(s: SpotifyState): Block[] {
  switch (s.kind) {
    case 'unavailable':
      return [textSection("*Spotify:* Spotify isn't set up on this server.")];
    case 'connected':
      return [
        textSection(`*Spotify:* connected as ${escapeMrkdwn(s.user)}. Your library seeds your recommendations.`),
        { type: 'actions', block_id: 'home:spotify', elements: [button('Disconnect Spotify', SLACK_ACTIONS.spotifyDisconnect, 'danger')] },
      ];
    case 'disconnected':
      return [
        textSection('*Spotify:* not connected. Connect your account so your library seeds your recommendations.'),
        { type: 'actions', block_id: 'home:spotify', elements: [button('Connect Spotify', SLACK_ACTIONS.spotifyConnect, 'primary')] },
      ];
    case 'link':
      return [
        textSection(`*Spotify:* open the link to connect (valid for ${s.expiresInMinutes} minute${s.expiresInMinutes === 1 ? '' : 's'}).`),
        {
          type: 'actions',
          block_id: 'home:spotify',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Connect on Spotify' }, action_id: SLACK_ACTIONS.spotifyOpen, url: s.url, style: 'primary' }],
        },
      ];
    case 'unknown':
      return [
        textSection('*Spotify:* connect your account so your library seeds your recommendations. Disconnecting deletes those seeds.'),
        { type: 'actions', block_id: 'home:spotify', elements: [button('Connect Spotify', SLACK_ACTIONS.spotifyConnect, 'primary'), button('Disconnect Spotify', SLACK_ACTIONS.spotifyDisconnect)] },
      ];
  }
}

/** Help for `/earworm help` and an empty command. */
export const HELP_TEXT = [
  '*Earworm* recommends music. Try:',
  '• `/earworm upbeat indie for a run`: recommendations with 👍 / 👎 / more-like-this buttons',
  '• `/earworm compare`: vote on A/B pairs to teach it your taste',
  '• `/earworm tastes`: tell it the genres, moods, artists and energy you like (a form)',
  '• `/earworm people like me`: listeners with taste like yours, in aggregate (only you see it)',
  '• `/earworm spotify connect` or `/earworm spotify disconnect`',
  '• mention @Earworm in a channel, or send it a direct message',
  'Your taste profile is on the app’s *Home* tab.',
].join('\n');
