/**
 * Just enough of zip and tar.gz to take the wanted files out of a dataset's original archive (GroupLens ships a
 * zip, Cornell a tar.gz), with node:zlib and no extra package.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, inflateRawSync } from 'node:zlib';

/** Maps a member path inside an archive to the relative path to write it to, or undefined to skip it. */
type MemberPicker = (memberPath: string) => string | undefined;

/** Extracts the picked members of a zip file into `dir`; returns the relative paths written. */
export async function extractZip(zipFile: string, dir: string, pick: MemberPicker): Promise<string[]> {
  const buf = await readFile(zipFile);
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const written: string[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('damaged zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    const target = name.endsWith('/') ? undefined : pick(name);
    if (target === undefined) continue;
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + compressed);
    const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : undefined;
    if (data === undefined) throw new Error(`zip member ${name} uses unsupported compression method ${method}`);
    await mkdir(path.dirname(path.join(dir, target)), { recursive: true });
    await writeFile(path.join(dir, target), data);
    written.push(target);
  }
  return written;
}

/** Extracts the picked members of a .tar.gz file into `dir`, streaming; returns the relative paths written. */
export async function extractTarGz(tarGzFile: string, dir: string, pick: MemberPicker): Promise<string[]> {
  const written: string[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0; // bytes of the current member's data still to come
  let padding = 0; // bytes of padding after it
  let out: WriteStream | undefined;
  let longName: string | undefined;
  let collectingLongName: Buffer[] | undefined;
  let ended = false;

  const closeOut = async () => {
    if (out === undefined) return;
    const o = out;
    out = undefined;
    await new Promise<void>((resolve, reject) => o.end((err?: Error | null) => (err ? reject(err) : resolve())));
  };

  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      (async () => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          if (ended) {
            pending = Buffer.alloc(0);
            return;
          }
          if (remaining > 0) {
            if (pending.length === 0) return;
            const take = Math.min(remaining, pending.length);
            const part = pending.subarray(0, take);
            if (collectingLongName !== undefined) collectingLongName.push(Buffer.from(part));
            else if (out !== undefined && !out.write(part)) await new Promise<void>((r) => out!.once('drain', () => r()));
            pending = pending.subarray(take);
            remaining -= take;
            if (remaining > 0) return;
            if (collectingLongName !== undefined) {
              longName = Buffer.concat(collectingLongName).toString('utf8').replace(/\0.*$/s, '');
              collectingLongName = undefined;
            } else await closeOut();
            continue;
          }
          if (padding > 0) {
            const take = Math.min(padding, pending.length);
            pending = pending.subarray(take);
            padding -= take;
            if (padding > 0) return;
            continue;
          }
          if (pending.length < 512) return;
          const header = pending.subarray(0, 512);
          pending = pending.subarray(512);
          if (header.every((b) => b === 0)) {
            ended = true;
            continue;
          }
          const field = (start: number, len: number) => header.toString('utf8', start, start + len).replace(/\0.*$/s, '');
          const size = parseInt(field(124, 12).trim() || '0', 8);
          const type = field(156, 1);
          const prefix = field(345, 155);
          const name = longName ?? (prefix !== '' ? `${prefix}/${field(0, 100)}` : field(0, 100));
          if (type !== 'L') longName = undefined;
          remaining = size;
          padding = (512 - (size % 512)) % 512;
          if (type === 'L') {
            collectingLongName = [];
          } else if (type === '0' || type === '') {
            const target = pick(name);
            if (target !== undefined) {
              await mkdir(path.dirname(path.join(dir, target)), { recursive: true });
              out = createWriteStream(path.join(dir, target));
              written.push(target);
            }
          }
          if (remaining === 0 && out !== undefined) await closeOut();
        }
      })().then(() => done(), done);
    },
    final(done) {
      closeOut().then(() => done(), done);
    },
  });
  await pipeline(createReadStream(tarGzFile), createGunzip(), sink);
  return written;
}
