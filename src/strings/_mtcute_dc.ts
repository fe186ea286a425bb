// mtcute's DC record, shared by the mtcute session string (strings/mtcute.ts)
// and the mtcute storage binding (its `dc_main` key-value entry):
//   u8 version (1 or 2) | u8 id | u8 flags (1 ipv6, 2 media only, 4 test
//   mode, read from version 2 only) | TL string address | int32 LE port
// mtcute 0.7–0.17 wrote version 1 (no test-mode flag: the string's own
// flags said it), 0.19 onwards write version 2 and read both. Written here
// always as version 2. Also the TL dcOption object that mtcute string
// versions 1 and 2 held instead. Private to the library; imports no
// storage.

import { ByteReader, ByteWriter } from "./_bytes.ts";
import { type DcOption, Unfit } from "./types.ts";

/**
 * Reads an mtcute DC record.
 *
 * Strict (session strings): no flag the version does not know (version 1
 * knows ipv6 and media only), no trailing bytes, a usable id, port and
 * address. Lenient (storage entries, as mtcute itself reads them): other
 * flags and trailing bytes ignored. Both take versions 1 and 2.
 *
 * @param blob The record.
 * @param strict Whether to refuse what a session string must not carry.
 * @returns The DC option.
 * @throws {Unfit} When the record is not one (a version other than 1 or 2;
 *   when strict, any of the above).
 * @throws {Truncated} When the record ends early or its address is not
 *   UTF-8.
 */
export function readMtcuteDc(blob: Uint8Array, strict: boolean): DcOption {
  const r = new ByteReader(blob);
  const version = r.u8();
  if (version !== 1 && version !== 2) {
    throw new Unfit(`has a DC blob of version ${version}`);
  }
  const id = r.u8();
  const flags = r.u8();
  if (strict && flags & ~(version === 1 ? 3 : 7)) {
    throw new Unfit("has unknown DC flags");
  }
  const address = r.tlString();
  const port = r.i32le();
  if (strict && r.remaining !== 0) {
    throw new Unfit("has trailing bytes in a DC blob");
  }
  return dcOption(
    id,
    address,
    port,
    flags,
    version === 2 && (flags & 4) !== 0,
    strict,
  );
}

/** A DC option from its fields (bits 1 and 2 of both kinds of flags). */
function dcOption(
  id: number,
  address: string,
  port: number,
  flags: number,
  testMode: boolean,
  check: boolean,
): DcOption {
  if (check && (id <= 0 || port <= 0 || port > 65535 || address === "")) {
    throw new Unfit("has an invalid DC option");
  }
  return {
    id,
    address,
    port,
    ipv6: (flags & 1) !== 0,
    mediaOnly: (flags & 2) !== 0,
    testMode,
  };
}

const DC_OPTION = 0x18b7a10d;
// ipv6, media_only, tcpo_only, cdn, static, this_port_only, secret (1024).
const DC_OPTION_FLAGS = 0x43f;

/**
 * Reads a TL dcOption object (constructor 0x18b7a10d), strictly: no
 * unknown flag, a usable id, port and address; the MTProxy secret it may
 * carry is skipped.
 *
 * @param r The reader, at the object.
 * @param testMode Whether the DC is a test-server one (the object does not
 *   say).
 * @returns The DC option.
 * @throws {Unfit} When the object is not one, or not usable.
 * @throws {Truncated} When the bytes end early.
 */
export function readTlDcOption(r: ByteReader, testMode: boolean): DcOption {
  if (r.u32le() !== DC_OPTION) {
    throw new Unfit("has no dcOption where the DC belongs");
  }
  const flags = r.u32le();
  if (flags & ~DC_OPTION_FLAGS) throw new Unfit("has unknown dcOption flags");
  const id = r.i32le();
  const address = r.tlString();
  const port = r.i32le();
  if (flags & 1024) r.tlBytes();
  return dcOption(id, address, port, flags, testMode, true);
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
