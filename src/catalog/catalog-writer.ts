/**
 * The shared bulk writer of every importer. Each function takes a whole batch and issues one multi-row statement
 * (rows travel as one JSON parameter through json_to_recordset, so there is no bind-parameter limit and both
 * drivers behave the same); each resolves-or-creates by the table's natural key, so a batch written twice changes
 * nothing. Callers run them inside one transaction per batch (see `importFile`).
 */
import { sql } from 'drizzle-orm';
import { normalizeArtistName } from './normalize.ts';
import type { SqlExec } from './sql-exec.ts';

/** Spotify-style audio features, already checked to be numbers. */
export interface AudioFeatureValues {
  readonly danceability: number;
  readonly energy: number;
  readonly key: number;
  readonly loudness: number;
  readonly mode: number;
  readonly speechiness: number;
  readonly acousticness: number;
  readonly instrumentalness: number;
  readonly liveness: number;
  readonly valence: number;
  readonly tempo: number;
  readonly timeSignature: number | null;
}

/** A tag, genre or subgenre label. */
interface TagRef {
  readonly kind: 'tag' | 'genre' | 'subgenre';
  readonly name: string;
}

/** A recording as one source lists it. */
export interface TrackRecord {
  /** The source (`tidytuesday`, `yes_small`, ...). */
  readonly source: string;
  /** The source's own id for it (a Spotify id, a Yes.com integer id). */
  readonly sourceId: string;
  /** `trackKey(title, primary artist)`, or a unique fallback when the source has no title/artist. */
  readonly key: string;
  readonly title: string;
  /** Artist credits in order; the first is the primary artist. */
  readonly artists: readonly { readonly name: string; readonly spotifyId?: string }[];
  /** Ids that identify the recording across sources; matched before the key. */
  readonly externalIds: readonly { readonly namespace: string; readonly id: string }[];
  readonly album?: string | null;
  readonly year?: number | null;
  readonly releaseDate?: string | null;
  readonly durationMs?: number | null;
  readonly popularity?: number | null;
  readonly explicit?: boolean | null;
  readonly features?: AudioFeatureValues;
  readonly tags?: readonly (TagRef & { readonly weight: number })[];
}

/** An artist to resolve by name, with what the source knows about it. */
interface ArtistRecord {
  readonly name: string;
  readonly url?: string | null;
  readonly imageUrl?: string | null;
}

/** One interaction row; exactly one subject (person or playlist) and one item (track or artist). */
interface InteractionRow {
  readonly source: string;
  readonly sourceKey: string;
  readonly personId?: number;
  readonly playlistId?: number;
  readonly trackId?: number;
  readonly artistId?: number;
  readonly kind: string;
  readonly weight: number;
}

/** A playlist as its source lists it. */
export interface PlaylistRecord {
  readonly externalId: string;
  readonly name?: string | null;
  readonly genre?: string | null;
  readonly subgenre?: string | null;
}

const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::json`;

function firstBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!out.has(k)) out.set(k, item);
  }
  return out;
}

/** Resolves artists by normalised name, creating the missing ones; returns normalised name -> artist id. */
async function resolveArtists(ex: SqlExec, artists: readonly ArtistRecord[]): Promise<Map<string, number>> {
  const unique = firstBy(artists, (a) => normalizeArtistName(a.name));
  return resolveArtistsByNorm(
    ex,
    [...unique].map(([normName, a]) => ({ name: a.name, norm_name: normName, url: a.url ?? null, image_url: a.imageUrl ?? null })),
  );
}

/** Like `resolveArtists`, with the normalised name chosen by the caller (Last.fm placeholders for unlisted ids). */
export async function resolveArtistsByNorm(
  ex: SqlExec,
  rows: readonly { name: string; norm_name: string; url: string | null; image_url: string | null }[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (rows.length === 0) return out;
  // ON CONFLICT DO UPDATE may touch a row only once per statement: one input row per name.
  const unique = [...firstBy(rows, (r) => r.norm_name).values()];
  const result = await ex.rows<{ id: number; norm_name: string }>(sql`
    with input as (select * from json_to_recordset(${json(unique)}) as x(name text, norm_name text, url text, image_url text)),
    ins as (
      insert into artists (name, norm_name, url, image_url)
      select name, norm_name, url, image_url from input
      on conflict (norm_name) do update
        set url = coalesce(artists.url, excluded.url), image_url = coalesce(artists.image_url, excluded.image_url)
        where (artists.url is null and excluded.url is not null) or (artists.image_url is null and excluded.image_url is not null)
      returning id, norm_name
    )
    select id, norm_name from ins
    union all
    select a.id, a.norm_name from artists a join input i on i.norm_name = a.norm_name`);
  for (const r of result) out.set(r.norm_name, r.id);
  return out;
}

/** Resolves tags by (kind, name), creating the missing ones; returns `kind|name` -> tag id. */
export async function resolveTags(ex: SqlExec, tags: readonly TagRef[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = firstBy(tags, (t) => `${t.kind}|${t.name}`);
  if (unique.size === 0) return out;
  const rows = [...unique.values()].map((t) => ({ kind: t.kind, name: t.name }));
  const result = await ex.rows<{ id: number; kind: string; name: string }>(sql`
    with input as (select * from json_to_recordset(${json(rows)}) as x(kind text, name text)),
    ins as (
      insert into tags (kind, name) select kind, name from input
      on conflict (kind, name) do nothing
      returning id, kind, name
    )
    select id, kind, name from ins
    union all
    select t.id, t.kind, t.name from tags t join input i on i.kind = t.kind and i.name = t.name`);
  for (const r of result) out.set(`${r.kind}|${r.name}`, r.id);
  return out;
}

/** Track ids of external ids in one namespace; returns external id -> track id for those known. */
async function lookupTracks(ex: SqlExec, namespace: string, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const result = await ex.rows<{ external_id: string; track_id: number }>(sql`
    select e.external_id, e.track_id from track_external_ids e
    join json_array_elements_text(${JSON.stringify([...new Set(ids)])}::json) as i(id) on i.id = e.external_id
    where e.namespace = ${namespace}`);
  for (const r of result) out.set(r.external_id, r.track_id);
  return out;
}

/** Records artists' ids in a source namespace; an id already recorded keeps its artist. */
export async function addArtistExternalIds(
  ex: SqlExec,
  rows: readonly { namespace: string; externalId: string; artistId: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await ex.rows(sql`
    insert into artist_external_ids (namespace, external_id, artist_id)
    select namespace, external_id, artist_id
    from json_to_recordset(${json(rows.map((r) => ({ namespace: r.namespace, external_id: r.externalId, artist_id: r.artistId })))})
      as x(namespace text, external_id text, artist_id int)
    on conflict do nothing`);
}

/**
 * Resolves a batch of source tracks to catalogue tracks and writes everything they carry: a known external id wins
 * (a Spotify id seen before), then the normalised key, else a new track. Returns source id -> track id.
 */
export async function writeTracks(ex: SqlExec, records: readonly TrackRecord[]): Promise<Map<string, number>> {
  const bySourceId = new Map<string, number>();
  if (records.length === 0) return bySourceId;

  // 1. Known external ids, per namespace.
  const idsByNs = new Map<string, string[]>();
  for (const r of records) for (const e of r.externalIds) (idsByNs.get(e.namespace) ?? idsByNs.set(e.namespace, []).get(e.namespace)!).push(e.id);
  const known = new Map<string, number>();
  for (const [ns, ids] of idsByNs) for (const [id, trackId] of await lookupTracks(ex, ns, ids)) known.set(`${ns}|${id}`, trackId);
  const trackOf = (r: TrackRecord): number | undefined => {
    for (const e of r.externalIds) {
      const t = known.get(`${e.namespace}|${e.id}`);
      if (t !== undefined) return t;
    }
    return undefined;
  };

  // 2. Everything else by key; an existing track gains attributes it lacked.
  // One record per source id (a source may list a track twice), then one per key.
  const distinct = [...firstBy(records, (r) => `${r.source}|${r.sourceId}`).values()];
  const needKey = firstBy(
    distinct.filter((r) => trackOf(r) === undefined),
    (r) => r.key,
  );
  const byKey = new Map<string, number>();
  if (needKey.size > 0) {
    const rows = [...needKey.values()].map((r) => ({
      norm_key: r.key,
      title: r.title,
      album: r.album ?? null,
      year: r.year ?? null,
      release_date: r.releaseDate ?? null,
      duration_ms: r.durationMs ?? null,
      popularity: r.popularity ?? null,
      explicit: r.explicit ?? null,
    }));
    const result = await ex.rows<{ id: number; norm_key: string }>(sql`
      with input as (
        select * from json_to_recordset(${json(rows)}) as x(norm_key text, title text, album text, year smallint,
          release_date text, duration_ms int, popularity smallint, explicit boolean)
      ),
      ins as (
        insert into tracks (norm_key, title, album, year, release_date, duration_ms, popularity, explicit)
        select norm_key, title, album, year, release_date, duration_ms, popularity, explicit from input
        on conflict (norm_key) do update set
          album = coalesce(tracks.album, excluded.album),
          year = coalesce(tracks.year, excluded.year),
          release_date = coalesce(tracks.release_date, excluded.release_date),
          duration_ms = coalesce(tracks.duration_ms, excluded.duration_ms),
          popularity = coalesce(tracks.popularity, excluded.popularity),
          explicit = coalesce(tracks.explicit, excluded.explicit)
        where (tracks.album is null and excluded.album is not null)
           or (tracks.year is null and excluded.year is not null)
           or (tracks.duration_ms is null and excluded.duration_ms is not null)
           or (tracks.popularity is null and excluded.popularity is not null)
           or (tracks.explicit is null and excluded.explicit is not null)
        returning id, norm_key
      )
      select id, norm_key from ins
      union all
      select t.id, t.norm_key from tracks t join input i on i.norm_key = t.norm_key`);
    for (const r of result) byKey.set(r.norm_key, r.id);
  }
  for (const r of records) {
    const id = trackOf(r) ?? byKey.get(r.key);
    if (id === undefined) throw new Error(`track ${r.key} was neither found nor created`);
    if (!bySourceId.has(r.sourceId)) bySourceId.set(r.sourceId, id);
  }

  // 3. Artists and credits. A track keeps the credits of the source that created it.
  const artistIds = await resolveArtists(ex, records.flatMap((r) => r.artists.map((a) => ({ name: a.name }))));
  const credits = new Map<string, { track_id: number; position: number; artist_id: number }>();
  const spotifyArtistIds: { namespace: string; externalId: string; artistId: number }[] = [];
  for (const r of records) {
    const trackId = bySourceId.get(r.sourceId)!;
    r.artists.forEach((a, position) => {
      const artistId = artistIds.get(normalizeArtistName(a.name))!;
      const k = `${trackId}|${position}`;
      if (!credits.has(k)) credits.set(k, { track_id: trackId, position, artist_id: artistId });
      if (a.spotifyId !== undefined) spotifyArtistIds.push({ namespace: 'spotify', externalId: a.spotifyId, artistId });
    });
  }
  if (credits.size > 0) {
    await ex.rows(sql`
      insert into track_artists (track_id, position, artist_id)
      select track_id, position, artist_id from json_to_recordset(${json([...credits.values()])}) as x(track_id int, position smallint, artist_id int)
      on conflict do nothing`);
  }
  await addArtistExternalIds(ex, spotifyArtistIds);

  // 4. Ids, provenance, features, tags.
  const ext = firstBy(
    records.flatMap((r) => r.externalIds.map((e) => ({ namespace: e.namespace, external_id: e.id, track_id: bySourceId.get(r.sourceId)! }))),
    (e) => `${e.namespace}|${e.external_id}`,
  );
  const sourceRows = firstBy(
    records.map((r) => ({ source: r.source, external_id: r.sourceId, track_id: bySourceId.get(r.sourceId)! })),
    (s) => `${s.source}|${s.external_id}`,
  );
  await ex.rows(sql`
    with e as (
      insert into track_external_ids (namespace, external_id, track_id)
      select namespace, external_id, track_id from json_to_recordset(${json([...ext.values()])}) as x(namespace text, external_id text, track_id int)
      on conflict do nothing
    ),
    s as (
      insert into track_sources (track_id, source)
      select distinct track_id, source from json_to_recordset(${json([...sourceRows.values()])}) as x(source text, external_id text, track_id int)
      on conflict do nothing
    )
    insert into source_tracks (source, external_id, track_id)
    select source, external_id, track_id from json_to_recordset(${json([...sourceRows.values()])}) as x(source text, external_id text, track_id int)
    on conflict do nothing`);

  const features = firstBy(
    records.filter((r) => r.features !== undefined),
    (r) => String(bySourceId.get(r.sourceId)),
  );
  if (features.size > 0) {
    const rows = [...features.values()].map((r) => {
      const f = r.features!;
      return {
        track_id: bySourceId.get(r.sourceId)!,
        source: r.source,
        danceability: f.danceability,
        energy: f.energy,
        key: f.key,
        loudness: f.loudness,
        mode: f.mode,
        speechiness: f.speechiness,
        acousticness: f.acousticness,
        instrumentalness: f.instrumentalness,
        liveness: f.liveness,
        valence: f.valence,
        tempo: f.tempo,
        time_signature: f.timeSignature,
      };
    });
    await ex.rows(sql`
      insert into audio_features (track_id, source, danceability, energy, key, loudness, mode, speechiness, acousticness,
        instrumentalness, liveness, valence, tempo, time_signature)
      select * from json_to_recordset(${json(rows)}) as x(track_id int, source text, danceability real, energy real, key smallint,
        loudness real, mode smallint, speechiness real, acousticness real, instrumentalness real, liveness real, valence real,
        tempo real, time_signature smallint)
      on conflict do nothing`);
  }

  const tagged = records.filter((r) => r.tags !== undefined && r.tags.length > 0);
  if (tagged.length > 0) {
    await writeTrackTags(
      ex,
      tagged.flatMap((r) => r.tags!.map((t) => ({ trackId: bySourceId.get(r.sourceId)!, source: r.source, ...t }))),
    );
  }
  return bySourceId;
}

/** Tags tracks; the first weight written for a (track, tag, source) stays, so a re-run changes nothing. */
export async function writeTrackTags(
  ex: SqlExec,
  rows: readonly (TagRef & { trackId: number; source: string; weight: number })[],
): Promise<void> {
  if (rows.length === 0) return;
  const tagIds = await resolveTags(ex, rows);
  const unique = firstBy(
    rows.map((t) => ({ track_id: t.trackId, tag_id: tagIds.get(`${t.kind}|${t.name}`)!, source: t.source, weight: t.weight })),
    (t) => `${t.track_id}|${t.tag_id}|${t.source}`,
  );
  await ex.rows(sql`
    insert into track_tags (track_id, tag_id, source, weight)
    select track_id, tag_id, source, weight from json_to_recordset(${json([...unique.values()])}) as x(track_id int, tag_id int, source text, weight real)
    on conflict do nothing`);
}

/**
 * Resolves dataset listeners to people through their identity (provider, external id), creating person and
 * identity for the new ones; returns external id -> person id.
 */
export async function resolvePeople(
  ex: SqlExec,
  provider: string,
  externalIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = [...new Set(externalIds)];
  if (unique.length === 0) return out;
  const found = await ex.rows<{ external_id: string; person_id: number }>(sql`
    select d.external_id, d.person_id from identities d
    join json_array_elements_text(${JSON.stringify(unique)}::json) as i(id) on i.id = d.external_id
    where d.provider = ${provider}`);
  for (const r of found) out.set(r.external_id, r.person_id);
  const missing = unique.filter((id) => !out.has(id));
  if (missing.length === 0) return out;
  // Ids are drawn first so that each new person is paired with its identity without relying on RETURNING order.
  const ids = await ex.rows<{ id: number }>(
    sql`select nextval(pg_get_serial_sequence('people', 'id'))::int as id from generate_series(1, ${missing.length}::int)`,
  );
  const rows = missing.map((externalId, i) => ({ id: ids[i]!.id, external_id: externalId, display_name: `${provider} user ${externalId}` }));
  await ex.rows(sql`
    with p as (
      insert into people (id, display_name) overriding system value
      select id, display_name from json_to_recordset(${json(rows)}) as x(id int, external_id text, display_name text)
    )
    insert into identities (person_id, provider, external_id)
    select id, ${provider}, external_id from json_to_recordset(${json(rows)}) as x(id int, external_id text, display_name text)`);
  for (const r of rows) out.set(r.external_id, r.id);
  return out;
}

/** Resolves a source's playlists by external id, creating the missing ones; returns external id -> playlist id. */
export async function resolvePlaylists(
  ex: SqlExec,
  source: string,
  playlists: readonly PlaylistRecord[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = firstBy(playlists, (p) => p.externalId);
  if (unique.size === 0) return out;
  const rows = [...unique.values()].map((p) => ({ external_id: p.externalId, name: p.name ?? null, genre: p.genre ?? null, subgenre: p.subgenre ?? null }));
  const result = await ex.rows<{ id: number; external_id: string }>(sql`
    with input as (select * from json_to_recordset(${json(rows)}) as x(external_id text, name text, genre text, subgenre text)),
    ins as (
      insert into playlists (source, external_id, name, genre, subgenre)
      select ${source}, external_id, name, genre, subgenre from input
      on conflict (source, external_id) do nothing
      returning id, external_id
    )
    select id, external_id from ins
    union all
    select p.id, p.external_id from playlists p join input i on i.external_id = p.external_id where p.source = ${source}`);
  for (const r of result) out.set(r.external_id, r.id);
  return out;
}

/** Inserts interactions; one already recorded under the same (source, source key) is left as it is. */
export async function insertInteractions(ex: SqlExec, rows: readonly InteractionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((r) => ({
    source: r.source,
    source_key: r.sourceKey,
    person_id: r.personId ?? null,
    playlist_id: r.playlistId ?? null,
    track_id: r.trackId ?? null,
    artist_id: r.artistId ?? null,
    kind: r.kind,
    weight: r.weight,
  }));
  await ex.rows(sql`
    insert into interactions (source, source_key, person_id, playlist_id, track_id, artist_id, kind, weight)
    select source, source_key, person_id, playlist_id, track_id, artist_id, kind, weight
    from json_to_recordset(${json(data)}) as x(source text, source_key text, person_id int, playlist_id int, track_id int,
      artist_id int, kind text, weight real)
    on conflict (source, source_key) do nothing`);
}

/** Inserts tag assignments; one already recorded under the same (source, source key) keeps its date. */
export async function insertTagAssignments(
  ex: SqlExec,
  rows: readonly { source: string; sourceKey: string; personId: number; artistId: number; tagId: number; assignedOn: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((r) => ({
    source: r.source,
    source_key: r.sourceKey,
    person_id: r.personId,
    artist_id: r.artistId,
    tag_id: r.tagId,
    assigned_on: r.assignedOn,
  }));
  await ex.rows(sql`
    insert into tag_assignments (source, source_key, person_id, artist_id, tag_id, assigned_on)
    select source, source_key, person_id, artist_id, tag_id, assigned_on
    from json_to_recordset(${json(data)}) as x(source text, source_key text, person_id int, artist_id int, tag_id int, assigned_on date)
    on conflict do nothing`);
}
