/** Reads Last.fm HetRec 2011 user_artists.dat: users are userID, items artistID, weight the play count. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from './dataset-error.ts';
import { InteractionCollector, type InteractionDataset } from './interaction-dataset.ts';

/** Loads the lastfm dataset from `<dataDir>/lastfm-hetrec2011/user_artists.dat`; every user is kept. */
export async function loadLastfm(dataDir: string): Promise<InteractionDataset> {
  const file = path.join(dataDir, 'lastfm-hetrec2011', 'user_artists.dat');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DatasetError('lastfm', `cannot read ${file}`, { cause: err });
  }
  const c = new InteractionCollector();
  const lines = text.split('\n');
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    if (line === '') continue;
    const [u, a, w] = line.split('\t');
    const weight = Number(w);
    if (u === undefined || a === undefined || !Number.isFinite(weight) || weight < 0) {
      throw new DatasetError('lastfm', `${file}:${n + 1}: expected userID<TAB>artistID<TAB>weight`);
    }
    c.add(u, a, weight);
  }
  return { name: 'lastfm', ...c.pairs() };
}
