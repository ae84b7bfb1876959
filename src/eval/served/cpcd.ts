/** CPCD replay (placeholder until written). */
import type { ServedEnv, ServedFigure } from './served-part.ts';

/** Runs the part. */
export async function cpcdReplay(_env: ServedEnv): Promise<ServedFigure[]> {
  return [];
}
