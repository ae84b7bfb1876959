/** A weighted blend of several models' per-person standardised scores: Earworm's best model. */
import { InvalidParamsError, InvalidSnapshotError } from './errors.ts';
import type { ModelSnapshot, SnapshotArray, SnapshotValue } from './model-snapshot.ts';
import { LearnedFusion } from './ranking/learned-fusion.ts';
import { addStandardised } from './score-normalisation.ts';
import { interactionsFromSnapshot, ScoringRecommender } from './scoring-recommender.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

/** One blended model and its weight. */
interface HybridComponent {
  readonly model: ScoringRecommender;
  readonly weight: number;
}

/**
 * score(j) = Σ_c weight_c · z_c(j), where z_c is component c's score standardised (mean 0, sd 1) over the
 * candidate items (items that occur in training) for this person. Components with weight 0 are not evaluated.
 */
export class HybridRecommender extends ScoringRecommender {
  readonly kind = 'hybrid';
  private readonly buffer: { scores: Float32Array } = { scores: new Float32Array(0) };
  private candidateMask = new Uint8Array(0);

  constructor(
    readonly components: readonly HybridComponent[],
    /**
     * A learned fusion over all the components (in order), fitted on validation data, for the ranking stage to use
     * instead of the weights (src/recsys/ranking); the hybrid's own scores stay the weighted blend.
     */
    readonly learned?: LearnedFusion,
  ) {
    super();
    if (components.length === 0) throw new InvalidParamsError('a hybrid needs at least one component');
    if (learned !== undefined && learned.components !== components.length) throw new InvalidParamsError(`the learned fusion was fitted for ${learned.components} components, not ${components.length}`);
    if (!components.every((c) => Number.isFinite(c.weight) && c.weight >= 0)) throw new InvalidParamsError('weights must be >= 0');
    if (!components.some((c) => c.weight > 0)) throw new InvalidParamsError('at least one weight must be > 0');
  }

  /** Builds a hybrid over components that are already fitted on `interactions` (no refit). */
  static ofFitted(components: readonly HybridComponent[], interactions: CsrMatrix, learned?: LearnedFusion): HybridRecommender {
    const h = new HybridRecommender(components, learned);
    h.setInteractions(interactions);
    h.prepare();
    return h;
  }

  protected fitModel(interactions: CsrMatrix): void {
    for (const c of this.components) if (c.weight > 0 || this.learned !== undefined) c.model.fit(interactions);
    this.prepare();
  }

  private prepare(): void {
    const n = this.itemCount;
    this.buffer.scores = new Float32Array(n);
    this.candidateMask = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.candidateMask[i] = this.itemPopularity[i]! > 0 ? 1 : 0;
  }

  protected userScores(user: number, out: Float32Array): void {
    out.fill(0);
    for (const c of this.components) {
      if (c.weight === 0) continue;
      c.model.scoreUser(user, this.buffer.scores);
      addStandardised(this.buffer.scores, this.candidateMask, c.weight, out);
    }
  }

  protected seedScores(seeds: readonly number[], out: Float32Array): void {
    out.fill(0);
    for (const c of this.components) {
      if (c.weight === 0) continue;
      c.model.scoreSeeds(seeds, this.buffer.scores);
      addStandardised(this.buffer.scores, this.candidateMask, c.weight, out);
    }
  }

  protected snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> } {
    const arrays: Record<string, SnapshotArray> = {};
    const components: SnapshotValue[] = [];
    this.components.forEach((c, n) => {
      const s = c.model.toSnapshot();
      components.push({ kind: s.kind, weight: c.weight, params: s.params });
      for (const [name, a] of Object.entries(s.arrays)) arrays[`c${n}.${name}`] = a;
    });
    return { params: { components, ...(this.learned !== undefined ? { learned: this.learned.toJSON() } : {}) }, arrays };
  }

  /** Rebuilds a hybrid, restoring each component with `restore`. */
  static fromSnapshot(snapshot: ModelSnapshot, restore: (s: ModelSnapshot) => ScoringRecommender): HybridRecommender {
    const list = snapshot.params['components'];
    if (!Array.isArray(list) || list.length === 0) throw new InvalidSnapshotError('hybrid: components missing');
    const components = list.map((entry: unknown, n: number): HybridComponent => {
      const e = entry as { kind?: unknown; weight?: unknown; params?: unknown };
      if (typeof e.kind !== 'string' || typeof e.weight !== 'number' || e.params === null || typeof e.params !== 'object') {
        throw new InvalidSnapshotError(`hybrid: component ${n} is malformed`);
      }
      const prefix = `c${n}.`;
      const arrays: Record<string, SnapshotArray> = {};
      for (const [name, a] of Object.entries(snapshot.arrays)) if (name.startsWith(prefix)) arrays[name.slice(prefix.length)] = a;
      return { weight: e.weight, model: restore({ kind: e.kind, params: e.params as ModelSnapshot['params'], arrays }) };
    });
    let learned: LearnedFusion | undefined;
    if (snapshot.params['learned'] !== undefined) {
      try {
        learned = LearnedFusion.fromJSON(snapshot.params['learned']);
      } catch (e) {
        throw new InvalidSnapshotError(`hybrid: learned fusion is malformed (${(e as Error).message})`);
      }
    }
    return HybridRecommender.ofFitted(components, interactionsFromSnapshot(snapshot), learned);
  }
}
