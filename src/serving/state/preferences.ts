/**
 * DB glue of the preference model: a person's Bradley–Terry posterior is stored in preference_models together with
 * the highest vote id it was fitted on, so votes are applied exactly once (a vote delivered twice is stored once by
 * recordVote, and the model is refitted only when a vote came in after it, even if the update job runs twice). The
 * model is the label-evidence fit (label-evidence.ts): every answer, "both" and "neither" included, says whether
 * each of its two tracks fits, and the utility is fitted on the pairs those answers imply; a skip says nothing.
 * Pairs are chosen by the coverage policy of the same module; the pairs the person has seen are read from
 * comparisons, so a pair is never offered twice.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { comparisons, preferenceModels, votes } from '../../db/schema.ts';
import { createComparison, recordVote, type VoteChoice, type VoteOutcome } from '../../db/votes.ts';
import { assertDistinctPair, BradleyTerryPosterior, fitPopulationUtility, type FeatureComparison } from '../../recsys/preference/bradley-terry.ts';
import { coverageChoice, fitFromLabels, saidNotToFit, type CoverageOptions, type PairAnswer } from '../../recsys/preference/label-evidence.ts';
import { SeenPairs, type PairChoice } from '../../recsys/preference/pair-selection.ts';
import { InvalidPreferenceStateError } from '../../recsys/preference/preference-errors.ts';
import type { PreferenceFeatures } from '../../recsys/preference/preference-features.ts';
import { tasteCovariance, tasteDirection } from '../../recsys/preference/population-prior.ts';
import type { SeededRandom } from '../../recsys/rng.ts';

/** The shared pieces every person's model is built on. */
export interface PreferenceSpace {
  readonly features: PreferenceFeatures;
  /** Names the feature space; a stored model with another version is refitted from its votes. */
  readonly featureVersion: string;
  /** The population utility (prior mean of everyone). */
  readonly population: ArrayLike<number>;
  /** Prior variance around the population [1]. */
  readonly priorVariance?: number;
  /**
   * The population prior's shape: the prior covariance of a person's weights around the population utility
   * (row-major d × d, population-prior.ts); undefined: priorVariance·I.
   */
  readonly priorCovariance?: ArrayLike<number>;
}

/** A person's posterior before any vote of their own: N(population, the space's prior covariance). */
function priorOf(space: PreferenceSpace): BradleyTerryPosterior {
  return BradleyTerryPosterior.prior(space.population, space.priorVariance ?? 1, space.priorCovariance);
}

/** A stored answer (A, B, both or neither; skips are not answers). */
interface StoredAnswer extends PairAnswer {
  readonly voteId: number;
}

/** A person's answers, in vote order. */
async function loadAnswers(db: Db, personId: number): Promise<StoredAnswer[]> {
  const rows = await db.orm
    .select({ id: votes.id, choice: votes.choice, a: comparisons.trackA, b: comparisons.trackB })
    .from(votes)
    .innerJoin(comparisons, eq(votes.comparisonId, comparisons.id))
    .where(and(eq(votes.personId, personId), inArray(votes.choice, ['a', 'b', 'both', 'neither'])))
    .orderBy(asc(votes.id));
  return rows.map((r) => ({ voteId: r.id, a: r.a, b: r.b, choice: r.choice as PairAnswer['choice'] }));
}

/** Tracks the person said do not fit them (saidNotToFit). */
export async function notFittingTracks(db: Db, personId: number): Promise<number[]> {
  return saidNotToFit(await loadAnswers(db, personId));
}

/** Answers whose tracks both have features: the ones the model learns from. */
function usable(space: PreferenceSpace, list: readonly PairAnswer[]): PairAnswer[] {
  return list.filter((v) => space.features.has(v.a) && space.features.has(v.b));
}

/** The person's model fitted on every usable answer. */
function fitAnswers(space: PreferenceSpace, list: readonly PairAnswer[]): BradleyTerryPosterior {
  return fitFromLabels(space.population, space.features, usable(space, list), space.priorVariance ?? 1, space.priorCovariance);
}

/** The state of a person's model after bringing it up to date. */
interface PreferenceUpdate {
  readonly posterior: BradleyTerryPosterior;
  /** Votes folded in by this call (0 when the model was already up to date). */
  readonly applied: number;
}

/**
 * Brings a person's stored posterior up to date with their votes, in one transaction that locks the person's row:
 * when an answer came in after the stored model (or the model is missing or from another feature space), the model
 * is refitted from all answers. Answers on tracks without features are left out of the fit (they still advance
 * lastVoteId).
 */
export async function updatePreferenceModel(db: Db, personId: number, space: PreferenceSpace): Promise<PreferenceUpdate> {
  return db.orm.transaction(async (tx) => {
    const txDb: Db = { ...db, orm: tx as unknown as Db['orm'] };
    return applyPendingVotes(txDb, await lockPreferenceRow(txDb, personId, space), space);
  });
}

/**
 * Records a button vote (idempotent per interaction id) and folds it into the person's model once, in one
 * transaction that reads the person's model row once. The vote is stored while that row is locked, so a person's
 * votes commit in id order and none is skipped; a repeated delivery waits for the lock, finds its vote stored and
 * changes nothing.
 */
export async function recordPreferenceVote(
  db: Db,
  space: PreferenceSpace,
  vote: { interactionId: string; comparisonId: number; personId: number; choice: VoteChoice },
): Promise<{ outcome: VoteOutcome } & PreferenceUpdate> {
  return db.orm.transaction(async (tx) => {
    const txDb: Db = { ...db, orm: tx as unknown as Db['orm'] };
    const row = await lockPreferenceRow(txDb, vote.personId, space);
    const outcome = await recordVote(txDb, vote);
    const update = await applyPendingVotes(txDb, row, space);
    return { outcome, ...update };
  });
}

/** A person's stored model row. */
type PreferenceRow = typeof preferenceModels.$inferSelect;

/** Creates the person's model row if missing, locks it for this transaction and reads it (the one read of the row). */
async function lockPreferenceRow(tx: Db, personId: number, space: PreferenceSpace): Promise<PreferenceRow> {
  await tx.orm
    .insert(preferenceModels)
    .values({ personId, featureVersion: '', dim: 0, priorVariance: space.priorVariance ?? 1, priorMean: [], weights: [], covariance: [], votes: 0, lastVoteId: 0 })
    .onConflictDoNothing();
  const [row] = await tx.orm.select().from(preferenceModels).where(eq(preferenceModels.personId, personId)).for('update');
  if (row === undefined) throw new InvalidPreferenceStateError(`no preference model row for person ${personId}`);
  return row;
}

/** Whether a stored row was fitted in this feature space (else it is refitted from the votes). */
function fitsSpace(row: PreferenceRow, space: PreferenceSpace): boolean {
  return row.featureVersion === space.featureVersion && row.dim === space.features.dim;
}

/** The posterior a current row stores. */
function posteriorOf(row: PreferenceRow): BradleyTerryPosterior {
  return BradleyTerryPosterior.fromState({ dim: row.dim, priorMean: row.priorMean, priorVariance: row.priorVariance, mean: row.weights, covariance: row.covariance, votes: row.votes });
}

/** Refits the person's model row, read and locked by this transaction, when answers came in after it. */
async function applyPendingVotes(tx: Db, row: PreferenceRow, space: PreferenceSpace): Promise<PreferenceUpdate> {
  const { personId } = row;
  const current = fitsSpace(row, space);
  const all = await loadAnswers(tx, personId);
  const pending = current ? all.filter((x) => x.voteId > row.lastVoteId) : all;
  if (current && pending.length === 0) return { posterior: posteriorOf(row), applied: 0 };
  const posterior = fitAnswers(space, all);
  const s = posterior.toState();
  const lastVoteId = pending.length > 0 ? pending[pending.length - 1]!.voteId : row.lastVoteId;
  await tx.orm
    .update(preferenceModels)
    .set({
      featureVersion: space.featureVersion,
      dim: s.dim,
      priorVariance: s.priorVariance,
      priorMean: [...s.priorMean],
      weights: [...s.mean],
      covariance: [...s.covariance],
      votes: s.votes,
      lastVoteId,
      updatedAt: new Date(),
    })
    .where(eq(preferenceModels.personId, personId));
  return { posterior, applied: pending.length };
}

/** The person's posterior as stored (no update), or the prior when they have no model yet. */
export async function loadPreferenceModel(db: Db, personId: number, space: PreferenceSpace): Promise<BradleyTerryPosterior> {
  const [row] = await db.orm.select().from(preferenceModels).where(eq(preferenceModels.personId, personId));
  return row === undefined || !fitsSpace(row, space) ? priorOf(space) : posteriorOf(row);
}

/**
 * The person's posterior as stored, reading the row once; one stored on another prior (stated tastes changed or
 * faded) is refitted from the votes, not dropped. The prior when they have no model yet.
 */
export async function storedOrRefitted(db: Db, personId: number, space: PreferenceSpace): Promise<BradleyTerryPosterior> {
  const [row] = await db.orm.select().from(preferenceModels).where(eq(preferenceModels.personId, personId));
  if (row !== undefined && row.featureVersion !== space.featureVersion) return (await updatePreferenceModel(db, personId, space)).posterior;
  return row === undefined || !fitsSpace(row, space) ? priorOf(space) : posteriorOf(row);
}

/**
 * The person's posterior with every answer folded in (`answers`, loaded by the caller), reading the row once: a row of
 * this space with no answer after it is used as stored (no transaction, no lock); otherwise the row is brought up to date (updatePreferenceModel).
 */
async function currentPreferenceModel(db: Db, personId: number, space: PreferenceSpace, answers: readonly StoredAnswer[]): Promise<BradleyTerryPosterior> {
  const [row] = await db.orm.select().from(preferenceModels).where(eq(preferenceModels.personId, personId));
  if (row !== undefined && fitsSpace(row, space) && !answers.some((x) => x.voteId > row.lastVoteId)) return posteriorOf(row);
  if (row === undefined && answers.length === 0) return priorOf(space);
  return (await updatePreferenceModel(db, personId, space)).posterior;
}

/** The pairs a person has been shown (in either order). */
export async function loadSeenPairs(db: Db, personId: number): Promise<SeenPairs> {
  const rows = await db.orm.select({ a: comparisons.trackA, b: comparisons.trackB }).from(comparisons).where(eq(comparisons.personId, personId));
  return new SeenPairs(rows.map((r) => [r.a, r.b] as const));
}

/** Chooses and stores the person's next comparison; returns its id and the pair. */
export async function nextComparison(
  db: Db,
  space: PreferenceSpace,
  request: { personId: number; plausible: readonly number[]; eligible?: readonly number[]; rng: SeededRandom; options?: CoverageOptions },
): Promise<{ comparisonId: number; pair: PairChoice }> {
  const stored = await loadAnswers(db, request.personId);
  const posterior = await currentPreferenceModel(db, request.personId, space, stored);
  const seen = await loadSeenPairs(db, request.personId);
  const answers = usable(space, stored);
  const pair = coverageChoice({
    posterior,
    features: space.features,
    pool: request.plausible,
    ...(request.eligible !== undefined ? { eligible: request.eligible } : {}),
    answers,
    seen,
    rng: request.rng,
    ...(request.options !== undefined ? { options: request.options } : {}),
  });
  assertDistinctPair(pair.a, pair.b);
  const comparisonId = await createComparison(db, { personId: request.personId, trackA: pair.a, trackB: pair.b, strategy: pair.strategy });
  return { comparisonId, pair };
}

/** Stores a comparison the person named ("compare these two songs"), marked random as the model did not choose it; the same track twice throws SameTrackPairError. */
export async function createChosenComparison(db: Db, personId: number, trackA: number, trackB: number): Promise<number> {
  assertDistinctPair(trackA, trackB);
  return createComparison(db, { personId, trackA, trackB, strategy: 'random' });
}

/** The population prior fitted on everyone's stored votes: its mean utility and its shape. */
interface PopulationPrior {
  /** The population utility (fitPopulationUtility on everyone's decided votes pooled). */
  readonly mean: Float64Array;
  /** Prior covariance around it (tasteCovariance of the voters' taste directions), row-major d × d. */
  readonly covariance: Float64Array;
  /** People whose votes gave a taste direction. */
  readonly voters: number;
}

/** Share of the population shape in the served prior covariance, as in the real-listener benchmark. */
const SERVED_PRIOR_SHAPE = 0.8;

/**
 * Fits the population prior from everyone's decided votes: the mean is the utility fitted on all votes pooled; the
 * shape is the covariance of the voters' taste directions (per person, the mean features of the tracks they chose
 * minus the mean features of the tracks they chose against; population-prior.ts), blended `shape` with the
 * isotropic prior of variance `variance`. With fewer than two voters the covariance is isotropic.
 */
export async function fitPopulationPrior(
  db: Db,
  features: PreferenceFeatures,
  options: { readonly meanPriorVariance?: number; readonly variance?: number; readonly shape?: number } = {},
): Promise<PopulationPrior> {
  const rows = await db.orm
    .select({ personId: votes.personId, choice: votes.choice, a: comparisons.trackA, b: comparisons.trackB })
    .from(votes)
    .innerJoin(comparisons, eq(votes.comparisonId, comparisons.id))
    .where(inArray(votes.choice, ['a', 'b']))
    .orderBy(asc(votes.id));
  const list: FeatureComparison[] = [];
  const byPerson = new Map<number, { chosen: Float32Array[]; against: Float32Array[] }>();
  for (const r of rows) {
    const [w, l] = r.choice === 'a' ? [r.a, r.b] : [r.b, r.a];
    if (!features.has(w) || !features.has(l)) continue;
    const c = { winner: features.vectorOf(w), loser: features.vectorOf(l) };
    list.push(c);
    let mine = byPerson.get(r.personId);
    if (mine === undefined) byPerson.set(r.personId, (mine = { chosen: [], against: [] }));
    mine.chosen.push(c.winner);
    mine.against.push(c.loser);
  }
  const directions = [...byPerson.values()].map((p) => tasteDirection(p.chosen, p.against, features.dim));
  return {
    mean: fitPopulationUtility(list, features.dim, options.meanPriorVariance ?? 4),
    covariance: tasteCovariance(directions, features.dim, { variance: options.variance ?? 1, shape: options.shape ?? SERVED_PRIOR_SHAPE }),
    voters: directions.length,
  };
}
