/** The models `npm run eval` knows: how to build each from parameters, and the compact grid tuned on validation. */
import { ContentProfileRecommender } from '../recsys/content-profile.ts';
import { IalsRecommender } from '../recsys/ials.ts';
import type { InteractionWeighting } from '../recsys/interaction-weighting.ts';
import { ItemKnnRecommender } from '../recsys/item-knn.ts';
import type { ItemSideInfo } from '../recsys/item-side-info.ts';
import { PopularityRecommender } from '../recsys/popularity.ts';
import { Rp3betaRecommender } from '../recsys/rp3beta.ts';
import type { ScoringRecommender } from '../recsys/scoring-recommender.ts';

/** Models evaluated by default, in run order; the hybrid blends the others; ranked is the full ranker over the hybrid's blend. */
export const MODEL_NAMES = ['popularity', 'itemknn', 'rp3beta', 'ials', 'content', 'hybrid', 'ranked'] as const;

/** One of MODEL_NAMES. */
export type ModelName = (typeof MODEL_NAMES)[number];

/** Flat JSON hyperparameters of one grid point. */
export type GridParams = Readonly<Record<string, number | string>>;

/** What a model builder may use besides its parameters. */
export interface ModelContext {
  readonly task: 'W' | 'C';
  readonly side: ItemSideInfo | undefined;
  readonly seed: number;
  /** Whether the dataset's weights vary (play counts) rather than being mostly 1. */
  readonly weighted: boolean;
}

/** A single (non-blend) model with its grid. */
interface GridModel {
  readonly name: string;
  grid(ctx: ModelContext): GridParams[];
  build(params: GridParams, ctx: ModelContext): ScoringRecommender;
}

const num = (p: GridParams, k: string): number => Number(p[k]);
const str = (p: GridParams, k: string): string => String(p[k]);

function product(axes: Record<string, readonly (number | string)[]>): GridParams[] {
  let out: Record<string, number | string>[] = [{}];
  for (const [k, values] of Object.entries(axes)) out = out.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  return out;
}

const weightings = (ctx: ModelContext): InteractionWeighting[] => (ctx.weighted ? ['binary', 'log'] : ['binary']);

/** The grid models by name (the hybrid is assembled by the runner from these). */
export const GRID_MODELS: Readonly<Record<Exclude<ModelName, 'hybrid' | 'ranked'>, GridModel>> = {
  popularity: {
    name: 'popularity',
    grid: () => [{}],
    build: () => new PopularityRecommender(),
  },
  itemknn: {
    name: 'itemknn',
    grid: (ctx) => product({ neighbours: [50, 200, 800], shrink: [0, 20, 100], weighting: weightings(ctx) }),
    build: (p) =>
      new ItemKnnRecommender({ neighbours: num(p, 'neighbours'), shrink: num(p, 'shrink'), weighting: str(p, 'weighting') as InteractionWeighting }),
  },
  rp3beta: {
    name: 'rp3beta',
    grid: (ctx) => product({ alpha: [0.5, 0.75, 1], beta: [0.1, 0.25, 0.4], neighbours: [100, 400], weighting: weightings(ctx) }),
    build: (p) =>
      new Rp3betaRecommender({
        alpha: num(p, 'alpha'),
        beta: num(p, 'beta'),
        neighbours: num(p, 'neighbours'),
        weighting: str(p, 'weighting') as InteractionWeighting,
      }),
  },
  ials: {
    name: 'ials',
    grid: (ctx) =>
      ctx.weighted
        ? product({ factors: [64], regularization: [25, 50, 100], alpha: [4], confidence: ['log'], epsilon: [1], regExponent: [0, 0.5] })
        : product({ factors: [64], regularization: [10, 50], alpha: [2, 10], confidence: ['linear'], epsilon: [1], regExponent: [0, 0.5] }),
    build: (p, ctx) =>
      new IalsRecommender({
        factors: num(p, 'factors'),
        regularization: num(p, 'regularization'),
        alpha: num(p, 'alpha'),
        confidence: str(p, 'confidence') === 'linear' ? 'linear' : 'log',
        epsilon: num(p, 'epsilon'),
        iterations: 12,
        cgSteps: 3,
        seed: ctx.seed,
        seedWeight: null,
        regExponent: num(p, 'regExponent'),
      }),
  },
  content: {
    name: 'content',
    grid: (ctx) => (ctx.side === undefined ? [] : CONTENT_PRESETS),
    build: (p, ctx) => contentModel(ctx.side!, p),
  },
};

const CONTENT_PRESETS: GridParams[] = [
  { artist: 1, album: 0.5, year: 0, genre: 0, subgenre: 1, audio: 0 },
  { artist: 1, album: 0.5, year: 0.1, genre: 0.5, subgenre: 2, audio: 0.05 },
  { artist: 1, album: 0.5, year: 0.2, genre: 1, subgenre: 4, audio: 0.1 },
  { artist: 0.5, album: 0.25, year: 0.2, genre: 1, subgenre: 8, audio: 0.2 },
];

/** A content model with one weight per signal (artist, album, year, genre, subgenre, audio). */
export function contentModel(side: ItemSideInfo, p: GridParams): ContentProfileRecommender {
  const item = new Set(side.itemCategories.map((c) => c.name));
  const user = new Set(side.userCategories.map((c) => c.name));
  const categoryWeights: Record<string, number> = {};
  const labelWeights: Record<string, number> = {};
  for (const [k, v] of Object.entries(p)) {
    if (item.has(k)) categoryWeights[k] = Number(v);
    else if (user.has(k)) labelWeights[k] = Number(v);
  }
  return new ContentProfileRecommender(side, { categoryWeights, labelWeights, numericWeight: Number(p['audio'] ?? 0) });
}

/** The single-signal content components a hybrid may weigh separately. */
export function contentSignals(side: ItemSideInfo): { name: string; params: GridParams }[] {
  const names = [...side.itemCategories.map((c) => c.name), ...side.userCategories.map((c) => c.name)];
  if (side.itemNumeric !== undefined) names.push('audio');
  return names.map((n) => ({ name: `content-${n}`, params: { [n]: 1 } }));
}
