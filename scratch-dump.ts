import { sql } from 'drizzle-orm';
import { writeFileSync } from 'node:fs';
import { openDb } from './src/db/db.ts';
const db = await openDb({ pgliteDir: '/tmp/s2cat-state/pgdata', migrate: false });
const rows = await db.rows<{ id: number; name: string; ns: string | null; tracks: number; plays: number; tags: number }>(sql`
  with e as (select artist_id, string_agg(distinct namespace, ',') ns from artist_external_ids group by artist_id),
  t as (select artist_id, count(*)::int n from track_artists group by artist_id),
  p as (select artist_id, count(*)::int n from interactions where source = 'lastfm' and artist_id is not null group by artist_id),
  g as (select artist_id, count(*)::int n from tag_assignments group by artist_id)
  select a.id, a.name, e.ns, coalesce(t.n,0) tracks, coalesce(p.n,0) plays, coalesce(g.n,0) tags
  from artists a left join e on e.artist_id=a.id left join t on t.artist_id=a.id left join p on p.artist_id=a.id left join g on g.artist_id=a.id order by a.id`);
writeFileSync('/tmp/s2cat-scratch/artists.tsv', rows.map((r) => [r.id, r.name.replace(/\t|\n/g, ' '), r.ns ?? '', r.tracks, r.plays, r.tags].join('\t')).join('\n'));
console.log(rows.length);
await db.close();
