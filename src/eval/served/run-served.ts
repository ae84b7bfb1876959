/**
 * `earworm eval --served`: the served-quality benchmark on the configured state (what `npm start` / `earworm train`
 * built). Each part (one file each here) returns named figures with their number of cases; this prints them.
 */
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { silentLogger } from '../../logging/logger.ts';
import { buildArtistModel } from '../../pipeline/train-artist-model.ts';
import { artistModelFor } from '../../serving/models/artist-model.ts';
import { createToolServices, type ToolServices } from '../../tools/tool-context.ts';
import { Agent } from '../../agent/agent.ts';
import { InMemoryConversationStore } from '../../agent/conversation-state.ts';
import { Conversation } from '../../desk/conversation.ts';
import { resolvePerson } from '../../serving/state/people.ts';
import { artistSimilarity } from './artist-similarity.ts';
import { compliance, type Figure } from './compliance.ts';
import { labelCoverage } from './label-coverage.ts';
import { labelAccuracy } from './label-accuracy.ts';
import { loadPanel, PANEL_FILE, runPanel } from './panel.ts';
import { cpcdReplay } from './cpcd.ts';
import { fallbackRate } from './fallback-rate.ts';
import { musicNer } from './music-ner.ts';
import { judgePlans, planFigures, plannerOf, relaxationFigures } from './panel-plans.ts';
import { EntityIndex } from '../../catalog/entity-linker.ts';
import { formatFigure, type ServedEnv, type ServedFigure, type ServedPart } from './served-part.ts';

/** A labels-part figure (name, value, cases) as a served figure. */
const served = (f: Figure): ServedFigure => ({ name: f.name, value: f.value, n: f.cases });

/**
 * Constraint compliance of the chat agent (rule planner) on the request panel in test/fixtures (requests that ask
 * for music; the routes to other tools are judged by the plan part), with the relaxations its replies state and
 * its silent drops.
 */
async function panelCompliance(env: ServedEnv): Promise<ServedFigure[]> {
  const panel = (await loadPanel(PANEL_FILE)).filter((r) => r.category !== 'route');
  const services = await env.services();
  const agent = new Conversation({ agent: new Agent({ services }), store: new InMemoryConversationStore() });
  const answers = await runPanel(agent, panel, (r) => resolvePerson(env.db, 'eval', `served-panel-${r.id}`));
  await services.requests.flush();
  const report = await compliance(env.db, panel, answers);
  return [...report.figures.map(served), ...relaxationFigures(answers, report)];
}

/** Tool accuracy and constraint presence of the rule planner's calls on the request panel. */
async function panelPlans(env: ServedEnv): Promise<ServedFigure[]> {
  const index = await EntityIndex.build(env.db);
  const verdicts = judgePlans(await loadPanel(PANEL_FILE), plannerOf(index), index);
  for (const v of verdicts.filter((x) => !x.toolOk || x.missing.length > 0)) env.logger.info({ id: v.id, call: v.call, missing: v.missing }, 'panel request planned short');
  return planFigures(verdicts);
}

/** The parts, in the order they run; other parts plug in here. */
export const SERVED_PARTS: readonly ServedPart[] = [
  { name: 'artist-similarity', run: (env) => artistSimilarity(env) },
  { name: 'fallback', run: (env) => fallbackRate(env) },
  { name: 'cpcd', run: (env) => cpcdReplay(env) },
  { name: 'label-coverage', run: async (env) => (await labelCoverage(env.db)).map(served) },
  { name: 'label-accuracy', run: (env) => labelAccuracy(env) },
  { name: 'compliance', run: (env) => panelCompliance(env) },
  { name: 'panel-plans', run: (env) => panelPlans(env) },
  { name: 'music-ner', run: (env) => musicNer(env) },
];

/** Runs the named parts (all when empty) and prints each figure; returns them by part. */
export async function runServed(config: Config, only: readonly string[] = [], print: (line: string) => void = (l) => console.log(l)): Promise<Map<string, ServedFigure[]>> {
  const unknown = only.filter((p) => !SERVED_PARTS.some((s) => s.name === p));
  if (unknown.length > 0) throw new RangeError(`unknown served part(s) ${unknown.join(', ')} (choose from ${SERVED_PARTS.map((p) => p.name).join(', ')})`);
  const db = await openConfiguredDb(config);
  const out = new Map<string, ServedFigure[]>();
  try {
    let plain: Promise<ToolServices> | undefined;
    const env: ServedEnv = {
      db,
      home: config.home,
      dataDir: config.dataDir,
      logger: silentLogger,
      services: (o) =>
        o?.artists === undefined
          ? (plain ??= createToolServices({ db, home: config.home, logger: silentLogger }))
          : createToolServices({ db, home: config.home, logger: silentLogger, artists: o.artists }),
      heldOutArtists: async (excludeListeners) => artistModelFor(db, await buildArtistModel(db, { excludeListeners }), 'held-out'),
    };
    for (const part of SERVED_PARTS) {
      if (only.length > 0 && !only.includes(part.name)) continue;
      const started = performance.now();
      const figures = await part.run(env);
      out.set(part.name, figures);
      for (const f of figures) print(formatFigure(part.name, f));
      print(`${part.name.padEnd(18)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  } finally {
    await db.close();
  }
  return out;
}
