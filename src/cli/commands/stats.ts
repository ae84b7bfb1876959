/** `earworm stats`: rows per table, what each source contributed, and how many tracks were merged across sources. */
import { parseArgs } from 'node:util';
import { catalogStats, type CatalogStats, type SourceCounts } from '../../catalog/catalog-stats.ts';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { UsageError } from '../usage-error.ts';

const n = (x: number) => x.toLocaleString('en-US');

const LABELS: [keyof SourceCounts, string][] = [
  ['listedTracks', 'tracks listed'],
  ['tracks', 'catalogue tracks'],
  ['artistIds', 'artist ids'],
  ['people', 'users'],
  ['playlists', 'playlists'],
  ['interactions', 'interactions'],
  ['tagAssignments', 'tag assignments'],
  ['trackTags', 'track tags'],
  ['audioFeatures', 'audio features'],
];

/** Renders the statistics as plain text. */
export function formatStats(stats: CatalogStats): string {
  const out: string[] = ['Tables'];
  const width = Math.max(...stats.tables.map((t) => t.table.length));
  for (const t of stats.tables) out.push(`  ${t.table.padEnd(width)}  ${n(t.rows).padStart(11)}`);
  out.push('', 'Per source');
  const sw = Math.max(8, ...stats.sources.map((s) => s.source.length));
  for (const s of stats.sources) {
    const parts = LABELS.filter(([k]) => s[k] !== 0).map(([k, label]) => `${label} ${n(s[k] as number)}`);
    out.push(`  ${s.source.padEnd(sw)}  ${parts.join(', ')}`);
  }
  if (stats.files.length > 0) {
    out.push('', 'Imported files (records read)');
    const fw = Math.max(...stats.files.map((f) => f.file.length));
    for (const f of stats.files) out.push(`  ${f.file.padEnd(fw)}  ${n(f.records).padStart(9)}${f.complete ? '' : '  (incomplete: run the import again to resume)'}`);
  }
  out.push('', `Tracks merged across sources: ${n(stats.mergedTracks)}`);
  for (const m of stats.mergedBy) out.push(`  ${m.sources.padEnd(40)}  ${n(m.tracks).padStart(9)}`);
  return out.join('\n');
}

/** Prints the statistics of the configured database. */
export async function run(args: string[], config: Config): Promise<number> {
  try {
    parseArgs({ args, options: {}, allowPositionals: false });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. Usage: earworm stats`);
  }
  const db = await openConfiguredDb(config);
  try {
    console.log(formatStats(await catalogStats(db)));
  } finally {
    await db.close();
  }
  return 0;
}
