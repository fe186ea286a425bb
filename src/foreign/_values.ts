// Value conversions for columns of Telethon and Pyrogram files. Python's
// sqlite3 stores whatever it is given under SQLite's type affinity, so a
// column may hold INTEGER, REAL, TEXT or NULL whatever its declared type;
// drivers return INTEGER as bigint or as a safe number. Private to
// src/foreign/.

import type { SqlRow, SqlValue } from "../sqlite/driver.ts";
import { CHANNEL_ID_OFFSET } from "../peers/ids.ts";
import type { UpdateState } from "../types.ts";

/**
 * A signed 64-bit integer, exact, or null for NULL and for values that are
 * not integers.
 *
 * @param v A column value.
 * @returns The integer as a bigint, or null.
 */
export function toBig(v: SqlValue | undefined): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d{1,19}$/.test(v.trim())) {
    const b = BigInt(v.trim());
    if (b >= -(2n ** 63n) && b < 2n ** 63n) return b;
  }
  return null;
}

/**
 * A safe integer, or null for NULL, non-integers and integers beyond 2^53.
 *
 * @param v A column value.
 * @returns The integer, or null.
 */
export function toInt(v: SqlValue | undefined): number | null {
  const b = toBig(v);
  if (b === null) return null;
  if (
    b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return null;
  }
  return Number(b);
}

/**
 * A number that may carry a fraction (dates stored as REAL), or null.
 *
 * @param v A column value.
 * @returns The number, or null.
 */
export function toReal(v: SqlValue | undefined): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  return toInt(v);
}

/**
 * Non-empty text, or null.
 *
 * @param v A column value.
 * @returns The text, or null.
 */
export function toText(v: SqlValue | undefined): string | null {
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "bigint" || typeof v === "number") return String(v);
  return null;
}

/**
 * A phone number as digits: Telethon's INTEGER column, Pyrogram's TEXT one.
 *
 * @param v A column value.
 * @returns The digits, or null when there are none.
 */
export function toPhone(v: SqlValue | undefined): string | null {
  let text: string | null = null;
  if (typeof v === "bigint") text = v.toString();
  else if (typeof v === "number" && Number.isInteger(v)) {
    text = BigInt(v).toString();
  } else if (typeof v === "string") text = v;
  if (text === null) return null;
  const digits = text.replace(/\D/g, "");
  return digits === "" ? null : digits;
}

/**
 * A BLOB as a fresh Uint8Array, or null.
 *
 * @param v A column value.
 * @returns A copy of the bytes, or null when the value is not a BLOB.
 */
export function toBytes(v: SqlValue | undefined): Uint8Array | null {
  return v instanceof Uint8Array ? new Uint8Array(v) : null;
}

/**
 * A boolean stored as 0/1 (NULL → null).
 *
 * @param v A column value.
 * @returns The flag, or null.
 */
export function toBool(v: SqlValue | undefined): boolean | null {
  const b = toBig(v);
  return b === null ? null : b !== 0n;
}

/** Which kind of peer a marked id stands for, from its range alone. */
export function idKind(id: number): "user" | "chat" | "channel" {
  if (id > 0) return "user";
  return id < -CHANNEL_ID_OFFSET ? "channel" : "chat";
}

/**
 * Recovers a channel id marked by string concatenation ("-100" + id), as
 * Telethon before 1.18 and Pyrogram 0.15 did. For ids of fewer than 10
 * digits that form lands in the basic-chat range: 123456789 became
 * -100123456789 instead of -1000123456789. Returns the bare channel id when
 * the magnitude of `id` is "100" followed by digits without a leading zero
 * (old Telethon's own `resolve_id` rule, `-100([^0]\d*)`), else undefined.
 *
 * @param id A marked id in the chat range.
 * @returns The bare channel id, or undefined.
 */
export function oldStyleChannelId(id: number): number | undefined {
  if (id >= 0 || id <= -CHANNEL_ID_OFFSET) return undefined;
  const m = /^100([1-9]\d*)$/.exec(String(-id));
  return m === null ? undefined : Number(m[1]);
}

/**
 * A whole number from 1 to `max`, or null.
 *
 * @param v A number read from a column.
 * @param max The largest allowed.
 * @returns The number, or null when it is out of range.
 */
export function positive(
  v: number | null,
  max: number = Number.MAX_SAFE_INTEGER,
): number | null {
  return v !== null && v >= 1 && v <= max ? v : null;
}

/**
 * A DC id (1 to 2^31 - 1), or null.
 *
 * @param v A column value.
 * @returns The DC id, or null.
 */
export function dcOf(v: SqlValue | undefined): number | null {
  return positive(toInt(v), 0x7fffffff);
}

/**
 * A TCP port (1 to 65535), or null.
 *
 * @param v A column value.
 * @returns The port, or null.
 */
export function portOf(v: SqlValue | undefined): number | null {
  return positive(toInt(v), 65535);
}

/**
 * An auth key: 256 bytes, or null for none. Telethon writes an empty blob
 * for "no key", Pyrogram NULL; a key of another length is noted and not
 * read.
 *
 * @param value A column value.
 * @param notes Where to say that a key was not read.
 * @returns The key, or null.
 */
export function authKeyOf(
  value: SqlValue | undefined,
  notes: string[],
): Uint8Array | null {
  const key = toBytes(value);
  if (key === null || key.length === 0) return null;
  if (key.length !== 256) {
    notes.push(
      `The auth key is ${key.length} bytes instead of 256, so it was not ` +
        `read; the client will have to log in again`,
    );
    return null;
  }
  return key;
}

/**
 * Usernames without `@`, lowercased, blanks and repeats dropped.
 *
 * @param names Usernames as stored, null for none.
 * @returns The usernames, in the order given.
 */
export function usernameList(...names: (string | null)[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (n === null) continue;
    const u = n.trim().replace(/^@/, "").toLowerCase();
    if (u !== "" && !out.includes(u)) out.push(u);
  }
  return out;
}

/**
 * An update state from a row with `pts, qts, date, seq` (a missing or
 * unreadable number reads as 0; dates keep their fraction).
 *
 * @param entityId 0, or a channel's marked id.
 * @param row The row.
 * @returns The update state.
 */
export function stateOf(entityId: number, row: SqlRow): UpdateState {
  return {
    entityId,
    pts: toInt(row.pts) ?? 0,
    qts: toInt(row.qts) ?? 0,
    date: toReal(row.date) ?? 0,
    seq: toInt(row.seq) ?? 0,
  };
}
