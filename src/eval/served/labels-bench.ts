/**
 * `earworm eval --served-labels [--answers-in F] [--answers-out F] [--judge-home DIR] [--panel F] [--failures N]`:
 * label coverage of the servable tracks, and constraint compliance of the chat agent (rule planner) on the request
 * panel, each figure printed with its number of cases. --answers-in judges answers recorded earlier (e.g. by another
 * release) instead of asking the agent; --judge-home judges compliance against another state's catalogue and labels
 * (coverage is always of the configured state).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../../agent/agent.ts';
import { InMemoryConversationStore } from '../../agent/conversation-state.ts';
import { Conversation } from '../../desk/conversation.ts';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { resolvePerson } from '../../serving/state/people.ts';
import { silentLogger } from '../../logging/logger.ts';
import { createToolServices } from '../../tools/tool-context.ts';
import { compliance, type Figure } from './compliance.ts';
import { labelCoverage } from './label-coverage.ts';
import { loadPanel, PANEL_FILE, runPanel, type PanelAnswer } from './panel.ts';

/** Prints figures as `name value (cases)`. */
function printFigures(figures: readonly Figure[]): void {
  for (const f of figures) console.log(`${f.name.padEnd(52)} ${f.value.toFixed(4)}  (${f.cases} cases)`);
}

/** Runs the label-coverage and compliance parts of the served benchmark; returns the exit code. */
export async function runLabelsBench(args: string[], config: Config): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'answers-in': { type: 'string' }, 'answers-out': { type: 'string' }, 'judge-home': { type: 'string' }, panel: { type: 'string' }, failures: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  // Routes to other tools (search, profile, ...) ask for no music: compliance is judged on the music requests.
  const panel = (await loadPanel(values.panel ?? PANEL_FILE)).filter((r) => r.category !== 'route');
  const db = await openConfiguredDb(config);
  let answers: PanelAnswer[];
  try {
    if (values['answers-in'] !== undefined) answers = JSON.parse(await readFile(values['answers-in'], 'utf8')) as PanelAnswer[];
    else {
      const services = await createToolServices({ db, home: config.home, logger: silentLogger });
      const agent = new Conversation({ agent: new Agent({ services }), store: new InMemoryConversationStore() });
      answers = await runPanel(agent, panel, (r) => resolvePerson(db, 'eval', `served-panel-${r.id}`));
      await services.requests.flush();
    }
    if (values['answers-out'] !== undefined) await writeFile(values['answers-out'], JSON.stringify(answers, null, 1) + '\n');
    // Coverage of the state being measured (its label table, or its classifiers' predictions when it has none).
    console.log(`label coverage (servable tracks = tracks the chat model can return):`);
    printFigures(await labelCoverage(db));
  } finally {
    if (values['judge-home'] !== undefined) await db.close();
  }
  const judge = values['judge-home'] === undefined ? db : await openConfiguredDb({ databaseUrl: undefined, home: path.resolve(values['judge-home']) }, false);
  try {
    const report = await compliance(judge, panel, answers);
    console.log(`constraint compliance on ${panel.length} requests (${values.panel ?? PANEL_FILE}):`);
    printFigures(report.figures);
    const show = Number(values.failures ?? 15);
    for (const f of report.failures.slice(0, show)) console.log(`  ${f.id} "${f.text}": track ${f.track} breaks ${f.broken.join(', ')}`);
    return 0;
  } finally {
    await judge.close();
  }
}
