/**
 * The agent part of `npm run bench`: rule-planner turn latency, p50/p99. "plan" is the pure planner on a fixed set
 * of utterances; "turn" is a whole rule-planner turn (planner, tool calls, Postgres memory) on the configured
 * state, when a chat model is active there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Agent } from '../agent/agent.ts';
import { EMPTY_STATE } from '../agent/conversation-state.ts';
import { PgConversationStore } from '../desk/pg-conversation-store.ts';
import { Conversation } from '../desk/conversation.ts';
import { planTurn } from '../agent/rule-planner.ts';
import type { Config } from '../config/config.ts';
import { openConfiguredDb } from '../db/db.ts';
import { activeModelVersion, TRACK_MODEL_KIND } from '../db/model-versions.ts';
import { resolvePerson } from '../serving/state/people.ts';
import { silentLogger } from '../logging/logger.ts';
import { createToolServices } from '../tools/tool-context.ts';

/** What a benchmark conversation says, in order (refinements depend on the turns before). */
export const BENCH_UTTERANCES = [
  'something like Daft Punk but calmer',
  'more upbeat',
  'more like the second one',
  'focus music without vocals',
  'older',
  '5 sad rock songs from the 90s',
  'party songs, no rap',
  'compare two songs',
  'a',
  'like 1',
];

/** Bench options; every field has a default. */
export interface AgentBenchOptions {
  /** Timed rounds of BENCH_UTTERANCES (default 30 turns' worth for whole turns, 2,000 plans). */
  readonly rounds?: number;
  readonly print?: (line: string) => void;
}

/** Runs the agent benchmark and prints its figures. */
export async function runAgentBench(config: Config, opts: AgentBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const plans: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const u = BENCH_UTTERANCES[i % BENCH_UTTERANCES.length]!;
    const t0 = performance.now();
    planTurn(u, EMPTY_STATE);
    plans.push(performance.now() - t0);
  }
  print(`rule planner  plan only         ${summary(plans)}`);
  if (config.databaseUrl === undefined && !existsSync(path.join(config.home, 'pgdata'))) {
    print(`rule planner  whole turn        skipped: no state in ${config.home} (run \`npm start\` once)`);
    return;
  }
  const db = await openConfiguredDb(config);
  try {
    const active = await activeModelVersion(db, TRACK_MODEL_KIND);
    if (active === undefined) {
      print('rule planner  whole turn        skipped: no active chat model');
      return;
    }
    const services = await createToolServices({ db, home: config.home, logger: silentLogger });
    const agent = new Conversation({ agent: new Agent({ services }), store: new PgConversationStore(db) });
    const rounds = opts.rounds ?? 3;
    const turns: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const key = { personId: await resolvePerson(db, 'bench', `agent-${Date.now()}-${r}`), platform: 'bench', channelId: 'bench' };
      for (const text of BENCH_UTTERANCES) {
        const t0 = performance.now();
        await agent.handle({ ...key, text });
        if (r > 0) turns.push(performance.now() - t0); // round 0 warms up
      }
    }
    print(`rule planner  whole turn        ${summary(turns)} (model ${active.version}, ${db.driver})`);
  } finally {
    await db.close();
  }
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `n=${s.length}  p50 ${q(0.5).toFixed(3)} ms  p99 ${q(0.99).toFixed(3)} ms  max ${s[s.length - 1]!.toFixed(3)} ms`;
}
