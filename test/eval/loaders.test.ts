import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/eval/dataset-error.ts';
import { loadDataset } from '../../src/eval/load-dataset.ts';
import { writeFixtureDatasets } from './dataset-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-data-'));
  await writeFixtureDatasets(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dataset loaders', () => {
  it('lastfm: ids as written, CRLF stripped, play counts as weights', async () => {
    const d = await loadDataset('lastfm', dir);
    expect(d.userIds[0]).toBe('1000');
    expect(d.itemIds.every((id) => /^\d+$/.test(id))).toBe(true);
    expect(d.weights.every((w) => w >= 1)).toBe(true);
    expect(d.userIds.length).toBe(90);
  });

  it('yes: playlist ids count every line from line 3, short playlists dropped, repeats summed', async () => {
    const d = await loadDataset('yes', dir);
    expect(d.userIds).toEqual(['0', '2', '3']);
    expect(d.itemIds.slice(0, 5)).toEqual(['0', '1', '2', '3', '4']);
    const k = Array.from(d.users).findIndex((u, n) => d.userIds[u] === '2' && d.itemIds[d.items[n]!] === '5');
    expect(d.weights[k]).toBe(2);
  });

  it('tidy: playlists with < 5 distinct tracks dropped, a listed-twice pair weighs 2, side info present', async () => {
    const d = await loadDataset('tidy', dir);
    expect(d.userIds).toEqual(['P1', 'P3']);
    expect(d.itemIds).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    const k = Array.from(d.users).findIndex((u, n) => d.userIds[u] === 'P1' && d.itemIds[d.items[n]!] === 'a');
    expect(d.weights[k]).toBe(2);
    expect(d.side?.itemCategories.find((c) => c.name === 'artist')?.cardinality).toBe(2);
    expect(d.side?.userCategories.find((c) => c.name === 'genre')?.values).toEqual(Int32Array.from([0, 1]));
  });

  it('reports a missing folder as DatasetError', async () => {
    await expect(loadDataset('lastfm', path.join(dir, 'nowhere'))).rejects.toBeInstanceOf(DatasetError);
  });
});
