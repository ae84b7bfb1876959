/**
 * Constraint compliance of served answers: the share of answers whose every shown track meets every hard constraint
 * the request stated, judged from catalogue attributes (year, audio features, artists) and the active genre/mood
 * labels. A track meets a genre or mood only with evidence for it; an exclusion fails a track whose evidence points
 * to the excluded label; a range fails a track whose value is unknown.
 */
import { sql } from 'drizzle-orm';
import { normalizeArtistName } from '../../catalog/normalize.ts';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, TRACK_LABELS_KIND } from '../../db/model-versions.ts';
import { EVIDENCE, VOCAL_GENRES, VOCAL_TAGS } from '../../recsys/constraints/constraint-vocabulary.ts';
import { meetsLabel, pointsTo, type TrackLabel } from '../../recsys/labels/track-labels.ts';
import type { PanelAnswer, PanelRange, PanelRequest } from './panel.ts';

/** One named figure and how many cases it is over. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly cases: number;
}

/** What a track is judged on. */
interface TrackFacts {
  readonly year: number | null;
  readonly audio: Readonly<Record<string, number | null>>;
  readonly artists: readonly string[];
  readonly genre: readonly TrackLabel[];
  readonly mood: readonly TrackLabel[];
  /** The explicit flag a source states, or null when none does. */
  readonly explicit?: boolean | null;
  /** Lower-cased tags of the track. */
  readonly tags?: readonly string[];
}

/** Compliance figures, overall and per category, plus which requests failed and why. */
export interface ComplianceReport {
  readonly figures: readonly Figure[];
  readonly failures: readonly { readonly id: string; readonly text: string; readonly track: number; readonly broken: readonly string[] }[];
}

/** Judges the answers to `panel` against the catalogue and labels in `db`. */
export async function compliance(db: Db, panel: readonly PanelRequest[], answers: readonly PanelAnswer[]): Promise<ComplianceReport> {
  const byId = new Map(answers.map((a) => [a.id, a]));
  const facts = await readFacts(db, [...new Set(answers.flatMap((a) => a.trackIds))]);
  const failures: { id: string; text: string; track: number; broken: string[] }[] = [];
  const tally = new Map<string, { answered: number; compliant: number; empty: number; total: number }>();
  const bump = (cat: string, f: (t: { answered: number; compliant: number; empty: number; total: number }) => void) => {
    for (const k of ['all', cat]) {
      let t = tally.get(k);
      if (t === undefined) tally.set(k, (t = { answered: 0, compliant: 0, empty: 0, total: 0 }));
      f(t);
    }
  };
  for (const r of panel) {
    const a = byId.get(r.id);
    bump(r.category, (t) => t.total++);
    if (a === undefined || a.trackIds.length === 0) {
      bump(r.category, (t) => t.empty++);
      continue;
    }
    let ok = true;
    for (const id of a.trackIds) {
      const broken = brokenConstraints(r, facts.get(id));
      if (broken.length > 0) {
        ok = false;
        failures.push({ id: r.id, text: r.text, track: id, broken });
      }
    }
    bump(r.category, (t) => {
      t.answered++;
      if (ok) t.compliant++;
    });
  }
  const figures: Figure[] = [];
  for (const [k, t] of tally) {
    const prefix = k === 'all' ? 'compliance' : `compliance.${k}`;
    figures.push({ name: prefix, value: t.answered === 0 ? 0 : t.compliant / t.answered, cases: t.answered });
    figures.push({ name: `${prefix}.counting_empty_as_failed`, value: t.total === 0 ? 0 : t.compliant / t.total, cases: t.total });
    figures.push({ name: `${prefix}.empty_answers`, value: t.total === 0 ? 0 : t.empty / t.total, cases: t.total });
  }
  return { figures, failures };
}

/** The constraints of `r` that a track breaks (all of them when the track is unknown). */
export function brokenConstraints(r: PanelRequest, f: TrackFacts | undefined): string[] {
  const c = r.constraints;
  if (f === undefined) return ['unknown track'];
  const out: string[] = [];
  if (c.genres !== undefined && !c.genres.some((g) => meetsLabel(f.genre, g))) out.push(`genre ${c.genres.join('/')}`);
  if (c.moods !== undefined && !c.moods.some((m) => meetsLabel(f.mood, m))) out.push(`mood ${c.moods.join('/')}`);
  for (const g of c.exclude_genres ?? []) if (pointsTo(f.genre, g)) out.push(`no ${g}`);
  for (const m of c.exclude_moods ?? []) if (pointsTo(f.mood, m)) out.push(`nothing ${m}`);
  if (c.year !== undefined && !inRange(f.year, c.year)) out.push(`year ${c.year.min ?? '…'}–${c.year.max ?? '…'}`);
  for (const k of ['energy', 'danceability', 'tempo', 'valence'] as const) {
    const range = c[k];
    if (range !== undefined && !inRange(f.audio[k] ?? null, range)) out.push(`${k} ${range.min ?? '…'}–${range.max ?? '…'}`);
  }
  // Instrumental as the vocabulary defines it: enough instrumentalness and no tag or rap genre saying it is sung (a
  // request for the rap genre itself, as lo-fi beats, asks for it without the voice).
  const sung = (f.tags ?? []).some((t) => VOCAL_TAGS.includes(t)) || VOCAL_GENRES.some((g) => !(c.genres ?? []).includes(g) && pointsTo(f.genre, g));
  if ((c.instrumental === true || c.vocals === 'instrumental') && (!inRange(f.audio.instrumentalness ?? null, { min: EVIDENCE.instrumentalMin }) || sung)) out.push('instrumental');
  if (c.vocals === 'vocal' && !(inRange(f.audio.instrumentalness ?? null, { max: EVIDENCE.vocalMax }) || sung)) out.push('with vocals');
  if (c.explicit === 'clean' && f.explicit !== false) out.push(f.explicit === true ? 'clean (explicit)' : 'clean (no information)');
  if (c.exclude_artists !== undefined) {
    const banned = new Set(c.exclude_artists.map(normalizeArtistName));
    if (f.artists.some((a) => banned.has(normalizeArtistName(a)))) out.push(`not by ${c.exclude_artists.join(', ')}`);
  }
  return out;
}

function inRange(v: number | null, r: PanelRange): boolean {
  return v !== null && Number.isFinite(v) && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}

/** Attributes and labels of the given tracks (labels from the label table, else the classifiers' top labels). */
async function readFacts(db: Db, ids: readonly number[]): Promise<Map<number, TrackFacts>> {
  const out = new Map<number, TrackFacts>();
  if (ids.length === 0) return out;
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = await db.rows<{ id: number; year: number | null; explicit: boolean | null; energy: number | null; danceability: number | null; tempo: number | null; valence: number | null; instrumentalness: number | null; artists: string[] | null; tags: string[] | null }>(sql`
    select t.id, t.year, t.explicit, af.energy, af.danceability, af.tempo, af.valence, af.instrumentalness,
      (select array_agg(a.name order by ta.position) from track_artists ta join artists a on a.id = ta.artist_id where ta.track_id = t.id) as artists,
      (select array_agg(lower(g.name)) from track_tags tt join tags g on g.id = tt.tag_id where tt.track_id = t.id) as tags
    from tracks t left join audio_features af on af.track_id = t.id where t.id in (${list})`);
  const labels = new Map<string, TrackLabel[]>();
  const push = (track: number, kind: string, l: TrackLabel) => {
    const k = `${track}|${kind}`;
    labels.set(k, [...(labels.get(k) ?? []), l]);
  };
  const table = await activeModelVersion(db, TRACK_LABELS_KIND);
  if (table !== undefined) {
    const ls = await db.rows<{ track_id: number; kind: string; label: string; probability: number }>(
      sql`select track_id, kind, label, probability from track_labels where model_version_id = ${table.id} and track_id in (${list}) order by probability desc, label`,
    );
    for (const l of ls) push(Number(l.track_id), l.kind, { label: l.label, probability: Number(l.probability), sources: {} });
  } else {
    for (const kind of ['genre', 'mood'] as const) {
      const v = await activeModelVersion(db, CONTENT_MODEL_KINDS[kind]);
      if (v === undefined) continue;
      const ps = await db.rows<{ track_id: number; label: string }>(sql`select track_id, label from track_predictions where model_version_id = ${v.id} and track_id in (${list})`);
      for (const p of ps) push(Number(p.track_id), kind, { label: p.label, probability: 1, sources: {} });
    }
  }
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  for (const r of rows) {
    const id = Number(r.id);
    out.set(id, {
      year: num(r.year),
      audio: { energy: num(r.energy), danceability: num(r.danceability), tempo: num(r.tempo), valence: num(r.valence), instrumentalness: num(r.instrumentalness) },
      artists: r.artists ?? [],
      explicit: r.explicit === null || r.explicit === undefined ? null : Boolean(r.explicit),
      tags: r.tags ?? [],
      genre: labels.get(`${id}|genre`) ?? [],
      mood: labels.get(`${id}|mood`) ?? [],
    });
  }
  return out;
}
