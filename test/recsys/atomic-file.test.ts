import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceFileAtomic, writeFileAtomic } from '../../src/recsys/atomic-file.ts';

describe('atomic file writes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('write a new file and replace an old one whole, leaving no temp file behind', async () => {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, '{"v":1}');
    await writeFileAtomic(file, new TextEncoder().encode('{"v":2}'));
    expect(await readFile(file, 'utf8')).toBe('{"v":2}');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('keep the old contents and remove the temp file when producing the new ones fails', async () => {
    const file = path.join(dir, 'index.bin');
    await writeFile(file, 'old');
    const failure = new Error('writer failed half way');
    await expect(
      replaceFileAtomic(file, async (tmp) => {
        await writeFile(tmp, 'half');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['index.bin']);
  });

  it('let a library write the temp path itself', async () => {
    const file = path.join(dir, 'graph.bin');
    await replaceFileAtomic(file, (tmp) => writeFile(tmp, 'graph'));
    expect(await readFile(file, 'utf8')).toBe('graph');
  });
});
