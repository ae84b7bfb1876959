/**
 * `earworm start` (`npm start`): runs Earworm with whatever is configured. On first run with the embedded defaults
 * it imports the datasets and trains every model serving uses (recommender, classifiers, content index, labels); then
 * it builds the runtime (src/server/runtime.ts), serves HTTP (/healthz, /readyz, /metrics, MCP at /mcp (client tokens,
 * MCP_TOKEN), and the front ends' routes), starts the
 * configured front ends, prints what runs and how to reach it, and chats in the terminal (the same agent as
 * `npm run chat`; lines can be piped in). "quit" stops everything; with no terminal input (a container) it serves
 * until SIGINT or SIGTERM, then shuts down gracefully.
 */
import { sql } from 'drizzle-orm';
import { ImportError } from '../../catalog/import-error.ts';
import { IMPORTERS, runImporter } from '../../catalog/import-runner.ts';
import { logProgress, terminalProgress } from '../../catalog/progress.ts';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb, type Db } from '../../db/db.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';
import { missingSteps, trainAll, type TrainingStep } from '../../pipeline/train-all.ts';
import { configuredFrontEnds, serveFrontEnds, type FrontEndSlot, type ServedFrontEnds } from '../../server/front-ends.ts';
import { createRuntime, type Runtime } from '../../server/runtime.ts';
import { installSafetyNet } from '../../server/safety-net.ts';
import { converse } from './chat.ts';
import { printStep } from './train.ts';

/** What each training step builds, in words. */
const STEP_NAMES: { readonly [S in TrainingStep]: string } = {
  cf: 'the recommender',
  artist: 'the artist graph',
  content: 'the genre/mood classifiers and the content index',
  labels: 'the genre/mood labels',
};

/** Prepares the state folder on first run, then serves until `quit` or a signal. */
export async function run(_args: string[], config: Config): Promise<number> {
  const logger = createLogger({ logLevel: config.logLevel, name: 'start' });
  const db = await openConfiguredDb(config);
  let rt: Runtime;
  try {
    if (!(await prepare(db, config, logger))) {
      await db.close();
      return 1;
    }
    rt = await createRuntime({ config, db, logger });
  } catch (err) {
    await db.close();
    throw err;
  }
  const untrap = rt.lifecycle.trapSignals();
  // Errors nothing handles: fatal until the process serves, then logged, counted and survived.
  const net = installSafetyNet({ logger: rt.logger, count: (origin) => rt.metrics.unhandledError(origin) });
  try {
    const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tracks`);
    console.log(
      rt.model.source === 'model'
        ? `Earworm is ready: ${n.toLocaleString('en-US')} tracks in the catalogue, recommender version ${rt.model.version}.`
        : `Earworm is ready on the popularity floor: ${rt.model.problem?.message ?? 'no model version is active'}. Run \`earworm train\` to fix it.`,
    );
    const slots = await configuredFrontEnds(rt);
    let running: ServedFrontEnds | 'stopped';
    try {
      // A signal while front ends start (a slow Slack, say) stops the start-up too.
      running = await Promise.race([serveFrontEnds(rt, slots), rt.lifecycle.stopRequested().then(() => 'stopped' as const)]);
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') {
        console.error(`Port ${config.port} on ${config.host} is in use (another Earworm?): stop that process or set PORT to a free port.`);
        return 1;
      }
      throw err;
    }
    if (running === 'stopped') {
      await rt.shutdown('stopped during start-up');
      return 0;
    }
    net.serving();
    printBanner(rt, running, slots);
    const ended = await converse(db, config, rt.desk.conversation, logger, rt.lifecycle.signal);
    if (ended === 'end-of-input' && !rt.lifecycle.stopping) {
      // No terminal input (as in a container): keep serving until stopped.
      console.log('No terminal input: serving until SIGINT or SIGTERM.');
      await rt.lifecycle.stopRequested();
    }
    await rt.shutdown('quit');
    return 0;
  } finally {
    untrap();
    await rt.shutdown('exit');
    net.remove();
  }
}

/** Prints what runs and how to talk to it. */
function printBanner(rt: Runtime, running: ServedFrontEnds, slots: readonly FrontEndSlot[]): void {
  const { config } = rt;
  const rows: [string, string][] = [
    ['HTTP', `${running.url}  (health /healthz, readiness /readyz, metrics /metrics${config.dashboardToken !== undefined ? ' with bearer DASHBOARD_TOKEN' : ''})`],
    ['MCP', `over Streamable HTTP: ${running.url}/mcp (${config.mcpToken !== undefined ? 'bearer token MCP_TOKEN, or ' : ''}a client token from \`earworm mcp-token create --name NAME\`); \`earworm mcp\` serves stdio`],
    ['planner', config.llm !== undefined ? `LLM ${config.llm.model} at ${config.llm.baseUrl}, rule planner when it is down` : 'rule planner: set LLM_BASE_URL for the LLM (vLLM gpt-oss)'],
    ['storage', rt.db.driver === 'pglite' ? `embedded PGlite in ${config.home}: set DATABASE_URL for Postgres` : 'Postgres (DATABASE_URL)'],
    ...slots.map((s): [string, string] => {
      const failed = running.failed.get(s.name);
      if (failed !== undefined) return [s.name, `FAILED to start: ${failed} (/readyz reports it; the rest serves)`];
      return [s.name, s.on ? s.frontEnd.summary : `off: ${s.why}`];
    }),
    ['terminal chat', 'below: "help" for ideas, "quit" stops Earworm'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(['Running:', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n'));
}

/** Imports the datasets when the catalogue is empty and trains when no version is active; false if it cannot. */
async function prepare(db: Db, config: Config, logger: Logger): Promise<boolean> {
  const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from interactions`);
  if (n === 0) {
    console.log(`First run: importing the datasets from ${config.dataDir} into ${config.home} (once).`);
    const progress = process.stderr.isTTY ? terminalProgress(process.stderr) : logProgress(logger);
    for (const importer of IMPORTERS) {
      try {
        const r = await runImporter(importer, {
          db,
          dataDir: config.dataDir,
          home: config.home,
          logger,
          progress,
          batchSize: 5000,
          downloads: config.downloads,
        });
        console.log(`  ${importer.name}: ${r.records.toLocaleString('en-US')} records`);
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        console.log(`  ${importer.name}: skipped — ${err.message}`);
      }
    }
  }
  const steps = await missingSteps(db);
  if (steps.length > 0) {
    const [{ m } = { m: 0 }] = await db.rows<{ m: number }>(sql`select count(*)::int as m from interactions where track_id is not null`);
    if (m === 0) {
      console.error(
        `There is nothing to recommend from: no track interactions were imported. Put the datasets in ${config.dataDir} ` +
          '(or set EARWORM_DATA_DIR), then run `earworm import --source all`.',
      );
      return false;
    }
    console.log(`Training ${steps.map((s) => STEP_NAMES[s]).join(', ')} (once; \`earworm train\` retrains)…`);
    await trainAll(db, { home: config.home, dataDir: config.dataDir, onnxProvider: config.onnxProvider }, logger, {
      steps,
      content: { publishDir: null },
      onStep: printStep,
    });
  }
  return true;
}
