import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateRaw, gzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTarGz, extractZip } from '../../src/catalog/archive.ts';
import { jsonErrorOffset, readJsonArray } from '../../src/catalog/json-array-reader.ts';
import { readLines } from '../../src/catalog/text-reader.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF across chunk boundaries, numbers lines, keeps multi-byte characters whole', async () => {
    const file = path.join(dir, 'lines.txt');
    await writeFile(file, 'a\r\nBjörk\nc\r\nlast');
    const lines = await collect(readLines(file, { encoding: 'utf8', chunkBytes: 3 }));
    expect(lines).toEqual([
      { text: 'a', line: 1 },
      { text: 'Björk', line: 2 },
      { text: 'c', line: 3 },
      { text: 'last', line: 4 },
    ]);
  });

  it('decodes ISO-8859-1 when asked', async () => {
    const file = path.join(dir, 'latin1.txt');
    await writeFile(file, Buffer.from('1\t\xe9lectro\r\n', 'latin1'));
    expect(await collect(readLines(file, { encoding: 'latin1' }))).toEqual([{ text: '1\télectro', line: 1 }]);
  });
});

describe('readJsonArray', () => {
  it('yields each element with the line it starts on, skipping other keys', async () => {
    const file = path.join(dir, 'slice.json');
    await writeFile(file, '{\n  "info": {"a": [1, "]"]},\n  "playlists": [\n    {"pid": 0},\n    {"pid": 1, "s": "}{"}\n  ]\n}\n');
    expect(await collect(readJsonArray(file, 'playlists'))).toEqual([
      { value: { pid: 0 }, line: 4 },
      { value: { pid: 1, s: '}{' }, line: 5 },
    ]);
  });

  it('finds the offset of a syntax error', () => {
    const text = '{"a": [1, 2,, 3]}';
    expect(jsonErrorOffset(text, 0, text.length)).toBe(text.indexOf(',,') + 1);
    expect(jsonErrorOffset('{"a": 1}', 0, 8)).toBe(-1);
  });
});

describe('archives', () => {
  it('extracts picked members of a zip (stored and deflated)', async () => {
    const entries = [
      { name: 'hetrec/artists.dat', data: Buffer.from('id\tname\n'), method: 0 },
      { name: 'hetrec/tags.dat', data: await promisify(deflateRaw)(Buffer.from('tagID\ttagValue\n')), raw: 'tagID\ttagValue\n', method: 8 },
      { name: 'readme.txt', data: Buffer.from('x'), method: 0 },
    ];
    const locals: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    for (const e of entries) {
      const name = Buffer.from(e.name);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(e.method, 8);
      local.writeUInt32LE(e.data.length, 18);
      local.writeUInt16LE(name.length, 26);
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(e.method, 10);
      cd.writeUInt32LE(e.data.length, 20);
      cd.writeUInt16LE(name.length, 28);
      cd.writeUInt32LE(offset, 42);
      locals.push(local, name, e.data);
      central.push(cd, name);
      offset += 30 + name.length + e.data.length;
    }
    const cdBuf = Buffer.concat(central);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(entries.length, 10);
    eocd.writeUInt32LE(cdBuf.length, 12);
    eocd.writeUInt32LE(offset, 16);
    const zip = path.join(dir, 'a.zip');
    await writeFile(zip, Buffer.concat([...locals, cdBuf, eocd]));
    const out = path.join(dir, 'zip-out');
    const written = await extractZip(zip, out, (m) => (m.endsWith('.dat') ? path.basename(m) : undefined));
    expect(written).toEqual(['artists.dat', 'tags.dat']);
    expect(await readFile(path.join(out, 'tags.dat'), 'utf8')).toBe('tagID\ttagValue\n');
  });

  it('extracts picked members of a tar.gz, streaming', async () => {
    const member = (name: string, body: string) => {
      const header = Buffer.alloc(512);
      header.write(name, 0);
      header.write(body.length.toString(8).padStart(11, '0'), 124);
      header.write('0', 156);
      const data = Buffer.alloc(Math.ceil(body.length / 512) * 512);
      data.write(body);
      return Buffer.concat([header, data]);
    };
    const big = 'x'.repeat(1500);
    const tar = Buffer.concat([member('dataset/yes_small/train.txt', big), member('dataset/yes_small/test.txt', 'no'), member('dataset/yes_complete/tags.txt', '#\n'), Buffer.alloc(1024)]);
    const file = path.join(dir, 'd.tar.gz');
    await writeFile(file, await promisify(gzip)(tar));
    const out = path.join(dir, 'tar-out');
    const pick = (m: string) => /(yes_small|yes_complete)\/(train|tags)\.txt$/.exec(m)?.slice(1).join('/').concat('.txt');
    expect(await extractTarGz(file, out, pick)).toEqual(['yes_small/train.txt', 'yes_complete/tags.txt']);
    expect(await readFile(path.join(out, 'yes_small', 'train.txt'), 'utf8')).toBe(big);
  });
});
