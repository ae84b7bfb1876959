/**
 * `earworm start` (`npm start`): runs Earworm with whatever is configured. On first run with the embedded defaults
 * it imports the datasets and trains the recommender; then it builds the runtime (src/server/runtime.ts), serves
 * HTTP (/healthz, /readyz, /metrics, MCP at /mcp when MCP_TOKEN is set, and the front ends' routes), starts the
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
import { activeModelVersion } from '../../db/model-versions.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';
import { ARTIST_MODEL_KIND, trainArtistModel } from '../../pipeline/train-artist-model.ts';
import { TRACK_MODEL_KIND, trainCfModel } from '../../pipeline/train-cf-model.ts';
import { configuredFrontEnds, serveFrontEnds, type FrontEndSlot } from '../../server/front-ends.ts';
import type { RunningServer } from '../../server/http-server.ts';
import { createRuntime, type Runtime } from '../../server/runtime.ts';
import { converse } from './chat.ts';

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
  try {
    const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tracks`);
    console.log(
      rt.model.source === 'model'
        ? `Earworm is ready: ${n.toLocaleString('en-US')} tracks in the catalogue, recommender version ${rt.model.version}.`
        : `Earworm is ready on the popularity floor: ${rt.model.problem?.message ?? 'no model version is active'}. Run \`earworm train\` to fix it.`,
    );
    const slots = await configuredFrontEnds(rt);
    let running: RunningServer;
    try {
      running = await serveFrontEnds(rt, slots);
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') {
        console.error(`Port ${config.port} on ${config.host} is in use (another Earworm?): stop that process or set PORT to a free port.`);
        return 1;
      }
      throw err;
    }
    printBanner(rt, running, slots);
    const ended = await converse(db, config, rt.agent, logger, rt.lifecycle.signal);
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
  }
}

/** Prints what runs and how to talk to it. */
function printBanner(rt: Runtime, running: RunningServer, slots: readonly FrontEndSlot[]): void {
  const { config } = rt;
  const rows: [string, string][] = [
    ['HTTP', `${running.url}  (health /healthz, readiness /readyz, metrics /metrics${config.dashboardToken !== undefined ? ' with bearer DASHBOARD_TOKEN' : ''})`],
    ['MCP', rt.mcp !== undefined ? `over Streamable HTTP: ${running.url}/mcp (bearer token MCP_TOKEN); \`earworm mcp\` serves stdio` : 'off over HTTP: set MCP_TOKEN to serve /mcp; `earworm mcp` serves stdio'],
    ['planner', config.llm !== undefined ? `LLM ${config.llm.model} at ${config.llm.baseUrl}, rule planner when it is down` : 'rule planner: set LLM_BASE_URL for the LLM (vLLM gpt-oss)'],
    ['storage', rt.db.driver === 'pglite' ? `embedded PGlite in ${config.home}: set DATABASE_URL for Postgres` : 'Postgres (DATABASE_URL)'],
    ...slots.map((s): [string, string] => [s.name, s.on ? s.frontEnd.summary : `off: ${s.why}`]),
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
  if ((await activeModelVersion(db, TRACK_MODEL_KIND)) === undefined) {
    const [{ m } = { m: 0 }] = await db.rows<{ m: number }>(sql`select count(*)::int as m from interactions where track_id is not null`);
    if (m === 0) {
      console.error(
        `There is nothing to recommend from: no track interactions were imported. Put the datasets in ${config.dataDir} ` +
          '(or set EARWORM_DATA_DIR), then run `earworm import --source all`.',
      );
      return false;
    }
    console.log('Training the recommender (once; `earworm train` retrains)…');
    const s = await trainCfModel(db, config.home, logger);
    console.log(`  version ${s.version}: ${s.items.toLocaleString('en-US')} tracks, ${s.seconds.toFixed(1)} s`);
  }
  if ((await activeModelVersion(db, ARTIST_MODEL_KIND)) === undefined) {
    console.log('Training the artist model (once; `earworm train` retrains)…');
    const a = await trainArtistModel(db, config.home, logger);
    console.log(`  version ${a.version}: ${a.artists.toLocaleString('en-US')} artists, ${a.seconds.toFixed(1)} s`);
  }
  return true;
}
