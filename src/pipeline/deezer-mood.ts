/**
 * Reads the Deezer mood dataset (`<dataDir>/deezer-mood/{train,validation}.csv`: valence and arousal per track,
 * standardised) into rows keyed like catalogue tracks: the recording key (normalised title + primary artist) and
 * the normalised primary artist, so rows join catalogue tracks by title + artist and catalogue artists by name.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { normalizeArtist, trackKey } from '../catalog/normalize.ts';
import { DatasetError } from '../eval/dataset-error.ts';

/** One Deezer track. */
export interface DeezerMoodRow {
  readonly key: string;
  readonly artistKey: string;
  readonly valence: number;
  readonly arousal: number;
}

/** Both splits. */
export interface DeezerMood {
  readonly train: readonly DeezerMoodRow[];
  readonly validation: readonly DeezerMoodRow[];
}

/** Loads both splits, or undefined when the dataset folder is absent (the mood model then learns from tags alone). */
export async function loadDeezerMood(dataDir: string): Promise<DeezerMood | undefined> {
  const dir = path.join(dataDir, 'deezer-mood');
  const read = async (split: string): Promise<DeezerMoodRow[] | undefined> => {
    const file = path.join(dir, `${split}.csv`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DatasetError('deezer-mood', `cannot read ${file}`, { cause: err });
    }
    const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    return rows.flatMap((r) => {
      const valence = Number(r['valence']);
      const arousal = Number(r['arousal']);
      const title = r['track_name'];
      const artist = r['artist_name'];
      if (title === undefined || artist === undefined || !Number.isFinite(valence) || !Number.isFinite(arousal)) return [];
      return [{ key: trackKey(title, artist), artistKey: normalizeArtist(artist), valence, arousal }];
    });
  };
  const train = await read('train');
  const validation = await read('validation');
  return train === undefined || validation === undefined ? undefined : { train, validation };
}
