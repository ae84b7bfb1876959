/** Small known-answer fixtures for recommender tests, generated in code. */
import type { ItemSideInfo } from '../../../src/recsys/item-side-info.ts';
import { CsrMatrix } from '../../../src/recsys/sparse-matrix.ts';

/**
 * A "checkerboard": users 0..7 (group A) like items 0..5, users 8..23 (group B) like items 6..11. Group-A user u
 * lacks item u % 6, so the right answer for them is that item, while popularity prefers group-B items (B has twice
 * as many users). Item 12 occurs in no interaction. User 24 has no history.
 */
export function checkerboard(): { matrix: CsrMatrix; side: ItemSideInfo; groupA: number[]; groupB: number[] } {
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let u = 0; u < 8; u++) {
    for (let i = 0; i < 6; i++) {
      if (i === u % 6) continue;
      rows.push(u);
      cols.push(i);
      vals.push(1 + ((u + i) % 3));
    }
  }
  for (let u = 8; u < 24; u++) {
    for (let i = 6; i < 12; i++) {
      if (i === 6 + (u % 6) && u % 2 === 0) continue;
      rows.push(u);
      cols.push(i);
      vals.push(1 + ((u * i) % 4));
    }
  }
  const matrix = CsrMatrix.fromTriples(25, 13, rows, cols, vals);
  const artist = Int32Array.from({ length: 13 }, (_, i) => (i < 6 ? 0 : i < 12 ? 1 : 2));
  const genre = Int32Array.from({ length: 25 }, (_, u) => (u < 8 ? 0 : 1));
  const numeric = new Float32Array(13 * 2);
  for (let i = 0; i < 13; i++) {
    numeric[i * 2] = i < 6 ? -1 : 1;
    numeric[i * 2 + 1] = (i % 3) / 3;
  }
  return {
    matrix,
    side: {
      itemCategories: [{ name: 'artist', values: artist, cardinality: 3 }],
      itemNumeric: { names: ['energy', 'tempo'], values: numeric },
      userCategories: [{ name: 'genre', values: genre, cardinality: 2 }],
    },
    groupA: [0, 1, 2, 3, 4, 5],
    groupB: [6, 7, 8, 9, 10, 11],
  };
}
