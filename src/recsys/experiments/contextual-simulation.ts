/**
 * A seeded simulation of the contextual strategy bandit: contexts whose best arm differs, Bernoulli like rates per
 * (context, arm), and rewards booked at every level exactly as the product books them (global, activity, full
 * context). It reports, per context, the share of late pulls that chose that context's best arm, next to what a
 * context-blind bandit (global scope only) achieves on the same stream.
 */
import { SeededRandom } from '../rng.ts';
import { HierarchicalThompson, scopeLevels } from './contextual-bandit.ts';
import { ThompsonBandit, type ArmState } from './thompson-bandit.ts';

/** One simulated context: its scope key and each arm's true like rate. */
interface SimulatedContext {
  readonly key: string;
  readonly rates: Readonly<Record<string, number>>;
}

/** Simulation settings; defaults in brackets. */
interface ContextualSimulationConfig {
  readonly seed?: number;
  /** Pulls in total, contexts visited uniformly at random [4000]. */
  readonly pulls?: number;
  /** Share of the pulls counted as "late" (the last ones) [0.25]. */
  readonly lateShare?: number;
  readonly contexts?: readonly SimulatedContext[];
}

/** Per context: its best arm and the share of late pulls that chose it (contextual and context-blind). */
interface ContextualSimulationResult {
  readonly contexts: readonly { readonly key: string; readonly best: string; readonly lateBestShare: number; readonly blindLateBestShare: number; readonly latePulls: number }[];
  /** Likes per pull over the whole run. */
  readonly likeRate: number;
  readonly blindLikeRate: number;
}

/** Four contexts, each with a different best strategy (0.60 against 0.35–0.45). */
const DEFAULT_SIMULATED_CONTEXTS: readonly SimulatedContext[] = [
  { key: 'a=focus|t=morning|d=weekday|p=slack', rates: { cf: 0.6, hybrid: 0.45, explore: 0.35, content: 0.4 } },
  { key: 'a=party|t=night|d=weekend|p=discord', rates: { cf: 0.4, hybrid: 0.45, explore: 0.6, content: 0.35 } },
  { key: 'a=sleep|t=evening|d=weekday|p=web', rates: { cf: 0.35, hybrid: 0.45, explore: 0.4, content: 0.6 } },
  { key: 'a=any|t=afternoon|d=weekday|p=mcp', rates: { cf: 0.45, hybrid: 0.6, explore: 0.35, content: 0.4 } },
];

type Counts = Map<string, Map<string, { successes: number; failures: number }>>;

function book(store: Counts, scope: string, arm: string, liked: boolean): void {
  let arms = store.get(scope);
  if (arms === undefined) store.set(scope, (arms = new Map()));
  const c = arms.get(arm) ?? { successes: 0, failures: 0 };
  if (liked) c.successes++;
  else c.failures++;
  arms.set(arm, c);
}

function states(store: Counts, scope: string): ArmState[] {
  return [...(store.get(scope) ?? new Map<string, { successes: number; failures: number }>())].map(([arm, c]) => ({ arm, ...c }));
}

/** Runs the simulation (pure: same config, same result). */
export function simulateContextualBandit(config: ContextualSimulationConfig = {}): ContextualSimulationResult {
  const contexts = config.contexts ?? DEFAULT_SIMULATED_CONTEXTS;
  const pulls = config.pulls ?? 4000;
  const lateFrom = Math.floor(pulls * (1 - (config.lateShare ?? 0.25)));
  const rng = new SeededRandom(config.seed ?? 1);
  const arms = Object.keys(contexts[0]!.rates);
  const store: Counts = new Map();
  const blind = ThompsonBandit.of(arms);
  const late = contexts.map(() => ({ pulls: 0, best: 0, blindBest: 0 }));
  let likes = 0;
  let blindLikes = 0;
  for (let t = 0; t < pulls; t++) {
    const k = Math.floor(rng.next() * contexts.length);
    const c = contexts[k]!;
    const scope = `recommend@${c.key}`;
    const levels = scopeLevels(scope);
    const bandit = new HierarchicalThompson(arms, levels.map((s) => states(store, s)));
    const arm = bandit.choose(rng);
    const liked = rng.next() < c.rates[arm]!;
    for (const s of levels) book(store, s, arm, liked);
    const blindArm = blind.choose(rng);
    const blindLiked = rng.next() < c.rates[blindArm]!;
    blind.update(blindArm, blindLiked);
    likes += liked ? 1 : 0;
    blindLikes += blindLiked ? 1 : 0;
    if (t >= lateFrom) {
      const best = bestArm(c);
      late[k]!.pulls++;
      if (arm === best) late[k]!.best++;
      if (blindArm === best) late[k]!.blindBest++;
    }
  }
  return {
    contexts: contexts.map((c, k) => ({
      key: c.key,
      best: bestArm(c),
      lateBestShare: late[k]!.pulls > 0 ? late[k]!.best / late[k]!.pulls : 0,
      blindLateBestShare: late[k]!.pulls > 0 ? late[k]!.blindBest / late[k]!.pulls : 0,
      latePulls: late[k]!.pulls,
    })),
    likeRate: likes / pulls,
    blindLikeRate: blindLikes / pulls,
  };
}

function bestArm(c: SimulatedContext): string {
  return Object.entries(c.rates).reduce((b, e) => (e[1] > b[1] ? e : b))[0];
}
