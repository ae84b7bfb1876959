/**
 * Slash commands and autocomplete on Discord: options parsed into the desk's command requests, and the desk's
 * platform-neutral replies (src/desk/command-replies.ts) rendered as Discord messages and embeds. Pure of any
 * transport: the answers are messages that the handler core delivers.
 */
import { CommandReplies, noticeReply, type CommandReply, type InfoCard } from '../../desk/command-replies.ts';
import type { DeskOutcome, FrontDesk, Speaker } from '../../desk/front-desk.ts';
import type { Logger } from '../../logging/logger.ts';
import { MAX_COUNT } from './discord-commands.ts';
import { clip, COLOURS, LIMITS, linkButton, renderReply } from './discord-render.ts';
import type { Choice, OptionValue, OutgoingFile, OutgoingMessage } from './discord-request.ts';

/** A command's answer: messages shown as the deferred reply was (public or ephemeral), or one for the person only. */
export type Answer = { readonly kind: 'messages'; readonly messages: readonly OutgoingMessage[] } | { readonly kind: 'private'; readonly message: OutgoingMessage };

/** Commands whose reply only the person sees. */
export const PRIVATE_COMMANDS: ReadonlySet<string> = new Set(['profile', 'tastes', 'listeners', 'connect', 'export', 'help']);

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

function privately(content: string): Answer {
  return { kind: 'private', message: { content: clip(content, LIMITS.content) } };
}

/** A desk notice (rate limit, expired button…) as a private answer. */
export function noticeAnswer(o: DeskOutcome): Answer {
  return render(noticeReply(o));
}

/** An info card as an embed. */
function infoEmbed(card: InfoCard) {
  return {
    title: card.title,
    description: clip(card.description, LIMITS.embedDescription),
    color: COLOURS.profile,
    ...(card.fields.length > 0 ? { fields: card.fields.map((f) => ({ name: f.name, value: clip(f.value, LIMITS.fieldValue), ...(f.inline === true ? { inline: true } : {}) })) } : {}),
  };
}

/** The desk's reply as Discord messages (a profile's chart is attached by the caller). */
function render(r: CommandReply, files: readonly OutgoingFile[] = []): Answer {
  switch (r.kind) {
    case 'private':
      return privately(r.text);
    case 'text':
      return { kind: 'messages', messages: [{ content: clip(r.text, LIMITS.content), ...(r.link !== undefined ? { components: [linkButton(r.link.url, r.link.label)] } : {}) }] };
    case 'reply':
      return { kind: 'messages', messages: renderReply(r.reply, r.signals) };
    case 'profile': {
      const embed = { ...infoEmbed(r.card), ...(files.length > 0 ? { image: { url: 'attachment://taste.png' } } : {}) };
      return { kind: 'messages', messages: [{ embeds: [embed], files: [...files] }] };
    }
    case 'listeners': {
      const summary = infoEmbed(r.card);
      if (r.reply === undefined) return { kind: 'messages', messages: [{ embeds: [summary] }] };
      const [first, ...rest] = renderReply(r.reply);
      return { kind: 'messages', messages: [{ ...first, embeds: [summary, ...(first?.embeds ?? [])] }, ...rest] };
    }
  }
}

/** The transport-neutral command implementations. */
export class CommandAnswers {
  private readonly replies: CommandReplies;

  constructor(
    private readonly desk: FrontDesk,
    private readonly logger: Logger,
    private readonly chartPng: ((personId: number) => Promise<Buffer | undefined>) | undefined,
  ) {
    this.replies = new CommandReplies(desk, { compare: 'use /compare', tastes: 'use /tastes', export: 'use /export' });
  }

  /** Answers one slash command. */
  async answer(speaker: Speaker, command: string, options: Readonly<Record<string, OptionValue>>): Promise<Answer> {
    switch (command) {
      case 'recommend': {
        const [text, genre, mood] = [str(options.request), str(options.genre), str(options.mood)];
        return render(await this.replies.recommend(speaker, { ...(text !== undefined ? { text } : {}), ...(genre !== undefined ? { genre } : {}), ...(mood !== undefined ? { mood } : {}), count: int(options.count, 5) }));
      }
      case 'similar': {
        const track = str(options.track);
        if (track === undefined) return privately('Tell me a track: start typing a title or artist and pick one of the suggestions.');
        return render(await this.replies.similar(speaker, track, int(options.count, 5)));
      }
      case 'vibe':
        return render(await this.replies.vibe(speaker, str(options.vibe) ?? ''));
      case 'compare': {
        const o = await this.desk.compare(speaker);
        return o.kind === 'reply' ? { kind: 'messages', messages: renderReply(o.reply) } : noticeAnswer(o);
      }
      case 'profile':
        return this.profile(speaker);
      case 'listeners':
        return render(await this.replies.listeners(speaker));
      case 'connect':
        return render(await this.replies.connect(speaker));
      case 'export':
        return render(await this.replies.exportPlaylist(speaker, str(options.name)));
      case 'help':
        return privately(HELP);
      default:
        return privately(`I don't know /${command} (it may be left over from an older version). Use /help to see what I can do.`);
    }
  }

  /** The profile embed, with the taste chart attached when it can be drawn. */
  private async profile(speaker: Speaker): Promise<Answer> {
    const r = await this.replies.profile(speaker);
    if (r.kind !== 'profile') return render(r);
    let chart: Buffer | undefined;
    try {
      chart = await this.chartPng?.(r.personId);
    } catch (err) {
      this.logger.warn({ err, personId: r.personId }, 'taste chart failed; profile sent without it');
    }
    return render(r, chart === undefined ? [] : [{ name: 'taste.png', data: chart }]);
  }

  /** Suggestions while the person types an option. Not rate-limited: Discord asks on every keystroke. */
  async autocomplete(speaker: Speaker, command: string, focused: { name: string; value: string }): Promise<Choice[]> {
    const typed = focused.value.trim().toLowerCase();
    if (command === 'similar' && focused.name === 'track') {
      return (await this.replies.trackSuggestions(speaker, typed)).map((t) => ({ name: clip(t.label, 100), value: String(t.id) }));
    }
    let names: string[] = [];
    if (command === 'recommend' && focused.name === 'genre') names = await this.replies.vocabulary(speaker, 'genres');
    else if (command === 'recommend' && focused.name === 'mood') names = await this.replies.vocabulary(speaker, 'moods');
    else if (command === 'vibe' && focused.name === 'vibe') names = [...(await this.replies.vocabulary(speaker, 'moods')), ...this.replies.activityNames];
    const matches = names.filter((n) => n.toLowerCase().includes(typed));
    matches.sort((a, b) => Number(!a.toLowerCase().startsWith(typed)) - Number(!b.toLowerCase().startsWith(typed)));
    return matches.slice(0, 25).map((n) => ({ name: clip(n, 100), value: clip(n, 100) }));
  }
}
