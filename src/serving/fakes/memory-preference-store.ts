/**
 * PreferenceStore in memory, over the same preference model as DbPreferenceStore: comparisons never repeat a pair
 * for a person, a vote is stored once per (person, interaction id) and once per comparison, decided votes are folded
 * into the person's Bradley–Terry posterior exactly once, and a posterior from another prior is refitted from the
 * votes. The stored model is written to the world, where similar listeners read it.
 */
import { assertDistinctPair, BradleyTerryPosterior, type FeatureComparison } from '../../recsys/preference/bradley-terry.ts';
import { SeenPairs, selectPair } from '../../recsys/preference/pair-selection.ts';
import { PreferenceError } from '../../recsys/preference/preference-errors.ts';
import { SeededRandom } from '../../recsys/rng.ts';
import { UserError } from '../../tools/errors.ts';
import { UnknownComparisonIdError, type ComparisonOffer, type PreferenceStore, type TasteModel, type VoteAnswer, type VoteResult } from '../ports/preference-store.ts';
import type { PersonalPriorSource } from '../postgres/db-preference-store.ts';
import type { NamedPreferenceSpace } from '../recommender/preference-space.ts';
import type { MemoryWorld } from './memory-world.ts';

/** Random pairs come from this many of the most plausible tracks (as DbPreferenceStore). */
const ELIGIBLE = 200;

type PersonSpace = NamedPreferenceSpace & { priorWeight?: number };

/** PreferenceStore over a MemoryWorld's comparisons, votes and models. */
export class MemoryPreferenceStore implements PreferenceStore {
  constructor(
    private readonly world: MemoryWorld,
    private readonly space: NamedPreferenceSpace,
    private readonly random: () => SeededRandom = () => new SeededRandom(Math.floor(Math.random() * 2 ** 31)),
    private readonly personalPrior?: PersonalPriorSource,
  ) {}

  async nextComparison(personId: number, plausible: readonly number[]): Promise<ComparisonOffer> {
    const space = await this.spaceFor(personId);
    const candidates = plausible.filter((t) => space.features.has(t));
    if (candidates.length < 2) throw new UserError('PAIRS_EXHAUSTED', 'There are not enough tracks with audio features or labels to compare yet.');
    const posterior = this.update(personId, space);
    const seen = new SeenPairs(this.world.comparisons.filter((c) => c.personId === personId).map((c) => [c.a, c.b] as const));
    try {
      const pair = selectPair({ posterior, features: space.features, plausible: candidates.slice(0, 30), eligible: candidates.slice(0, ELIGIBLE), seen, rng: this.random() });
      assertDistinctPair(pair.a, pair.b);
      const comparisonId = this.world.next();
      this.world.comparisons.push({ id: comparisonId, personId, a: pair.a, b: pair.b, strategy: pair.strategy });
      return { comparisonId, a: pair.a, b: pair.b, strategy: pair.strategy, probabilityA: pair.probabilityA };
    } catch (err) {
      if (err instanceof PreferenceError && err.code === 'PAIRS_EXHAUSTED') {
        throw new UserError('PAIRS_EXHAUSTED', 'You have compared every pair I can offer right now; like a few more songs and ask again.');
      }
      throw err;
    }
  }

  async vote(v: { personId: number; comparisonId: number; choice: VoteAnswer; interactionId: string }): Promise<VoteResult> {
    const space = await this.spaceFor(v.personId);
    if (!this.world.comparisons.some((c) => c.id === v.comparisonId && c.personId === v.personId)) throw new UnknownComparisonIdError(v.comparisonId);
    const stored = this.world.votes.find((x) => x.personId === v.personId && (x.interactionId === v.interactionId || x.comparisonId === v.comparisonId));
    if (stored === undefined) this.world.votes.push({ id: this.world.next(), personId: v.personId, comparisonId: v.comparisonId, interactionId: v.interactionId, choice: v.choice });
    const posterior = this.update(v.personId, space);
    return { recorded: stored === undefined, choice: stored?.choice ?? v.choice, votes: posterior.votes, confidence: posterior.confidence() };
  }

  async taste(personId: number): Promise<TasteModel> {
    const space = await this.spaceFor(personId);
    const posterior = this.update(personId, space);
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
      utility: (trackId) => {
        const r = space.features.indexOf(trackId);
        return r === undefined ? Number.NaN : posterior.utility(space.features.row(r));
      },
    };
  }

  private async spaceFor(personId: number): Promise<PersonSpace> {
    const prior = await this.personalPrior?.(personId, this.space);
    return prior === undefined ? this.space : { ...this.space, population: prior.mean, featureVersion: `${this.space.featureVersion}|${prior.tag}`, priorWeight: prior.weight };
  }

  /** Folds the person's unapplied decided votes in (refitting from all of them when the space changed). */
  private update(personId: number, space: PersonSpace): BradleyTerryPosterior {
    // Votes on tracks without features advance the last vote id but carry nothing (c null).
    const decided = (after: number): { id: number; c: FeatureComparison | null }[] =>
      this.world.votes.flatMap((v): { id: number; c: FeatureComparison | null }[] => {
        if (v.personId !== personId || v.id <= after || (v.choice !== 'a' && v.choice !== 'b')) return [];
        const c = this.world.comparisons.find((x) => x.id === v.comparisonId)!;
        const [winner, loser] = v.choice === 'a' ? [c.a, c.b] : [c.b, c.a];
        if (!space.features.has(winner) || !space.features.has(loser)) return [{ id: v.id, c: null }];
        return [{ id: v.id, c: { winner: space.features.vectorOf(winner), loser: space.features.vectorOf(loser) } }];
      });
    const stored = this.world.preferenceModels.get(personId);
    let posterior: BradleyTerryPosterior;
    let lastVoteId: number;
    if (stored !== undefined && stored.featureVersion === space.featureVersion && stored.state.dim === space.features.dim) {
      posterior = BradleyTerryPosterior.fromState(stored.state);
      const pending = decided(stored.lastVoteId);
      for (const p of pending) if (p.c !== null) posterior.update(p.c.winner, p.c.loser);
      lastVoteId = pending.at(-1)?.id ?? stored.lastVoteId;
    } else {
      const all = decided(0);
      posterior = BradleyTerryPosterior.fit(space.population, all.flatMap((p) => (p.c !== null ? [p.c] : [])), space.priorVariance ?? 1, space.priorCovariance);
      lastVoteId = all.at(-1)?.id ?? 0;
    }
    this.world.preferenceModels.set(personId, { featureVersion: space.featureVersion, weights: Array.from(posterior.mean), votes: posterior.votes, state: posterior.toState(), lastVoteId });
    return posterior;
  }
}
