/** Counts for `earworm stats`: rows per table, what each source contributed, and how many tracks sources share. */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';

/** What one source contributed (zero where the source has no such thing). */
export interface SourceCounts {
  source: string;
  /** Tracks as the source lists them (its own ids), e.g. TidyTuesday's 28,356 track ids. */
  listedTracks: number;
  /** Catalogue tracks those resolved to. */
  tracks: number;
  playlists: number;
  interactions: number;
  /** Dataset listeners (people with an identity from this source). */
  people: number;
  /** Artist ids in the source's namespace. */
  artistIds: number;
  tagAssignments: number;
  trackTags: number;
  audioFeatures: number;
}

/** One imported file and how many records of it are committed. */
interface FileCounts {
  readonly source: string;
  readonly file: string;
  readonly records: number;
  readonly complete: boolean;
}

/** Everything `earworm stats` prints. */
export interface CatalogStats {
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  readonly sources: readonly SourceCounts[];
  readonly files: readonly FileCounts[];
  /** Catalogue tracks that two or more sources resolved to. */
  readonly mergedTracks: number;
  /** The merged tracks by combination of sources, largest first. */
  readonly mergedBy: readonly { readonly sources: string; readonly tracks: number }[];
}

const empty = (source: string): SourceCounts => ({
  source,
  listedTracks: 0,
  tracks: 0,
  playlists: 0,
  interactions: 0,
  people: 0,
  artistIds: 0,
  tagAssignments: 0,
  trackTags: 0,
  audioFeatures: 0,
});

/** Gathers the statistics; exact counts (the tables are small enough for count(*)). */
export async function catalogStats(db: Db): Promise<CatalogStats> {
  const tableNames = await db.rows<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  const tables: { table: string; rows: number }[] = [];
  for (const { tablename } of tableNames) {
    const [r] = await db.rows<{ n: number }>(sql.raw(`select count(*)::int as n from "${tablename}"`));
    tables.push({ table: tablename, rows: r?.n ?? 0 });
  }

  const perSource = await db.rows<{ source: string; metric: keyof SourceCounts; n: number }>(sql`
    select source, 'listedTracks' as metric, count(*)::int as n from source_tracks group by source
    union all select source, 'tracks', count(*)::int from track_sources group by source
    union all select source, 'playlists', count(*)::int from playlists group by source
    union all select source, 'interactions', count(*)::int from interactions group by source
    union all select provider, 'people', count(*)::int from identities group by provider
    union all select namespace, 'artistIds', count(*)::int from artist_external_ids group by namespace
    union all select source, 'tagAssignments', count(*)::int from tag_assignments group by source
    union all select source, 'trackTags', count(*)::int from track_tags group by source
    union all select source, 'audioFeatures', count(*)::int from audio_features group by source`);
  const bySource = new Map<string, SourceCounts>();
  for (const r of perSource) {
    const s = bySource.get(r.source) ?? empty(r.source);
    (s as unknown as Record<string, number>)[r.metric] = r.n;
    bySource.set(r.source, s);
  }

  const files = await db.rows<{ source: string; file: string; records: number; complete: boolean }>(sql`
    select source, file, records_done::int as records, complete from import_checkpoints order by source, file`);

  const mergedBy = await db.rows<{ sources: string; tracks: number }>(sql`
    select sources, count(*)::int as tracks from (
      select track_id, string_agg(source, '+' order by source) as sources
      from track_sources group by track_id having count(*) > 1
    ) m group by sources order by tracks desc, sources`);

  return {
    tables,
    sources: [...bySource.values()].sort((a, b) => a.source.localeCompare(b.source)),
    files,
    mergedTracks: mergedBy.reduce((n, m) => n + m.tracks, 0),
    mergedBy,
  };
}
