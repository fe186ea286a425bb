// The TDF container every tdata file is wrapped in
// (storage/details/storage_file_utilities.cpp, FileWriteDescriptor and
// ReadFile):
//
//   "TDF$" | int32 LE version | payload | MD5(payload | int32 LE payload
//   length | int32 LE version | "TDF$")
//
// The version is the AppVersion of the writer (major * 1e6 + minor * 1e3 +
// patch). Private to the library.

import { md5 } from "./_md5.ts";

const MAGIC = new Uint8Array([0x54, 0x44, 0x46, 0x24]); // "TDF$"

/**
 * The version written into new files: 6.0.0. Telegram Desktop skips a file
 * whose version is above its own AppVersion (ReadFile), so every 6.x release
 * reads it, and releases before 6.0, which this layout was not checked
 * against, refuse it rather than misread it.
 */
export const WRITE_VERSION = 6_000_000;

/** The Telegram Desktop release whose source the format was read from. */
export const CHECKED_VERSION = 6_001_002;

/**
 * Versions above this (a major version of 100 or more) no Telegram Desktop
 * has written; a file stating one is treated as damaged. Any lower version
 * is read: newer releases than the one checked keep reading older files the
 * same way, so their own files are very likely still in this layout.
 */
export const MAX_VERSION = 99_999_999;

/** A TDF file taken apart. */
export type TdfContent =
  | { readonly version: number; readonly payload: Uint8Array }
  | { readonly problem: string };

function checksum(payload: Uint8Array, version: number): Uint8Array {
  const input = new Uint8Array(payload.length + 12);
  input.set(payload, 0);
  const view = new DataView(input.buffer);
  view.setInt32(payload.length, payload.length, true);
  view.setInt32(payload.length + 4, version, true);
  input.set(MAGIC, payload.length + 8);
  return md5(input);
}

/**
 * Takes a TDF file apart and checks its MD5.
 *
 * @param file The whole file.
 * @returns The version and payload, or what is wrong (in words).
 */
export function parseTdf(file: Uint8Array): TdfContent {
  if (file.length < 8) return { problem: "too short for a TDF$ header" };
  if (MAGIC.some((b, i) => file[i] !== b)) {
    return { problem: 'not a Telegram Desktop data file (no "TDF$" header)' };
  }
  const version = new DataView(file.buffer, file.byteOffset + 4, 4)
    .getInt32(0, true);
  if (file.length < 8 + 16) {
    return { problem: "truncated (shorter than its MD5 checksum)" };
  }
  const payload = file.subarray(8, file.length - 16);
  const stored = file.subarray(file.length - 16);
  if (checksum(payload, version).some((b, i) => b !== stored[i])) {
    return {
      problem: "damaged or truncated (its MD5 checksum does not match)",
    };
  }
  if (version > MAX_VERSION) {
    return {
      problem: `stamped with version ${version}, newer than any Telegram ` +
        `Desktop (${formatVersion(version)})`,
    };
  }
  return { version, payload: payload.slice() };
}

/**
 * Wraps a payload into a TDF file.
 *
 * @param payload The payload.
 * @param version The writer's version.
 * @returns The whole file.
 */
export function buildTdf(payload: Uint8Array, version: number): Uint8Array {
  const out = new Uint8Array(8 + payload.length + 16);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setInt32(4, version, true);
  out.set(payload, 8);
  out.set(checksum(payload, version), 8 + payload.length);
  return out;
}

/**
 * A version number as Telegram Desktop prints it (major.minor.patch).
 *
 * @param version The number.
 * @returns E.g. `"6.1.2"`.
 */
export function formatVersion(version: number): string {
  const v = Math.abs(version);
  return `${version < 0 ? "-" : ""}${Math.floor(v / 1_000_000)}.${
    Math.floor(v / 1000) % 1000
  }.${v % 1000}`;
}
