/**
 * Runs a rule-planner plan through the tool registry and reports what it did: the outcome of the plan's call, the
 * plan's constraints, and notes on any constraint the recommender relaxed. Writing the
 * reply and the next conversation state is the desk's job (src/desk).
 */
import { callTool, type ToolCallOutcome } from '../tools/registry.ts';
import { relaxationNotes } from '../tools/schemas.ts';
import type { ToolContext } from '../tools/tool-context.ts';
import type { ActiveConstraints } from './conversation-state.ts';
import type { Plan } from './rule-planner.ts';

/** A rule-planned turn as executed. */
export interface RulesActed {
  readonly kind: 'rules';
  readonly plan: Plan;
  /** The outcome of the plan's call; absent when the plan calls nothing (greeting, help, a question back). */
  readonly outcome?: ToolCallOutcome;
  /** The plan's constraints. */
  readonly constraints: ActiveConstraints;
  /** One sentence per relaxed constraint. */
  readonly notes: readonly string[];
  /** The LLM failed this turn and the rule planner answered instead. */
  readonly llmFailed?: boolean;
}

/** Plans that only talk: no tool is called even if the planner attached one. */
const TALK_ONLY: ReadonlySet<Plan['intent']> = new Set(['greeting', 'done', 'help', 'unclear']);

/** Tool codes that mean a named seed is not in the catalogue. */
const UNKNOWN_SEED: ReadonlySet<string> = new Set(['unknown_track', 'unknown_artist', 'no_seeds_found']);

/** Runs the plan's call; constraints the recommender relaxed (too few tracks met them all) come back as notes. */
export async function runRulePlan(plan: Plan, ctx: ToolContext): Promise<RulesActed> {
  const call = plan.calls[0];
  if (call === undefined || TALK_ONLY.has(plan.intent)) return { kind: 'rules', plan, constraints: plan.constraints, notes: [] };
  const outcome = await callTool(call.name, call.args, ctx);
  // A seed the catalogue does not hold (a misspelt or missing artist): the plan's fallback answers, and says so.
  if (outcome.kind === 'retry' && UNKNOWN_SEED.has(outcome.code) && plan.fallback !== undefined) {
    const acted = await runRulePlan(plan.fallback.plan, ctx);
    return { ...acted, notes: [plan.fallback.note, ...acted.notes] };
  }
  // Relaxations are said, never dropped silently; an unknown label is a retryable tool error, never dropped.
  const notes: string[] = [
    ...(plan.notes ?? []),
    ...(outcome.kind === 'ok' && (outcome.tool === 'recommend' || outcome.tool === 'similar_tracks') ? relaxationNotes(outcome.value.relaxed) : []),
  ];
  return { kind: 'rules', plan, outcome, constraints: plan.constraints, notes };
}
