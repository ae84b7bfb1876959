/**
 * What each slash command and autocomplete answers, computed through the FrontDesk (its tools, rate limit and
 * buttons). Pure of any transport: the answers are messages that the handler core delivers.
 */
import { activityPreset, ACTIVITY_NAMES as ACTIVITY_TABLE_NAMES, constraintInput, findActivity } from '../../recsys/constraints/constraint-vocabulary.ts';
import { canonicalMood } from '../../recsys/labels/vocabulary.ts';
import { toReplyCard, type ReplyCard } from '../../agent/agent-reply.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ToolArgs, ToolFailure, ToolName, ToolOutput } from '../../tools/registry.ts';
import { relaxationNotes } from '../../tools/schemas.ts';
import type { DeskOutcome, FrontDesk, Speaker } from '../../desk/front-desk.ts';
import { energyWord } from '../common/taste-form.ts';
import { MAX_COUNT } from './discord-commands.ts';
import { clip, COLOURS, LIMITS, linkButton, renderReply, type SignalView } from './discord-render.ts';
import type { Choice, OptionValue, OutgoingFile, OutgoingMessage } from './discord-request.ts';

/** A command's answer: messages shown as the deferred reply was (public or ephemeral), or one for the person only. */
export type Answer = { readonly kind: 'messages'; readonly messages: readonly OutgoingMessage[] } | { readonly kind: 'private'; readonly message: OutgoingMessage };

/** Commands whose reply only the person sees. */
export const PRIVATE_COMMANDS: ReadonlySet<string> = new Set(['profile', 'tastes', 'listeners', 'connect', 'export', 'help']);

/** Shown when the Spotify tools are not registered on this server. */
const SPOTIFY_NOT_SET_UP = "Spotify isn't set up on this server, so I can't connect accounts or save playlists here. Whoever runs Earworm can enable it by configuring SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.";

/** Activity names offered by `/vibe`'s autocomplete: the one activity table's (src/recsys/constraints). */
const ACTIVITY_NAMES: readonly string[] = ACTIVITY_TABLE_NAMES;

const HELP = [
  '**Earworm** recommends music and learns your taste from what you like and from A/B votes.',
  '',
  '`/recommend` tracks for you (free text, genre, mood, count)',
  '`/similar` tracks like one you pick (start typing a title or artist)',
  '`/vibe` music for a mood or an activity (focus, running, party…)',
  '`/compare` pick the better of two tracks; every vote sharpens your recommendations',
  '`/profile` what Earworm has learnt about your taste',
  '`/tastes` tell Earworm the genres, moods, artists and energy you like (a form; edit it any time)',
  '`/listeners` people with taste like yours: how many, their genres and moods, what they play',
  '`/connect` and `/export` link Spotify and save recommendations as a playlist',
  '',
  'Use 👍 / 👎 under a track to rate it and 🔁 for more like it. You can also mention me or send me a DM in plain words, e.g. "something like Daft Punk but calmer".',
].join('\n');

const str = (v: OptionValue | undefined): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const int = (v: OptionValue | undefined, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) ? Math.min(MAX_COUNT, Math.max(1, v)) : fallback);

type RecommendArgs = ToolArgs<'recommend'>;
type Rec = ToolOutput<'recommend'>['recommendations'][number];

function privately(content: string): Answer {
  return { kind: 'private', message: { content: clip(content, LIMITS.content) } };
}

function failure(outcome: ToolFailure, what: string): Answer {
  if (outcome.kind === 'retry' && outcome.candidates !== undefined && outcome.candidates.length > 0) {
    const list = outcome.candidates.slice(0, 10).map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    return privately(`Which one did you mean?\n${list}\nRun the command again and pick one from the suggestions as you type.`);
  }
  if (outcome.kind === 'retry' && outcome.code === 'no_seeds_found') {
    return privately(`I couldn't find ${what} in the catalogue. Try an artist or a song title, or choose a genre or mood.`);
  }
  return privately(outcome.message);
}

/** The desk's verdict on a tool call: the value, or an answer to give instead. */
async function runTool<N extends ToolName>(desk: FrontDesk, speaker: Speaker, name: N, args: ToolArgs<N>, what: string): Promise<{ personId: number; value: ToolOutput<N> } | Answer> {
  const r = await desk.tool(speaker, name, args);
  if (!('outcome' in r)) return noticeAnswer(r);
  if (r.outcome.kind !== 'ok') return failure(r.outcome, what);
  return { personId: r.personId, value: r.outcome.value };
}

/** A desk notice (rate limit, expired button…) as a private answer. */
export function noticeAnswer(o: DeskOutcome): Answer {
  return privately(o.kind === 'notice' ? o.message : 'I could not do that.');
}

const isAnswer = (x: object): x is Answer => 'kind' in x;

/** Recommendation results (recommend or similar_tracks) as card messages with buttons and signals, remembered as shown (for /export). */
async function recommendationAnswer(desk: FrontDesk, speaker: Speaker, personId: number, recs: readonly Rec[], text: string, emptyText: string): Promise<Answer> {
  const cards: ReplyCard[] = [];
  const signals = new Map<number, SignalView[]>();
  for (const r of recs) {
    const card = toReplyCard(r.track, r.why.sentence);
    cards.push(card);
    signals.set(card.id, r.why.signals.map((s) => ({ signal: s.signal, contribution: s.contribution })));
  }
  if (cards.length === 0) return { kind: 'messages', messages: [{ content: clip(emptyText, LIMITS.content) }] };
  await desk.remember(personId, speaker, cards);
  const reply = await desk.decorate(personId, 'discord', { text, cards, suggestions: [], planner: 'rules' }, 'button');
  return { kind: 'messages', messages: renderReply(reply, signals) };
}

function recommendText(value: ToolOutput<'recommend'>, intro: string): string {
  const lines = [intro];
  if (value.strategy === 'popularity') lines.push('_These are popular picks: rate them with 👍 / 👎, or use /compare, and I will learn your taste._');
  // What the recommender relaxed is said, never dropped silently.
  lines.push(...relaxationNotes(value.relaxed).map((n) => `_${n}_`));
  return lines.join('\n');
}

/** Stated tastes in one field value, with how much they still count. */
function statedText(s: { genres: string[]; moods: string[]; energy: number | null; artists: string[]; weight: number } | null | undefined): string {
  if (s === null || s === undefined) return 'Nothing yet: use /tastes to say what you like.';
  const parts = [...s.genres, ...s.moods, ...s.artists, ...(s.energy === null ? [] : [`${energyWord(s.energy)} energy`])];
  return `${parts.join(', ')} (counts ${Math.round(s.weight * 100)}% now; /tastes to edit)`;
}

/** The transport-neutral command implementations. */
export class CommandAnswers {
  constructor(
    private readonly desk: FrontDesk,
    private readonly logger: Logger,
    private readonly chartPng: ((personId: number) => Promise<Buffer | undefined>) | undefined,
  ) {}

  /** Answers one slash command. */
  async answer(speaker: Speaker, command: string, options: Readonly<Record<string, OptionValue>>): Promise<Answer> {
    switch (command) {
      case 'recommend':
        return this.recommend(speaker, options);
      case 'similar':
        return this.similar(speaker, options);
      case 'vibe':
        return this.vibe(speaker, options);
      case 'compare': {
        const o = await this.desk.compare(speaker);
        return o.kind === 'reply' ? { kind: 'messages', messages: renderReply(o.reply) } : noticeAnswer(o);
      }
      case 'profile':
        return this.profile(speaker);
      case 'listeners':
        return this.listeners(speaker);
      case 'connect':
        return this.connect(speaker);
      case 'export':
        return this.export(speaker, options);
      case 'help':
        return privately(HELP);
      default:
        return privately(`I don't know /${command} (it may be left over from an older version). Use /help to see what I can do.`);
    }
  }

  /**
   * Runs `recommend` with each argument set in turn until one returns tracks (only the first counts against the
   * rate limit). Genre and mood requests start from the person's own taste under the label as a constraint, and fall
   * back to the label's top tracks as seeds (which are then left out of the results, so they cannot come first).
   */
  private async recommendTries(speaker: Speaker, tries: readonly RecommendArgs[], what: string): Promise<{ personId: number; value: ToolOutput<'recommend'> } | Answer | { retry: ToolFailure }> {
    let last: { personId: number; value: ToolOutput<'recommend'> } | undefined;
    for (const [n, args] of tries.entries()) {
      const r = await this.desk.tool(speaker, 'recommend', args, { limited: n === 0 });
      if (!('outcome' in r)) return noticeAnswer(r);
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

  private async recommend(speaker: Speaker, options: Readonly<Record<string, OptionValue>>): Promise<Answer> {
    const text = str(options.request);
    const genre = str(options.genre)?.toLowerCase();
    const mood = str(options.mood)?.toLowerCase();
    const count = int(options.count, 5);
    const labels = { ...(genre !== undefined ? { genres: [genre] } : {}), ...(mood !== undefined ? { moods: [mood] } : {}) };
    const hasLabels = genre !== undefined || mood !== undefined;
    const constraints = hasLabels ? { constraints: labels } : {};
    const tries =
      text !== undefined
        ? [{ count, seeds: { text }, ...constraints }]
        : hasLabels
          ? [{ count, ...constraints }, { count, seeds: labels, ...constraints }]
          : [{ count }];
    const what = text !== undefined ? `“${text}”` : 'that';
    const r = await this.recommendTries(speaker, tries, what);
    if ('retry' in r) return failure(r.retry, what);
    if (isAnswer(r)) return r;
    const about = [text !== undefined ? `“${text}”` : undefined, genre, mood].filter((x) => x !== undefined).join(', ');
    const intro = about === '' ? 'Picked for you:' : `For ${about}:`;
    const empty = r.value.empty_reason ?? 'Nothing matched that. Try fewer filters.';
    return recommendationAnswer(this.desk, speaker, r.personId, r.value.recommendations, recommendText(r.value, intro), empty);
  }

  private async similar(speaker: Speaker, options: Readonly<Record<string, OptionValue>>): Promise<Answer> {
    const raw = str(options.track);
    if (raw === undefined) return privately('Tell me a track: start typing a title or artist and pick one of the suggestions.');
    const track = /^\d{1,12}$/.test(raw) ? Number(raw) : raw;
    const r = await runTool(this.desk, speaker, 'similar_tracks', { track, count: int(options.count, 5) }, `“${raw}”`);
    if (isAnswer(r)) return r;
    const seed = r.value.track;
    const name = `**${seed.title}** by ${seed.artists.join(', ')}`;
    const notes = r.value.notes.join(' ');
    return recommendationAnswer(this.desk, speaker, r.personId, r.value.similar, `More like ${name}:`, `Nothing close to ${name} yet. ${notes}`.trim());
  }

  private async vibe(speaker: Speaker, options: Readonly<Record<string, OptionValue>>): Promise<Answer> {
    const vibe = str(options.vibe)?.toLowerCase();
    if (vibe === undefined) return privately('Name a mood or an activity, for example "calm" or "running".');
    const moods = await this.moodNames(speaker);
    // The activity table the chat planner reads too: its preset constraints, and its mood as the starting point.
    // An activity's name or word ("focus", "gym") wins over a mood word; a mood word of the one vocabulary ("chill"
    // is calm) names its mood; a longer phrase may still name an activity.
    const named = canonicalMood(vibe) ?? vibe;
    const activity = activityPreset(vibe) ?? (moods.includes(named) ? undefined : findActivity(vibe));
    const seedMood = activity?.seedMood;
    const mood = activity === undefined && moods.includes(named) ? named : seedMood !== undefined && moods.includes(seedMood) ? seedMood : undefined;
    const tries: Record<string, unknown>[] = [];
    if (activity !== undefined) {
      // The recommender relaxes what too few tracks meet, and says so.
      const constraints = constraintInput(activity.constraints);
      tries.push({ count: 5, ...(mood !== undefined ? { seeds: { moods: [mood] } } : {}), constraints, activity: activity.name });
    } else if (mood !== undefined) {
      const constraints = { moods: [mood] };
      tries.push({ count: 5, constraints }, { count: 5, seeds: { moods: [mood] }, constraints });
    } else {
      tries.push({ count: 5, seeds: { text: vibe } });
    }
    const r = await this.recommendTries(speaker, tries, `“${vibe}”`);
    if ('retry' in r) return privately(`I don't know the vibe “${vibe}” yet. Try a mood (${moods.join(', ') || 'none trained yet'}) or an activity (${ACTIVITY_NAMES.join(', ')}).`);
    if (isAnswer(r)) return r;
    const empty = r.value.empty_reason ?? 'Nothing fits that vibe yet.';
    return recommendationAnswer(this.desk, speaker, r.personId, r.value.recommendations, recommendText(r.value, `A ${vibe} vibe:`), empty);
  }

  private async profile(speaker: Speaker): Promise<Answer> {
    const r = await runTool(this.desk, speaker, 'get_taste_profile', {}, 'your profile');
    if (isAnswer(r)) return r;
    const v = r.value;
    const list = (xs: { name: string; count: number }[]) => (xs.length === 0 ? '—' : xs.slice(0, 5).map((x) => `\`${x.name}\` ×${x.count}`).join(' '));
    const leanings = v.leanings.slice(0, 5).map((l) => `${l.weight >= 0 ? 'more' : 'less'} ${l.feature}`).join(', ');
    const liked = v.liked.map((c) => `• ${c.title} — ${c.artists.join(', ')}`);
    const c = v.counts;
    let chart: Buffer | undefined;
    try {
      chart = await this.chartPng?.(r.personId);
    } catch (err) {
      this.logger.warn({ err, personId: r.personId }, 'taste chart failed; profile sent without it');
    }
    const files: OutgoingFile[] = chart === undefined ? [] : [{ name: 'taste.png', data: chart }];
    const embed = {
      title: 'Your taste profile',
      description: `👍 ${c.liked} liked · 👎 ${c.disliked} disliked · ⏭️ ${c.skipped} skipped · 🗳️ ${c.votes} A/B vote${c.votes === 1 ? '' : 's'}\nTaste-model confidence: ${Math.round(v.confidence * 100)}%`,
      color: COLOURS.profile,
      fields: [
        { name: 'Genres you like', value: clip(list(v.top_genres), LIMITS.fieldValue), inline: true },
        { name: 'Moods you like', value: clip(list(v.top_moods), LIMITS.fieldValue), inline: true },
        { name: 'Your A/B votes lean towards', value: clip(leanings === '' ? 'No votes yet: try /compare.' : leanings, LIMITS.fieldValue) },
        { name: 'Liked tracks', value: clip(liked.length === 0 ? 'None yet: press 👍 under a recommendation.' : liked.join('\n'), LIMITS.fieldValue) },
        { name: 'What you told me', value: clip(statedText(v.stated), LIMITS.fieldValue) },
      ],
      ...(files.length > 0 ? { image: { url: 'attachment://taste.png' } } : {}),
    };
    return { kind: 'messages', messages: [{ embeds: [embed], files }] };
  }

  /** "People like you": aggregates only, and the names of those who chose to be shown; their tracks as cards. */
  private async listeners(speaker: Speaker): Promise<Answer> {
    const r = await runTool(this.desk, speaker, 'similar_listeners', {}, 'similar listeners');
    if (isAnswer(r)) return r;
    const v = r.value;
    const list = (xs: { name: string; listeners: number }[]) => clip(xs.slice(0, 5).map((x) => `\`${x.name}\` ×${x.listeners}`).join(' '), LIMITS.fieldValue);
    const fields = [
      ...(v.top_genres.length > 0 ? [{ name: 'Genres they like', value: list(v.top_genres), inline: true }] : []),
      ...(v.top_moods.length > 0 ? [{ name: 'Moods they like', value: list(v.top_moods), inline: true }] : []),
      ...(v.shown_names.length > 0 ? [{ name: 'Among them, by their choice', value: clip(v.shown_names.join(', '), LIMITS.fieldValue) }] : []),
    ];
    const summary = {
      title: 'People like you',
      description: clip(`${v.note}\n_Everyone else counts only anonymously; no one's name or history is shown without their consent._`, LIMITS.embedDescription),
      color: COLOURS.profile,
      ...(fields.length > 0 ? { fields } : {}),
    };
    const cards = v.they_play.slice(0, 5).map((t) => toReplyCard(t.track, `${t.listeners} listeners with taste like yours play it.`));
    if (cards.length === 0) return { kind: 'messages', messages: [{ embeds: [summary] }] };
    await this.desk.remember(r.personId, speaker, cards);
    const reply = await this.desk.decorate(r.personId, 'discord', { text: 'What they play that you have not rated yet:', cards, suggestions: [], planner: 'rules' }, 'button');
    const [first, ...rest] = renderReply(reply);
    return { kind: 'messages', messages: [{ ...first, embeds: [summary, ...(first?.embeds ?? [])] }, ...rest] };
  }

  private async spotify<N extends ToolName>(speaker: Speaker, tool: N, args: ToolArgs<N>): Promise<{ value: ToolOutput<N> } | Answer> {
    const r = await this.desk.tool(speaker, tool, args);
    if (!('outcome' in r)) return noticeAnswer(r);
    if (r.outcome.kind === 'retry' && r.outcome.code === 'unknown_tool') return privately(SPOTIFY_NOT_SET_UP);
    if (r.outcome.kind !== 'ok') return privately(r.outcome.message);
    return { value: r.outcome.value };
  }

  private async connect(speaker: Speaker): Promise<Answer> {
    const r = await this.spotify(speaker, 'spotify_connect_link', {});
    if (isAnswer(r)) return r;
    if (r.value.already_connected === true) {
      const who = r.value.spotify_user !== undefined ? ` as **${r.value.spotify_user}**` : '';
      return { kind: 'messages', messages: [{ content: `You're already connected to Spotify${who}. Use /export to save recommendations as a playlist.` }] };
    }
    if (r.value.url === undefined) return privately('Spotify did not give me a link; please try again.');
    const minutes = r.value.expires_in_minutes !== undefined ? ` The link works for ${r.value.expires_in_minutes} minutes.` : '';
    return { kind: 'messages', messages: [{ content: `Connect your Spotify account to save recommendations as playlists.${minutes}`, components: [linkButton(r.value.url, 'Connect Spotify')] }] };
  }

  private async export(speaker: Speaker, options: Readonly<Record<string, OptionValue>>): Promise<Answer> {
    const name = str(options.name);
    // The tracks last shown in this conversation; with none, the tool exports the person's current recommendations.
    const shown = (await this.desk.lastShown(speaker)).map((c) => c.id);
    const r = await this.spotify(speaker, 'spotify_export_playlist', { ...(name === undefined ? {} : { name }), ...(shown.length > 0 ? { track_ids: shown } : {}) });
    if (isAnswer(r)) return r;
    const { added, skipped, url } = r.value;
    const text = `Saved ${added} track${added === 1 ? '' : 's'} to your Spotify playlist${skipped > 0 ? ` (${skipped} not on Spotify)` : ''}.`;
    return { kind: 'messages', messages: [{ content: text, components: [linkButton(url, 'Open in Spotify')] }] };
  }

  /** Suggestions while the person types an option. Not rate-limited: Discord asks on every keystroke. */
  async autocomplete(speaker: Speaker, command: string, focused: { name: string; value: string }): Promise<Choice[]> {
    const typed = focused.value.trim().toLowerCase();
    if (command === 'similar' && focused.name === 'track') {
      if (typed === '') return [];
      const r = await this.desk.tool(speaker, 'search_catalog', { query: typed.slice(0, 200), limit: 10 }, { limited: false });
      if (!('outcome' in r) || r.outcome.kind !== 'ok') return [];
      return r.outcome.value.tracks.map((c) => ({ name: clip(`${c.title} — ${c.artists.join(', ')}${c.year === null ? '' : ` (${c.year})`}`, 100), value: String(c.id) }));
    }
    const vocabulary = async (key: 'genres' | 'moods'): Promise<string[]> => {
      const r = await this.desk.tool(speaker, 'list_genres_and_moods', {}, { limited: false });
      if (!('outcome' in r) || r.outcome.kind !== 'ok') return [];
      return r.outcome.value[key].map((x) => x.name);
    };
    let names: string[] = [];
    if (command === 'recommend' && focused.name === 'genre') names = await vocabulary('genres');
    else if (command === 'recommend' && focused.name === 'mood') names = await vocabulary('moods');
    else if (command === 'vibe' && focused.name === 'vibe') names = [...(await vocabulary('moods')), ...ACTIVITY_NAMES];
    const matches = names.filter((n) => n.toLowerCase().includes(typed));
    matches.sort((a, b) => Number(!a.toLowerCase().startsWith(typed)) - Number(!b.toLowerCase().startsWith(typed)));
    return matches.slice(0, 25).map((n) => ({ name: clip(n, 100), value: clip(n, 100) }));
  }

  private async moodNames(speaker: Speaker): Promise<string[]> {
    const r = await this.desk.tool(speaker, 'list_genres_and_moods', {}, { limited: false });
    if (!('outcome' in r) || r.outcome.kind !== 'ok') return [];
    return r.outcome.value.moods.map((m) => m.name);
  }
}
