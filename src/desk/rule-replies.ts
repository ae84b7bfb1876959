/**
 * Writes the reply to a rule-planned turn from what the agent did: cards from the tool results, a sentence on what
 * was done, follow-up suggestions, and the conversation state after the turn.
 */
import { failureOf, toReplyCard, type ReplyCard } from '../agent/agent-reply.ts';
import { describeConstraints, type ConversationState } from '../agent/conversation-state.ts';
import type { RulesActed } from '../agent/plan-runner.ts';
import { DEFAULT_COUNT, type Plan } from '../agent/rule-planner.ts';
import type { ToolOutput, ToolSuccess } from '../tools/registry.ts';
import { spotifyReply } from './spotify-replies.ts';
import { failureText, type TurnReply } from './turn-reply.ts';

/** The suggestions offered after recommendations. */
export const RECOMMEND_SUGGESTIONS = ['calmer', 'more upbeat', 'more like the first one', 'compare two songs'];

/** Help text, also the greeting's second line. */
const HELP_TEXT = [
  'Ask for music the way you would ask a friend:',
  '  "something like Daft Punk but calmer", "focus music without vocals", "5 sad rock songs from the 90s",',
  '  "similar to Creep by Radiohead", then refine: "calmer", "older", "no rap", "more like the second one".',
  '  "compare two songs" starts an A/B pair (answer a or b); "like 2" / "dislike 3" rate a track;',
  '  "why the first one?" explains; "my profile" shows your taste; "I\'m into indie and chill stuff" states it.',
  '  "people like me" shows listeners with taste like yours (in aggregate); "share my listening as <name>" shows you to them.',
  '  Spotify: "connect spotify", "import my spotify" (your top and saved tracks become seeds), "save this as a playlist",',
  '  "disconnect spotify" (deletes everything imported). Without Spotify, "export" lists the tracks to copy.',
].join('\n');

/** Writes the reply and the next state for a rule-planned turn. */
export function ruleReply(acted: RulesActed, state: ConversationState): TurnReply {
  const { plan, outcome } = acted;
  const base = { planner: 'rules' as const, cards: [] as ReplyCard[] };
  const same = { ...state, constraints: plan.constraints };
  switch (plan.intent) {
    case 'greeting':
      return { reply: { ...base, talk: true, text: `Hi! I'm Earworm, and I find music for you.\n${HELP_TEXT}`, suggestions: ['something like Daft Punk', 'focus music without vocals', 'compare two songs'] }, state };
    case 'help':
      return { reply: { ...base, talk: true, text: HELP_TEXT, suggestions: ['something like Radiohead', 'party songs', 'my profile'] }, state };
    case 'done':
      return { reply: { ...base, talk: true, text: 'Happy listening! Say "more" any time for more like these, or "export" to keep the list.', suggestions: ['more', 'export'] }, state };
    case 'unclear':
      return { reply: { ...base, text: `I did not catch a music request there.\n${HELP_TEXT}`, suggestions: ['something like Daft Punk', 'help'] }, state };
    case 'connect':
    case 'import':
    case 'export':
    case 'disconnect':
      return spotifyReply(plan, outcome, state);
    case 'share':
      if (outcome !== undefined) break;
      return { reply: { ...base, text: 'Say the name people with taste like yours should see, e.g. "share my listening as Rocky". Only that name is shown, never your history.', suggestions: ['people like me'] }, state };
    default:
      break;
  }
  if (outcome === undefined) return { reply: { ...base, text: HELP_TEXT, suggestions: [] }, state };
  if (outcome.kind !== 'ok') return { reply: { ...base, text: failureText(outcome), suggestions: ['help', 'something like Daft Punk'], ...failureOf(outcome) }, state: same };
  switch (outcome.tool) {
    case 'next_comparison': {
      const v = outcome.value;
      const comparison = { comparisonId: v.comparison_id, a: toReplyCard(v.a), b: toReplyCard(v.b) };
      return {
        reply: { ...base, text: 'Which of these two fits you better? Answer a or b (or both, neither, skip).', comparison, suggestions: ['a', 'b', 'both', 'neither', 'skip'] },
        state: { ...state, pendingComparison: comparison },
      };
    }
    case 'record_preference': {
      const v = outcome.value;
      const { pendingComparison: pending, ...rest } = state;
      const chosen = v.choice === 'a' ? pending?.a : v.choice === 'b' ? pending?.b : undefined;
      const pct = Math.round(v.confidence * 100);
      const text =
        chosen !== undefined
          ? `Noted: you prefer ${chosen.title} by ${chosen.artists.join(', ')}. Your taste model has ${v.votes} vote${v.votes === 1 ? '' : 's'} (confidence ${pct}%).`
          : v.choice === 'both'
            ? `Noted: both fit you. Your taste model has ${v.votes} answer${v.votes === 1 ? '' : 's'} (confidence ${pct}%).`
            : v.choice === 'neither'
              ? `Noted: neither fits you. Your taste model has ${v.votes} answer${v.votes === 1 ? '' : 's'} (confidence ${pct}%).`
              : 'Skipped that pair.';
      return { reply: { ...base, text, suggestions: ['compare two songs', 'recommend something for me'] }, state: rest };
    }
    case 'rate_track': {
      const v = outcome.value;
      const what = v.rating === 'like' ? 'Liked' : v.rating === 'dislike' ? 'Disliked' : 'Skipped';
      const effect = v.rating === 'like' ? 'it will seed your recommendations' : v.rating === 'dislike' ? 'I will not recommend it again' : 'I will not repeat it';
      return { reply: { ...base, text: `${what} ${v.track.title}: ${effect}.`, suggestions: ['recommend something for me', 'more like the first one'] }, state };
    }
    case 'explain_recommendation': {
      const v = outcome.value;
      const why = v.why?.sentence;
      return { reply: { ...base, text: why !== undefined ? `${v.track.title}: ${why}` : `${v.track.title} is not among your recommendations now: ${v.reason ?? 'no reason given'}.`, suggestions: RECOMMEND_SUGGESTIONS }, state };
    }
    case 'get_taste_profile':
      return { reply: { ...base, text: profileText(outcome.value), cards: outcome.value.liked.map((c) => toReplyCard(c)).slice(0, 5), suggestions: ['recommend something for me', 'compare two songs'] }, state };
    case 'set_tastes': {
      const st = outcome.value.stated;
      const parts = [...st.artists, ...st.genres, ...st.moods.map((m) => `${m} music`)];
      if (st.energy !== null) parts.push(st.energy < 0.4 ? 'low energy' : st.energy > 0.6 ? 'high energy' : 'medium energy');
      const lines = [parts.length > 0 ? `Noted: you like ${parts.join(', ')}. I'll start from that, and your votes and likes will take over as they come.` : 'Noted.'];
      lines.push(...outcome.value.notes);
      return { reply: { ...base, text: lines.join('\n'), suggestions: ['recommend something for me', 'compare two songs', 'my profile'] }, state };
    }
    case 'similar_listeners': {
      const { text, cards } = listenersReply(outcome.value);
      return { reply: { ...base, text, cards, suggestions: cards.length > 0 ? ['like 1', 'more like the first one', 'recommend something for me'] : ['recommend something for me', 'compare two songs'] }, state: cards.length > 0 ? { ...state, lastRecommendations: cards } : state };
    }
    case 'share_my_listening': {
      const v = outcome.value;
      const text =
        v.sharing
          ? `${v.changed ? 'Done' : 'Already so'}: people with taste like yours see you as “${v.shown_name ?? ''}” among their similar listeners (the name only, never your history). Say "stop sharing my listening" to hide it.`
          : `${v.changed ? 'Done' : 'Already so'}: you are not shown by name; you count only anonymously among other people's similar listeners.`;
      return { reply: { ...base, text, suggestions: ['people like me', 'recommend something for me'] }, state };
    }
    // Finding or classifying a named track starts a new topic: "more like that" then means that track, without the
    // constraints of an earlier request ("r&b, no Drake" must not follow "find Smells Like Teen Spirit").
    case 'search_catalog': {
      const cards = outcome.value.tracks.map((c) => toReplyCard(c));
      const query = plan.calls[0]?.name === 'search_catalog' ? String(plan.calls[0].args.query ?? '') : '';
      if (cards.length === 0) return { reply: { ...base, text: `I found nothing called "${query}" in the catalogue. Try the title with its artist, or fewer words.`, suggestions: ['help'] }, state };
      const top = cards[0]!;
      const named = plan.named ?? { kind: 'track' as const, id: top.id, title: top.title };
      const text = cards.length === 1 ? `Found it: ${top.title} by ${top.artists.join(', ')}.` : `Here is what matches "${query}" (${cards.length} tracks, most played first).`;
      return { reply: { ...base, text, cards, suggestions: ['more like that', 'what genre is that one?', 'like 1'] }, state: { ...state, constraints: {}, lastRecommendations: cards, lastNamed: named } };
    }
    case 'classify_track': {
      const v = outcome.value;
      const t = toReplyCard(v.track);
      const genres = v.labels?.genre.slice(0, 2).map((l) => l.label) ?? (v.genre !== null ? [v.genre.label] : []);
      const moods = v.labels?.mood.slice(0, 2).map((l) => l.label) ?? (v.mood !== null ? [v.mood.label] : []);
      const sub = v.subgenre?.label;
      const parts = [genres.length > 0 ? `genre ${genres.join(' / ')}${sub !== undefined ? ` (${sub})` : ''}` : 'no genre I can vouch for', moods.length > 0 ? `mood ${moods.join(' / ')}` : 'no mood I can vouch for'];
      return {
        reply: { ...base, text: `${t.title} by ${t.artists.join(', ')}: ${parts.join(', ')}.`, cards: [t], suggestions: ['more like that', 'something like it but calmer'] },
        state: { ...state, constraints: {}, lastRecommendations: [t], lastNamed: { kind: 'track' as const, id: t.id, title: t.title } },
      };
    }
    case 'list_genres_and_moods': {
      const names = (labels: readonly { name: string }[]) => labels.map((g) => g.name).join(', ') || '(none yet)';
      return { reply: { ...base, text: `Genres: ${names(outcome.value.genres)}.\nMoods: ${names(outcome.value.moods)}.`, suggestions: ['calm pop songs', 'energetic rock'] }, state };
    }
    default:
      return listReply(acted, outcome, state);
  }
}

/** recommend, similar_tracks (a new query or a refinement): the tracks as cards, or why there are none. */
function listReply(acted: RulesActed, outcome: ToolSuccess, state: ConversationState): TurnReply {
  const { plan, constraints } = acted;
  // A track no one played answers with its artists' neighbours, and an answer from names spelled alike is a guess:
  // said first.
  const said = outcome.tool === 'similar_tracks' ? outcome.value.stand_in : outcome.tool === 'recommend' && outcome.value.guess !== undefined ? `${outcome.value.guess}.` : undefined;
  const notes = said !== undefined ? [...acted.notes, said] : acted.notes;
  const base = { planner: 'rules' as const, cards: [] as ReplyCard[] };
  const list = outcome.tool === 'recommend' ? outcome.value.recommendations : outcome.tool === 'similar_tracks' ? outcome.value.similar : [];
  const excluded = new Set(constraints.excludeGenres ?? []);
  const count = plan.count ?? DEFAULT_COUNT;
  const cards = list
    .map((r) => toReplyCard(r.track, r.why.sentence))
    .filter((c) => c.genre === null || !excluded.has(c.genre))
    .slice(0, count);
  const { lastNamed: _named, ...before } = state;
  const lastNamed = plan.named ?? (plan.intent === 'refine' ? state.lastNamed : undefined);
  const next: ConversationState = {
    ...before,
    constraints,
    count,
    ...(plan.listSize !== undefined ? { listSize: plan.listSize } : {}),
    ...(plan.query !== undefined ? { lastQuery: plan.query } : {}),
    lastRecommendations: cards.length > 0 ? cards : state.lastRecommendations,
    ...(lastNamed !== undefined ? { lastNamed } : {}),
  };
  if (cards.length === 0) {
    const why = (outcome.tool === 'recommend' ? outcome.value.empty_reason : undefined) ?? (outcome.tool === 'recommend' || outcome.tool === 'similar_tracks' ? outcome.value.notes[0] : undefined) ?? 'nothing met every constraint';
    // Fewer constraints help only when there were some.
    const hint = Object.keys(plan.constraints).length > 0 ? ' Try fewer constraints.' : ' Try another song or artist.';
    return { reply: { ...base, text: [...notes, `I found nothing for that: ${why.replace(/[.\s]+$/, '')}.${hint}`].join('\n'), suggestions: ['something like Daft Punk', 'help'] }, state: next };
  }
  // When the artists' own tracks ran out and that constraint was relaxed, the tracks are like them, not by them.
  const relaxed = new Set((outcome.tool === 'recommend' || outcome.tool === 'similar_tracks' ? (outcome.value.relaxed ?? []) : []).map((r) => r.constraint));
  const byRelaxed = relaxed.has('artists') && (constraints.artists?.length ?? 0) > 0;
  const { artists: _artists, ...notBy } = constraints;
  const from = outcome.tool === 'similar_tracks' ? ` like ${outcome.value.track.title}` : byRelaxed ? ` like ${constraints.artists!.join(', ')}` : seedPhrase(plan);
  const text = [...notes, `Here ${cards.length === 1 ? 'is 1 track' : `are ${cards.length} tracks`}${from}${describeConstraints(byRelaxed ? notBy : constraints)}.`].join('\n');
  return { reply: { ...base, text, cards, suggestions: RECOMMEND_SUGGESTIONS }, state: next };
}

/** How a reply names an activity preset ("tracks for a good cry", not "tracks for cry"). */
const ACTIVITY_PHRASES: Readonly<Record<string, string>> = {
  dinner: 'dinner',
  focus: 'focus',
  study: 'studying',
  sleep: 'sleep',
  relax: 'relaxing',
  party: 'a party',
  workout: 'a workout',
  commute: 'the commute',
  cry: 'a good cry',
};

function activityPhrase(activity: string): string {
  return ACTIVITY_PHRASES[activity] ?? activity;
}

function seedPhrase(plan: Plan): string {
  const q = plan.query;
  if (q?.kind === 'recommend' && q.seeds?.text !== undefined) return ` like ${q.seeds.text}`;
  // The artists' own tracks were asked for: the constraints say "by X".
  if (q?.kind === 'recommend' && (plan.constraints.artists?.length ?? 0) > 0 && q.seeds?.artists?.every((a) => plan.constraints.artists?.includes(a)) === true) return plan.activity !== undefined ? ` for ${activityPhrase(plan.activity)}` : '';
  if (q?.kind === 'recommend' && q.seeds?.artists !== undefined && q.seeds.artists.length > 0) return ` like ${q.seeds.artists.join(', ')}${plan.activity !== undefined ? ` for ${activityPhrase(plan.activity)}` : ''}`;
  if (plan.activity !== undefined) return ` for ${activityPhrase(plan.activity)}`;
  if (q?.kind === 'recommend' && q.seeds === undefined) return q.for === 'anyone' ? ' for everyone' : ' for you';
  return '';
}

/** similar_listeners as words (aggregates, and names only of people who chose to be shown) and its tracks as cards. */
function listenersReply(v: ToolOutput<'similar_listeners'>): { text: string; cards: ReplyCard[] } {
  const labels = (xs: readonly { name: string; listeners: number }[]) => xs.slice(0, 3).map((l) => `${l.name} (${l.listeners})`).join(', ');
  const played = v.they_play.map((p) => toReplyCard(p.track, `${p.listeners} listeners with taste like yours play it.`)).slice(0, DEFAULT_COUNT);
  const lines = [v.note];
  if (labels(v.top_genres) !== '') lines.push(`Genres they like: ${labels(v.top_genres)}.`);
  if (labels(v.top_moods) !== '') lines.push(`Moods they like: ${labels(v.top_moods)}.`);
  if (v.shown_names.length > 0) lines.push(`Among them, by their own choice: ${v.shown_names.join(', ')}.`);
  if (v.similar_listeners > 0) lines.push(played.length > 0 ? 'What they play that you have not rated yet:' : 'They play nothing you have not rated already.');
  lines.push('Names appear only for people who chose to be shown ("share my listening as …"); everyone else counts anonymously.');
  return { text: lines.filter((l) => l !== '').join('\n'), cards: played };
}

function profileText(v: ToolOutput<'get_taste_profile'>): string {
  const counts = v.counts;
  const top = (xs: readonly { name: string }[]) => xs.slice(0, 3).map((g) => g.name).join(', ');
  const lines = [`You have liked ${counts.liked}, skipped ${counts.skipped} and disliked ${counts.disliked} tracks, and answered ${counts.votes} comparison${counts.votes === 1 ? '' : 's'} (taste confidence ${Math.round(v.confidence * 100)}%).`];
  if (top(v.top_genres) !== '') lines.push(`Genres you like: ${top(v.top_genres)}.`);
  if (top(v.top_moods) !== '') lines.push(`Moods you like: ${top(v.top_moods)}.`);
  if (counts.liked === 0 && counts.votes === 0) lines.push('Rate a few tracks ("like 2") or "compare two songs" so I can learn your taste.');
  return lines.join('\n');
}
