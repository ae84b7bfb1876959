/**
 * Replies to the structured commands a front end offers besides free text (Discord's slash commands today): run the
 * tools through the FrontDesk (its identity, rate limit and buttons) and turn their typed outcomes into
 * platform-neutral replies. A front end only parses its options into these requests and renders the replies.
 */
import { activityPreset, ACTIVITY_NAMES, constraintInput, findActivity } from '../recsys/constraints/constraint-vocabulary.ts';
import { canonicalMood } from '../recsys/labels/vocabulary.ts';
import { toReplyCard, type ReplyCard } from '../agent/agent-reply.ts';
import type { ToolArgs, ToolFailure, ToolName, ToolOutput } from '../tools/registry.ts';
import { relaxationNotes } from '../tools/schemas.ts';
import type { DeskOutcome, DeskReply, FrontDesk, Speaker } from './front-desk.ts';
import { energyWord } from './taste-form.ts';
import { failureText } from './turn-reply.ts';

/** What one ranking signal added to a track's score (for "why this track"). */
interface SignalShare {
  readonly signal: string;
  readonly contribution: number;
}

/** A titled block of short facts (a profile, a summary of similar listeners). */
export interface InfoCard {
  readonly title: string;
  readonly description: string;
  readonly fields: readonly { readonly name: string; readonly value: string; readonly inline?: boolean }[];
}

/** A command's reply, for the front end to render in its own format. */
export type CommandReply =
  /** Cards (with buttons) or text, shown as the command was (public or private); `signals` by card id. */
  | { readonly kind: 'reply'; readonly reply: DeskReply; readonly signals?: ReadonlyMap<number, readonly SignalShare[]> }
  /** A short message with an optional link button. */
  | { readonly kind: 'text'; readonly text: string; readonly link?: { readonly url: string; readonly label: string } }
  /** A message for the person only (a notice, a failure, a question back). */
  | { readonly kind: 'private'; readonly text: string }
  /** The person's taste profile (the front end may attach a chart of `personId`'s taste). */
  | { readonly kind: 'profile'; readonly personId: number; readonly card: InfoCard }
  /** People with similar taste: a summary, and what they play as cards when there is anything. */
  | { readonly kind: 'listeners'; readonly card: InfoCard; readonly reply?: DeskReply };

/** Where a person's Spotify account stands after a connect or disconnect (what a home screen shows). */
export type SpotifyState =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'link'; readonly url: string; readonly expiresInMinutes: number }
  | { readonly kind: 'connected'; readonly user: string };

/** Options of a recommendation command. */
interface RecommendRequest {
  readonly text?: string;
  readonly genre?: string;
  readonly mood?: string;
  readonly count: number;
}

/** How a person does three things on this front end, for hints in replies ("/compare" on Discord). */
interface CommandHints {
  readonly compare: string;
  readonly tastes: string;
  readonly export: string;
}

/** Hints in words, for a front end without named commands. */
const PLAIN_HINTS: CommandHints = { compare: 'ask me to compare two songs', tastes: 'tell me what you like', export: 'ask me to export them' };

/** Shown when the Spotify tools are not registered on this server. */
const SPOTIFY_NOT_SET_UP = "Spotify isn't set up on this server, so I can't connect accounts or save playlists here. Whoever runs Earworm can enable it by configuring SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.";

type Rec = ToolOutput<'recommend'>['recommendations'][number];
type Ran<N extends ToolName> = { readonly personId: number; readonly value: ToolOutput<N> };

const privately = (text: string): CommandReply => ({ kind: 'private', text });

/** Words for a failed tool call made by a command (never the text meant for a language model). */
function failure(outcome: ToolFailure, what: string): CommandReply {
  if (outcome.kind === 'retry' && outcome.candidates !== undefined && outcome.candidates.length > 0) {
    const list = outcome.candidates.slice(0, 10).map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    return privately(`Which one did you mean?\n${list}\nRun the command again and pick one from the suggestions as you type.`);
  }
  if (outcome.kind === 'retry' && /^(unknown_track|unknown_artist|no_seeds_found)$/.test(outcome.code)) {
    return privately(`I couldn't find ${what} in the catalogue. Try an artist or a song title, or choose a genre or mood.`);
  }
  if (outcome.kind === 'retry' && (outcome.code === 'unknown_genre' || outcome.code === 'unknown_mood')) {
    return privately(`I don't know that ${outcome.code === 'unknown_genre' ? 'genre' : 'mood'} yet. Pick one from the suggestions as you type, or describe it in the request instead.`);
  }
  return privately(failureText(outcome));
}

/** A desk notice (rate limit, expired button…) as a private reply. */
export function noticeReply(o: DeskOutcome): CommandReply {
  return privately(o.kind === 'notice' ? o.message : 'I could not do that.');
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const isReply = (x: object): x is CommandReply => 'kind' in x;

/** The text above recommendations: the intro, a note on popular picks, and what was relaxed (never dropped silently). */
function recommendText(value: ToolOutput<'recommend'>, intro: string, hints: CommandHints): string {
  const lines = [intro];
  if (value.strategy === 'popularity') lines.push(`_These are popular picks: rate them with 👍 / 👎, or ${hints.compare}, and I will learn your taste._`);
  lines.push(...relaxationNotes(value.relaxed).map((n) => `_${n}_`));
  return lines.join('\n');
}

/** Stated tastes in one line, with how much they still count. */
function statedText(s: { genres: readonly string[]; moods: readonly string[]; energy: number | null; artists: readonly string[]; weight: number } | null | undefined, hints: CommandHints): string {
  if (s === null || s === undefined) return `Nothing yet: ${hints.tastes} to say what you like.`;
  const parts = [...s.genres, ...s.moods, ...s.artists, ...(s.energy === null ? [] : [`${energyWord(s.energy)} energy`])];
  return `${parts.join(', ')} (counts ${Math.round(s.weight * 100)}% now; ${hints.tastes} to edit)`;
}

/** Replies to structured commands, through the desk. */
export class CommandReplies {
  constructor(
    private readonly desk: FrontDesk,
    private readonly hints: CommandHints = PLAIN_HINTS,
  ) {}

  /** Activity names a vibe may name (the one activity table's). */
  readonly activityNames: readonly string[] = ACTIVITY_NAMES;

  /** One tool call through the desk: the value, or the reply to give instead. */
  private async run<N extends ToolName>(speaker: Speaker, name: N, args: ToolArgs<N>, what: string): Promise<Ran<N> | CommandReply> {
    const r = await this.desk.tool(speaker, name, args);
    if (!('outcome' in r)) return noticeReply(r);
    if (r.outcome.kind !== 'ok') return failure(r.outcome, what);
    return { personId: r.personId, value: r.outcome.value };
  }

  /** Recommendation results as cards with buttons and signals, remembered as shown (for a later export). */
  private async cards(speaker: Speaker, personId: number, recs: readonly Rec[], text: string, emptyText: string): Promise<CommandReply> {
    const cards: ReplyCard[] = [];
    const signals = new Map<number, SignalShare[]>();
    for (const r of recs) {
      const card = toReplyCard(r.track, r.why.sentence);
      cards.push(card);
      signals.set(card.id, r.why.signals.map((s) => ({ signal: s.signal, contribution: s.contribution })));
    }
    if (cards.length === 0) return { kind: 'text', text: emptyText };
    await this.desk.remember(personId, speaker, cards);
    const reply = await this.desk.decorate(personId, speaker.platform, { text, cards, suggestions: [], planner: 'rules' }, 'button');
    return { kind: 'reply', reply, signals };
  }

  /**
   * Runs `recommend` with each argument set in turn until one returns tracks (only the first counts against the
   * rate limit). Genre and mood requests start from the person's own taste under the label as a constraint, and fall
   * back to the label's top tracks as seeds (which are then left out of the results, so they cannot come first).
   */
  private async recommendTries(speaker: Speaker, tries: readonly ToolArgs<'recommend'>[], what: string): Promise<Ran<'recommend'> | CommandReply | { retry: ToolFailure }> {
    let last: Ran<'recommend'> | undefined;
    for (const [n, args] of tries.entries()) {
      const r = await this.desk.tool(speaker, 'recommend', args, { limited: n === 0 });
      if (!('outcome' in r)) return noticeReply(r);
      if (r.outcome.kind !== 'ok') {
        if (last !== undefined) return last;
        if (r.outcome.kind === 'retry' && r.outcome.code === 'no_seeds_found') return { retry: r.outcome };
        return failure(r.outcome, what);
      }
      last = { personId: r.personId, value: r.outcome.value };
      if (r.outcome.value.recommendations.length > 0) return last;
    }
    return last!;
  }

  /** Tracks for the person: from free text, or under a genre and/or mood, or from their taste alone. */
  async recommend(speaker: Speaker, req: RecommendRequest): Promise<CommandReply> {
    const { text, count } = req;
    const genre = req.genre?.toLowerCase();
    const mood = req.mood?.toLowerCase();
    const labels = { ...(genre !== undefined ? { genres: [genre] } : {}), ...(mood !== undefined ? { moods: [mood] } : {}) };
    const hasLabels = genre !== undefined || mood !== undefined;
    const constraints = hasLabels ? { constraints: labels } : {};
    const tries: ToolArgs<'recommend'>[] =
      text !== undefined
        ? [{ count, seeds: { text }, ...constraints }]
        : hasLabels
          ? [{ count, ...constraints }, { count, seeds: labels, ...constraints }]
          : [{ count }];
    const what = text !== undefined ? `“${text}”` : 'that';
    const r = await this.recommendTries(speaker, tries, what);
    if ('retry' in r) return failure(r.retry, what);
    if (isReply(r)) return r;
    const about = [text !== undefined ? `“${text}”` : undefined, genre, mood].filter((x) => x !== undefined).join(', ');
    const intro = about === '' ? 'Picked for you:' : `For ${about}:`;
    const empty = r.value.empty_reason ?? 'Nothing matched that. Try fewer filters.';
    return this.cards(speaker, r.personId, r.value.recommendations, recommendText(r.value, intro, this.hints), empty);
  }

  /** Tracks like one track (a catalogue id or a title/artist). */
  async similar(speaker: Speaker, track: string, count: number): Promise<CommandReply> {
    const ref = /^\d{1,12}$/.test(track) ? Number(track) : track;
    const r = await this.run(speaker, 'similar_tracks', { track: ref, count }, `“${track}”`);
    if (isReply(r)) return r;
    const seed = r.value.track;
    const name = `**${seed.title}** by ${seed.artists.join(', ')}`;
    const notes = r.value.notes.join(' ');
    return this.cards(speaker, r.personId, r.value.similar, `More like ${name}:`, `Nothing close to ${name} yet. ${notes}`.trim());
  }

  /** Music for a mood or an activity, from the one activity table the chat planner reads too. */
  async vibe(speaker: Speaker, vibeText: string): Promise<CommandReply> {
    const vibe = vibeText.trim().toLowerCase();
    if (vibe === '') return privately('Name a mood or an activity, for example "calm" or "running".');
    const moods = await this.vocabulary(speaker, 'moods');
    // An activity's name or word ("focus", "gym") wins over a mood word; a mood word of the one vocabulary ("chill"
    // is calm) names its mood; a longer phrase may still name an activity.
    const named = canonicalMood(vibe) ?? vibe;
    const activity = activityPreset(vibe) ?? (moods.includes(named) ? undefined : findActivity(vibe));
    const seedMood = activity?.seedMood;
    const mood = activity === undefined && moods.includes(named) ? named : seedMood !== undefined && moods.includes(seedMood) ? seedMood : undefined;
    const tries: ToolArgs<'recommend'>[] = [];
    if (activity !== undefined) {
      // The recommender relaxes what too few tracks meet, and says so.
      tries.push({ count: 5, ...(mood !== undefined ? { seeds: { moods: [mood] } } : {}), constraints: constraintInput(activity.constraints), activity: activity.name });
    } else if (mood !== undefined) {
      const constraints = { moods: [mood] };
      tries.push({ count: 5, constraints }, { count: 5, seeds: { moods: [mood] }, constraints });
    } else {
      tries.push({ count: 5, seeds: { text: vibe } });
    }
    const r = await this.recommendTries(speaker, tries, `“${vibe}”`);
    if ('retry' in r) return privately(`I don't know the vibe “${vibe}” yet. Try a mood (${moods.join(', ') || 'none trained yet'}) or an activity (${ACTIVITY_NAMES.join(', ')}).`);
    if (isReply(r)) return r;
    const empty = r.value.empty_reason ?? 'Nothing fits that vibe yet.';
    return this.cards(speaker, r.personId, r.value.recommendations, recommendText(r.value, `A ${vibe} vibe:`, this.hints), empty);
  }

  /** What Earworm has learnt about the person's taste. */
  async profile(speaker: Speaker): Promise<CommandReply> {
    const r = await this.run(speaker, 'get_taste_profile', {}, 'your profile');
    if (isReply(r)) return r;
    const v = r.value;
    const list = (xs: readonly { name: string; count: number }[]) => (xs.length === 0 ? '—' : xs.slice(0, 5).map((x) => `\`${x.name}\` ×${x.count}`).join(' '));
    const leanings = v.leanings.slice(0, 5).map((l) => `${l.weight >= 0 ? 'more' : 'less'} ${l.feature}`).join(', ');
    const liked = v.liked.map((c) => `• ${c.title} — ${c.artists.join(', ')}`);
    const c = v.counts;
    return {
      kind: 'profile',
      personId: r.personId,
      card: {
        title: 'Your taste profile',
        description: `👍 ${c.liked} liked · 👎 ${c.disliked} disliked · ⏭️ ${c.skipped} skipped · 🗳️ ${c.votes} A/B vote${c.votes === 1 ? '' : 's'}\nTaste-model confidence: ${Math.round(v.confidence * 100)}%`,
        fields: [
          { name: 'Genres you like', value: list(v.top_genres), inline: true },
          { name: 'Moods you like', value: list(v.top_moods), inline: true },
          { name: 'Your A/B votes lean towards', value: leanings === '' ? `No votes yet: ${this.hints.compare} to start.` : leanings },
          { name: 'Liked tracks', value: liked.length === 0 ? 'None yet: press 👍 under a recommendation.' : liked.join('\n') },
          { name: 'What you told me', value: statedText(v.stated, this.hints) },
        ],
      },
    };
  }

  /** "People like you": aggregates only, and the names of those who chose to be shown; their tracks as cards. */
  async listeners(speaker: Speaker): Promise<CommandReply> {
    const r = await this.run(speaker, 'similar_listeners', {}, 'similar listeners');
    if (isReply(r)) return r;
    const v = r.value;
    const list = (xs: readonly { name: string; listeners: number }[]) => xs.slice(0, 5).map((x) => `\`${x.name}\` ×${x.listeners}`).join(' ');
    const card: InfoCard = {
      title: 'People like you',
      description: `${v.note}\n_Everyone else counts only anonymously; no one's name or history is shown without their consent._`,
      fields: [
        ...(v.top_genres.length > 0 ? [{ name: 'Genres they like', value: list(v.top_genres), inline: true }] : []),
        ...(v.top_moods.length > 0 ? [{ name: 'Moods they like', value: list(v.top_moods), inline: true }] : []),
        ...(v.shown_names.length > 0 ? [{ name: 'Among them, by their choice', value: v.shown_names.join(', ') }] : []),
      ],
    };
    const cards = v.they_play.slice(0, 5).map((t) => toReplyCard(t.track, `${t.listeners} listeners with taste like yours play it.`));
    if (cards.length === 0) return { kind: 'listeners', card };
    await this.desk.remember(r.personId, speaker, cards);
    const reply = await this.desk.decorate(r.personId, speaker.platform, { text: 'What they play that you have not rated yet:', cards, suggestions: [], planner: 'rules' }, 'button');
    return { kind: 'listeners', card, reply };
  }

  /** A Spotify tool through the desk; "not set up" when this server has no Spotify tools. */
  private async spotify<N extends ToolName>(speaker: Speaker, tool: N, args: ToolArgs<N>): Promise<{ value: ToolOutput<N> } | CommandReply> {
    const r = await this.desk.tool(speaker, tool, args);
    if (!('outcome' in r)) return noticeReply(r);
    if (r.outcome.kind !== 'ok' && (r.outcome.code === 'unknown_tool' || r.outcome.code === 'spotify_not_configured')) return privately(SPOTIFY_NOT_SET_UP);
    if (r.outcome.kind !== 'ok') return privately(failureText(r.outcome));
    return { value: r.outcome.value };
  }

  /** A link that connects the person's Spotify account (or who they are connected as). */
  async connect(speaker: Speaker): Promise<CommandReply> {
    const r = await this.spotify(speaker, 'spotify_connect_link', {});
    if (isReply(r)) return r;
    if (r.value.already_connected === true) {
      const who = r.value.spotify_user !== undefined ? ` as **${r.value.spotify_user}**` : '';
      return { kind: 'text', text: `You're already connected to Spotify${who}. ${capitalise(this.hints.export)} to save recommendations as a playlist.` };
    }
    if (r.value.url === undefined) return privately('Spotify did not give me a link; please try again.');
    const minutes = r.value.expires_in_minutes !== undefined ? ` The link works for ${r.value.expires_in_minutes} minutes.` : '';
    return { kind: 'text', text: `Connect your Spotify account to save recommendations as playlists.${minutes}`, link: { url: r.value.url, label: 'Connect Spotify' } };
  }

  /**
   * Connects or disconnects Spotify for a home screen: the new state and one line to tell the person (with the
   * connect link apart, for the front end to render as a link in front of `text`).
   */
  async spotifyAccount(speaker: Speaker, which: 'connect' | 'disconnect'): Promise<{ state: SpotifyState; text: string; link?: { url: string; label: string } }> {
    const out = which === 'connect' ? await this.desk.tool(speaker, 'spotify_connect_link', {}) : await this.desk.tool(speaker, 'spotify_disconnect', {});
    if (!('outcome' in out)) return { state: { kind: 'unknown' }, text: out.kind === 'notice' ? out.message : 'I could not do that.' };
    const o = out.outcome;
    if (o.kind !== 'ok') {
      if (o.code === 'unknown_tool' || o.code === 'spotify_not_configured') return { state: { kind: 'unavailable' }, text: "Spotify isn't set up on this server." };
      return { state: { kind: 'unknown' }, text: failureText(o) };
    }
    if (o.tool === 'spotify_connect_link') {
      const v = o.value;
      if (v.already_connected === true) {
        const user = v.spotify_user ?? 'your account';
        return { state: { kind: 'connected', user }, text: `Spotify is already connected (${user}).` };
      }
      if (v.url === undefined) return { state: { kind: 'unknown' }, text: 'Spotify did not give me a link. Please try again.' };
      const minutes = v.expires_in_minutes ?? 10;
      return { state: { kind: 'link', url: v.url, expiresInMinutes: minutes }, text: `(the link works for ${minutes} minute${minutes === 1 ? '' : 's'}).`, link: { url: v.url, label: 'Connect your Spotify account' } };
    }
    if (o.value.disconnected) {
      const n = o.value.removed_seeds;
      return { state: { kind: 'disconnected' }, text: `Disconnected from Spotify; removed ${n} seed track${n === 1 ? '' : 's'} from your profile.` };
    }
    return { state: { kind: 'disconnected' }, text: 'Spotify was not connected.' };
  }

  /** Saves the tracks last shown in this conversation (or, with none, the person's current recommendations) to Spotify. */
  async exportPlaylist(speaker: Speaker, name: string | undefined): Promise<CommandReply> {
    const shown = (await this.desk.lastShown(speaker)).map((c) => c.id);
    const r = await this.spotify(speaker, 'spotify_export_playlist', { ...(name === undefined ? {} : { name }), ...(shown.length > 0 ? { track_ids: shown } : {}) });
    if (isReply(r)) return r;
    const { added, skipped, url } = r.value;
    const text = `Saved ${added} track${added === 1 ? '' : 's'} to your Spotify playlist${skipped > 0 ? ` (${skipped} not on Spotify)` : ''}.`;
    return { kind: 'text', text, link: { url, label: 'Open in Spotify' } };
  }

  /** Catalogue tracks matching what the person has typed so far (not rate-limited: asked on every keystroke). */
  async trackSuggestions(speaker: Speaker, typed: string): Promise<{ id: number; label: string }[]> {
    if (typed.trim() === '') return [];
    const r = await this.desk.tool(speaker, 'search_catalog', { query: typed.trim().slice(0, 200), limit: 10 }, { limited: false });
    if (!('outcome' in r) || r.outcome.kind !== 'ok') return [];
    return r.outcome.value.tracks.map((c) => ({ id: c.id, label: `${c.title} — ${c.artists.join(', ')}${c.year === null ? '' : ` (${c.year})`}` }));
  }

  /** The genre or mood names the served labels know (not rate-limited). */
  async vocabulary(speaker: Speaker, key: 'genres' | 'moods'): Promise<string[]> {
    const r = await this.desk.tool(speaker, 'list_genres_and_moods', {}, { limited: false });
    if (!('outcome' in r) || r.outcome.kind !== 'ok') return [];
    return r.outcome.value[key].map((x) => x.name);
  }
}
