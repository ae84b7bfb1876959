/** A minimal protocol-buffers encoder: just the wire types ONNX's ModelProto needs (varint, fixed32, bytes). */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;
const utf8 = new TextEncoder();

/**
 * Appends protobuf fields to a growable byte buffer. Integers are written as varints (int64 fields accept any safe
 * integer; negative values use the 10-byte two's-complement form, as protobuf requires).
 */
export class ProtobufWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  /** Bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** A varint field (int32, int64, enum, bool). */
  varintField(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** A length-delimited field holding raw bytes or an encoded sub-message. */
  bytesField(field: number, bytes: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.varint(bytes.length);
    this.raw(bytes);
    return this;
  }

  /** A UTF-8 string field. */
  stringField(field: number, value: string): this {
    return this.bytesField(field, utf8.encode(value));
  }

  /** A single float field (fixed32, little-endian IEEE 754). */
  floatField(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  /** A packed repeated varint field (repeated int64 / int32). */
  packedVarintField(field: number, values: readonly number[]): this {
    const inner = new ProtobufWriter();
    for (const v of values) inner.varint(v);
    return this.bytesField(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloatField(field: number, values: ArrayLike<number>): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    return this.bytesField(field, bytes);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`varint value ${value} is not a safe integer`);
    this.ensure(10);
    if (value < 0) {
      // Two's complement over 64 bits, 10 bytes.
      let v = BigInt.asUintN(64, BigInt(value));
      for (let i = 0; i < 10; i++) {
        const byte = Number(v & 0x7fn);
        v >>= 7n;
        this.buf[this.len++] = v === 0n ? byte : byte | 0x80;
        if (v === 0n) return;
      }
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
