/**
 * `earworm start` (`npm start`): runs Earworm with whatever is configured. On first run with the embedded defaults
 * it imports the datasets and trains the recommender, loads the active model version, then answers in the terminal:
 * name a few songs or artists, get recommendations. Lines can also be piped in (one request per line).
 */
import { createInterface } from 'node:readline/promises';
import { ImportError } from '../../catalog/import-error.ts';
import { IMPORTERS, runImporter } from '../../catalog/import-runner.ts';
import { logProgress, terminalProgress } from '../../catalog/progress.ts';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb, type Db } from '../../db/db.ts';
import { activeModelVersion } from '../../db/model-versions.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';
import { TRACK_MODEL_KIND, trainCfModel } from '../../pipeline/train-cf-model.ts';
import { describeTracks, formatTrack, searchTracks, type TrackSummary } from '../../serving/catalog-search.ts';
import { loadTrackModel, type TrackModel } from '../../serving/track-model.ts';
import { mcpHttpRoute } from '../../mcp/mcp-front-end.ts';
import { createHttpServer, listen, type RunningServer } from '../../server/http-server.ts';
import { createToolServices } from '../../tools/tool-context.ts';
import { sql } from 'drizzle-orm';

const RESULTS = 10;

/** Prepares the state folder on first run, then serves the terminal until `quit` or end of input. */
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
      const running = await listen(createHttpServer([mcp.route], logger), config.port);
      http = { running, closeMcp: () => mcp.closeAll() };
      console.log(`MCP over Streamable HTTP: ${running.url}/mcp (bearer token MCP_TOKEN); health: ${running.url}/healthz.`);
    } else {
      console.log('MCP over HTTP is off (set MCP_TOKEN to serve it); `earworm mcp` serves MCP over stdio.');
    }
    console.log('Name a few songs or artists you like, separated by commas (e.g. "toxic britney, daft punk"); "quit" leaves.');
    const quit = await serveTerminal(db, model);
    if (http !== undefined) {
      if (!quit) {
        // Input ended without "quit" (no terminal attached, as in a container): keep serving until stopped.
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

/** Answers lines until "quit" (returns true) or the end of input (returns false). */
async function serveTerminal(db: Db, model: TrackModel): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt('> ');
  if (process.stdin.isTTY) rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === 'quit' || text === 'exit') {
      rl.close();
      return true;
    }
    if (text !== '') console.log(await answer(db, model, text));
    if (process.stdin.isTTY) rl.prompt();
  }
  rl.close();
  return false;
}

/** One request: resolve the named songs and artists to catalogue tracks, then recommend from them. */
export async function answer(db: Db, model: TrackModel, text: string): Promise<string> {
  const lines: string[] = [];
  const seeds: TrackSummary[] = [];
  for (const part of text.split(/[,;]/).map((p) => p.trim()).filter((p) => p !== '')) {
    const found = (await searchTracks(db, part, 10)).filter((t) => model.knows(t.id));
    if (found.length === 0) {
      lines.push(`I could not find "${part}" in the catalogue; try a song title with its artist.`);
      continue;
    }
    // An artist's name matches several of their songs: take up to three of the most played as seeds.
    const artist = found[0]!.artists[0];
    const sameArtist = found.filter((t) => t.artists[0] === artist).slice(0, 3);
    seeds.push(...(sameArtist.length > 1 ? sameArtist : found.slice(0, 1)));
  }
  if (seeds.length === 0) return lines.join('\n');
  lines.push(`From: ${seeds.map(formatTrack).join('; ')}`);
  const recs = model.recommendFromTracks(
    seeds.map((s) => s.id),
    RESULTS,
  );
  const described = await describeTracks(
    db,
    recs.map((r) => r.trackId),
  );
  recs.forEach((r, i) => {
    const t = described.get(r.trackId);
    if (t !== undefined) lines.push(`${String(i + 1).padStart(2)}. ${formatTrack(t)}`);
  });
  return lines.join('\n');
}
