/**
 * set_tastes: what a person likes before any vote or history (onboarding) — genres, moods, an energy level and
 * favourite artists. The single entry for every front end (chat, slash commands, modals). Stated tastes become the
 * prior of the person's taste model and seeds of their recommendations, fading as they vote and like
 * (stated-tastes.ts). Given fields replace what was stated before; omitted ones stay; `clear` forgets everything.
 */
import { z } from 'zod';
import { rowId } from './schemas.ts';
import { statedWeight, type StatedTastes } from '../serving/ports/stated-tastes.ts';
import { defineTool, ok, retry, type Retry } from './tool.ts';
import type { ToolContext } from './tool-context.ts';

const input = z
  .object({
    genres: z.array(z.string().trim().min(1).max(40)).max(10).optional().describe('Genres the person likes (see list_genres_and_moods); replaces the stated genres.'),
    moods: z.array(z.string().trim().min(1).max(40)).max(10).optional().describe('Moods the person likes; replaces the stated moods.'),
    energy: z.number().min(0).max(1).nullable().optional().describe('Preferred energy, 0 (calm) to 1 (intense); null forgets it.'),
    artists: z
      .array(z.union([rowId, z.string().trim().min(1).max(100)]))
      .max(10)
      .optional()
      .describe('Favourite artists by name (or an artist id from earlier candidates); replaces the stated artists.'),
    clear: z.boolean().optional().describe('true: forget everything the person stated.'),
  })
  .strict();

const output = z.object({
  stated: z.object({
    genres: z.array(z.string()),
    moods: z.array(z.string()),
    energy: z.number().nullable(),
    artists: z.array(z.string()),
  }),
  changed: z.boolean().describe('false: nothing differed from what was stored.'),
  weight: z.number().describe('How much stated tastes count now, 0..1 (1 before any vote or like; fades as they arrive).'),
  ignored: z.array(z.string()).describe('Genres or moods that are not in the catalogue vocabulary and were left out.'),
  notes: z.array(z.string()),
});

/** Artist names (or ids) to catalogue artist ids; a name matching several artists comes back as candidates. */
async function resolveArtists(ctx: ToolContext, refs: readonly (number | string)[]): Promise<number[] | Retry> {
  const ids: number[] = [];
  for (const [i, ref] of refs.entries()) {
    if (typeof ref === 'number') {
      ids.push(ref);
      continue;
    }
    const found = await ctx.tastes.findArtists(ref, 5);
    if (found.length === 0) return retry('unknown_artist', `No artist called "${ref}" is in the catalogue (artists[${i}]). Check the spelling, or leave them out.`);
    if (found.length > 1) {
      return retry(
        'ambiguous_artist',
        `artists[${i}]: "${ref}" matches several artists. Ask which one is meant, or call again with the candidate's id in artists.`,
        found.map((a) => ({ id: a.id, label: `${a.name} (artist, ${a.plays} plays)` })),
      );
    }
    ids.push(found[0]!.id);
  }
  return ids;
}

const view = (t: StatedTastes | undefined) => ({
  genres: [...(t?.genres ?? [])],
  moods: [...(t?.moods ?? [])],
  energy: t?.energy ?? null,
  artists: (t?.artists ?? []).map((a) => a.name),
});

/** The set_tastes tool. */
export const setTastes = defineTool({
  name: 'set_tastes',
  title: 'State tastes',
  description:
    'Record what the person says they like before (or besides) votes and ratings: genres, moods, energy 0..1 and favourite artists, e.g. "I\'m into indie and chill stuff" or "I like Radiohead and Björk, low energy". Given fields replace what was stated before; others stay; clear: true forgets it all. Stated tastes shape recommendations at once and fade as the person votes and likes. An ambiguous artist comes back with candidates: ask, or retry with an id.',
  input,
  output,
  writes: true,
  async execute(args, ctx) {
    if (args.clear === true) {
      const changed = await ctx.tastes.clear(ctx.personId);
      if (changed) await ctx.recommendCache.invalidate(ctx.personId);
      return ok({ stated: view(undefined), changed, weight: 0, ignored: [], notes: ['Forgot the stated tastes; recommendations now rest on votes and likes alone.'] });
    }
    if (args.genres === undefined && args.moods === undefined && args.energy === undefined && args.artists === undefined) {
      return retry('nothing_stated', 'Pass at least one of genres, moods, energy or artists (or clear: true).');
    }
    const vocab = await ctx.catalog.vocabulary();
    const ignored: string[] = [];
    const notes: string[] = [];
    const known = (names: readonly string[] | undefined, vocabulary: readonly { name: string }[], what: string) => {
      if (names === undefined) return undefined;
      const all = vocabulary.map((v) => v.name);
      const keep = [...new Set(names.map((n) => n.toLowerCase()))].filter((n) => all.includes(n));
      const left = names.filter((n) => !all.includes(n.toLowerCase()));
      if (left.length > 0) {
        ignored.push(...left);
        notes.push(`Unknown ${what}${left.length > 1 ? 's' : ''} ${left.map((l) => `"${l}"`).join(', ')} left out. Known ${what}s: ${all.join(', ') || '(none: no classifier is trained)'}.`);
      }
      return keep;
    };
    const genres = known(args.genres, vocab.genres, 'genre');
    const moods = known(args.moods, vocab.moods, 'mood');
    const artistIds = args.artists === undefined ? undefined : await resolveArtists(ctx, args.artists);
    if (artistIds !== undefined && !Array.isArray(artistIds)) return artistIds;
    const r = await ctx.tastes.state(ctx.personId, {
      ...(genres !== undefined ? { genres } : {}),
      ...(moods !== undefined ? { moods } : {}),
      ...(args.energy !== undefined ? { energy: args.energy } : {}),
      ...(artistIds !== undefined ? { artistIds } : {}),
    });
    if (r.changed) await ctx.recommendCache.invalidate(ctx.personId);
    const weight = statedWeight(await ctx.tastes.evidence(ctx.personId));
    return ok({ stated: view(r.tastes), changed: r.changed, weight, ignored, notes });
  },
});
