// Byte reading and writing for the string codecs: big- and little-endian
// integers and TL-serialised bytes/strings. A read past the end throws
// `Truncated`, which the codecs turn into a typed error.

/** Thrown when a reader runs out of bytes. */
export class Truncated extends Error {
  constructor() {
    super("truncated");
  }
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** Sequential reader over bytes. */
export class ByteReader {
  #view: DataView;
  #bytes: Uint8Array;
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.#bytes.length - this.pos;
  }

  #take(n: number): number {
    if (n < 0 || this.pos + n > this.#bytes.length) throw new Truncated();
    const at = this.pos;
    this.pos += n;
    return at;
  }

  bytes(n: number): Uint8Array {
    const at = this.#take(n);
    return this.#bytes.slice(at, at + n);
  }
  u8(): number {
    return this.#view.getUint8(this.#take(1));
  }
  u16be(): number {
    return this.#view.getUint16(this.#take(2));
  }
  u32be(): number {
    return this.#view.getUint32(this.#take(4));
  }
  u32le(): number {
    return this.#view.getUint32(this.#take(4), true);
  }
  i32be(): number {
    return this.#view.getInt32(this.#take(4));
  }
  i32le(): number {
    return this.#view.getInt32(this.#take(4), true);
  }
  u64be(): bigint {
    return this.#view.getBigUint64(this.#take(8));
  }
  i64be(): bigint {
    return this.#view.getBigInt64(this.#take(8));
  }
  i64le(): bigint {
    return this.#view.getBigInt64(this.#take(8), true);
  }
  f64be(): number {
    return this.#view.getFloat64(this.#take(8));
  }

  /** TL bytes: 1-byte length (≤ 253) or 0xfe + 3-byte length, padded to 4. */
  tlBytes(): Uint8Array {
    const first = this.u8();
    let len: number;
    let header: number;
    if (first <= 253) {
      len = first;
      header = 1;
    } else if (first === 254) {
      len = this.u8() | (this.u8() << 8) | (this.u8() << 16);
      header = 4;
    } else {
      throw new Truncated();
    }
    const out = this.bytes(len);
    const pad = (4 - ((header + len) % 4)) % 4;
    const padding = this.bytes(pad);
    if (padding.some((b) => b !== 0)) throw new Truncated();
    return out;
  }

  /** TL string (UTF-8, must be valid). */
  tlString(): string {
    return decodeUtf8(this.tlBytes());
  }
}

/** Strict UTF-8 decoding; throws Truncated on invalid text. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    throw new Truncated();
  }
}

/** Growing byte writer. */
export class ByteWriter {
  #parts: number[] = [];

  get length(): number {
    return this.#parts.length;
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.#parts.push(x);
    return this;
  }
  u8(v: number): this {
    this.#parts.push(v & 0xff);
    return this;
  }
  #fixed(n: number, set: (v: DataView) => void): this {
    const buf = new Uint8Array(n);
    set(new DataView(buf.buffer));
    return this.bytes(buf);
  }
  u16be(v: number): this {
    return this.#fixed(2, (d) => d.setUint16(0, v));
  }
  u32be(v: number): this {
    return this.#fixed(4, (d) => d.setUint32(0, v));
  }
  u32le(v: number): this {
    return this.#fixed(4, (d) => d.setUint32(0, v, true));
  }
  i32be(v: number): this {
    return this.#fixed(4, (d) => d.setInt32(0, v));
  }
  i32le(v: number): this {
    return this.#fixed(4, (d) => d.setInt32(0, v, true));
  }
  u64be(v: bigint): this {
    return this.#fixed(8, (d) => d.setBigUint64(0, v));
  }
  i64be(v: bigint): this {
    return this.#fixed(8, (d) => d.setBigInt64(0, v));
  }
  i64le(v: bigint): this {
    return this.#fixed(8, (d) => d.setBigInt64(0, v, true));
  }
  f64be(v: number): this {
    return this.#fixed(8, (d) => d.setFloat64(0, v));
  }
  tlBytes(b: Uint8Array): this {
    let header: number;
    if (b.length <= 253) {
      this.u8(b.length);
      header = 1;
    } else {
      this.u8(254).u8(b.length & 0xff).u8((b.length >> 8) & 0xff).u8(
        (b.length >> 16) & 0xff,
      );
      header = 4;
    }
    this.bytes(b);
    const pad = (4 - ((header + b.length) % 4)) % 4;
    for (let i = 0; i < pad; i++) this.u8(0);
    return this;
  }
  tlString(s: string): this {
    return this.tlBytes(utf8.encode(s));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}

/** UTF-8 bytes of a string. */
export function encodeUtf8(s: string): Uint8Array {
  return utf8.encode(s);
}
