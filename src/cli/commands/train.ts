/**
 * `earworm train [--only cf|artist|content] [--no-publish] [--epochs <n>] [--seed <n>]`: trains the chat recommender (a
 * hybrid of iALS, RP3beta and ItemKNN over the stored interactions), the artist model (artist graph from Last.fm
 * listeners and tags, playlist co-occurrence and song tags; with cf) and the content models (genre, subgenre and mood
 * classifiers as ONNX, content vectors and their HNSW index) from the imported catalogue, stores the catalogue's
 * predictions and activates the new versions. With --no-publish the repository's models/ folder is left alone.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { createLogger } from '../../logging/logger.ts';
import { trainArtistModel } from '../../pipeline/train-artist-model.ts';
import { trainCfModel } from '../../pipeline/train-cf-model.ts';
import { trainContentModels } from '../../pipeline/train-content-models.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'Usage: earworm train [--only cf|artist|content] [--no-publish] [--epochs <n>] [--seed <n>]';

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
  if (values.only !== undefined && values.only !== 'cf' && values.only !== 'artist' && values.only !== 'content') {
    throw new UsageError(`--only must be cf, artist or content. ${USAGE}`);
  }
  const epochs = int(values.epochs, 'epochs', 1);
  const seed = int(values.seed, 'seed', 0);
  const logger = createLogger({ logLevel: config.logLevel, name: 'train' });
  const db = await openConfiguredDb(config);
  try {
    if (values.only === undefined || values.only === 'cf' || values.only === 'artist') {
      if (values.only !== 'artist') {
        const cf = await trainCfModel(db, config.home, logger, seed !== undefined ? { ials: { seed } } : {});
        const w = cf.weights;
        console.log(
          `chat recommender ${cf.version}: ${cf.users} playlists/people × ${cf.items} tracks, ${cf.interactions} interactions, ` +
            `blend ials ${w.ials} + rp3beta ${w.rp3beta} + itemknn ${w.itemknn}; validation (cold, ${cf.validation.users} users) ` +
            `ndcg@20 ${cf.validation.ndcg20.toFixed(4)}, recall@20 ${cf.validation.recall20.toFixed(4)}; ranking fusion ${cf.fusion.method} ` +
            `(learned fusion cross-fitted ndcg@20 ${cf.fusion.learnedCrossFittedNdcg20.toFixed(4)}); ${cf.seconds.toFixed(1)} s`,
        );
      }
      const a = await trainArtistModel(db, config.home, logger);
      console.log(
        `artist model ${a.version}: ${a.artists} artists (${a.withNeighbours} with neighbours) from ${a.listeners} Last.fm listeners, ` +
          `${a.playlists} playlists and ${a.tagEvidence} tag counts; ${a.seconds.toFixed(1)} s`,
      );
      if (values.only !== undefined) return 0;
    }
    const s = await trainContentModels(db, { home: config.home, onnxProvider: config.onnxProvider }, logger, {
      ...(values['no-publish'] === true ? { publishDir: null } : {}),
      ...(epochs !== undefined ? { epochs } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
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
    return 0;
  } finally {
    await db.close();
  }
}
