/**
 * recommend: tracks for the person from seeds (tracks, artists, genres, moods or free text), under hard constraints,
 * shaped by their likes, dislikes and A/B votes unless asked for a neutral list.
 */
import { z } from 'zod';
import { STRATEGIES } from '../recsys/experiments/thompson-bandit.ts';
import { canonicalLabel, GENRES, MOODS } from '../recsys/labels/vocabulary.ts';
import { fitMoods, STYLE_WORDS_TABLE, styleOf, type Style } from '../recsys/constraints/constraint-vocabulary.ts';
import { InvalidConstraintError } from '../recsys/ranking/constraints.ts';
import { LABEL_EVIDENCE } from '../recsys/labels/track-labels.ts';
import type { StrategyChoice } from '../serving/ports/experiments.ts';
import type { Recommendation, RecommendationRequest, Relaxation } from '../serving/ports/track-recommender.ts';
import { searchTerms } from './search-terms.ts';
import type { TrackCard } from '../serving/ports/catalog.ts';
import { personalisation } from './personalisation.ts';
import { stableKey } from '../serving/cache/recommend-cache.ts';
import { constraintArgs, constraintRetry } from './constraint-args.ts';
import { cardOut, constraintsInput, recommendationOut, relaxationOut, relaxationsOut, trackCard, trackRef } from './schemas.ts';
import { defineTool, ok, retry, type Retry } from './tool.ts';
import type { ToolContext } from './tool-context.ts';
import { artistSeeds, isRetry, trackArg } from './track-args.ts';

const input = z
  .object({
    seeds: z
      .object({
        tracks: z.array(trackRef).max(10).optional().describe('Tracks the person likes or names.'),
        artists: z.array(z.string().trim().min(1)).max(5).optional().describe('Artist names; their most played tracks become seeds.'),
        genres: z.array(z.string().trim().min(1)).max(5).optional().describe('Genres to start from (see list_genres_and_moods); a style ("funk", "grunge") is no starting point: put it in constraints.genres.'),
        moods: z.array(z.string().trim().min(1)).max(5).optional().describe('Moods to start from.'),
        text: z.string().trim().min(1).max(300).optional().describe('Free text such as "something like daft punk, calm"; a style named in it ("funk", "pop punk") is kept to, as in constraints.genres.'),
      })
      .strict()
      .optional()
      .describe("What to start from. Leave out to start from the person's likes."),
    constraints: constraintsInput.optional().describe('Hard filters every result must meet.'),
    count: z.number().int().min(1).max(50).default(10),
    for: z
      .enum(['me', 'anyone'])
      .default('me')
      .describe('"me": shaped by the person\'s likes, dislikes and A/B votes; "anyone": a neutral list (e.g. for a party).'),
    activity: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .optional()
      .describe('What the music is for, if the person said (focus, study, workout, sleep, party, relax): context for choosing the strategy.'),
    artists_first: z
      .boolean()
      .optional()
      .describe(
        "With seeds.artists: lead with those artists' own best tracks (round-robin, about half the answer for one artist, more for several), then their neighbours. Use it when a person builds a list from artists (\"songs like X and Y\", \"more X\"); leave it out for \"artists like X\" (mostly neighbours).",
      ),
  })
  .strict();

/** The constraints argument, as validated. */
type ConstraintsArg = NonNullable<z.output<typeof input>['constraints']>;

/** Weight of "what people like you play" (similar listeners) in the blend: the most it adds to a track's score. */
const SIMILAR_LISTENERS_WEIGHT = 0.5;

const output = z.object({
  recommendations: z.array(recommendationOut),
  seeds: z.array(trackCard).describe('The seed tracks used.'),
  model: z.string().describe('Which model answered.'),
  strategy: z
    .enum([...STRATEGIES, 'artist', 'mood_fit', 'popularity'])
    .describe(
      'How candidates were chosen: cf, content, hybrid or explore (picked by the strategy bandit for "me"), artist (the seed artists\' neighbours, when no seed track was usable), mood_fit (no seed: the tracks that meet the constraints and best fit the mood asked for or the activity\'s), or popularity when no seed was usable and no mood was named.',
    ),
  strategy_reason: z.string().describe('Why this strategy ranked (the request, the experiment, or the seeds available).'),
  relaxed: z
    .array(relaxationOut)
    .describe('Constraints loosened, in order, because too few tracks met them all; the tracks that met everything come first. Tell the person.'),
  notes: z.array(z.string()),
  empty_reason: z.string().optional().describe('Why nothing came back, when nothing did.'),
  guess: z.string().optional().describe('Set when the seeds are linked to other music only by names spelled alike: the answer is a guess. Tell the person.'),
});

/** Resolved seeds: tracks (genre/mood seeds as extra tracks), the artists named, and remarks for the caller. */
interface Seeds {
  readonly tracks: TrackCard[];
  readonly artists: string[];
  readonly notes?: string[];
  /** Ids of seed tracks picked to stand for a genre, mood or artist (they may come back in the answer). */
  readonly standIns?: number[];
  /** The artists named in seeds.artists that the catalogue holds, as found (with or without an artist model). */
  readonly named?: string[];
  /** Styles named in seeds.text ("funk", "pop punk"): met as constraints, not seeded by their genre. */
  readonly styles?: Style[];
}

/**
 * Resolves seeds; artists the artist model knows (accents, possessives, typos forgiven) need no played track. A style
 * among the genres (`constrained`: the constraint's genres, where it belongs) seeds nothing.
 */
async function collectSeeds(ctx: ToolContext, seeds: z.output<typeof input>['seeds'], constrained: readonly string[] = []): Promise<Seeds | Retry> {
  const out: Seeds = { tracks: [], artists: [], notes: [], standIns: [], named: [], styles: [] };
  if (seeds === undefined) return out;
  for (const [i, ref] of (seeds.tracks ?? []).entries()) {
    const t = await trackArg(ctx, ref, `seeds.tracks[${i}]`);
    if (isRetry(t)) return t;
    out.tracks.push(t);
  }
  for (const name of seeds.artists ?? []) {
    const known = ctx.recommender.resolveArtist(name);
    const ts = await artistSeeds(ctx, known?.name ?? name);
    if (isRetry(ts)) {
      if (known === undefined) return ts;
    } else {
      out.tracks.push(...ts);
      // The artist's best tracks stand for the artist: the person did not name them, so they may come back.
      out.standIns!.push(...ts.map((t) => t.id));
      out.named!.push(known?.name ?? name);
    }
    if (known !== undefined) out.artists.push(known.name);
  }
  const vocab = await ctx.catalog.vocabulary();
  for (const [task, names, known] of [
    ['genre', seeds.genres ?? [], vocab.genres.map((g) => g.name)],
    ['mood', seeds.moods ?? [], vocab.moods.map((m) => m.name)],
  ] as const) {
    for (const name of names) {
      // A style ("funk") is no genre's best tracks (r&b's are 2010s pop-r&b): it is met as a constraint.
      const style = task === 'genre' ? styleOf(name) : undefined;
      if (style !== undefined) {
        if (!constrained.some((g) => styleOf(g) === style)) out.notes!.push(`"${name}" is a style, not a starting point: constraints.genres ["${name}"] keeps to it.`);
        continue;
      }
      const canon = canonicalLabel(task, name);
      const label = canon !== undefined && known.includes(canon) ? canon : name.toLowerCase();
      if (!known.includes(label)) {
        // A vocabulary name no track is labelled with yet starts from nothing (said so); any other word is a mistake.
        if (canon !== undefined) {
          out.notes!.push(`No track is labelled with the ${task} "${canon}" yet, so it could not be a starting point.`);
          continue;
        }
        const vocabulary = task === 'genre' ? GENRES : MOODS;
        return retry(`unknown_${task}`, `Unknown ${task} "${name}". Use one of the vocabulary's ${task}s: ${vocabulary.join(', ')}.`);
      }
      const ids = (await ctx.catalog.topWithLabel(task, label, 20)).filter((id) => ctx.recommender.knows(id)).slice(0, 5);
      const cards = await ctx.catalog.describe(ids);
      out.tracks.push(...ids.map((id) => cards.get(id)).filter((c): c is TrackCard => c !== undefined));
      out.standIns!.push(...ids);
    }
  }
  if (seeds.text !== undefined) {
    const fromText = await textSeeds(ctx, seeds.text, vocab.genres.map((g) => g.name), vocab.moods.map((m) => m.name));
    if (isRetry(fromText)) return fromText;
    out.tracks.push(...fromText.tracks);
    out.artists.push(...fromText.artists);
    out.standIns!.push(...(fromText.standIns ?? []));
    for (const style of fromText.styles ?? []) if (!out.styles!.includes(style)) out.styles!.push(style);
  }
  return out;
}

/** Style words longest first ("pop punk" before "punk" is read), each with the pattern that finds it standing alone. */
const STYLE_PATTERNS: readonly (readonly [RegExp, Style])[] = [...STYLE_WORDS_TABLE]
  .sort(([a], [b]) => b.length - a.length)
  .map(([word, style]) => [new RegExp(`(^|[^a-z0-9&-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[^a-z0-9&-])`, 'gi'), style] as const);

/** The styles a part of free text names ("pop punk blink-182" names pop punk), and the text without their words. */
function stylesIn(part: string): { styles: Style[]; rest: string } {
  const styles: Style[] = [];
  let rest = part;
  for (const [re, style] of STYLE_PATTERNS) {
    const left = rest.replace(re, '$1 ');
    if (left === rest) continue;
    if (!styles.includes(style)) styles.push(style);
    rest = left;
  }
  return { styles, rest: rest.replace(/\s+/g, ' ').trim() };
}

/**
 * Free text: comma- or "and"-separated parts; a part that is an artist's name of several words seeds with that artist,
 * a style named ("funk", "pop punk") is kept to as a constraint (its genre's best tracks are not of it: "funk" seeded
 * 2010s r&b), a genre or mood seeds with it, a part that is an artist's name seeds with that artist, others name
 * tracks (or artists, through the catalogue search, or as a near miss).
 */
async function textSeeds(ctx: ToolContext, text: string, genres: readonly string[], moods: readonly string[]): Promise<Seeds | Retry> {
  const out: Seeds = { tracks: [], artists: [], standIns: [], styles: [] };
  const parts = text.split(/,|;|\band\b|\bor\b|\bbut\b/i).map((p) => p.replace(/\b(something|songs?|music|tracks?|like|similar to|more|less|a bit|some)\b/gi, ' ').trim()).filter((p) => p !== '');
  for (const whole of parts) {
    // Styles first, so their words are not read as their genre ("funk" is not r&b, "pop punk" not pop and punk);
    // not inside an artist's name of several words ("Grand Funk Railroad", "The Disco Biscuits").
    const styled = stylesIn(whole);
    const artistsName = styled.styles.length > 0 && searchTerms(whole).length >= 2 && ctx.recommender.resolveArtist(whole.replace(/['’]s\b/gi, ''))?.match === 'exact';
    const part = artistsName ? whole : styled.rest;
    if (!artistsName) for (const style of styled.styles) if (!out.styles!.includes(style)) out.styles!.push(style);
    if (part === '') continue;
    const words = searchTerms(part);
    const asLabel = (w: string): string => {
      const g = canonicalLabel('genre', w);
      if (g !== undefined && genres.includes(g)) return g;
      const m = canonicalLabel('mood', w);
      return m !== undefined && moods.includes(m) ? m : w;
    };
    // A name of several words that is an artist's ("Daft Punk", "Beach House", "Iggy Pop") is the artist: its words
    // are not genres or moods as well (the punk charts under "like Daft Punk").
    const named = words.length >= 2 ? ctx.recommender.resolveArtist(part.replace(/['’]s\b/gi, '')) : undefined;
    if (named?.match === 'exact') {
      out.artists.push(named.name);
      const ts = await artistSeeds(ctx, named.name);
      if (!isRetry(ts)) out.tracks.push(...ts);
      continue;
    }
    const labels = words.filter((w) => genres.includes(asLabel(w)) || moods.includes(asLabel(w)));
    for (const word of labels) {
      const label = asLabel(word);
      const ids = (await ctx.catalog.topWithLabel(genres.includes(label) ? 'genre' : 'mood', label, 20)).filter((id) => ctx.recommender.knows(id)).slice(0, 3);
      const cards = await ctx.catalog.describe(ids);
      out.tracks.push(...ids.map((id) => cards.get(id)).filter((c): c is TrackCard => c !== undefined));
      out.standIns!.push(...ids);
    }
    const rest = words.filter((w) => !labels.includes(w)).join(' ');
    if (rest === '') continue;
    // The whole part is an artist's name (folded: "Beyonce", "the beatles", "sigur ros"): that artist.
    const artist = ctx.recommender.resolveArtist(part.replace(/['’]s\b/gi, ''));
    if (artist?.match === 'exact') {
      out.artists.push(artist.name);
      const ts = await artistSeeds(ctx, artist.name);
      if (!isRetry(ts)) out.tracks.push(...ts);
      continue;
    }
    const found = (await ctx.catalog.search(rest, 10)).filter((t) => ctx.recommender.knows(t.id));
    if (found.length === 0) {
      // A near miss ("radioheads", "bjrok") or an artist whose tracks nobody played.
      if (artist !== undefined) {
        out.artists.push(artist.name);
        const ts = await artistSeeds(ctx, artist.name);
        if (!isRetry(ts)) out.tracks.push(...ts);
      }
      continue;
    }
    const first = found[0]!.artists[0];
    const same = found.filter((t) => t.artists[0] === first).slice(0, 3);
    out.tracks.push(...(same.length > 1 ? same : found.slice(0, 1)));
  }
  if (out.tracks.length === 0 && out.artists.length === 0 && out.styles!.length === 0) {
    return retry('no_seeds_found', `Nothing in "${text}" names a track, artist, genre or mood in the catalogue. Pass seeds.tracks or seeds.artists explicitly, or use search_catalog first.`);
  }
  return out;
}

/**
 * Records what an answered call asked for — the genres and moods named in seeds, constraints or free text, and the
 * activity — for drift monitoring (buffered: it does not slow the answer).
 */
async function recordRequest(ctx: ToolContext, args: z.output<typeof input>): Promise<void> {
  const vocab = await ctx.catalog.vocabulary();
  const words = args.seeds?.text !== undefined ? searchTerms(args.seeds.text) : [];
  const named = (given: readonly string[], known: readonly { name: string }[]) => [...given, ...words.filter((w) => known.some((k) => k.name === w))];
  ctx.requests.record(ctx.personId, {
    platform: ctx.platform,
    genres: named([...(args.seeds?.genres ?? []), ...(args.constraints?.genres ?? [])], vocab.genres),
    moods: named([...(args.seeds?.moods ?? []), ...(args.constraints?.moods ?? [])], vocab.moods),
    ...(args.activity !== undefined ? { activity: args.activity } : {}),
  });
}

/**
 * A track kept for a genre or mood the request asked for shows that label on its card when its labels carry it with
 * evidence, not its top label: "sad songs" showed "I Will Not Bow (rock, calm)", a song labelled calm and sad, and
 * "chill lofi beats" showed lo-fi tracks labelled pop or r&b first and hip hop second.
 */
async function showAskedLabels(ctx: ToolContext, cards: Map<number, TrackCard>, ids: readonly number[], constraints: { readonly genres?: readonly string[]; readonly moods?: readonly string[] }, relaxed: readonly Relaxation[] | undefined): Promise<void> {
  const asked = (names: readonly string[] | undefined, field: 'genres' | 'moods') =>
    names === undefined || names.length === 0 || relaxed?.some((r) => r.constraint === field) ? undefined : new Set(names.map((m) => m.trim().toLowerCase()));
  const genres = asked(constraints.genres, 'genres');
  const moods = asked(constraints.moods, 'moods');
  if ((genres === undefined && moods === undefined) || ctx.catalog.labels === undefined) return;
  const pick = (labels: readonly { label: string; probability: number }[], wanted: ReadonlySet<string>) =>
    labels.filter((m) => wanted.has(m.label.toLowerCase()) && m.probability >= LABEL_EVIDENCE.keep).sort((a, b) => b.probability - a.probability)[0]?.label;
  // The cards that do not show the label asked for, their labels read together.
  const need = ids.flatMap((id) => {
    const card = cards.get(id);
    if (card === undefined) return [];
    const needGenre = genres !== undefined && !(card.genre !== null && genres.has(card.genre.toLowerCase()));
    const needMood = moods !== undefined && !(card.mood !== null && moods.has(card.mood.toLowerCase()));
    return needGenre || needMood ? [{ id, card, needGenre, needMood }] : [];
  });
  const read = await Promise.all(need.map((x) => ctx.catalog.labels?.(x.id)));
  for (const [k, { id, card, needGenre, needMood }] of need.entries()) {
    const labels = read[k];
    if (labels === undefined) continue;
    const genre = needGenre && genres !== undefined ? pick(labels.genre, genres) : undefined;
    const mood = needMood && moods !== undefined ? pick(labels.mood, moods) : undefined;
    if (genre !== undefined || mood !== undefined) cards.set(id, { ...card, ...(genre !== undefined ? { genre } : {}), ...(mood !== undefined ? { mood } : {}) });
  }
}

/** A track whose evidence shows a style asked for shows that style on its card ("grunge", not "rock"). */
function showStyles(cards: Map<number, TrackCard>, items: readonly Recommendation[]): void {
  for (const r of items) {
    const card = cards.get(r.trackId);
    if (card !== undefined && r.style !== undefined) cards.set(r.trackId, { ...card, genre: r.style });
  }
}

/**
 * The constraints with the styles named in free text kept to (`genres`), unless already asked for or left out: "funk" in
 * seeds.text keeps to funk, as constraints.genres ["funk"] does.
 */
function keepTextStyles(constraints: ConstraintsArg | undefined, styles: readonly Style[]): { constraints: ConstraintsArg | undefined; notes: string[] } {
  const has = (list: readonly string[] | undefined, style: Style) => (list ?? []).some((g) => styleOf(g) === style);
  const added = styles.filter((s) => !has(constraints?.genres, s) && !has(constraints?.exclude_genres, s));
  if (added.length === 0) return { constraints, notes: [] };
  return {
    constraints: { ...constraints, genres: [...(constraints?.genres ?? []), ...added] },
    notes: added.map((s) => `"${s}" in seeds.text is a style, not its genre: constraints.genres ["${s}"] keeps to it.`),
  };
}

/** Share of an answer led by the named artists' own tracks: one artist named, several. */
const ARTISTS_FIRST_SHARE = { one: 0.4, several: 0.6 };

/**
 * The named artists' own best tracks that meet every constraint (ranked by the recommender with the artists as a hard
 * constraint; none that met only a relaxed request, which would go unsaid), round-robin over the artists, ahead of
 * `items`.
 */
async function artistsFirst(
  ctx: ToolContext,
  items: readonly Recommendation[],
  artists: readonly string[],
  k: number,
  request: Omit<RecommendationRequest, 'k'>,
): Promise<Recommendation[]> {
  const lead = Math.min(k, Math.ceil(k * (artists.length >= 2 ? ARTISTS_FIRST_SHARE.several : ARTISTS_FIRST_SHARE.one)));
  const answer = await ctx.recommender.recommend({ ...request, k: lead * 2, constraints: { ...request.constraints, artists } });
  // Only the tracks that met every constraint lead (those come first when the recommender relaxed one).
  const own = answer.items.slice(0, answer.relaxed?.[0]?.metAll ?? answer.items.length);
  if (own.length === 0) return [...items];
  const cards = await ctx.catalog.describe(own.map((r) => r.trackId));
  const keyOf = (name: string) => name.toLowerCase();
  const queues = new Map(artists.map((a) => [keyOf(a), [] as Recommendation[]]));
  const other: Recommendation[] = [];
  for (const r of own) {
    const by = cards.get(r.trackId)?.artists.map(keyOf) ?? [];
    const q = by.map((a) => queues.get(a)).find((x) => x !== undefined);
    (q ?? other).push(r);
  }
  const led: Recommendation[] = [];
  for (let round = 0; led.length < lead && [...queues.values()].some((q) => q.length > round); round++) {
    for (const q of queues.values()) if (q[round] !== undefined && led.length < lead) led.push(q[round]!);
  }
  for (const r of other) if (led.length < lead) led.push(r);
  const ids = new Set(led.map((r) => r.trackId));
  return [...led, ...items.filter((r) => !ids.has(r.trackId))].slice(0, k);
}

/** Why the strategy that ranked did, in words. */
function strategyReason(list: { strategy?: string; basis?: string }, choice: StrategyChoice | undefined, named: boolean, forWhom: 'me' | 'anyone', available: readonly string[], fit: readonly string[]): string {
  if (list.strategy === undefined) {
    if (list.basis === 'artist') return "no seed track was usable, so the seed artists' neighbours and their best tracks answered";
    if (list.basis === 'fit') return `no seed was usable, so the tracks that meet the constraints and best fit the mood (${fit.join(', ')}) answered, popularity breaking ties`;
    return 'no seed was usable, so popular tracks that meet the constraints answered';
  }
  if (named) return `${list.strategy}: the request names seeds, so only the strategy that uses every seed (the full blend) was eligible`;
  if (forWhom === 'anyone') return `${list.strategy}: a neutral list always uses the full blend`;
  if (choice?.variant === 'bandit') return `${list.strategy}: chosen by the strategy experiment among ${available.join(', ')}`;
  return `${list.strategy}: the experiment's control group always uses the full blend`;
}

/** The recommend tool. */
export const recommend = defineTool({
  name: 'recommend',
  title: 'Recommend tracks',
  description:
    'Recommend tracks. Seeds may be tracks (ids or text like "daft punk one more time"), artists, genres, moods or free text; with no seeds it starts from what the person liked and the tracks imported from their Spotify library. Constraints are hard filters applied before ranking, each met only with evidence (genres, moods, artists, tracks and their exclusions; year, tempo, energy, valence, danceability, acousticness ranges; vocals instrumental/vocal/female/male; instruments such as saxophone, piano or guitar, by the tags listeners gave; explicit clean/any; popularity mainstream/deep_cuts; holiday only/any, holiday songs being left out unless asked for or seeded); when too few tracks meet them all, the least important are relaxed in a fixed order and listed in `relaxed`: tell the person. Results never include tracks the person disliked or already rated, and each carries a one-sentence reason. If a seed is ambiguous you get candidates back: ask the person or retry with an id.',
  input,
  output,
  writes: false,
  async execute(args, ctx) {
    // Recent answers are cached per (person, request, platform, model version); votes, ratings and stated-tastes
    // changes invalidate the person's entries.
    const cacheKey = stableKey({ args, platform: ctx.platform, model: ctx.recommender.description, answer: 3 });
    const cached = await ctx.recommendCache.lookup(ctx.personId, cacheKey);
    if (cached.value !== undefined) {
      await recordRequest(ctx, args);
      return ok(cached.value as z.output<typeof output>);
    }
    const seeds = await collectSeeds(ctx, args.seeds, args.constraints?.genres);
    if (isRetry(seeds)) return seeds;
    const styled = keepTextStyles(args.constraints, seeds.styles ?? []);
    const constraints = await constraintArgs(ctx, styled.constraints);
    if (isRetry(constraints)) return constraints;
    const personal = args.for === 'me' ? await personalisation(ctx) : undefined;
    const seedIds = [...new Set(seeds.tracks.map((s) => s.id))];
    const startFromLikes = args.seeds === undefined && personal !== undefined;
    // With no seeds named, start from the likes and imported seeds plus what the person stated (faded as votes and likes arrive).
    const used = startFromLikes ? [...new Set([...personal.seeds.slice(0, 10), ...personal.statedSeeds])] : seedIds;
    // "What people like you play": a small candidate source for the person, explained as `similar_listeners`.
    const near = personal !== undefined ? await ctx.listeners.candidates(ctx.personId) : new Map<number, number>();
    // For "me" the strategy experiment picks how candidates are found (the contextual bandit, or hybrid in the
    // control); a neutral list is always the full hybrid and teaches the bandit nothing.
    const activity = args.activity ?? args.seeds?.moods?.[0] ?? args.constraints?.moods?.[0];
    // Strategy within the request: named seeds are answered by the full blend, which uses every seed, so the same
    // request gets the same quality (no draw between strategies that ignore or dilute the seeds).
    const named = seedIds.length > 0 || seeds.artists.length > 0;
    const eligible = named ? ctx.recommender.strategies.filter((s) => s === 'hybrid') : ctx.recommender.strategies;
    const choice: StrategyChoice | undefined =
      args.for === 'me' ? await ctx.experiments.choose(ctx.personId, eligible, { ...(activity !== undefined ? { activity } : {}), platform: ctx.platform }) : undefined;
    // With no seed to start from, rank by the mood the request or its activity calls for rather than by popularity.
    const energy = constraints.ranges?.energy;
    const fit = fitMoods({ ...(activity !== undefined ? { activity } : {}), ...(constraints.moods !== undefined ? { moods: constraints.moods } : {}), ...(energy !== undefined ? { energy } : {}) });
    let list;
    try {
      list = await ctx.recommender.recommend({
        ...(choice !== undefined ? { strategy: choice.strategy } : {}),
        seeds: used,
        ...(seeds.artists.length > 0 ? { seedArtists: [...new Set(seeds.artists)] } : {}),
        k: args.count,
        constraints,
        ...(personal !== undefined ? { disliked: personal.disliked, known: personal.known, ...(personal.preference !== undefined ? { preference: personal.preference } : {}) } : {}),
        ...(near.size > 0 ? { extraSignals: [{ name: 'similar_listeners', weight: SIMILAR_LISTENERS_WEIGHT, scores: near }] } : {}),
        ...(fit.length > 0 ? { fitMoods: fit } : {}),
        ...(seeds.standIns !== undefined && seeds.standIns.length > 0 && !startFromLikes ? { returnableSeeds: seeds.standIns } : {}),
      });
    } catch (err) {
      if (err instanceof InvalidConstraintError) return constraintRetry(err, 'recommend');
      throw err;
    }
    const leading = [...new Set(seeds.named ?? [])];
    if (args.artists_first === true && leading.length > 0 && (constraints.artists?.length ?? 0) === 0) {
      list = { ...list, items: await artistsFirst(ctx, list.items, leading, args.count, {
        seeds: used,
        ...(seeds.artists.length > 0 ? { seedArtists: [...new Set(seeds.artists)] } : {}),
        constraints,
        returnableSeeds: seeds.standIns ?? [],
        ...(personal !== undefined ? { disliked: personal.disliked, known: personal.known, ...(personal.preference !== undefined ? { preference: personal.preference } : {}) } : {}),
      }) };
    }
    // Only tracks that the chosen strategy actually ranked are remembered (the popularity floor is no arm).
    if (choice !== undefined && list.strategy === choice.strategy) await ctx.experiments.served(ctx.personId, choice, list.items.map((r) => r.trackId));
    const cards = await ctx.catalog.describe([...list.items.map((r) => r.trackId), ...used]);
    await showAskedLabels(ctx, cards, list.items.map((r) => r.trackId), constraints, list.relaxed);
    showStyles(cards, list.items);
    const notes = [...(seeds.notes ?? []), ...styled.notes, ...list.notes];
    if (startFromLikes && used.length === 0) notes.push('The person has not liked anything yet, so these are popular tracks; rate_track and next_comparison teach Earworm their taste.');
    if (startFromLikes && personal.statedSeeds.length > 0) notes.push(`Started partly from the tastes the person stated (weight ${personal.statedWeight.toFixed(2)}; it fades as they vote and like).`);
    const answer: z.output<typeof output> = {
      recommendations: list.items.flatMap((r) => {
        const t = cards.get(r.trackId);
        return t === undefined ? [] : [{ track: cardOut(t), score: r.score, why: { sentence: r.sentence, signals: r.signals.map((s) => ({ ...s })) } }];
      }),
      seeds: used.map((id) => cards.get(id)).filter((c): c is TrackCard => c !== undefined).map(cardOut),
      model: ctx.recommender.description,
      strategy: list.strategy ?? (list.basis === 'artist' ? 'artist' : list.basis === 'fit' ? 'mood_fit' : 'popularity'),
      strategy_reason: strategyReason(list, choice, named, args.for, ctx.recommender.strategies, fit),
      relaxed: relaxationsOut(list.relaxed),
      notes,
      ...(list.emptyReason !== undefined ? { empty_reason: list.emptyReason } : {}),
      ...(list.guess !== undefined ? { guess: list.guess } : {}),
    };
    await ctx.recommendCache.store(ctx.personId, cacheKey, answer, cached.token);
    await recordRequest(ctx, args);
    return ok(answer);
  },
});
