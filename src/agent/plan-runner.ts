/**
 * Runs a rule-planner plan through the tool registry and reports what it did: the outcome of the plan's call, the
 * constraints left after dropping labels the classifiers do not know, and notes on what was dropped. Writing the
 * reply and the next conversation state is the desk's job (src/desk).
 */
import { callTool, type ToolCallOutcome } from '../tools/registry.ts';
import type { ToolContext } from '../tools/tool-context.ts';
import type { ActiveConstraints } from './conversation-state.ts';
import { DEFAULT_COUNT, queryCall, type Plan } from './rule-planner.ts';

/** A rule-planned turn as executed. */
export interface RulesActed {
  readonly kind: 'rules';
  readonly plan: Plan;
  /** The outcome of the plan's call; absent when the plan calls nothing (greeting, help, a question back). */
  readonly outcome?: ToolCallOutcome;
  /** The plan's constraints less any genre or mood that had to be dropped. */
  readonly constraints: ActiveConstraints;
  /** One sentence per dropped label. */
  readonly notes: readonly string[];
  /** The LLM failed this turn and the rule planner answered instead. */
  readonly llmFailed?: boolean;
}

/** Plans that only talk: no tool is called even if the planner attached one. */
const TALK_ONLY: ReadonlySet<Plan['intent']> = new Set(['greeting', 'help', 'unclear']);

/** Runs the plan's call; a genre or mood the classifiers do not know is dropped (and noted) and the call retried. */
export async function runRulePlan(plan: Plan, ctx: ToolContext): Promise<RulesActed> {
  const call = plan.calls[0];
  if (call === undefined || TALK_ONLY.has(plan.intent)) return { kind: 'rules', plan, constraints: plan.constraints, notes: [] };
  let outcome = await callTool(call.name, call.args, ctx);
  let constraints = plan.constraints;
  const notes: string[] = [];
  // A genre or mood the classifiers do not know: drop it and say so, rather than failing the turn.
  for (let i = 0; i < 4 && outcome.kind === 'retry' && /^unknown_(genre|mood)$/.test(outcome.code) && plan.query !== undefined; i++) {
    const m = /Unknown (genre|mood) "([^"]+)"/.exec(outcome.message);
    if (m === null) break;
    const [, task, label] = m as unknown as [string, 'genre' | 'mood', string];
    notes.push(`I don't know the ${task} "${label}" here, so I left it out.`);
    constraints = dropLabel(constraints, task, label);
    const query = plan.query.kind === 'recommend' && plan.query.seeds !== undefined
      ? { ...plan.query, seeds: { ...plan.query.seeds, ...(task === 'genre' ? { genres: plan.query.seeds.genres?.filter((g) => g !== label) ?? [] } : { moods: plan.query.seeds.moods?.filter((g) => g !== label) ?? [] }) } }
      : plan.query;
    const retryCall = queryCall(dropEmptySeeds(query), constraints, plan.count ?? DEFAULT_COUNT);
    outcome = await callTool(retryCall.name, retryCall.args, ctx);
  }
  return { kind: 'rules', plan, outcome, constraints, notes };
}

function dropEmptySeeds<Q extends Plan['query']>(q: Q): NonNullable<Q> {
  if (q === undefined || q.kind !== 'recommend' || q.seeds === undefined) return q!;
  const seeds = Object.fromEntries(Object.entries(q.seeds).filter(([, v]) => v !== undefined && (!Array.isArray(v) || v.length > 0)));
  const { seeds: _s, ...rest } = q;
  return (Object.keys(seeds).length === 0 ? rest : { ...rest, seeds }) as NonNullable<Q>;
}

function dropLabel(c: ActiveConstraints, task: 'genre' | 'mood', label: string): ActiveConstraints {
  const key = task === 'genre' ? 'genres' : 'moods';
  const left = (c[key] ?? []).filter((x) => x !== label);
  const { [key]: _drop, ...rest } = c;
  return left.length > 0 ? { ...rest, [key]: left } : rest;
}
