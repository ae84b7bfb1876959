/**
 * `earworm train [--only cf|artist|content|labels] [--no-publish] [--epochs <n>] [--seed <n>]`: trains the chat
 * recommender (a hybrid of iALS, RP3beta and ItemKNN over the stored interactions), the artist model (artist graph from
 * Last.fm listeners and tags, playlist co-occurrence and song tags) and the content models (genre, subgenre and mood
 * classifiers as ONNX, content vectors and their HNSW index) from the imported catalogue, stores the catalogue's
 * predictions, derives the genre/mood label table from every source, and activates the new versions. With --no-publish the repository's models/ folder is left alone.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { createLogger } from '../../logging/logger.ts';
import { trainAll, TRAINING_STEPS, type StepResult, type TrainingStep } from '../../pipeline/train-all.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'Usage: earworm train [--only cf|artist|content|labels] [--no-publish] [--epochs <n>] [--seed <n>]';

/** Runs the training job against the configured database and prints a summary. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: { only?: string | undefined; 'no-publish'?: boolean | undefined; epochs?: string | undefined; seed?: string | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { only: { type: 'string' }, 'no-publish': { type: 'boolean' }, epochs: { type: 'string' }, seed: { type: 'string' } },
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. ${USAGE}`);
  }
  const int = (v: string | undefined, name: string, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new UsageError(`--${name} must be an integer >= ${min}. ${USAGE}`);
    return x;
  };
  if (values.only !== undefined && !(TRAINING_STEPS as readonly string[]).includes(values.only)) {
    throw new UsageError(`--only must be one of ${TRAINING_STEPS.join(', ')}. ${USAGE}`);
  }
  const epochs = int(values.epochs, 'epochs', 1);
  const seed = int(values.seed, 'seed', 0);
  const logger = createLogger({ logLevel: config.logLevel, name: 'train' });
  const db = await openConfiguredDb(config);
  try {
    await trainAll(db, { home: config.home, dataDir: config.dataDir, onnxProvider: config.onnxProvider }, logger, {
      ...(values.only !== undefined ? { steps: [values.only as TrainingStep] } : {}),
      ...(seed !== undefined ? { cf: { ials: { seed } } } : {}),
      content: {
        ...(values['no-publish'] === true ? { publishDir: null } : {}),
        ...(epochs !== undefined ? { epochs } : {}),
        ...(seed !== undefined ? { seed } : {}),
      },
      onStep: printStep,
    });
    return 0;
  } finally {
    await db.close();
  }
}

/** Prints one finished training step. */
export function printStep(r: StepResult): void {
  if (r.step === 'cf') {
    const cf = r.summary;
    const w = cf.weights;
    console.log(
      `chat recommender ${cf.version}: ${cf.users} playlists/people × ${cf.items} tracks, ${cf.interactions} interactions, ` +
        `blend ials ${w.ials} + rp3beta ${w.rp3beta} + itemknn ${w.itemknn}; validation (cold, ${cf.validation.users} users) ` +
        `ndcg@20 ${cf.validation.ndcg20.toFixed(4)}, recall@20 ${cf.validation.recall20.toFixed(4)}; ranking fusion ${cf.fusion.method} ` +
        `(learned fusion cross-fitted ndcg@20 ${cf.fusion.learnedCrossFittedNdcg20.toFixed(4)}); ${cf.seconds.toFixed(1)} s`,
    );
    return;
  }
  if (r.step === 'artist') {
    const a = r.summary;
    console.log(
      `artist model ${a.version}: ${a.artists} artists (${a.withNeighbours} with neighbours) from ${a.listeners} Last.fm listeners, ` +
        `${a.playlists} playlists and ${a.tagEvidence} tag counts; ${a.seconds.toFixed(1)} s`,
    );
    return;
  }
  if (r.step === 'labels') {
    const l = r.summary;
    const pct = (x: number) => `${((100 * x) / Math.max(1, l.tracks)).toFixed(1)}%`;
    console.log(`genre/mood labels ${l.version}: ${l.tracks} tracks, a genre for ${l.withGenre} (${pct(l.withGenre)}), a mood for ${l.withMood} (${pct(l.withMood)})`);
    for (const kind of ['genre', 'mood'] as const) {
      console.log(`  ${kind} sources: ${Object.entries(l.bySource[kind]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    console.log(`  Deezer valence/arousal: ${l.deezer.rows} rows, ${l.deezer.tracksMatched} tracks and ${l.deezer.artistsMatched} artists matched`);
    return;
  }
  const s = r.summary;
  console.log(`content models ${s.version}: ${s.tracks} tracks, ${s.tracksWithAudio} with audio features`);
  for (const [task, c] of Object.entries(s.classifiers)) {
    if ('skipped' in c) console.log(`  ${task}: skipped (${c.skipped})`);
    else {
      console.log(
        `  ${task}: ${c.rows} labelled rows, test macro-F1 ${c.macroF1.toFixed(4)}, accuracy ${(100 * c.accuracy).toFixed(1)}%, ` +
          `TS vs ONNX max |diff| ${c.onnxMaxAbsDiff.toExponential(2)}, ${c.predictionsStored} predictions stored`,
      );
      console.log(`    label counts: ${Object.entries(c.labelCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  }
  const v = s.contentVectors;
  console.log(`  content vectors: ${v.vectors} (dim ${v.dim}; audio only ${v.fromAudio}, tags only ${v.fromTags}, both ${v.both}; ${v.vocabulary} tags embedded)`);
  console.log(`  files under ${s.dir}`);
}
