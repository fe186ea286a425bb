// Value conversions for columns of Telethon and Pyrogram files. Python's
// sqlite3 stores whatever it is given under SQLite's type affinity, so a
// column may hold INTEGER, REAL, TEXT or NULL whatever its declared type;
// drivers return INTEGER as bigint or as a safe number. Private to
// src/foreign/.

import type { SqlValue } from "../sqlite/driver.ts";
import { CHANNEL_ID_OFFSET } from "../peers/ids.ts";

export type { SqlValue } from "../sqlite/driver.ts";

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
 * A list as "a, b and c", at most `max` items then "and N more".
 *
 * @param items The items.
 * @param max How many to show.
 * @returns The phrase.
 */
export function listOf(items: readonly (string | number)[], max = 5): string {
  const shown = items.slice(0, max).map(String);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/**
 * "1 peer" / "2 peers".
 *
 * @param n The count.
 * @param word The singular noun.
 * @param plural The plural noun, if not `word + "s"`.
 * @returns The phrase.
 */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}
