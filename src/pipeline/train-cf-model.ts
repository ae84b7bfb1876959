/**
 * Trains the collaborative-filtering model that serves chat: a hybrid of iALS, RP3beta and ItemKNN over the stored
 * playlist/person × track interactions, blend weights (and the ranking stage's learned fusion, when it wins) tuned
 * on a cold-start validation split (the chat case: a new person names a few tracks), then fitted on everything,
 * saved as a new version and activated.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../db/db.ts';
import { publishModelVersion, TRACK_IDS_FILE, TRACK_MODEL_KIND } from '../db/model-versions.ts';
import { buildFoldPools, crossFitLearned, tuneBlend } from '../eval/blend-tuner.ts';
import { countCandidates, evaluateCold } from '../eval/evaluate-split.ts';
import { HybridRecommender } from '../recsys/hybrid.ts';
import { IalsRecommender, type IalsParams } from '../recsys/ials.ts';
import { pairsToMatrix } from '../recsys/interaction-pairs.ts';
import { ItemKnnRecommender } from '../recsys/item-knn.ts';
import { ModelStore } from '../recsys/model-store.ts';
import { mmrVectorsOf } from '../recsys/ranking/assembly.ts';
import { tuneRankedLambda } from '../recsys/ranking/ranked-tuning.ts';
import { RANKING_DEFAULTS, type RankingParams } from '../recsys/ranking/ranking-params.ts';
import { Rp3betaRecommender } from '../recsys/rp3beta.ts';
import type { ScoringRecommender } from '../recsys/scoring-recommender.ts';
import { splitCold, type ColdSplit } from '../recsys/split.ts';
import { loadTrackInteractions } from '../db/track-interactions.ts';
import { writeFileAtomic } from '../recsys/atomic-file.ts';

/** There is nothing to train on: the catalogue has no interactions yet. */
export class NoInteractionsError extends Error {
  readonly code = 'NO_INTERACTIONS';
  constructor() {
    super('There are no track interactions to train on. Import the datasets first: earworm import --source all');
    this.name = 'NoInteractionsError';
  }
}

/** What a training run did. */
export interface CfTrainSummary {
  readonly version: string;
  readonly path: string;
  readonly bytes: number;
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  readonly weights: { readonly ials: number; readonly rp3beta: number; readonly itemknn: number };
  readonly validation: { readonly task: 'C'; readonly users: number; readonly ndcg20: number; readonly recall20: number };
  /** How the ranking stage fuses the components: the weighted blend (`z`) or the learned fusion, and the latter's cross-fitted ndcg@20. */
  readonly fusion: { readonly method: 'z' | 'learned'; readonly learnedCrossFittedNdcg20: number };
  /** The ranking settings saved with the version (serving reads them back): fusion, MMR λ chosen on validation, pool depth. */
  readonly ranking: RankingParams;
  readonly seconds: number;
}

/** Training options; defaults suit the shared datasets on a 2-core machine. */
export interface CfTrainOptions {
  readonly version?: string;
  readonly ials?: Partial<IalsParams>;
  /** Hash seed of the validation split (EVAL.md uses 1000 for tuning). */
  readonly validationSeed?: number;
  /** Validation people on whom MMR's λ is chosen [LAMBDA_PEOPLE]. */
  readonly lambdaPeople?: number;
}

/** Validation people on whom MMR's λ is chosen (the first ones of the split; enough to separate the candidates). */
const LAMBDA_PEOPLE = 1000;

/** The split restricted to its first `n` evaluated people. */
function firstPeople(split: ColdSplit, n: number): ColdSplit {
  if (split.users.length <= n) return split;
  return { train: split.train, users: split.users.subarray(0, n), seeds: split.seeds.slice(0, n), targets: split.targets.slice(0, n) };
}

const components = (o: CfTrainOptions): ScoringRecommender[] => [
  new IalsRecommender({ factors: 64, iterations: 10, ...o.ials }),
  new Rp3betaRecommender(),
  new ItemKnnRecommender(),
];

/** Trains, saves, records and activates a new version of the chat recommender. */
export async function trainCfModel(db: Db, home: string, log: Logger, options: CfTrainOptions = {}): Promise<CfTrainSummary> {
  const started = performance.now();
  const pairs = await loadTrackInteractions(db);
  if (pairs.users.length === 0) throw new NoInteractionsError();
  log.info({ users: pairs.userIds.length, items: pairs.itemIds.length, interactions: pairs.users.length }, 'training the chat recommender');

  // Blend weights: fitted on a validation split carved from the data (cold users, as in chat), never on all of it.
  const val = splitCold(pairs, options.validationSeed ?? 1000);
  const valTrain = pairsToMatrix(val.train);
  const valModels = components(options);
  for (const m of valModels) m.fit(valTrain);
  const blend = tuneBlend(valModels, valTrain, { task: 'C', split: val });
  const valHybrid = HybridRecommender.ofFitted(
    valModels.map((model, n) => ({ model, weight: blend.weights[n]! })),
    valTrain,
  );
  const valReport = evaluateCold(valHybrid, val, countCandidates(val.train.items, val.train.itemIds.length));
  log.info({ weights: blend.weights, ndcg20: valReport.ndcg }, 'blend tuned on the validation split');
  // The ranking stage's learned fusion (src/recsys/ranking/learned-fusion.ts), kept only when its cross-fitted
  // validation ndcg@20 (people it was not fitted on) beats the weighted blend's.
  const learned = crossFitLearned(buildFoldPools([{ components: valModels, train: valTrain, val: { task: 'C', split: val } }]), blend.weights);
  const useLearned = learned.ndcg > blend.ndcg + 1e-9;
  log.info({ crossFittedNdcg20: learned.ndcg, used: useLearned }, 'learned fusion fitted on the validation split');

  // MMR's λ, chosen on the same validation people (λ = 1, no diversification, is always a candidate), by the one
  // ranking assembly that serving uses (src/recsys/ranking/assembly.ts).
  const fusionMethod = useLearned ? ('learned' as const) : ('z' as const);
  const vectors = mmrVectorsOf(valModels);
  const lambdaChoice = tuneRankedLambda(
    valModels.map((model, n) => ({ name: model.kind, model, weight: blend.weights[n]! })).filter((c) => c.weight > 0 || useLearned),
    valTrain,
    { task: 'C', split: firstPeople(val, options.lambdaPeople ?? LAMBDA_PEOPLE) },
    { fusion: fusionMethod, ...(useLearned ? { learned: learned.model } : {}), ...(vectors !== undefined ? { vectors } : {}) },
  );
  const ranking: RankingParams = { fusion: fusionMethod, lambda: lambdaChoice.lambda, poolPerComponent: RANKING_DEFAULTS.poolPerComponent };
  log.info({ lambda: ranking.lambda, ndcg20: lambdaChoice.ndcg }, 'MMR lambda chosen on the validation split');

  const all = pairsToMatrix(pairs);
  const models = components(options);
  // A component the blend gave no weight is left out of the saved model, unless the learned fusion uses it.
  const weighted = models.map((model, n) => ({ model, weight: blend.weights[n]! })).filter((c) => c.weight > 0 || useLearned);
  for (const c of weighted) c.model.fit(all);
  const hybrid = HybridRecommender.ofFitted(weighted, all, useLearned ? learned.model : undefined);

  const version = options.version ?? newVersion();
  const store = ModelStore.underHome(home);
  const saved = await store.save(hybrid, version);
  await writeFileAtomic(path.join(path.dirname(saved.path), TRACK_IDS_FILE), JSON.stringify(Array.from(pairs.trackIds)));
  const weights = { ials: blend.weights[0]!, rp3beta: blend.weights[1]!, itemknn: blend.weights[2]! };
  const validation = { task: 'C' as const, users: val.users.length, ndcg20: valReport.ndcg, recall20: valReport.recall };
  const fusion = { method: useLearned ? ('learned' as const) : ('z' as const), learnedCrossFittedNdcg20: learned.ndcg };
  await publishModelVersion(db, home, {
    kind: TRACK_MODEL_KIND,
    version,
    path: saved.path,
    checksum: saved.checksum,
    params: { weights, ials: { factors: 64, iterations: 10, ...options.ials }, ranking },
    metrics: { validation, fusion },
    dataSnapshot: {
      maxInteractionId: pairs.maxInteractionId,
      users: pairs.userIds.length,
      items: pairs.itemIds.length,
      interactions: pairs.users.length,
    },
  });
  return {
    version,
    path: saved.path,
    bytes: saved.bytes,
    users: pairs.userIds.length,
    items: pairs.itemIds.length,
    interactions: pairs.users.length,
    weights,
    validation,
    fusion,
    ranking,
    seconds: (performance.now() - started) / 1000,
  };
}

function newVersion(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}
