/** The Catalog over the database: text search over normalised title + artist and tag names, labels from predictions. */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, TRACK_LABELS_KIND } from '../../db/model-versions.ts';
import { LABEL_EVIDENCE } from '../../recsys/labels/track-labels.ts';
import { canonicalLabel, familyOf, GENRES, MOODS } from '../../recsys/labels/vocabulary.ts';
import { searchTerms } from '../../tools/search-terms.ts';
import type { Catalog, LabelPrediction, LabelTask, SearchFilters, TrackCard, TrackLabels, Vocabulary } from '../ports/catalog.ts';

/**
 * The label row `l` (of label `name`) has the evidence a request for it needs beyond being the top label
 * (src/recsys/labels meetsProbability): at least LABEL_EVIDENCE.keep, and not clearly outweighed by a label of the
 * same kind outside its family.
 */
function labelEvidence(name: string): SQL {
  const family = sql.join(
    familyOf(name).map((x) => sql`${x}`),
    sql`, `,
  );
  return sql`(l.probability >= ${LABEL_EVIDENCE.keep} and l.probability >= ${LABEL_EVIDENCE.keepShareOfTop} * coalesce((select max(m.probability) from track_labels m
    where m.model_version_id = l.model_version_id and m.track_id = l.track_id and m.kind = l.kind and m.label not in (${family})), 0))`;
}

/** The active classifier version of one task: its row id, version name and class names. */
interface ActiveClassifier {
  readonly id: number;
  readonly version: string;
  readonly classes: readonly string[];
}

/** Catalog backed by Postgres/PGlite; the active classifier versions are read once at creation. */
export class DbCatalog implements Catalog {
  private vocabularyCache: Promise<Vocabulary> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly classifiers: Partial<Record<LabelTask, ActiveClassifier>>,
    /** The active label table (genre and mood over the one vocabulary, every source), if any. */
    private readonly labelTable: { readonly id: number; readonly version: string } | undefined,
  ) {}

  /** Reads which classifier versions are active. */
  static async open(db: Db): Promise<DbCatalog> {
    const classifiers: Partial<Record<LabelTask, ActiveClassifier>> = {};
    for (const task of ['genre', 'subgenre', 'mood'] as const) {
      const row = await activeModelVersion(db, CONTENT_MODEL_KINDS[task]);
      if (row === undefined) continue;
      const params = row.params as { classes?: unknown };
      const classes = Array.isArray(params.classes) ? params.classes.map(String) : [];
      classifiers[task] = { id: row.id, version: row.version, classes };
    }
    const table = await activeModelVersion(db, TRACK_LABELS_KIND);
    return new DbCatalog(db, classifiers, table === undefined ? undefined : { id: table.id, version: table.version });
  }

  async search(text: string, limit: number, filters: SearchFilters = {}): Promise<TrackCard[]> {
    const terms = searchTerms(text);
    if (terms.length === 0) return [];
    const phrase = terms.join(' ');
    const patterns = sql.join(
      terms.map((t) => sql`${`%${t}%`}`),
      sql`, `,
    );
    const conditions: SQL[] = [
      sql`(t.norm_key like all (array[${patterns}]) or exists (select 1 from track_tags tt join tags g on g.id = tt.tag_id where tt.track_id = t.id and g.name = ${phrase}))`,
    ];
    const labelFilter = (task: LabelTask, label: string | undefined) => {
      if (label === undefined) return;
      const table = this.labelTable;
      if (table !== undefined && task !== 'subgenre') {
        const name = canonicalLabel(task, label) ?? label.trim().toLowerCase();
        conditions.push(sql`exists (select 1 from track_labels l where l.track_id = t.id and l.model_version_id = ${table.id} and l.kind = ${task} and l.label = ${name} and ${labelEvidence(name)})`);
        return;
      }
      const c = this.classifiers[task];
      conditions.push(
        c === undefined
          ? sql`false`
          : sql`exists (select 1 from track_predictions p where p.track_id = t.id and p.model_version_id = ${c.id} and p.label = ${label.trim().toLowerCase()})`,
      );
    };
    labelFilter('genre', filters.genre);
    labelFilter('mood', filters.mood);
    if (filters.yearMin !== undefined) conditions.push(sql`t.year >= ${filters.yearMin}`);
    if (filters.yearMax !== undefined) conditions.push(sql`t.year <= ${filters.yearMax}`);
    const rows = await this.db.rows<{ id: number }>(sql`
      select t.id from tracks t
      where ${sql.join(conditions, sql` and `)}
      order by (${sql.join(
        terms.map((t) => sql`(t.norm_key ~ ${`\\m${t}\\M`})::int`),
        sql` + `,
      )}) desc, (select count(*) from interactions i where i.track_id = t.id) desc, t.id
      limit ${limit}`);
    const cards = await this.describe(rows.map((r) => Number(r.id)));
    return rows.map((r) => cards.get(Number(r.id))).filter((c): c is TrackCard => c !== undefined);
  }

  async describe(ids: readonly number[]): Promise<Map<number, TrackCard>> {
    const out = new Map<number, TrackCard>();
    const valid = [...new Set(ids)].filter((id) => Number.isInteger(id) && id > 0 && id < 2 ** 31);
    if (valid.length === 0) return out;
    const list = sql.join(
      valid.map((id) => sql`${id}`),
      sql`, `,
    );
    const label = (task: LabelTask) => {
      const table = this.labelTable;
      if (table !== undefined && task !== 'subgenre') {
        return sql`(select l.label from track_labels l where l.track_id = t.id and l.model_version_id = ${table.id} and l.kind = ${task} order by l.probability desc, l.label limit 1)`;
      }
      const c = this.classifiers[task];
      return c === undefined ? sql`null::text` : sql`(select p.label from track_predictions p where p.track_id = t.id and p.model_version_id = ${c.id})`;
    };
    const rows = await this.db.rows<{ id: number; title: string; album: string | null; year: number | null; artists: string[] | null; plays: number; genre: string | null; mood: string | null }>(sql`
      select t.id, t.title, t.album, t.year,
        (select array_agg(a.name order by ta.position) from track_artists ta join artists a on a.id = ta.artist_id where ta.track_id = t.id) as artists,
        (select count(*)::int from interactions i where i.track_id = t.id) as plays,
        ${label('genre')} as genre, ${label('mood')} as mood
      from tracks t where t.id in (${list})`);
    for (const r of rows) {
      out.set(Number(r.id), {
        id: Number(r.id),
        title: r.title,
        artists: r.artists ?? [],
        album: r.album,
        year: r.year === null ? null : Number(r.year),
        genre: r.genre,
        mood: r.mood,
        plays: Number(r.plays),
      });
    }
    return out;
  }

  async predictions(trackId: number): Promise<Partial<Record<LabelTask, LabelPrediction>>> {
    const out: Partial<Record<LabelTask, LabelPrediction>> = {};
    for (const [task, c] of Object.entries(this.classifiers) as [LabelTask, ActiveClassifier][]) {
      const [row] = await this.db.rows<{ label: string; confidence: number; probs: number[] }>(
        sql`select label, confidence, probs from track_predictions where model_version_id = ${c.id} and track_id = ${trackId}`,
      );
      if (row === undefined) continue;
      const probabilities = row.probs
        .map((p, i) => ({ label: c.classes[i] ?? `class ${i}`, probability: Number(p) }))
        .sort((a, b) => b.probability - a.probability);
      out[task] = { label: row.label, confidence: Number(row.confidence), probabilities, modelVersion: c.version };
    }
    return out;
  }

  async topWithLabel(task: LabelTask, label: string, limit: number): Promise<number[]> {
    const table = this.labelTable;
    if (table !== undefined && task !== 'subgenre') {
      const name = canonicalLabel(task, label) ?? label.trim().toLowerCase();
      // Played in the most datasets first, then most played: a track that radio, playlists and listeners all play
      // stands for "rock" better than one format's heavy rotation (Christian radio's hits led every rock answer).
      const rows = await this.db.rows<{ id: number }>(sql`
        select l.track_id as id from track_labels l
        cross join lateral (select count(distinct i.source) as sources, count(*) as plays from interactions i where i.track_id = l.track_id) x
        where l.model_version_id = ${table.id} and l.kind = ${task} and l.label = ${name} and ${labelEvidence(name)}
        order by x.sources desc, x.plays desc, l.probability desc, l.track_id
        limit ${limit}`);
      return rows.map((r) => Number(r.id));
    }
    const c = this.classifiers[task];
    if (c === undefined) return [];
    const rows = await this.db.rows<{ id: number }>(sql`
      select p.track_id as id from track_predictions p
      where p.model_version_id = ${c.id} and p.label = ${label.trim().toLowerCase()}
      order by (select count(*) from interactions i where i.track_id = p.track_id) desc, p.confidence desc, p.track_id
      limit ${limit}`);
    return rows.map((r) => Number(r.id));
  }

  vocabulary(): Promise<Vocabulary> {
    this.vocabularyCache ??= this.loadVocabulary();
    return this.vocabularyCache;
  }

  async labels(trackId: number): Promise<TrackLabels | undefined> {
    const table = this.labelTable;
    if (table === undefined) return undefined;
    const rows = await this.db.rows<{ kind: string; label: string; probability: number; sources: Record<string, number> }>(
      sql`select kind, label, probability, sources from track_labels where model_version_id = ${table.id} and track_id = ${trackId} order by probability desc, label`,
    );
    const of = (kind: string) =>
      rows.filter((r) => r.kind === kind).map((r) => ({ label: r.label, probability: Number(r.probability), sources: Object.fromEntries(Object.entries(r.sources).map(([k, v]) => [k, Number(v)])) }));
    return { version: table.version, genre: of('genre'), mood: of('mood') };
  }

  private async loadVocabulary(): Promise<Vocabulary> {
    const table = this.labelTable;
    if (table !== undefined) {
      // A track counts for a label when the label is its top one or reaches the keep threshold (a bound on what a
      // filter keeps, which also leaves out a label that a genre outside its family clearly outweighs).
      const rows = await this.db.rows<{ kind: string; label: string; n: number }>(sql`
        select kind, label, count(*)::int as n from (
          select kind, label, probability, row_number() over (partition by track_id, kind order by probability desc, label) as r
          from track_labels where model_version_id = ${table.id}) x
        where r = 1 or probability >= ${LABEL_EVIDENCE.keep}
        group by kind, label`);
      const counts = new Map(rows.map((r) => [`${r.kind}|${r.label}`, Number(r.n)]));
      const subgenres = this.classifiers.subgenre;
      const sub = subgenres === undefined ? [] : await this.classifierCounts('subgenre');
      return {
        genres: GENRES.map((name) => ({ name, tracks: counts.get(`genre|${name}`) ?? 0 })),
        subgenres: sub,
        moods: MOODS.map((name) => ({ name, tracks: counts.get(`mood|${name}`) ?? 0 })),
      };
    }
    return { genres: await this.classifierCounts('genre'), subgenres: await this.classifierCounts('subgenre'), moods: await this.classifierCounts('mood') };
  }

  private async classifierCounts(task: LabelTask): Promise<{ name: string; tracks: number }[]> {
    const count = async (task: LabelTask) => {
      const c = this.classifiers[task];
      if (c === undefined) return [];
      const rows = await this.db.rows<{ label: string; n: number }>(
        sql`select label, count(*)::int as n from track_predictions where model_version_id = ${c.id} group by label`,
      );
      const counts = new Map(rows.map((r) => [r.label, Number(r.n)]));
      return c.classes.map((name) => ({ name, tracks: counts.get(name) ?? 0 }));
    };
    return count(task);
  }
}
