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

/** One row of a Deezer split as the file has it (valence and arousal standardised). */
export interface DeezerMoodRecord {
  readonly title: string;
  readonly artist: string;
  readonly valence: number;
  readonly arousal: number;
}

/** Reads one split (`train` or `validation`), or undefined when its file is absent; rows without a number are left out. */
export async function readDeezerSplit(dataDir: string, split: 'train' | 'validation'): Promise<DeezerMoodRecord[] | undefined> {
  const file = path.join(dataDir, 'deezer-mood', `${split}.csv`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DatasetError('deezer-mood', `cannot read ${file}`, { cause: err });
  }
  const rows = parse(text, { columns: true, skip_empty_lines: true, relax_quotes: true }) as Record<string, string>[];
  return rows.flatMap((r) => {
    const valence = Number(r['valence']);
    const arousal = Number(r['arousal']);
    const title = r['track_name'];
    const artist = r['artist_name'];
    if (title === undefined || artist === undefined || artist === '' || !Number.isFinite(valence) || !Number.isFinite(arousal)) return [];
    return [{ title, artist, valence, arousal }];
  });
}

/** Loads both splits, or undefined when the dataset folder is absent (the mood model then learns from tags alone). */
export async function loadDeezerMood(dataDir: string): Promise<DeezerMood | undefined> {
  const keyed = (rows: readonly DeezerMoodRecord[]): DeezerMoodRow[] =>
    rows.map((r) => ({ key: trackKey(r.title, r.artist), artistKey: normalizeArtist(r.artist), valence: r.valence, arousal: r.arousal }));
  const train = await readDeezerSplit(dataDir, 'train');
  const validation = await readDeezerSplit(dataDir, 'validation');
  return train === undefined || validation === undefined ? undefined : { train: keyed(train), validation: keyed(validation) };
}
