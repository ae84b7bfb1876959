/**
 * The artist label prior: for each track, the class distribution of the *other* labelled tracks by its primary
 * artist, plus log(1 + how many there are). Only labels passed in count, so evaluation passes training-split labels
 * only and a test track never sees its own label or any other test label. A track whose artist has no other labelled
 * track gets the uniform distribution and count 0.
 */

/** Column names of the prior block for a list of classes. */
export function artistPriorFeatureNames(classes: readonly string[]): string[] {
  return [...classes.map((c) => `artist_prior_${c}`), 'artist_prior_log_count'];
}

/**
 * Writes the prior of every row into `out` (row-major, `stride` columns per row, block starting at `column`).
 * `artist[i]` is the row's artist key (-1 for none); `label[i]` the row's class if it may be used, else -1.
 */
export function writeArtistPrior(
  artist: Int32Array,
  label: Int32Array,
  classes: number,
  out: Float32Array,
  stride: number,
  column: number,
): void {
  const counts = new Map<number, Float64Array>();
  for (let i = 0; i < artist.length; i++) {
    const a = artist[i]!;
    const y = label[i]!;
    if (a < 0 || y < 0) continue;
    let c = counts.get(a);
    if (c === undefined) {
      c = new Float64Array(classes);
      counts.set(a, c);
    }
    c[y]! += 1;
  }
  const own = new Float64Array(classes);
  for (let i = 0; i < artist.length; i++) {
    const a = artist[i]!;
    const c = a >= 0 ? counts.get(a) : undefined;
    own.fill(0);
    if (c !== undefined) own.set(c);
    if (label[i]! >= 0 && c !== undefined) own[label[i]!]! -= 1; // leave the row's own label out
    let total = 0;
    for (let k = 0; k < classes; k++) total += own[k]!;
    const base = i * stride + column;
    for (let k = 0; k < classes; k++) out[base + k] = total > 0 ? own[k]! / total : 1 / classes;
    out[base + classes] = Math.log1p(total);
  }
}
