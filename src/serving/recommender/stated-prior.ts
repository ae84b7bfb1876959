/**
 * Stated tastes as the prior mean of a person's Bradley–Terry utility over the preference space: +1 on the
 * `genre <g>` and `mood <m>` columns of each stated genre and mood, (2·energy − 1) on the `energy` column, and the
 * unit direction of the mean features of the stated artists' tracks. The direction is scaled by the fade weight
 * (stated-tastes.ts) and added to the population utility; its tag names the tastes and the weight, so a person's
 * stored posterior is refitted from their votes whenever either changes.
 */
import { fnv1a32 } from '../../recsys/fnv1a.ts';
import { hasTastes, statedWeight, type StatedTastes, type TasteStore } from '../ports/stated-tastes.ts';
import type { NamedPreferenceSpace } from './preference-space.ts';

/** Per stated label, the weight on its column. */
const LABEL_WEIGHT = 1;
/** Length of the artists' direction. */
const ARTIST_WEIGHT = 1;
/** Tracks per stated artist that shape the artists' direction. */
const ARTIST_TRACKS = 10;

/** A person's own prior: its mean and a tag that changes whenever the mean does. */
export interface PersonalPrior {
  readonly mean: Float64Array;
  readonly tag: string;
  /** The fade weight applied (0..1). */
  readonly weight: number;
}

/** The unscaled stated direction in the space's columns. */
function statedDirection(space: NamedPreferenceSpace, tastes: StatedTastes, artistTrackIds: readonly number[]): Float64Array {
  const d = space.features.dim;
  const w = new Float64Array(d);
  const col = (name: string) => space.columnNames.indexOf(name);
  for (const g of tastes.genres) {
    const i = col(`genre ${g}`);
    if (i >= 0) w[i]! += LABEL_WEIGHT;
  }
  for (const m of tastes.moods) {
    const i = col(`mood ${m}`);
    if (i >= 0) w[i]! += LABEL_WEIGHT;
  }
  const e = col('energy');
  if (tastes.energy !== null && e >= 0) w[e]! += LABEL_WEIGHT * (2 * tastes.energy - 1);
  const rows = artistTrackIds.filter((t) => space.features.has(t)).map((t) => space.features.vectorOf(t));
  if (rows.length > 0) {
    const mean = new Float64Array(d);
    for (const r of rows) for (let i = 0; i < d; i++) mean[i]! += r[i]! / rows.length;
    const norm = Math.hypot(...mean);
    if (norm > 1e-9) for (let i = 0; i < d; i++) w[i]! += (ARTIST_WEIGHT * mean[i]!) / norm;
  }
  return w;
}

/** The person's prior from what they stated, or undefined when they stated nothing (or it has faded out). */
export async function statedPrior(store: TasteStore, space: NamedPreferenceSpace, personId: number): Promise<PersonalPrior | undefined> {
  const tastes = await store.stated(personId);
  if (!hasTastes(tastes)) return undefined;
  const weight = statedWeight(await store.evidence(personId));
  if (weight === 0) return undefined;
  const direction = statedDirection(space, tastes, await store.artistTracks(tastes.artists.map((a) => a.id), ARTIST_TRACKS));
  const mean = Float64Array.from(space.population, (p, i) => p + weight * direction[i]!);
  const what = JSON.stringify([tastes.genres, tastes.moods, tastes.energy, tastes.artists.map((a) => a.id)]);
  return { mean, weight, tag: `stated:${fnv1a32(what).toString(16)}:${weight.toFixed(3)}` };
}
