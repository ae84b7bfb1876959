/**
 * Drift monitoring: compares what has arrived since the active recommender was trained with the training snapshot —
 * the genres and moods of interacted tracks, their audio features (energy, valence, danceability), the genres of the
 * tracks Earworm served, the genre classifier's confidence on interacted tracks (its predictions), and the genres and
 * moods people asked `recommend` for (recommend_requests: named genres and moods, and an activity mapped to its mood
 * through the mood tags, e.g. workout → energetic) — by population stability index and KL divergence per feature.
 * Requested labels are compared with the labels of the training interactions: the demand against what the model
 * learnt from. Interaction features need `minSamples` new interactions, request features as many requested labels.
 * Every check is recorded in `drift_reports`; past the threshold it asks for a retrain, once per active model version.
 */
import { gt, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, TRACK_MODEL_KIND } from '../db/model-versions.ts';
import { driftReports, recommendRequests } from '../db/schema.ts';
import { moodOfTag, MOODS } from '../recsys/classifier/mood-labels.ts';
import { categoricalDrift, numericDrift, type FeatureDrift } from '../recsys/monitoring/drift.ts';

/** Options of one check. */
interface DriftCheckOptions {
  /** PSI past which a feature counts as drifted (config.driftThreshold). */
  readonly threshold: number;
  /**
   * Fewest new interactions for the interaction features, and fewest requested labels for each request feature
   * (default 50); with neither, the check records nothing and triggers nothing.
   */
  readonly minSamples?: number;
  /** Most rows sampled per snapshot and feature (default 20,000). */
  readonly sampleSize?: number;
  /** Queues a retrain under `key` (idempotent); returns the key it used. Absent: drift is recorded, nothing queued. */
  readonly retrain?: (key: string) => Promise<string>;
}

/** What one check found. */
interface DriftCheckResult {
  readonly status: 'checked' | 'no-model' | 'too-little-data';
  /** The active recommender version the snapshot belongs to. */
  readonly modelVersion?: string;
  readonly newInteractions: number;
  /** Recommend requests recorded since the model was trained. */
  readonly newRequests: number;
  readonly features: readonly (FeatureDrift & { readonly drifted: boolean })[];
  /** The retrain job's key, when drift triggered one. */
  readonly triggeredJob?: string;
}

/** Runs one drift check. */
export async function runDriftCheck(db: Db, options: DriftCheckOptions): Promise<DriftCheckResult> {
  const model = await activeModelVersion(db, TRACK_MODEL_KIND);
  if (model === undefined) return { status: 'no-model', newInteractions: 0, newRequests: 0, features: [] };
  // As text with a cast: postgres.js does not serialise a Date inside a raw sql fragment.
  const since = sql`${model.createdAt.toISOString()}::timestamptz`;
  const n = options.sampleSize ?? 20_000;
  const min = options.minSamples ?? 50;
  const [{ fresh } = { fresh: 0 }] = await db.rows<{ fresh: number }>(sql`select count(*)::int as fresh from interactions where track_id is not null and created_at > ${since}`);
  const [{ asked } = { asked: 0 }] = await db.rows<{ asked: number }>(sql`select count(*)::int as asked from recommend_requests where created_at > ${since}`);
  const counts = { modelVersion: model.version, newInteractions: fresh, newRequests: asked };
  if (fresh < min && asked < min) return { status: 'too-little-data', ...counts, features: [] };
  const enoughInteractions = fresh >= min;

  // Interacted tracks before (the training snapshot) and after the model was trained, sampled.
  const window = (after: boolean) =>
    after ? sql`i.created_at > ${since}` : sql`i.created_at <= ${since}`;
  const sampled = (after: boolean) => sql`(select i.track_id from interactions i where i.track_id is not null and ${window(after)} order by random() limit ${n})`;
  // What people asked recommend for since then, sampled; an activity counts as the mood its tag maps to.
  const requests = await db.orm
    .select({ genres: recommendRequests.genres, moods: recommendRequests.moods, activity: recommendRequests.activity })
    .from(recommendRequests)
    .where(gt(recommendRequests.createdAt, model.createdAt))
    .orderBy(sql`random()`)
    .limit(n);
  const requested = {
    genre: requests.flatMap((r) => r.genres),
    mood: requests.flatMap((r) => [...new Set([...r.moods, ...activityMood(r.activity)])]),
  };

  const features: FeatureDrift[] = [];
  for (const task of ['genre', 'mood'] as const) {
    const clf = await activeModelVersion(db, CONTENT_MODEL_KINDS[task]);
    if (clf === undefined) continue;
    const labels = async (after: boolean) =>
      (await db.rows<{ label: string }>(sql`select p.label from ${sampled(after)} s join track_predictions p on p.track_id = s.track_id and p.model_version_id = ${clf.id}`)).map((r) => r.label);
    const ref = await labels(false);
    if (ref.length === 0) continue;
    if (enoughInteractions) {
      const cur = await labels(true);
      if (cur.length > 0) features.push(categoricalDrift(`interaction_${task}`, ref, cur));
    }
    // Requested labels the classifier does not know (ref share 0) count as drift: demand the model has no data for.
    if (requested[task].length >= min) features.push(categoricalDrift(`requested_${task}`, ref, requested[task]));
    if (task === 'genre') {
      if (enoughInteractions) {
        const conf = async (after: boolean) =>
          (await db.rows<{ c: number }>(sql`select p.confidence::float8 as c from ${sampled(after)} s join track_predictions p on p.track_id = s.track_id and p.model_version_id = ${clf.id}`)).map((r) => r.c);
        const [rc, cc] = [await conf(false), await conf(true)];
        if (rc.length > 0 && cc.length > 0) features.push(...numericDrift({ prediction_confidence: rc }, { prediction_confidence: cc }));
      }
      const served = (await db.rows<{ label: string }>(sql`select p.label from (select track_id from served_recommendations where served_at > ${since} order by random() limit ${n}) s join track_predictions p on p.track_id = s.track_id and p.model_version_id = ${clf.id}`)).map((r) => r.label);
      if (served.length >= min) features.push(categoricalDrift('served_genre', ref, served));
    }
  }
  if (enoughInteractions) {
    const audio = async (after: boolean) => {
      const rows = await db.rows<{ energy: number; valence: number; danceability: number }>(
        sql`select a.energy::float8 as energy, a.valence::float8 as valence, a.danceability::float8 as danceability from ${sampled(after)} s join audio_features a on a.track_id = s.track_id`,
      );
      return { interaction_energy: rows.map((r) => r.energy), interaction_valence: rows.map((r) => r.valence), interaction_danceability: rows.map((r) => r.danceability) };
    };
    const [ra, ca] = [await audio(false), await audio(true)];
    if (ra.interaction_energy.length > 0 && ca.interaction_energy.length > 0) features.push(...numericDrift(ra, ca));
  }

  const marked = features.map((f) => ({ ...f, drifted: f.psi > options.threshold }));
  const drifted = marked.filter((f) => f.drifted);
  let triggeredJob: string | undefined;
  if (drifted.length > 0 && options.retrain !== undefined) triggeredJob = await options.retrain(`drift-retrain-${model.version}`);
  if (marked.length > 0) {
    await db.orm.insert(driftReports).values(
      marked.map((f) => ({
        feature: f.feature,
        metric: 'psi',
        value: f.psi,
        threshold: options.threshold,
        triggeredJob: f.drifted ? (triggeredJob ?? null) : null,
        details: { kl: f.kl, bins: f.bins, reference: f.reference, current: f.current, modelVersion: model.version, newInteractions: fresh, newRequests: asked },
      })),
    );
  }
  return { status: 'checked', ...counts, features: marked, ...(triggeredJob !== undefined ? { triggeredJob } : {}) };
}

/** The mood an activity names through the mood tags (workout → energetic, study → focus), if any. */
function activityMood(activity: string | null): string[] {
  if (activity === null) return [];
  const i = moodOfTag(activity);
  return i >= 0 ? [MOODS[i]!] : [];
}

/** The latest report of each feature (for metrics and the dashboard). */
export async function latestDrift(db: Db): Promise<{ feature: string; value: number; threshold: number; triggeredJob: string | null; createdAt: Date }[]> {
  const rows = await db.rows<{ feature: string; value: number; threshold: number; triggered_job: string | null; created_at: Date | string }>(
    sql`select distinct on (feature) feature, value, threshold, triggered_job, created_at from drift_reports order by feature, created_at desc, id desc`,
  );
  return rows.map((r) => ({ feature: r.feature, value: Number(r.value), threshold: Number(r.threshold), triggeredJob: r.triggered_job, createdAt: new Date(r.created_at) }));
}
