/** 32-bit FNV-1a, the split hash of ../shared/EVAL.md. */
const encoder = new TextEncoder();

/** Hashes the UTF-8 bytes of `s` with 32-bit FNV-1a (offset 2166136261, prime 16777619); returns an unsigned integer. */
export function fnv1a32(s: string): number {
  let x = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80) return fnv1a32Bytes(encoder.encode(s));
    x = Math.imul(x ^ c, 16777619);
  }
  return x >>> 0;
}

/** Hashes raw bytes with 32-bit FNV-1a; `start` continues an earlier hash. */
export function fnv1a32Bytes(bytes: Uint8Array, start = 0x811c9dc5): number {
  let x = start | 0;
  for (let k = 0; k < bytes.length; k++) x = Math.imul(x ^ bytes[k]!, 16777619);
  return x >>> 0;
}
