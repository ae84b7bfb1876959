/**
 * Executes a rule-planner plan through the tool registry and writes the reply: cards from the tool results, a
 * sentence on what was done, follow-up suggestions, and the conversation state after the turn.
 */
import { callTool, type ToolCallOutcome } from '../tools/registry.ts';
import type { ToolContext } from '../tools/tool-context.ts';
import { failureOf, toReplyCard, type AgentReply, type ReplyCard } from './agent-reply.ts';
import type { ActiveConstraints, ConversationState } from './conversation-state.ts';
import { DEFAULT_COUNT, queryCall, type Plan } from './rule-planner.ts';
import { runSpotifyPlan } from './spotify-turn.ts';

/** What a rule turn produced. */
export interface RuleTurn {
  readonly reply: AgentReply;
  readonly state: ConversationState;
}

/** The suggestions offered after recommendations. */
export const RECOMMEND_SUGGESTIONS = ['calmer', 'more upbeat', 'more like the first one', 'compare two songs'];

/** Help text, also the greeting's second line. */
export const HELP_TEXT = [
  'Ask for music the way you would ask a friend:',
  '  "something like Daft Punk but calmer", "focus music without vocals", "5 sad rock songs from the 90s",',
  '  "similar to Creep by Radiohead", then refine: "calmer", "older", "no rap", "more like the second one".',
  '  "compare two songs" starts an A/B pair (answer a or b); "like 2" / "dislike 3" rate a track;',
  '  "why the first one?" explains; "my profile" shows your taste; "I\'m into indie and chill stuff" states it.',
  '  "people like me" shows listeners with taste like yours (in aggregate); "share my listening as <name>" shows you to them.',
  '  Spotify: "connect spotify", "import my spotify" (your top and saved tracks become seeds), "save this as a playlist",',
  '  "disconnect spotify" (deletes everything imported). Without Spotify, "export" lists the tracks to copy.',
].join('\n');

/** Runs the plan and writes the reply. */
export async function runRulePlan(plan: Plan, ctx: ToolContext, state: ConversationState): Promise<RuleTurn> {
  const base = { planner: 'rules' as const, cards: [] as ReplyCard[] };
  const same = { ...state, constraints: plan.constraints };
  switch (plan.intent) {
    case 'greeting':
      return { reply: { ...base, text: `Hi! I'm Earworm, and I find music for you.\n${HELP_TEXT}`, suggestions: ['something like Daft Punk', 'focus music without vocals', 'compare two songs'] }, state };
    case 'help':
      return { reply: { ...base, text: HELP_TEXT, suggestions: ['something like Radiohead', 'party songs', 'my profile'] }, state };
    case 'unclear':
      return { reply: { ...base, text: `I did not catch a music request there.\n${HELP_TEXT}`, suggestions: ['something like Daft Punk', 'help'] }, state };
    case 'connect':
    case 'import':
    case 'export':
    case 'disconnect':
      return runSpotifyPlan(plan, ctx, state, failureText);
    case 'share':
      if (plan.calls.length > 0) break;
      return { reply: { ...base, text: 'Say the name people with taste like yours should see, e.g. "share my listening as Rocky". Only that name is shown, never your history.', suggestions: ['people like me'] }, state };
    default:
      break;
  }
  const call = plan.calls[0];
  if (call === undefined) return { reply: { ...base, text: HELP_TEXT, suggestions: [] }, state };
  let outcome = await callTool(call.name, call.args, ctx);
  let constraints = plan.constraints;
  const notes: string[] = [];
  // A genre or mood the classifiers do not know: drop it and say so, rather than failing the turn.
  for (let i = 0; i < 4 && outcome.kind === 'retry' && /^unknown_(genre|mood)$/.test(outcome.code) && plan.query !== undefined; i++) {
    const m = /Unknown (genre|mood) "([^"]+)"/.exec(outcome.message);
    if (m === null) break;
    const [, task, label] = m as unknown as [string, 'genre' | 'mood', string];
    notes.push(`I don't know the ${task} "${label}" here, so I left it out.`);
    constraints = dropLabel(constraints, task, label);
    const query = plan.query.kind === 'recommend' && plan.query.seeds !== undefined
      ? { ...plan.query, seeds: { ...plan.query.seeds, ...(task === 'genre' ? { genres: plan.query.seeds.genres?.filter((g) => g !== label) ?? [] } : { moods: plan.query.seeds.moods?.filter((g) => g !== label) ?? [] }) } }
      : plan.query;
    const retryCall = queryCall(dropEmptySeeds(query), constraints, plan.count ?? DEFAULT_COUNT);
    outcome = await callTool(retryCall.name, retryCall.args, ctx);
  }
  if (outcome.kind !== 'ok') return { reply: { ...base, text: failureText(outcome), suggestions: ['help', 'something like Daft Punk'], ...failureOf(outcome) }, state: same };
  const v = outcome.value;
  switch (plan.intent) {
    case 'compare': {
      const a = toReplyCard(v.a as Record<string, unknown>);
      const b = toReplyCard(v.b as Record<string, unknown>);
      if (a === undefined || b === undefined) break;
      const comparison = { comparisonId: v.comparison_id as number, a, b };
      return {
        reply: { ...base, text: 'Which of these two fits you better? Answer a or b (or skip).', comparison, suggestions: ['a', 'b', 'skip'] },
        state: { ...state, pendingComparison: comparison },
      };
    }
    case 'vote': {
      const { pendingComparison: pending, ...rest } = state;
      const chosen = v.choice === 'a' ? pending?.a : v.choice === 'b' ? pending?.b : undefined;
      const pct = Math.round(Number(v.confidence) * 100);
      const text = chosen === undefined ? 'Skipped that pair.' : `Noted: you prefer ${chosen.title} by ${chosen.artists.join(', ')}. Your taste model has ${String(v.votes)} vote${v.votes === 1 ? '' : 's'} (confidence ${pct}%).`;
      return { reply: { ...base, text, suggestions: ['compare two songs', 'recommend something for me'] }, state: rest };
    }
    case 'rate': {
      const t = toReplyCard(v.track as Record<string, unknown>);
      const what = v.rating === 'like' ? 'Liked' : v.rating === 'dislike' ? 'Disliked' : 'Skipped';
      const effect = v.rating === 'like' ? 'it will seed your recommendations' : v.rating === 'dislike' ? 'I will not recommend it again' : 'I will not repeat it';
      return { reply: { ...base, text: `${what} ${t?.title ?? 'that track'}: ${effect}.`, suggestions: ['recommend something for me', 'more like the first one'] }, state };
    }
    case 'explain': {
      const t = toReplyCard(v.track as Record<string, unknown>);
      const why = (v.why as { sentence?: string } | undefined)?.sentence;
      return { reply: { ...base, text: why !== undefined ? `${t?.title ?? 'It'}: ${why}` : `${t?.title ?? 'It'} is not among your recommendations now: ${String(v.reason ?? 'no reason given')}.`, suggestions: RECOMMEND_SUGGESTIONS }, state };
    }
    case 'profile':
      return { reply: { ...base, text: profileText(v), cards: ((v.liked as Record<string, unknown>[]) ?? []).flatMap((c) => toReplyCard(c) ?? []).slice(0, 5), suggestions: ['recommend something for me', 'compare two songs'] }, state };
    case 'onboard': {
      const st = v.stated as { genres: string[]; moods: string[]; energy: number | null; artists: string[] };
      const parts = [...st.artists, ...st.genres, ...st.moods.map((m) => `${m} music`)];
      if (st.energy !== null) parts.push(st.energy < 0.4 ? 'low energy' : st.energy > 0.6 ? 'high energy' : 'medium energy');
      const lines = [parts.length > 0 ? `Noted: you like ${parts.join(', ')}. I'll start from that, and your votes and likes will take over as they come.` : 'Noted.'];
      lines.push(...((v.notes as string[] | undefined) ?? []));
      return { reply: { ...base, text: lines.join('\n'), suggestions: ['recommend something for me', 'compare two songs', 'my profile'] }, state };
    }
    case 'listeners': {
      const { text, cards } = listenersReply(v);
      return { reply: { ...base, text, cards, suggestions: cards.length > 0 ? ['like 1', 'more like the first one', 'recommend something for me'] : ['recommend something for me', 'compare two songs'] }, state: cards.length > 0 ? { ...state, lastRecommendations: cards } : state };
    }
    case 'share': {
      const text =
        v.sharing === true
          ? `${v.changed === true ? 'Done' : 'Already so'}: people with taste like yours see you as “${String(v.shown_name)}” among their similar listeners (the name only, never your history). Say "stop sharing my listening" to hide it.`
          : `${v.changed === true ? 'Done' : 'Already so'}: you are not shown by name; you count only anonymously among other people's similar listeners.`;
      return { reply: { ...base, text, suggestions: ['people like me', 'recommend something for me'] }, state };
    }
    case 'search': {
      const cards = ((v.tracks as Record<string, unknown>[] | undefined) ?? []).flatMap((c) => toReplyCard(c) ?? []);
      const query = String(call.args.query ?? '');
      if (cards.length === 0) return { reply: { ...base, text: `I found nothing called "${query}" in the catalogue. Try the title with its artist, or fewer words.`, suggestions: ['help'] }, state };
      const top = cards[0]!;
      const named = plan.named ?? { kind: 'track' as const, id: top.id, title: top.title };
      const text = cards.length === 1 ? `Found it: ${top.title} by ${top.artists.join(', ')}.` : `Here is what matches "${query}" (${cards.length} tracks, most played first).`;
      return { reply: { ...base, text, cards, suggestions: ['more like that', 'what genre is that one?', 'like 1'] }, state: { ...state, lastRecommendations: cards, lastNamed: named } };
    }
    case 'classify': {
      const t = toReplyCard(v.track as Record<string, unknown>);
      const labels = v.labels as { genre: { label: string; probability: number }[]; mood: { label: string; probability: number }[] } | undefined;
      const pred = (k: string) => (v[k] as { label: string } | null | undefined)?.label;
      const genres = labels?.genre.slice(0, 2).map((l) => l.label) ?? [pred('genre')].flatMap((x) => x ?? []);
      const moods = labels?.mood.slice(0, 2).map((l) => l.label) ?? [pred('mood')].flatMap((x) => x ?? []);
      const sub = pred('subgenre');
      const what = t === undefined ? 'That track' : `${t.title} by ${t.artists.join(', ')}`;
      const parts = [genres.length > 0 ? `genre ${genres.join(' / ')}${sub !== undefined ? ` (${sub})` : ''}` : 'no genre I can vouch for', moods.length > 0 ? `mood ${moods.join(' / ')}` : 'no mood I can vouch for'];
      const lastNamed = t === undefined ? state.lastNamed : { kind: 'track' as const, id: t.id, title: t.title };
      return {
        reply: { ...base, text: `${what}: ${parts.join(', ')}.`, cards: t === undefined ? [] : [t], suggestions: ['more like that', 'something like it but calmer'] },
        state: { ...state, ...(t !== undefined ? { lastRecommendations: [t] } : {}), ...(lastNamed !== undefined ? { lastNamed } : {}) },
      };
    }
    case 'genres': {
      const names = (k: string) => ((v[k] as { name: string }[]) ?? []).map((g) => g.name).join(', ') || '(none yet)';
      return { reply: { ...base, text: `Genres: ${names('genres')}.\nMoods: ${names('moods')}.`, suggestions: ['calm pop songs', 'energetic rock'] }, state };
    }
    default:
      break;
  }
  // recommend, similar, refine
  const list = ((v.recommendations ?? v.similar) as Record<string, unknown>[] | undefined) ?? [];
  const excluded = new Set(constraints.excludeGenres ?? []);
  const count = plan.count ?? DEFAULT_COUNT;
  const cards = list
    .flatMap((r) => toReplyCard(r.track as Record<string, unknown>, (r.why as { sentence?: string } | undefined)?.sentence) ?? [])
    .filter((c) => c.genre === null || !excluded.has(c.genre))
    .slice(0, count);
  const { lastNamed: _named, ...before } = state;
  const lastNamed = plan.named ?? (plan.intent === 'refine' ? state.lastNamed : undefined);
  const next: ConversationState = {
    ...before,
    constraints,
    count,
    ...(plan.query !== undefined ? { lastQuery: plan.query } : {}),
    lastRecommendations: cards.length > 0 ? cards : state.lastRecommendations,
    ...(lastNamed !== undefined ? { lastNamed } : {}),
  };
  if (cards.length === 0) {
    const why = typeof v.empty_reason === 'string' ? v.empty_reason : ((v.notes as string[] | undefined) ?? [])[0] ?? 'nothing met every constraint';
    return { reply: { ...base, text: [...notes, `I found nothing for that: ${why}. Try fewer constraints.`].join('\n'), suggestions: ['something like Daft Punk', 'help'] }, state: next };
  }
  const from = v.track !== undefined ? ` like ${toReplyCard(v.track as Record<string, unknown>)?.title ?? 'that'}` : seedPhrase(plan);
  const text = [...notes, `Here ${cards.length === 1 ? 'is 1 track' : `are ${cards.length} tracks`}${from}${describeConstraints(constraints)}.`].join('\n');
  return { reply: { ...base, text, cards, suggestions: RECOMMEND_SUGGESTIONS }, state: next };
}

function dropEmptySeeds<Q extends Plan['query']>(q: Q): NonNullable<Q> {
  if (q === undefined || q.kind !== 'recommend' || q.seeds === undefined) return q!;
  const seeds = Object.fromEntries(Object.entries(q.seeds).filter(([, v]) => v !== undefined && (!Array.isArray(v) || v.length > 0)));
  const { seeds: _s, ...rest } = q;
  return (Object.keys(seeds).length === 0 ? rest : { ...rest, seeds }) as NonNullable<Q>;
}

function dropLabel(c: ActiveConstraints, task: 'genre' | 'mood', label: string): ActiveConstraints {
  const key = task === 'genre' ? 'genres' : 'moods';
  const left = (c[key] ?? []).filter((x) => x !== label);
  const { [key]: _drop, ...rest } = c;
  return left.length > 0 ? { ...rest, [key]: left } : rest;
}

function seedPhrase(plan: Plan): string {
  const q = plan.query;
  if (q?.kind === 'recommend' && q.seeds?.text !== undefined) return ` like ${q.seeds.text}`;
  if (q?.kind === 'recommend' && q.seeds?.artists !== undefined && q.seeds.artists.length > 0) return ` like ${q.seeds.artists.join(', ')}${plan.activity !== undefined ? ` for ${plan.activity}` : ''}`;
  if (plan.activity !== undefined) return ` for ${plan.activity}`;
  if (q?.kind === 'recommend' && q.seeds === undefined) return q.for === 'anyone' ? ' for everyone' : ' for you';
  return '';
}

/** Active constraints in words ("; energy ≤ 0.5, no rap"). */
export function describeConstraints(c: ActiveConstraints): string {
  const parts: string[] = [];
  if (c.genres !== undefined) parts.push(c.genres.join('/'));
  if (c.moods !== undefined) parts.push(c.moods.join('/'));
  for (const f of ['energy', 'valence', 'tempo', 'danceability', 'acousticness', 'instrumentalness', 'year'] as const) {
    const r = c[f];
    if (r === undefined) continue;
    if (r.min !== undefined && r.max !== undefined) parts.push(`${f} ${r.min}–${r.max}`);
    else if (r.min !== undefined) parts.push(`${f} ≥ ${r.min}`);
    else if (r.max !== undefined) parts.push(`${f} ≤ ${r.max}`);
  }
  if (c.excludeGenres !== undefined) parts.push(...c.excludeGenres.map((g) => `no ${g}`));
  if (c.excludeMoods !== undefined) parts.push(...c.excludeMoods.map((m) => `nothing ${m}`));
  if (c.excludeArtists !== undefined) parts.push(...c.excludeArtists.map((a) => `no ${a}`));
  if (c.explicit === false) parts.push('clean');
  if (c.vocals === 'vocal') parts.push('with vocals');
  if (c.popularity !== undefined) parts.push(c.popularity === 'deep_cuts' ? 'deep cuts' : 'mainstream');
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** similar_listeners as words (aggregates, and names only of people who chose to be shown) and its tracks as cards. */
export function listenersReply(v: Record<string, unknown>): { text: string; cards: ReplyCard[] } {
  const labels = (k: string) => ((v[k] as { name: string; listeners: number }[] | undefined) ?? []).slice(0, 3).map((l) => `${l.name} (${l.listeners})`).join(', ');
  const played = ((v.they_play as { track: Record<string, unknown>; listeners: number }[] | undefined) ?? [])
    .flatMap((p) => toReplyCard(p.track, `${p.listeners} listeners with taste like yours play it.`) ?? [])
    .slice(0, DEFAULT_COUNT);
  const names = (v.shown_names as string[] | undefined) ?? [];
  const lines = [String(v.note ?? '')];
  if (labels('top_genres') !== '') lines.push(`Genres they like: ${labels('top_genres')}.`);
  if (labels('top_moods') !== '') lines.push(`Moods they like: ${labels('top_moods')}.`);
  if (names.length > 0) lines.push(`Among them, by their own choice: ${names.join(', ')}.`);
  if (Number(v.similar_listeners) > 0) lines.push(played.length > 0 ? 'What they play that you have not rated yet:' : 'They play nothing you have not rated already.');
  lines.push('Names appear only for people who chose to be shown ("share my listening as …"); everyone else counts anonymously.');
  return { text: lines.filter((l) => l !== '').join('\n'), cards: played };
}

function profileText(v: Record<string, unknown>): string {
  const counts = v.counts as { liked: number; skipped: number; disliked: number; votes: number };
  const top = (k: string) => ((v[k] as { name: string }[]) ?? []).slice(0, 3).map((g) => g.name).join(', ');
  const lines = [`You have liked ${counts.liked}, skipped ${counts.skipped} and disliked ${counts.disliked} tracks, and answered ${counts.votes} comparison${counts.votes === 1 ? '' : 's'} (taste confidence ${Math.round(Number(v.confidence) * 100)}%).`];
  if (top('top_genres') !== '') lines.push(`Genres you like: ${top('top_genres')}.`);
  if (top('top_moods') !== '') lines.push(`Moods you like: ${top('top_moods')}.`);
  if (counts.liked === 0 && counts.votes === 0) lines.push('Rate a few tracks ("like 2") or "compare two songs" so I can learn your taste.');
  return lines.join('\n');
}

/** Words for a tool call that did not succeed. */
export function failureText(o: Exclude<ToolCallOutcome, { kind: 'ok' }>): string {
  if (o.kind === 'retry' && o.code === 'ambiguous_track' && o.candidates !== undefined) {
    return `Which one do you mean?\n${o.candidates.slice(0, 5).map((c, i) => `  ${i + 1}. ${c.label}`).join('\n')}\nSay it with the artist, e.g. "similar to Creep by Radiohead".`;
  }
  if (o.kind === 'retry' && o.code === 'ambiguous_artist' && o.candidates !== undefined) {
    return `Which artist do you mean?\n${o.candidates.slice(0, 5).map((c, i) => `  ${i + 1}. ${c.label}`).join('\n')}\nSay it with their full name.`;
  }
  if (o.kind === 'retry' && /^(unknown_track|unknown_artist|no_seeds_found)$/.test(o.code)) {
    return 'I could not find that in the catalogue. Try a song title with its artist, or an artist name.';
  }
  // A retry's message is written for a language model ("call … again with …"): never show it to the person.
  if (o.kind === 'retry') return `I could not do that as asked (${o.code.replace(/_/g, ' ')}). Try saying it another way, e.g. "something like Daft Punk" or "help".`;
  return o.message;
}
