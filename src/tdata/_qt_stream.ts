// The two QDataStream types (Qt 5.1 layout, big-endian) that tdata files
// are built from: QByteArray as a uint32 length and the bytes, QString as a
// uint32 length in bytes and UTF-16BE code units; the length 0xFFFFFFFF
// stands for a null value. Reads past the end throw `Truncated`.
// Private to the library.

import {
  type ByteReader,
  type ByteWriter,
  Truncated,
} from "../strings/_bytes.ts";

const NULL_LENGTH = 0xffffffff;

/**
 * Reads a QByteArray.
 *
 * @param r The reader.
 * @returns The bytes, or `null` for a null array.
 */
export function readQByteArray(r: ByteReader): Uint8Array | null {
  const length = r.u32be();
  return length === NULL_LENGTH ? null : r.bytes(length);
}

/**
 * Writes a QByteArray.
 *
 * @param w The writer.
 * @param bytes The bytes, or `null` for a null array.
 */
export function writeQByteArray(w: ByteWriter, bytes: Uint8Array | null): void {
  if (bytes === null) w.u32be(NULL_LENGTH);
  else w.u32be(bytes.length).bytes(bytes);
}

/**
 * Reads a QString.
 *
 * @param r The reader.
 * @returns The text, or `null` for a null string.
 * @throws {Truncated} Past the end, or for an odd byte length.
 */
export function readQString(r: ByteReader): string | null {
  const length = r.u32be();
  if (length === NULL_LENGTH) return null;
  if (length % 2 !== 0) throw new Truncated();
  const units = r.bytes(length);
  let out = "";
  for (let i = 0; i < length; i += 2) {
    out += String.fromCharCode((units[i]! << 8) | units[i + 1]!);
  }
  return out;
}

/**
 * Writes a QString.
 *
 * @param w The writer.
 * @param text The text (UTF-16 code units as JavaScript holds them).
 */
export function writeQString(w: ByteWriter, text: string): void {
  w.u32be(text.length * 2);
  for (let i = 0; i < text.length; i++) w.u16be(text.charCodeAt(i));
}
