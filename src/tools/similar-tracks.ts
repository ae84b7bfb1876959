/** similar_tracks: tracks that listeners play alongside one track, under optional constraints. */
import { z } from 'zod';
import { InvalidConstraintError } from '../recsys/ranking/constraints.ts';
import type { TrackCard } from '../serving/ports/catalog.ts';
import { constraintArgs, constraintRetry } from './constraint-args.ts';
import { cardOut, constraintsInput, recommendationOut, relaxationOut, relaxationsOut, trackCard, trackRef } from './schemas.ts';
import { defineTool, ok } from './tool.ts';
import { isRetry, trackArg } from './track-args.ts';

const input = z
  .object({
    track: trackRef,
    count: z.number().int().min(1).max(50).default(10),
    constraints: constraintsInput.optional(),
  })
  .strict();

const output = z.object({
  track: trackCard,
  similar: z.array(recommendationOut),
  relaxed: z.array(relaxationOut).describe('Constraints loosened, in order, because too few tracks met them all. Tell the person.'),
  notes: z.array(z.string()),
  stand_in: z.string().optional().describe('Set when no one played the track: what stands in for it (its artists and their neighbours). Tell the person.'),
});

/** The answer's note when neither the track nor its artist links to other music. */
const NOTHING_TO_COMPARE = 'No one in the listening data has played this track or its artist, so there is nothing to compare it with.';

/** Item-to-item neighbours of one track. */
export const similarTracks = defineTool({
  name: 'similar_tracks',
  title: 'Similar tracks',
  description:
    'Tracks most like one track ("more like this"), by what listeners play together, diversified and optionally filtered by constraints. `track` is an id or text like "radiohead creep"; an ambiguous name returns candidates.',
  input,
  output,
  writes: false,
  async execute(args, ctx) {
    const track = await trackArg(ctx, args.track, 'track');
    if (isRetry(track)) return track;
    const constraints = await constraintArgs(ctx, args.constraints);
    if (isRetry(constraints)) return constraints;
    // A track nobody played has no listening neighbours: its artists' neighbours and their best tracks stand in.
    const played = ctx.recommender.knows(track.id);
    const artists = played ? [] : track.artists.filter((a) => ctx.recommender.resolveArtist(a) !== undefined);
    if (!played && artists.length === 0) {
      return ok({ track: cardOut(track), similar: [], relaxed: [], notes: [NOTHING_TO_COMPARE] });
    }
    let list;
    try {
      list =
        artists.length === 0
          ? await ctx.recommender.similar(track.id, args.count, constraints)
          : await ctx.recommender.recommend({ seeds: [], seedArtists: artists, k: args.count, constraints: { ...constraints, excludeTracks: [...(constraints?.excludeTracks ?? []), track.id] } });
    } catch (err) {
      if (err instanceof InvalidConstraintError) return constraintRetry(err, 'similar_tracks');
      throw err;
    }
    // Popular tracks are not similar ones: a stand-in the artist model could not link answers nothing, with why.
    if (artists.length > 0 && list.strategy === undefined && list.basis !== 'artist') {
      return ok({ track: cardOut(track), similar: [], relaxed: [], notes: [NOTHING_TO_COMPARE, ...list.notes] });
    }
    const cards = await ctx.catalog.describe(list.items.map((r) => r.trackId));
    const standIn =
      artists.length === 0
        ? undefined
        : list.guess !== undefined
          ? `No one in the listening data has played ${track.title}, and ${list.guess}.`
          : `No one in the listening data has played ${track.title}, so these are like its artist (${artists.join(', ')}).`;
    const notes = [...list.notes, ...(list.emptyReason === undefined ? [] : [list.emptyReason])];
    return ok({
      track: cardOut(track),
      similar: list.items.flatMap((r) => {
        const t: TrackCard | undefined = cards.get(r.trackId);
        return t === undefined ? [] : [{ track: cardOut(t), score: r.score, why: { sentence: r.sentence, signals: r.signals.map((s) => ({ ...s })) } }];
      }),
      relaxed: relaxationsOut(list.relaxed),
      notes,
      ...(standIn !== undefined ? { stand_in: standIn } : {}),
    });
  },
});
