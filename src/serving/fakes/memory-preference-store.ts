/**
 * PreferenceStore in memory, over the same preference model as DbPreferenceStore: comparisons never repeat a pair
 * for a person, a vote is stored once per (person, interaction id) and once per comparison, the person's model is
 * the label-evidence fit on every answer (A, B, both, neither; label-evidence.ts), refitted when an answer came in
 * after it or the prior changed, and pairs come from the coverage policy. The stored model is written to the
 * world, where similar listeners read it.
 */
import { assertDistinctPair, BradleyTerryPosterior } from '../../recsys/preference/bradley-terry.ts';
import { coverageChoice, fitFromLabels, saidNotToFit, type PairAnswer } from '../../recsys/preference/label-evidence.ts';
import { SeenPairs } from '../../recsys/preference/pair-selection.ts';
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
      const answers = this.usable(personId, space);
      const pair = coverageChoice({ posterior, features: space.features, pool: candidates.slice(0, 30), eligible: candidates.slice(0, ELIGIBLE), answers, seen, rng: this.random() });
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
      notFitting: saidNotToFit(this.answers(personId, 0).map((x) => x.answer)),
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

  /** The person's answers (skips are not answers) with id > after, in vote order. */
  private answers(personId: number, after: number): { id: number; answer: PairAnswer }[] {
    return this.world.votes.flatMap((v) => {
      if (v.personId !== personId || v.id <= after || v.choice === 'skip') return [];
      const c = this.world.comparisons.find((x) => x.id === v.comparisonId)!;
      return [{ id: v.id, answer: { a: c.a, b: c.b, choice: v.choice } }];
    });
  }

  /** The answers the model learns from: both tracks have features. */
  private usable(personId: number, space: PersonSpace): PairAnswer[] {
    return this.answers(personId, 0)
      .map((x) => x.answer)
      .filter((x) => space.features.has(x.a) && space.features.has(x.b));
  }

  /** Refits the person's model when an answer came in after it (or the space changed); returns it. */
  private update(personId: number, space: PersonSpace): BradleyTerryPosterior {
    const stored = this.world.preferenceModels.get(personId);
    const current = stored !== undefined && stored.featureVersion === space.featureVersion && stored.state.dim === space.features.dim;
    const pending = this.answers(personId, current ? stored.lastVoteId : 0);
    if (current && pending.length === 0) return BradleyTerryPosterior.fromState(stored.state);
    const posterior = fitFromLabels(space.population, space.features, this.usable(personId, space), space.priorVariance ?? 1, space.priorCovariance);
    const lastVoteId = pending.at(-1)?.id ?? stored?.lastVoteId ?? 0;
    this.world.preferenceModels.set(personId, { featureVersion: space.featureVersion, weights: Array.from(posterior.mean), votes: posterior.votes, state: posterior.toState(), lastVoteId });
    return posterior;
  }
}
