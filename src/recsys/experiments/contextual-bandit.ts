/**
 * The contextual strategy bandit: Thompson sampling with Beta posteriors per context and hierarchical backoff.
 * A context is (time-of-day bucket, weekday/weekend, activity or mood asked for, platform). Evidence is kept at
 * three levels — global, per activity, per full context — as bandit scopes `base`, `base@a=…` and
 * `base@a=…|t=…|d=…|p=…`. An arm's posterior at a level is Beta(m·μ + s, m·(1 − μ) + f): s/f are the level's own
 * likes/skips, μ is the parent level's posterior mean computed from the parent's evidence *outside* this context,
 * and m = min(pseudo-count of that parent posterior, `strength`) caps how much the parent speaks. A new context
 * therefore starts from what the arm does elsewhere and departs from it after a handful of its own rewards.
 */
import { InvalidParamsError } from '../errors.ts';
import type { SeededRandom } from '../rng.ts';
import { sampleBeta, type ArmState } from './thompson-bandit.ts';

/** Time-of-day buckets (UTC hours: night 0–5, morning 6–11, afternoon 12–17, evening 18–23). */
const TIME_BUCKETS = ['night', 'morning', 'afternoon', 'evening'] as const;

/** One time-of-day bucket. */
type TimeBucket = (typeof TIME_BUCKETS)[number];

/** The context of one recommendation. */
interface BanditContext {
  readonly time: TimeBucket;
  readonly day: 'weekday' | 'weekend';
  /** The activity or mood asked for, lower-case; `any` when none was. */
  readonly activity: string;
  /** The platform asked on (`discord`, `slack`, `mcp`, `web`, `terminal`, …); `unknown` when not known. */
  readonly platform: string;
}

/** Words usable in a context key: lower-case letters, digits, `-` and `_` (anything else becomes `_`). */
function token(s: string | undefined, fallback: string): string {
  const t = (s ?? '').trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '_').slice(0, 32);
  return t === '' ? fallback : t;
}

/** The context at `date` (UTC) for an activity and a platform. */
export function contextAt(date: Date, activity?: string, platform?: string): BanditContext {
  const h = date.getUTCHours();
  const d = date.getUTCDay();
  return {
    time: TIME_BUCKETS[Math.floor(h / 6)]!,
    day: d === 0 || d === 6 ? 'weekend' : 'weekday',
    activity: token(activity, 'any'),
    platform: token(platform, 'unknown'),
  };
}

/** The full context key, e.g. `a=focus|t=evening|d=weekend|p=discord`. */
export function contextKey(c: BanditContext): string {
  return `a=${c.activity}|t=${c.time}|d=${c.day}|p=${c.platform}`;
}

/** The bandit scope of a context under a base scope. */
export function contextScope(base: string, c: BanditContext): string {
  return `${base}@${contextKey(c)}`;
}

/**
 * The scopes whose evidence a reward in `scope` moves, coarse to fine: `base@a=x|…` → [base, base@a=x, base@a=x|…];
 * a scope without `@` is a single level.
 */
export function scopeLevels(scope: string): string[] {
  const at = scope.indexOf('@');
  if (at < 0) return [scope];
  const base = scope.slice(0, at);
  const key = scope.slice(at + 1);
  const activity = key.split('|')[0]!;
  return activity === key ? [base, scope] : [base, `${base}@${activity}`, scope];
}

/** The context key of a contextual scope (`undefined` for a plain scope). */
export function contextOfScope(scope: string): string | undefined {
  const at = scope.indexOf('@');
  return at < 0 ? undefined : scope.slice(at + 1);
}

/** A Beta posterior. */
interface BetaPosterior {
  readonly alpha: number;
  readonly beta: number;
}

/** Default cap on the pseudo-count a parent level lends a child. */
const DEFAULT_BACKOFF_STRENGTH = 10;

/** Thompson sampling over arms with per-level evidence and hierarchical backoff (see the module comment). */
export class HierarchicalThompson {
  private readonly levels: Map<string, { successes: number; failures: number }>[];

  constructor(
    readonly arms: readonly string[],
    /** Evidence per level, coarse (global) to fine (full context); missing arms have none. */
    levels: readonly (readonly ArmState[])[],
    readonly options: { readonly strength?: number; readonly prior?: BetaPosterior } = {},
  ) {
    if (arms.length === 0) throw new InvalidParamsError('a bandit needs at least one arm');
    if (levels.length === 0) throw new InvalidParamsError('a hierarchical bandit needs at least one level');
    const strength = options.strength ?? DEFAULT_BACKOFF_STRENGTH;
    if (!(strength >= 0)) throw new InvalidParamsError('strength must be >= 0');
    this.levels = levels.map((l) => new Map(l.map((a) => [a.arm, { successes: Math.max(0, a.successes), failures: Math.max(0, a.failures) }])));
  }

  /** The arm's posterior at level `depth` (default: the finest). */
  posterior(arm: string, depth = this.levels.length - 1): BetaPosterior {
    const prior = this.options.prior ?? { alpha: 1, beta: 1 };
    const strength = this.options.strength ?? DEFAULT_BACKOFF_STRENGTH;
    const counts = (l: number) => this.levels[l]?.get(arm) ?? { successes: 0, failures: 0 };
    // Level 0 keeps the flat prior; each finer level borrows from its parent's evidence outside it.
    let alpha = prior.alpha;
    let beta = prior.beta;
    for (let l = 0; l <= depth; l++) {
      const own = counts(l);
      if (l > 0) {
        const parent = counts(l - 1);
        const outside = { alpha: alpha + Math.max(0, parent.successes - own.successes), beta: beta + Math.max(0, parent.failures - own.failures) };
        const mean = outside.alpha / (outside.alpha + outside.beta);
        const m = Math.max(prior.alpha + prior.beta, Math.min(strength, outside.alpha + outside.beta));
        alpha = m * mean;
        beta = m * (1 - mean);
      }
      // Here alpha/beta are this level's prior; the next iteration adds this level's evidence outside the child.
      if (l === depth) return { alpha: alpha + own.successes, beta: beta + own.failures };
    }
    return { alpha, beta };
  }

  /** Posterior mean like rate of an arm at the finest level. */
  meanRate(arm: string): number {
    const p = this.posterior(arm);
    return p.alpha / (p.alpha + p.beta);
  }

  /** Draws a rate per arm from its finest-level posterior and returns the arm with the largest draw. */
  choose(rng: SeededRandom): string {
    let best = this.arms[0]!;
    let bestDraw = -1;
    for (const arm of this.arms) {
      const p = this.posterior(arm);
      const draw = sampleBeta(p.alpha, p.beta, rng);
      if (draw > bestDraw) {
        bestDraw = draw;
        best = arm;
      }
    }
    return best;
  }
}
