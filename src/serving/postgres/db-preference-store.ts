/** PreferenceStore over the colleague's preference pipeline (votes → Bradley–Terry posterior in preference_models). */
import type { Db } from '../../db/db.ts';
import { DuplicatePairError, UnknownComparisonError } from '../../db/votes.ts';
import { nextComparison, notFittingTracks, recordPreferenceVote, storedOrRefitted } from '../state/preferences.ts';
import { PreferenceError } from '../../recsys/preference/preference-errors.ts';
import { SeededRandom } from '../../recsys/rng.ts';
import { UserError } from '../../tools/errors.ts';
import { UnknownComparisonIdError, type ComparisonOffer, type PreferenceStore, type TasteModel, type VoteAnswer, type VoteResult } from '../ports/preference-store.ts';
import type { NamedPreferenceSpace } from '../recommender/preference-space.ts';
import type { PersonalPrior } from '../recommender/stated-prior.ts';

/** A person's own prior mean (e.g. from stated tastes), or undefined for the population prior. */
export type PersonalPriorSource = (personId: number, space: NamedPreferenceSpace) => Promise<PersonalPrior | undefined>;

/** Random pairs come from this many of the most plausible tracks. */
const ELIGIBLE = 200;

/** Comparisons and votes in the database; the feature space is built once (lazily) and shared. */
export class DbPreferenceStore implements PreferenceStore {
  private space: Promise<NamedPreferenceSpace> | undefined;

  constructor(
    private readonly db: Db,
    private readonly buildSpace: () => Promise<NamedPreferenceSpace>,
    /** Source of pair-selection randomness (seeded in tests). */
    private readonly random: () => SeededRandom = () => new SeededRandom(Math.floor(Math.random() * 2 ** 31)),
    /** Per-person prior means (default: everyone starts from the population utility). */
    private readonly personalPrior?: PersonalPriorSource,
  ) {}

  /**
   * The space as one person's model sees it: their own prior mean when they have one, under a feature version
   * tagged with it, so that a stored posterior built on another prior is refitted from the votes.
   */
  private async spaceFor(personId: number): Promise<NamedPreferenceSpace & { priorWeight?: number }> {
    const space = await this.getSpace();
    const prior = await this.personalPrior?.(personId, space);
    return prior === undefined ? space : { ...space, population: prior.mean, featureVersion: `${space.featureVersion}|${prior.tag}`, priorWeight: prior.weight };
  }

  private getSpace(): Promise<NamedPreferenceSpace> {
    this.space ??= this.buildSpace().catch((err: unknown) => {
      this.space = undefined;
      throw err;
    });
    return this.space;
  }

  async nextComparison(personId: number, plausible: readonly number[]): Promise<ComparisonOffer> {
    const space = await this.spaceFor(personId);
    const candidates = plausible.filter((t) => space.features.has(t));
    if (candidates.length < 2) {
      throw new UserError('PAIRS_EXHAUSTED', 'There are not enough tracks with audio features or labels to compare yet.');
    }
    // Two concurrent calls may pick the same pair; the second then asks again.
    for (let attempt = 0; ; attempt++) {
      try {
        const { comparisonId, pair } = await nextComparison(this.db, space, {
          personId,
          plausible: candidates.slice(0, 30),
          eligible: candidates.slice(0, ELIGIBLE),
          rng: this.random(),
        });
        return { comparisonId, a: pair.a, b: pair.b, strategy: pair.strategy, probabilityA: pair.probabilityA };
      } catch (err) {
        if (err instanceof DuplicatePairError && attempt < 3) continue;
        if (err instanceof PreferenceError && err.code === 'PAIRS_EXHAUSTED') {
          throw new UserError('PAIRS_EXHAUSTED', 'You have compared every pair I can offer right now; like a few more songs and ask again.');
        }
        throw err;
      }
    }
  }

  async vote(v: { personId: number; comparisonId: number; choice: VoteAnswer; interactionId: string }): Promise<VoteResult> {
    const space = await this.spaceFor(v.personId);
    try {
      const r = await recordPreferenceVote(this.db, space, v);
      return { recorded: r.outcome.recorded, choice: r.outcome.choice, votes: r.posterior.votes, confidence: r.posterior.confidence() };
    } catch (err) {
      if (err instanceof UnknownComparisonError) throw new UnknownComparisonIdError(v.comparisonId);
      throw err;
    }
  }

  async taste(personId: number): Promise<TasteModel> {
    const space = await this.spaceFor(personId);
    // A stored posterior on another prior (stated tastes changed or faded) is refitted from the votes, not dropped.
    const posterior = await storedOrRefitted(this.db, personId, space);
    const state = posterior.toState();
    const leanings =
      posterior.votes === 0
        ? []
        : Array.from(state.mean, (w, i) => ({ feature: space.columnNames[i] ?? `feature ${i}`, weight: w - (state.priorMean[i] ?? 0) }))
            .filter((l) => Math.abs(l.weight) > 1e-6)
            .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
            .slice(0, 6);
    return {
      votes: posterior.votes,
      confidence: posterior.confidence(),
      leanings,
      ...(space.priorWeight !== undefined ? { statedWeight: space.priorWeight } : {}),
      notFitting: await notFittingTracks(this.db, personId),
      utility: (trackId) => {
        const r = space.features.indexOf(trackId);
        return r === undefined ? Number.NaN : posterior.utility(space.features.row(r));
      },
    };
  }
}
