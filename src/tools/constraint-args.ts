/** Resolving a tool's constraint input (track references included) into the recommender's terms, or a Retry. */
import type { Retry } from './tool.ts';
import type { ToolContext } from './tool-context.ts';
import { toConstraints, type ConstraintsInput } from './schemas.ts';
import type { RecommendConstraints } from '../serving/ports/track-recommender.ts';
import { isRetry, trackArg } from './track-args.ts';

/** The constraints with `tracks` and `exclude_tracks` resolved to catalogue ids (an unknown or ambiguous track: a Retry). */
export async function constraintArgs(ctx: ToolContext, c: ConstraintsInput | undefined): Promise<RecommendConstraints | Retry> {
  if (c === undefined) return {};
  const ids: { tracks?: number[]; excludeTracks?: number[] } = {};
  for (const [field, key] of [['tracks', 'tracks'], ['exclude_tracks', 'excludeTracks']] as const) {
    const refs = c[field];
    if (refs === undefined) continue;
    const out: number[] = [];
    for (const [i, ref] of refs.entries()) {
      const t = await trackArg(ctx, ref, `constraints.${field}[${i}]`);
      if (isRetry(t)) return t;
      out.push(t.id);
    }
    ids[key] = out;
  }
  return toConstraints(c, ids);
}
