/**
 * The binary model file: magic, format version, a JSON header naming each typed array, 8-byte-aligned array
 * payloads, and a SHA-256 of everything before it. A truncated, altered or foreign file fails to decode with
 * ModelFileCorruptError; it is never read as garbage.
 *
 *   0  "EWMODEL\n"          8 bytes
 *   8  format version       u32 LE (1)
 *   12 header length H      u32 LE
 *   16 header JSON          H bytes, then zero padding to a multiple of 8
 *   P  arrays               each at header.arrays[n].offset (relative to P), 8-aligned
 *   .. SHA-256              32 bytes over bytes [0, size - 32)
 */
import { createHash } from 'node:crypto';
import { ModelFileCorruptError } from './errors.ts';
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';

const MAGIC = Buffer.from('EWMODEL\n', 'ascii');
/** Version of the file layout (not of the model). */
const MODEL_FILE_FORMAT = 1;
const DIGEST = 32;

type DType = 'f32' | 'f64' | 'i32';

interface ArrayEntry {
  name: string;
  dtype: DType;
  length: number;
  offset: number;
}

function dtypeOf(a: SnapshotArray): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  return 'i32';
}

const align8 = (n: number) => (n + 7) & ~7;

/** Encodes a snapshot; returns the bytes and their SHA-256 (hex, the trailing digest). */
export function encodeModelFile(snapshot: ModelSnapshot): { bytes: Buffer; checksum: string } {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(snapshot.arrays)) {
    entries.push({ name, dtype: dtypeOf(a), length: a.length, offset });
    offset = align8(offset + a.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ kind: snapshot.kind, params: snapshot.params, arrays: entries }), 'utf8');
  const payloadStart = align8(16 + header.length);
  const total = payloadStart + offset + DIGEST;
  const out = Buffer.alloc(total);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(MODEL_FILE_FORMAT, 8);
  out.writeUInt32LE(header.length, 12);
  header.copy(out, 16);
  entries.forEach((e) => {
    const a = snapshot.arrays[e.name]!;
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, payloadStart + e.offset);
  });
  const digest = createHash('sha256').update(out.subarray(0, total - DIGEST)).digest();
  digest.copy(out, total - DIGEST);
  return { bytes: out, checksum: digest.toString('hex') };
}

/** Decodes and verifies a model file; `path` only names the file in errors. */
export function decodeModelFile(bytes: Uint8Array, path: string): { snapshot: ModelSnapshot; checksum: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (reason: string, cause?: unknown) => new ModelFileCorruptError(path, reason, cause === undefined ? undefined : { cause });
  if (buf.length < 16 + DIGEST) throw corrupt(`only ${buf.length} bytes (truncated)`);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw corrupt('not an Earworm model file (bad magic)');
  const format = buf.readUInt32LE(8);
  if (format !== MODEL_FILE_FORMAT) throw corrupt(`unsupported file format ${format}`);
  const digest = createHash('sha256').update(buf.subarray(0, buf.length - DIGEST)).digest();
  if (!digest.equals(buf.subarray(buf.length - DIGEST))) throw corrupt('checksum mismatch (truncated or altered)');
  const headerLength = buf.readUInt32LE(12);
  if (16 + headerLength > buf.length - DIGEST) throw corrupt('header runs past the end');
  let header: { kind?: unknown; params?: unknown; arrays?: unknown };
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + headerLength)) as typeof header;
  } catch (err) {
    throw corrupt('header is not JSON', err);
  }
  if (typeof header.kind !== 'string' || header.params === null || typeof header.params !== 'object' || !Array.isArray(header.arrays)) {
    throw corrupt('header lacks kind, params or arrays');
  }
  const payloadStart = align8(16 + headerLength);
  const payloadEnd = buf.length - DIGEST;
  const arrays: Record<string, SnapshotArray> = {};
  for (const raw of header.arrays as unknown[]) {
    const e = raw as Partial<ArrayEntry>;
    if (typeof e.name !== 'string' || !Number.isInteger(e.length) || !Number.isInteger(e.offset) || e.length! < 0 || e.offset! < 0) {
      throw corrupt('bad array entry in header');
    }
    const width = e.dtype === 'f64' ? 8 : e.dtype === 'f32' || e.dtype === 'i32' ? 4 : 0;
    if (width === 0) throw corrupt(`array ${e.name} has unknown dtype`);
    const start = payloadStart + e.offset!;
    const end = start + e.length! * width;
    if (end > payloadEnd) throw corrupt(`array ${e.name} runs past the end`);
    // Copy into a fresh, aligned buffer so that the arrays never alias the file buffer.
    const copy = new ArrayBuffer(end - start);
    new Uint8Array(copy).set(buf.subarray(start, end));
    arrays[e.name] = e.dtype === 'f64' ? new Float64Array(copy) : e.dtype === 'f32' ? new Float32Array(copy) : new Int32Array(copy);
  }
  return { snapshot: { kind: header.kind, params: header.params as ModelSnapshot['params'], arrays }, checksum: digest.toString('hex') };
}
