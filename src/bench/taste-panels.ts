/**
 * Builds the real-listener panels of the preference benchmark from the datasets' own files: Last.fm HetRec
 * listeners over artists (strength = plays), TidyTuesday playlists and Yes.com playlists over tracks (strength 1 in
 * the playlist). Per panel person the items are their own (at most `maxChosen`) plus as many comparable items they
 * never chose, drawn from the same popularity band, so popularity alone does not answer the pairs. Item features are
 * the taste blocks the served model uses (tasteFeatureBlocks): collaborative factors from iALS fitted on everyone
 * except the fold's panel people, a tag embedding (Last.fm tags by other listeners, Yes.com song tags, TidyTuesday
 * playlist genres of training playlists), audio fields where the data has them, and log popularity. Where the data
 * names a track's artist (TidyTuesday), a track in no training playlist takes its artist's factors and tags, as a
 * served track without its own does: most of a held-out playlist's tracks are in no other playlist, and without the
 * back-off only audio fields described them (68 % instead of 20 % of panel tracks have factors and tags). The
 * population prior is fitted on other people's answers to random pairs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InteractionDataset } from '../eval/interaction-dataset.ts';
import { loadDataset, type DatasetName } from '../eval/load-dataset.ts';
import { IalsRecommender } from '../recsys/ials.ts';
import { SeededRandom } from '../recsys/rng.ts';
import { CsrMatrix } from '../recsys/sparse-matrix.ts';
import { fitPopulationUtility, type FeatureComparison } from '../recsys/preference/bradley-terry.ts';
import { panelAnswer, type PanelPerson } from '../recsys/preference/listener-panel.ts';
import { PreferenceFeatures } from '../recsys/preference/preference-features.ts';
import { tasteDirection } from '../recsys/preference/population-prior.ts';
import { artistBackoffFactors, tasteFeatureBlocks, type TasteInputs } from '../recsys/preference/taste-features.ts';
import { fitTagEmbedding, embedTags, vocabularyIndex, type TagDocument } from '../recsys/content/tag-embedding.ts';

/** Panel-building settings; defaults in brackets. */
interface TastePanelOptions {
  readonly dataDir: string;
  /** Panel people per dataset [250]. */
  readonly people?: number;
  /** A person's own items used at most [40]; people with fewer than `minChosen` [20] are not drawn (fewer leave too few answerable pairs for 100 votes). */
  readonly maxChosen?: number;
  readonly minChosen?: number;
  readonly seed?: number; // [7]
  /** Answer noise of the people fitting the population prior [0.1]. */
  readonly noise?: number;
  /** CF factors [32]. */
  readonly factors?: number;
}

/** One fold of a dataset's panel: people scored against features fitted without them. */
interface TastePanel {
  readonly dataset: DatasetName;
  readonly features: PreferenceFeatures;
  readonly population: Float64Array;
  /** Taste directions of the people the population prior was fitted on (population-prior.ts), for the prior covariance. */
  readonly directions: readonly Float64Array[];
  readonly people: readonly PanelPerson[];
  readonly blocks: readonly string[];
}

/** The panels (one per fold) of one dataset. */
export async function buildTastePanels(dataset: DatasetName, opts: TastePanelOptions): Promise<TastePanel[]> {
  const data = await loadDataset(dataset, opts.dataDir);
  const rng = new SeededRandom(opts.seed ?? 7);
  const nUsers = data.userIds.length;
  const nItems = data.itemIds.length;
  const m = CsrMatrix.fromTriples(nUsers, nItems, data.users, data.items, data.weights);
  const minChosen = opts.minChosen ?? 20;
  const maxChosen = opts.maxChosen ?? 40;
  const eligible = Array.from({ length: nUsers }, (_, u) => u).filter((u) => m.indptr[u + 1]! - m.indptr[u]! >= minChosen);
  shuffle(eligible, rng);
  const chosen = eligible.slice(0, opts.people ?? 250);
  // Folds small enough that each CF fit keeps at least three quarters of the users.
  const folds = Math.max(1, Math.ceil(chosen.length / (0.25 * nUsers)));
  const side = await sideInputs(dataset, opts.dataDir, data);
  const panels: TastePanel[] = [];
  for (let f = 0; f < folds; f++) {
    const panelUsers = chosen.filter((_, i) => i % folds === f);
    const out = new Set(panelUsers);
    const keep: number[] = [];
    for (let k = 0; k < data.users.length; k++) if (!out.has(data.users[k]!)) keep.push(k);
    const train = CsrMatrix.fromTriples(
      nUsers,
      nItems,
      Int32Array.from(keep, (k) => data.users[k]!),
      Int32Array.from(keep, (k) => data.items[k]!),
      Float32Array.from(keep, (k) => data.weights[k]!),
    );
    const ials = new IalsRecommender({ factors: opts.factors ?? 32, iterations: 8, regularization: 1, alpha: dataset === 'lastfm' ? 1 : 4 });
    ials.fit(train);
    const counts = new Float32Array(nItems);
    for (const k of keep) counts[data.items[k]!]! += 1;
    const artistOf = data.side?.itemCategories.find((c) => c.name === 'artist')?.values;
    const cf = artistOf === undefined ? { values: ials.items, known: (i: number) => counts[i]! > 0 } : artistBackoffFactors(ials.items, ials.params.factors, counts, artistOf);
    const inputs: TasteInputs = {
      cf: { dim: ials.params.factors, ...cf },
      popularity: counts,
      ...(await side.tags(out, data, keep)),
      ...(side.audio === undefined ? {} : { audio: side.audio }),
    };
    const features = PreferenceFeatures.build(
      Int32Array.from({ length: nItems }, (_, i) => i),
      tasteFeatureBlocks(nItems, inputs),
    );
    const byPopularity = Array.from({ length: nItems }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
    const rank = new Int32Array(nItems);
    byPopularity.forEach((item, r) => (rank[item] = r));
    const personOf = (u: number, cap: number): PanelPerson => {
      const own: number[] = [];
      const strength = new Map<number, number>();
      for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
        own.push(m.indices[p]!);
        strength.set(m.indices[p]!, m.data[p]!);
      }
      shuffle(own, rng);
      const mine = own.slice(0, cap);
      const all = new Set(own);
      const others: number[] = [];
      const band = Math.max(50, Math.round(nItems * 0.01));
      for (const item of mine) {
        for (let attempt = 0; attempt < 50; attempt++) {
          const r = Math.min(nItems - 1, Math.max(0, rank[item]! + Math.round((rng.next() * 2 - 1) * band)));
          const candidate = byPopularity[r]!;
          if (all.has(candidate)) continue;
          all.add(candidate);
          others.push(candidate);
          break;
        }
      }
      const items = [...mine, ...others];
      return { name: data.userIds[u]!, items, strengths: items.map((i) => strength.get(i) ?? 0) };
    };
    const people = panelUsers.map((u) => personOf(u, maxChosen));
    // Population prior: other people answer random pairs of their own panel-style item sets.
    const votes: FeatureComparison[] = [];
    const directions: Float64Array[] = [];
    const others = eligible.filter((u) => !out.has(u)).slice(0, 400);
    for (const u of others) {
      const p = personOf(u, 20);
      directions.push(
        tasteDirection(
          p.items.filter((_, k) => p.strengths[k]! > 0).map((i) => features.vectorOf(i)),
          p.items.filter((_, k) => p.strengths[k]! === 0).map((i) => features.vectorOf(i)),
          features.dim,
        ),
      );
      for (let q = 0; q < 20; q++) {
        const i = Math.floor(rng.next() * p.items.length);
        const j = Math.floor(rng.next() * p.items.length);
        if (i === j) continue;
        const answer = panelAnswer(p.strengths[i]!, p.strengths[j]!, rng.next() < (opts.noise ?? 0.1));
        if (answer === 'both' || answer === 'neither') continue;
        const [w, l] = answer === 'a' ? [p.items[i]!, p.items[j]!] : [p.items[j]!, p.items[i]!];
        votes.push({ winner: features.vectorOf(w), loser: features.vectorOf(l) });
      }
    }
    const population = fitPopulationUtility(votes, features.dim);
    panels.push({ dataset, features, population, directions, people, blocks: features.blocks.map((b) => `${b.name}(${b.dim})`) });
  }
  return panels;
}

interface SideInputs {
  readonly audio?: { readonly names: readonly string[]; readonly values: Float32Array };
  tags(panel: ReadonlySet<number>, data: { userIds: readonly string[]; users: Int32Array; items: Int32Array }, keep: readonly number[]): Promise<Pick<TasteInputs, 'tags'>>;
}

/** Dataset-specific side information: audio fields and the tag documents of each item. */
async function sideInputs(dataset: DatasetName, dataDir: string, data: InteractionDataset): Promise<SideInputs> {
  const itemIds = data.itemIds;
  const nItems = itemIds.length;
  const embed = (docs: TagDocument[]): Pick<TasteInputs, 'tags'> => {
    const emb = fitTagEmbedding(docs, { dim: 16, minCount: 3 });
    const index = vocabularyIndex(emb);
    const values = new Float32Array(nItems * emb.dim).fill(Number.NaN);
    docs.forEach((d, i) => {
      if (d.tags.length === 0) return;
      const v = new Float32Array(emb.dim);
      if (embedTags(emb, d, v, 0, index) > 0) values.set(v, i * emb.dim);
    });
    return { tags: { dim: emb.dim, values } };
  };
  if (dataset === 'lastfm') {
    const dir = path.join(dataDir, 'lastfm-hetrec2011');
    const names = new Map<string, string>();
    for (const line of (await readFile(path.join(dir, 'tags.dat'), 'latin1')).split('\n').slice(1)) {
      const [id, value] = line.replace(/\r$/, '').split('\t');
      if (id !== undefined && value !== undefined) names.set(id, value);
    }
    const assignments = (await readFile(path.join(dir, 'user_taggedartists.dat'), 'utf8'))
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .filter((r) => r.length >= 3);
    const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
    return {
      // Tags by the panel's own listeners are left out: they would reveal what those listeners play.
      tags: (panel, data) => {
        const panelIds = new Set([...panel].map((u) => data.userIds[u]!));
        const docs: TagDocument[] = Array.from({ length: nItems }, () => ({ tags: [] as string[] }));
        for (const [user, artist, tag] of assignments) {
          if (panelIds.has(user!)) continue;
          const i = itemIndex.get(artist!);
          const name = names.get(tag!);
          if (i !== undefined && name !== undefined) (docs[i]!.tags as string[]).push(name);
        }
        return Promise.resolve(embed(docs));
      },
    };
  }
  if (dataset === 'yes') {
    const dir = path.join(dataDir, 'yes-com-playlists', 'yes_small');
    const names = new Map<string, string>();
    for (const line of (await readFile(path.join(dir, 'tag_hash.txt'), 'utf8')).split('\n')) {
      const [id, value] = line.split(', ');
      if (id !== undefined && value !== undefined) names.set(id.trim(), value.trim());
    }
    const lines = (await readFile(path.join(dir, 'tags.txt'), 'utf8')).split('\n');
    const docs: TagDocument[] = itemIds.map((song) => ({ tags: (lines[Number(song)] ?? '').split(' ').flatMap((t) => names.get(t.trim()) ?? []) }));
    const tags = embed(docs);
    return { tags: () => Promise.resolve(tags) };
  }
  // tidy: audio fields from the track rows; genre and subgenre of the training playlists holding a track as its tags.
  const numeric = data.side!.itemNumeric!;
  const cols = numeric.names.map((n, c) => ({ n, c })).filter((x) => x.n !== 'track_popularity');
  const audio = new Float32Array(nItems * cols.length);
  for (let i = 0; i < nItems; i++) cols.forEach((x, k) => (audio[i * cols.length + k] = numeric.values[i * numeric.names.length + x.c]!));
  const genre = data.side!.userCategories;
  const artist = data.side!.itemCategories.find((c) => c.name === 'artist')?.values ?? new Int32Array(nItems).fill(-1);
  return {
    audio: { names: cols.map((x) => x.n), values: audio },
    tags: (panel, d, keep) => {
      const docs: TagDocument[] = Array.from({ length: nItems }, () => ({ tags: [] as string[] }));
      for (const k of keep) {
        const u = d.users[k]!;
        if (panel.has(u)) continue;
        for (const g of genre) {
          const v = g.values[u]!;
          if (v >= 0) (docs[d.items[k]!]!.tags as string[]).push(`${g.name}:${v}`);
        }
      }
      // A track in no training playlist takes the tags of its artist's tracks that are in one.
      const byArtist = new Map<number, string[]>();
      docs.forEach((doc, i) => {
        const a = artist[i]!;
        if (a < 0 || doc.tags.length === 0) return;
        const list = byArtist.get(a);
        if (list === undefined) byArtist.set(a, [...doc.tags]);
        else list.push(...doc.tags);
      });
      const backed = docs.map((doc, i) => (doc.tags.length > 0 || artist[i]! < 0 ? doc : { tags: byArtist.get(artist[i]!) ?? [] }));
      return Promise.resolve(embed(backed));
    },
  };
}

function shuffle<T>(xs: T[], rng: SeededRandom): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}
