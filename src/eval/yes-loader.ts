/** Reads Yes.com yes_small/train.txt: each line from line 3 on is a playlist of integer song ids. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from './dataset-error.ts';
import { InteractionCollector, type InteractionDataset } from './interaction-dataset.ts';

/**
 * Loads the yes dataset. A playlist's id is its 0-based index among the lines from line 3 on (counted before
 * dropping short playlists); playlists with fewer than 5 distinct songs are dropped; weight = occurrences.
 */
export async function loadYes(dataDir: string): Promise<InteractionDataset> {
  const file = path.join(dataDir, 'yes-com-playlists', 'yes_small', 'train.txt');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DatasetError('yes', `cannot read ${file}`, { cause: err });
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const c = new InteractionCollector();
  for (let n = 2; n < lines.length; n++) {
    const songs = lines[n]!.split(' ').filter((t) => t !== '' && t !== '\r');
    for (const s of songs) {
      if (!/^\d+$/.test(s)) throw new DatasetError('yes', `${file}:${n + 1}: song id ${JSON.stringify(s)} is not an integer`);
    }
    if (new Set(songs).size < 5) continue;
    const id = String(n - 2);
    for (const s of songs) c.add(id, s, 1);
  }
  return { name: 'yes', ...c.pairs() };
}
