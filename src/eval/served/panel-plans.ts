/**
 * What the chat planner calls for the request panel: each request is planned on an empty conversation (with the
 * catalogue's entity linker, as the agent plans) and its first tool call is checked against the request's `expect`:
 * tool accuracy (the expected tool), constraint presence (every hard constraint of the request is in the call, at
 * least as strict: a genre/mood list within the expected ones (a style within its genre: "reggaeton" for latin), each exclusion, each range end, instrumental as
 * instrumentalness ≥ 0.5 or `vocals: "instrumental"`, excluded artists), and the entities, activity, count and
 * popularity the request names. Reply-side figures (relaxations stated, silent drops) come from the answers.
 */
import type { EntityIndex } from '../../catalog/entity-linker.ts';
import { STYLE_GENRE, styleOf } from '../../recsys/constraints/constraint-vocabulary.ts';
import { artistKey } from '../../catalog/artist-keys.ts';
import { normalizeTitle } from '../../catalog/normalize.ts';
import { EMPTY_STATE, type ConversationState } from '../../agent/conversation-state.ts';
import { planTurn, type Plan, type PlannedCall } from '../../agent/rule-planner.ts';
import type { PanelAnswer, PanelRange, PanelRequest } from './panel.ts';
import type { ComplianceReport } from './compliance.ts';
import type { ServedFigure } from './served-part.ts';

/** What a request's call should be. */
export interface PanelExpectation {
  readonly tool: string;
  /** The seed or classified track (by title, and artist when named). */
  readonly track?: { readonly title: string; readonly artist?: string };
  /** Artists the call must carry as seeds. */
  readonly artists?: readonly string[];
  readonly query?: string;
  readonly activity?: string;
  readonly count?: number;
  readonly popularity?: 'mainstream' | 'deep_cuts';
}

/** A panel request with its expectation. */
export type ExpectedRequest = PanelRequest & { readonly expect?: PanelExpectation };

/** One request's verdict. */
interface PlanVerdict {
  readonly id: string;
  readonly toolOk: boolean;
  /** Constraints (and named entities) expected but missing from the call. */
  readonly missing: readonly string[];
  readonly call?: PlannedCall;
}

type Args = {
  constraints?: Record<string, unknown>;
  seeds?: { artists?: string[]; tracks?: unknown[] };
  track?: unknown;
  query?: unknown;
  activity?: unknown;
  count?: unknown;
  limit?: unknown;
  popularity?: unknown;
};

const atLeast = (got: unknown, want: PanelRange): boolean => {
  const g = got as PanelRange | undefined;
  if (g === undefined) return false;
  if (want.min !== undefined && (g.min === undefined || g.min < want.min)) return false;
  if (want.max !== undefined && (g.max === undefined || g.max > want.max)) return false;
  return true;
};

/** The constraints and entities of `r` missing from `call` (empty: all present). */
export function missingFromCall(r: ExpectedRequest, call: PlannedCall | undefined, index?: EntityIndex, shown: ConversationState = EMPTY_STATE): string[] {
  const a = (call?.args ?? {}) as Args;
  const c = a.constraints ?? {};
  const out: string[] = [];
  const want = r.constraints;
  const list = (k: string) => (c[k] as string[] | undefined) ?? [];
  const withinGenres = (g: string) => {
    const style = styleOf(g);
    const genre = style === undefined ? undefined : STYLE_GENRE[style];
    return want.genres!.includes(g) || (genre !== undefined && want.genres!.includes(genre));
  };
  if (want.genres !== undefined && !(list('genres').length > 0 && list('genres').every(withinGenres))) out.push(`genres ${want.genres.join('/')}`);
  if (want.moods !== undefined && !(list('moods').length > 0 && list('moods').every((g) => want.moods!.includes(g)))) out.push(`moods ${want.moods.join('/')}`);
  for (const g of want.exclude_genres ?? []) if (!list('exclude_genres').includes(g)) out.push(`no ${g}`);
  for (const m of want.exclude_moods ?? []) if (!list('exclude_moods').includes(m)) out.push(`nothing ${m}`);
  for (const k of ['year', 'energy', 'danceability', 'tempo', 'valence'] as const) {
    const range = want[k];
    if (range !== undefined && !atLeast(c[k], range)) out.push(`${k} ${range.min ?? '…'}–${range.max ?? '…'}`);
  }
  if (want.instrumental === true && !(c.vocals === 'instrumental' || atLeast(c.instrumentalness, { min: 0.5 }))) out.push('instrumental');
  for (const name of want.exclude_artists ?? []) if (!list('exclude_artists').some((x) => artistKey(x) === artistKey(name))) out.push(`not by ${name}`);
  const e = r.expect;
  if (e === undefined) return out;
  for (const name of e.artists ?? []) if (!(a.seeds?.artists ?? []).some((x) => artistKey(x) === artistKey(name))) out.push(`seed artist ${name}`);
  if (e.track !== undefined) {
    const ref = a.track ?? a.seeds?.tracks?.[0];
    const title = typeof ref === 'number' ? (index?.trackById(ref)?.title ?? shown.lastRecommendations.find((x) => x.id === ref)?.title) : typeof ref === 'string' ? ref : undefined;
    if (title === undefined || !normalizeTitle(title).includes(normalizeTitle(e.track.title))) out.push(`track ${e.track.title}`);
  }
  if (e.query !== undefined && (typeof a.query !== 'string' || normalizeTitle(a.query) !== normalizeTitle(e.query))) out.push(`query ${e.query}`);
  if (e.activity !== undefined && a.activity !== e.activity) out.push(`activity ${e.activity}`);
  if (e.count !== undefined && a.count !== e.count && a.limit !== e.count) out.push(`count ${e.count}`);
  if (e.popularity !== undefined && c.popularity !== e.popularity && a.popularity !== e.popularity) out.push(`popularity ${e.popularity}`);
  return out;
}

/** Plans every request with an expectation and judges its first call. */
export function judgePlans(panel: readonly ExpectedRequest[], plan: (text: string) => Plan, index?: EntityIndex): PlanVerdict[] {
  return panel
    .filter((r) => r.expect !== undefined)
    .map((r) => {
      const call = plan(r.text).calls[0];
      return { id: r.id, toolOk: call?.name === r.expect!.tool, missing: missingFromCall(r, call, index), ...(call !== undefined ? { call } : {}) };
    });
}

/** Tool accuracy and constraint presence as figures. */
export function planFigures(verdicts: readonly PlanVerdict[]): ServedFigure[] {
  const n = verdicts.length;
  const share = (k: number) => (n === 0 ? 0 : k / n);
  return [
    { name: 'tool accuracy', value: share(verdicts.filter((v) => v.toolOk).length), n, note: 'requests with an expected tool' },
    { name: 'constraint presence in the call', value: share(verdicts.filter((v) => v.missing.length === 0).length), n, note: 'every stated constraint and named entity in the call' },
  ];
}

/** The planner as the agent runs it on a fresh conversation: with the linker's mentions when there is an index. */
export function plannerOf(index: EntityIndex | undefined): (text: string) => Plan {
  return (text) => planTurn(text, EMPTY_STATE, index?.mentions(text) ?? []);
}

/** Words by which a reply says a constraint was relaxed or left out. */
const RELAXED = /\b(relax\w*|left (it|them|that) out|left out|dropped|without the|could not (keep|meet|honour)|don't know the (genre|mood)|too few|loosen\w*)\b/i;

/**
 * Relaxations stated in the replies, and silent drops: answers that show a track breaking one of the request's hard
 * constraints while the reply states no relaxation.
 */
export function relaxationFigures(answers: readonly PanelAnswer[], report: ComplianceReport): ServedFigure[] {
  const broken = new Set(report.failures.map((f) => f.id));
  const stated = answers.filter((a) => RELAXED.test(a.text));
  const silent = answers.filter((a) => broken.has(a.id) && !RELAXED.test(a.text));
  return [
    { name: 'relaxations stated in the reply', value: stated.length, n: answers.length, note: 'answers' },
    { name: 'silent drops', value: silent.length, n: answers.length, note: 'a shown track breaks a stated constraint and the reply says nothing (target 0)' },
  ];
}
