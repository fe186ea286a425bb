// mtcute's own value formats in its key-value area and peer cache: int32
// update-state values, the `current_user` record, and the `"low|high"`
// access-hash strings. (The `dc_main` record is shared with the session
// string: strings/_mtcute_dc.ts.) Private to the library.

import { ByteReader, ByteWriter } from "../../strings/_bytes.ts";

/** mtcute's `current_user` entry. */
export interface CurrentUser {
  readonly userId: number;
  readonly isBot: boolean;
  readonly isPremium: boolean;
  readonly usernames: readonly string[];
}

/** A 4-byte little-endian int32 (or uint32) value. */
export function int32le(value: number, unsigned: boolean): Uint8Array {
  const out = new Uint8Array(4);
  const view = new DataView(out.buffer);
  if (unsigned) view.setUint32(0, value >>> 0, true);
  else view.setInt32(0, value | 0, true);
  return out;
}

/** The int32 (or uint32) in the first 4 bytes, or null when shorter. */
export function readInt32le(
  bytes: Uint8Array,
  unsigned: boolean,
): number | null {
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return unsigned ? view.getUint32(0, true) : view.getInt32(0, true);
}

/** mtcute's `current_user` record, or null when empty or unreadable. */
export function readCurrentUser(bytes: Uint8Array): CurrentUser | null {
  if (bytes.length === 0) return null;
  try {
    const r = new ByteReader(bytes);
    if (r.i32le() !== 1) return null;
    const flags = r.i32le();
    const userId = Number(r.i64le());
    const usernames: string[] = [];
    if (flags & 2) {
      const count = r.i32le();
      for (let i = 0; i < count; i++) usernames.push(r.tlString());
    }
    return {
      userId,
      isBot: (flags & 1) !== 0,
      isPremium: (flags & 4) !== 0,
      usernames,
    };
  } catch {
    return null;
  }
}

/** Writes mtcute's `current_user` record (version 1). */
export function writeCurrentUser(user: CurrentUser): Uint8Array {
  const flags = (user.isBot ? 1 : 0) | (user.usernames.length > 0 ? 2 : 0) |
    (user.isPremium ? 4 : 0);
  const w = new ByteWriter().i32le(1).i32le(flags).i64le(BigInt(user.userId));
  if (user.usernames.length > 0) {
    w.i32le(user.usernames.length);
    for (const u of user.usernames) w.tlString(u);
  }
  return w.finish();
}

/** A signed 64-bit value as mtcute's `"low|high"` fast string. */
export function toFastString(value: bigint): string {
  const low = Number(BigInt.asIntN(32, value));
  const high = Number(BigInt.asIntN(32, value >> 32n));
  return `${low}|${high}`;
}

/** mtcute's `"low|high"` fast string as a signed 64-bit value. */
export function fromFastString(text: string): bigint {
  if (text === "") return 0n;
  const m = /^(-?\d+)\|(-?\d+)$/.exec(text);
  if (!m) throw new TypeError("Expected an mtcute access hash (low|high)");
  const low = BigInt(Number(m[1]) >>> 0);
  const high = BigInt(Number(m[2]) | 0);
  return BigInt.asIntN(64, (high << 32n) | low);
}
