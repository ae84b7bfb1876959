/** Resolving a tool's constraint input (track references included) into the recommender's terms, or a Retry. */
import { retry, type Retry } from './tool.ts';
import type { InvalidConstraintError } from '../recsys/ranking/constraints.ts';
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

/**
 * A constraint the recommender rejected, as a retry: `unknown_genre` / `unknown_mood` for a label outside the
 * vocabulary (so a front end can say so in words), `invalid_constraint` for the rest; the message says how to fix it.
 */
export function constraintRetry(err: InvalidConstraintError, tool: string): Retry {
  const label = err.problem !== 'unknown_value' ? undefined : /genres/i.test(err.field) ? 'unknown_genre' : /moods/i.test(err.field) ? 'unknown_mood' : undefined;
  return retry(label ?? 'invalid_constraint', `constraints.${err.field}: ${err.message}. Fix or drop this constraint and call ${tool} again.`);
}
