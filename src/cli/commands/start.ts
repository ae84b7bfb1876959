/**
 * `earworm start` (`npm start`): runs Earworm with whatever is configured. On first run with the embedded defaults
 * it imports the datasets and trains the recommender; then it serves MCP over HTTP when MCP_TOKEN is set, and the
 * conversation in the terminal (the same agent as `npm run chat`). Lines can also be piped in.
 */
import { sql } from 'drizzle-orm';
import { ImportError } from '../../catalog/import-error.ts';
import { IMPORTERS, runImporter } from '../../catalog/import-runner.ts';
import { logProgress, terminalProgress } from '../../catalog/progress.ts';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb, type Db } from '../../db/db.ts';
import { activeModelVersion } from '../../db/model-versions.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';
import { mcpHttpRoute } from '../../mcp/mcp-front-end.ts';
import { TRACK_MODEL_KIND, trainCfModel } from '../../pipeline/train-cf-model.ts';
import { createHttpServer, listen, type RunningServer } from '../../server/http-server.ts';
import { loadTrackModel } from '../../serving/track-model.ts';
import { createToolServices } from '../../tools/tool-context.ts';
import { chatLoop } from './chat.ts';

/** Prepares the state folder on first run, then serves until `quit` (or a signal, when serving HTTP). */
export async function run(_args: string[], config: Config): Promise<number> {
  const logger = createLogger({ logLevel: config.logLevel, name: 'start' });
  const db = await openConfiguredDb(config);
  try {
    if (!(await prepare(db, config, logger))) return 1;
    const model = await loadTrackModel(db, config.home);
    const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tracks`);
    console.log(
      model.source === 'model'
        ? `Earworm is ready: ${n.toLocaleString('en-US')} tracks in the catalogue, recommender version ${model.version}.`
        : `Earworm is ready on the popularity floor: ${model.problem?.message ?? 'no model version is active'}. Run \`earworm train\` to fix it.`,
    );
    console.log(`Storage: ${db.driver === 'pglite' ? `embedded PGlite in ${config.home}` : 'Postgres (DATABASE_URL)'}.`);
    let http: { running: RunningServer; closeMcp: () => Promise<void> } | undefined;
    if (config.mcpToken !== undefined) {
      const services = await createToolServices({ db, home: config.home, logger });
      const mcp = mcpHttpRoute({ db, services, logger, token: config.mcpToken });
      const running = await listen(createHttpServer([mcp.route], logger), config.port, config.host);
      http = { running, closeMcp: () => mcp.closeAll() };
      console.log(`MCP over Streamable HTTP: ${running.url}/mcp (bearer token MCP_TOKEN); health: ${running.url}/healthz.`);
    } else {
      console.log('MCP over HTTP is off (set MCP_TOKEN to serve it); `earworm mcp` serves MCP over stdio.');
    }
    const ended = await chatLoop(db, config, logger);
    if (http !== undefined) {
      if (ended === 'end-of-input') {
        // No terminal input (as in a container): keep serving HTTP until stopped.
        console.log('No terminal input: serving HTTP until SIGINT or SIGTERM.');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      }
      await http.closeMcp();
      await http.running.close();
    }
    return 0;
  } finally {
    await db.close();
  }
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
  return true;
}
