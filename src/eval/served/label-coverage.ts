/**
 * Label coverage: the share of servable tracks (by default every track the chat model can return) with a genre and
 * with a mood, overall and per source of evidence, from the active label table; without one, from the classifiers'
 * stored predictions (what serving used before labels existed).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, TRACK_LABELS_KIND } from '../../db/model-versions.ts';
import { LABEL_SOURCES } from '../../recsys/labels/track-labels.ts';
import type { Figure } from './compliance.ts';

/** Coverage figures over `servable` track ids (default: every track someone played, i.e. the chat model's items). */
export async function labelCoverage(db: Db, servable?: readonly number[]): Promise<Figure[]> {
  const ids = servable ?? (await db.rows<{ id: number }>(sql`select distinct track_id as id from interactions where track_id is not null`)).map((r) => Number(r.id));
  const [{ n: catalogue } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tracks`);
  const set = new Set(ids);
  const cases = set.size;
  const share = (x: number) => (cases === 0 ? 0 : x / cases);
  const figures: Figure[] = [];
  const table = await activeModelVersion(db, TRACK_LABELS_KIND);
  if (table !== undefined) {
    const rows = await db.rows<{ track_id: number; kind: string; sources: Record<string, number> }>(
      sql`select track_id, kind, sources from track_labels where model_version_id = ${table.id}`,
    );
    const any = { genre: new Set<number>(), mood: new Set<number>() };
    const all = { genre: new Set<number>(), mood: new Set<number>() };
    const bySource = new Map<string, Set<number>>();
    for (const r of rows) {
      const id = Number(r.track_id);
      const kind = r.kind as 'genre' | 'mood';
      all[kind].add(id);
      if (!set.has(id)) continue;
      any[kind].add(id);
      for (const s of Object.keys(r.sources)) {
        const k = `${kind}|${s}`;
        let b = bySource.get(k);
        if (b === undefined) bySource.set(k, (b = new Set()));
        b.add(id);
      }
    }
    figures.push({ name: 'label_coverage.genre', value: share(any.genre.size), cases });
    figures.push({ name: 'label_coverage.mood', value: share(any.mood.size), cases });
    for (const kind of ['genre', 'mood'] as const) {
      for (const s of LABEL_SOURCES) {
        const b = bySource.get(`${kind}|${s}`);
        if (b !== undefined) figures.push({ name: `label_coverage.${kind}.source.${s}`, value: share(b.size), cases });
      }
    }
    figures.push({ name: 'label_coverage.catalogue.genre', value: catalogue === 0 ? 0 : all.genre.size / catalogue, cases: catalogue });
    figures.push({ name: 'label_coverage.catalogue.mood', value: catalogue === 0 ? 0 : all.mood.size / catalogue, cases: catalogue });
    return figures;
  }
  for (const kind of ['genre', 'mood'] as const) {
    const v = await activeModelVersion(db, CONTENT_MODEL_KINDS[kind]);
    const rows = v === undefined ? [] : await db.rows<{ track_id: number }>(sql`select track_id from track_predictions where model_version_id = ${v.id}`);
    const have = rows.filter((r) => set.has(Number(r.track_id))).length;
    figures.push({ name: `label_coverage.${kind}`, value: share(have), cases });
    figures.push({ name: `label_coverage.${kind}.source.classifier`, value: share(have), cases });
    figures.push({ name: `label_coverage.catalogue.${kind}`, value: catalogue === 0 ? 0 : rows.length / catalogue, cases: catalogue });
  }
  return figures;
}
