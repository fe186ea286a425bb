// mtcute's DC record, shared by the mtcute session string (strings/mtcute.ts)
// and the mtcute storage binding (its `dc_main` key-value entry):
//   u8 version (1 or 2) | u8 id | u8 flags (1 ipv6, 2 media only, 4 test
//   mode, read from version 2 only) | TL string address | int32 LE port
// Written always as version 2. Private to the library; imports no storage.

import { ByteReader, ByteWriter } from "./_bytes.ts";
import { type DcOption, Unfit } from "./types.ts";

/**
 * Reads an mtcute DC record.
 *
 * Strict (session strings): version 2 only, no unknown flags, no trailing
 * bytes, a usable id, port and address. Lenient (storage entries, as mtcute
 * itself reads them): version 1 or 2, other flags and trailing bytes
 * ignored.
 *
 * @param blob The record.
 * @param strict Whether to refuse what a session string must not carry.
 * @returns The DC option.
 * @throws {Unfit} When the record is not one (a wrong version; when
 *   strict, any of the above).
 * @throws {Truncated} When the record ends early or its address is not
 *   UTF-8.
 */
export function readMtcuteDc(blob: Uint8Array, strict: boolean): DcOption {
  const r = new ByteReader(blob);
  const version = r.u8();
  if (version !== 2 && (strict || version !== 1)) {
    throw new Unfit(`has a DC blob of version ${version}`);
  }
  const id = r.u8();
  const flags = r.u8();
  if (strict && flags & ~7) throw new Unfit("has unknown DC flags");
  const address = r.tlString();
  const port = r.i32le();
  if (strict) {
    if (r.remaining !== 0) throw new Unfit("has trailing bytes in a DC blob");
    if (id === 0 || port <= 0 || port > 65535 || address === "") {
      throw new Unfit("has an invalid DC option");
    }
  }
  return {
    id,
    address,
    port,
    ipv6: (flags & 1) !== 0,
    mediaOnly: (flags & 2) !== 0,
    testMode: version === 2 && (flags & 4) !== 0,
  };
}

/**
 * Writes an mtcute DC record (version 2).
 *
 * @param dc The DC option.
 * @returns The record.
 */
export function writeMtcuteDc(dc: DcOption): Uint8Array {
  const flags = (dc.ipv6 ? 1 : 0) | (dc.mediaOnly ? 2 : 0) |
    (dc.testMode ? 4 : 0);
  return new ByteWriter().u8(2).u8(dc.id).u8(flags).tlString(dc.address)
    .i32le(dc.port).finish();
}
