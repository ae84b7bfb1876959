/**
 * The MCP part of `npm run bench`: latency of the `recommend` tool called through the SDK client over Streamable HTTP
 * (bearer auth, JSON-RPC, session, tool validation, ranking, catalogue lookups), p50/p99. It uses the configured
 * state when a chat model is active there; otherwise a synthetic catalogue in a temporary embedded PGlite.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sql } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import { openConfiguredDb, openDb, type Db } from '../db/db.ts';
import { activeModelVersion, TRACK_MODEL_KIND } from '../db/model-versions.ts';
import { artists, audioFeatures, interactions, playlists, trackArtists, tracks } from '../db/schema.ts';
import { silentLogger } from '../logging/logger.ts';
import { mcpHttpRoute } from '../mcp/mcp-front-end.ts';
import { trainCfModel } from '../pipeline/train-cf-model.ts';
import { SeededRandom } from '../recsys/rng.ts';
import { createHttpServer, listen } from '../http/http-server.ts';
import { createToolServices } from '../tools/tool-context.ts';

/** Bench options; every field has a default. */
export interface McpBenchOptions {
  /** Timed sequential calls (default 300, after 30 untimed). */
  readonly requests?: number;
  /** Concurrent clients in the second run (default 8). */
  readonly concurrency?: number;
  readonly print?: (line: string) => void;
}

/** Runs the MCP benchmark and prints its figures. */
export async function runMcpBench(config: Config, opts: McpBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const requests = opts.requests ?? 300;
  const concurrency = opts.concurrency ?? 8;
  const { db, cleanup, label } = await openBenchDb(config);
  try {
    const services = await createToolServices({ db, home: label.home, logger: silentLogger });
    const token = randomBytes(16).toString('hex');
    const mcp = mcpHttpRoute({ db, services, logger: silentLogger, token });
    const running = await listen(createHttpServer([mcp.route], silentLogger), 0);
    const seeds = (await db.rows<{ id: number }>(sql`select track_id as id from interactions where track_id is not null group by track_id order by count(*) desc limit 200`)).map((r) => Number(r.id));
    const rng = new SeededRandom(5);
    const args = () => ({ seeds: { tracks: Array.from({ length: 3 }, () => seeds[Math.floor(rng.next() * seeds.length)]!) }, count: 10 });
    const connect = async () => {
      const c = new Client({ name: 'bench', version: '1' });
      await c.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      return c;
    };
    try {
      print(`mcp bench: recommend over Streamable HTTP (SDK client, 127.0.0.1), ${label.what}; node ${process.version}`);
      const client = await connect();
      const call = async (c: Client): Promise<number> => {
        const t0 = performance.now();
        const r = await c.callTool({ name: 'recommend', arguments: args() });
        if (r.isError === true) throw new Error(`recommend failed: ${JSON.stringify(r.content)}`);
        return performance.now() - t0;
      };
      for (let i = 0; i < 30; i++) await call(client);
      const sequential: number[] = [];
      for (let i = 0; i < requests; i++) sequential.push(await call(client));
      print(`recommend    sequential  ${summary(sequential)}`);
      const clients = await Promise.all(Array.from({ length: concurrency }, connect));
      const parallel: number[] = [];
      const t0 = performance.now();
      await Promise.all(clients.map(async (c) => {
        for (let i = 0; i < Math.ceil(requests / concurrency); i++) parallel.push(await call(c));
      }));
      const seconds = (performance.now() - t0) / 1000;
      print(`recommend    ${concurrency} clients   ${summary(parallel)}, ${(parallel.length / seconds).toFixed(0)} calls/s`);
      await Promise.all([client, ...clients].map((c) => c.close()));
    } finally {
      await mcp.closeAll();
      await running.close();
    }
  } finally {
    await db.close();
    await cleanup();
  }
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `n=${s.length}  p50 ${q(0.5).toFixed(1)} ms  p99 ${q(0.99).toFixed(1)} ms  max ${s[s.length - 1]!.toFixed(1)} ms`;
}

/** The configured database when a chat model is active there, else a synthetic one. */
export async function openBenchDb(config: Config): Promise<{ db: Db; cleanup: () => Promise<void>; label: { home: string; what: string } }> {
  const hasEmbedded = config.databaseUrl !== undefined || existsSync(path.join(config.home, 'pgdata'));
  if (hasEmbedded) {
    const db = await openConfiguredDb(config);
    const active = await activeModelVersion(db, TRACK_MODEL_KIND);
    if (active !== undefined) {
      const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tracks`);
      return { db, cleanup: async () => {}, label: { home: config.home, what: `configured catalogue (${n} tracks, model ${active.version})` } };
    }
    await db.close();
  }
  const home = await mkdtemp(path.join(os.tmpdir(), 'earworm-mcp-bench-'));
  const db = await openDb({ pgliteDir: path.join(home, 'pgdata') });
  const size = await seedSynthetic(db);
  await trainCfModel(db, home, silentLogger, { version: 'bench', ials: { factors: 32, iterations: 8 } });
  return {
    db,
    cleanup: () => rm(home, { recursive: true, force: true }),
    label: { home, what: `synthetic catalogue (${size.tracks} tracks, ${size.playlists} playlists; no active model in ${config.home})` },
  };
}

/** 3,000 tracks by 300 artists in 20 taste clusters; 1,500 playlists of 15–35 tracks. */
async function seedSynthetic(db: Db): Promise<{ tracks: number; playlists: number }> {
  const rng = new SeededRandom(1);
  const artistRows = await db.orm
    .insert(artists)
    .values(Array.from({ length: 300 }, (_, i) => ({ name: `Artist ${i}`, normName: `artist ${i}` })))
    .returning({ id: artists.id });
  const ids: number[] = [];
  for (let start = 0; start < 3000; start += 500) {
    const rows = await db.orm
      .insert(tracks)
      .values(Array.from({ length: 500 }, (_, k) => ({ title: `Song ${start + k}`, normKey: `song ${start + k}|artist ${(start + k) % 300}`, year: 1970 + ((start + k) % 50) })))
      .returning({ id: tracks.id });
    ids.push(...rows.map((r) => r.id));
    await db.orm.insert(trackArtists).values(rows.map((r, k) => ({ trackId: r.id, position: 0, artistId: artistRows[(start + k) % 300]!.id })));
    await db.orm.insert(audioFeatures).values(
      rows.map((r) => ({ trackId: r.id, source: 'bench', danceability: rng.next(), energy: rng.next(), key: 0, loudness: -8, mode: 1, speechiness: 0.05, acousticness: rng.next(), instrumentalness: rng.next(), liveness: 0.1, valence: rng.next(), tempo: 60 + 120 * rng.next() })),
    );
  }
  const lists = await db.orm
    .insert(playlists)
    .values(Array.from({ length: 1500 }, (_, p) => ({ source: 'bench', externalId: String(p) })))
    .returning({ id: playlists.id });
  const values: (typeof interactions.$inferInsert)[] = [];
  lists.forEach((pl, p) => {
    const cluster = p % 20;
    const n = 15 + Math.floor(rng.next() * 20);
    const chosen = new Set<number>();
    while (chosen.size < n) {
      // Mostly from the playlist's cluster, with a skew toward its popular tracks; some noise.
      const inCluster = rng.next() < 0.85;
      const r = Math.floor(150 * rng.next() ** 2);
      chosen.add(inCluster ? ids[cluster * 150 + r]! : ids[Math.floor(rng.next() * ids.length)]!);
    }
    for (const t of chosen) values.push({ source: 'bench', sourceKey: `${p}|${t}`, playlistId: pl.id, trackId: t, kind: 'playlist' });
  });
  for (let start = 0; start < values.length; start += 5000) await db.orm.insert(interactions).values(values.slice(start, start + 5000));
  return { tracks: ids.length, playlists: lists.length };
}
