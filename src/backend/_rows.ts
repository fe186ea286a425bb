// Row conversion the SQL backends share (SQLite, PostgreSQL): the auth
// state's columns, and values read back as what the record types hold.
// A driver may hand back a number, a bigint or text for an integer column
// (PostgreSQL's is text here, so that 64-bit values are exact). Private to
// the library.

import type { AuthState, PeerRecord, PeerType } from "../types.ts";

/** How a column of the auth state is stored. */
export type AuthColumnKind =
  | "int32"
  | "int64"
  | "real"
  | "text"
  | "bool"
  | "bytes";

/** One field of the auth state and its column. */
export interface AuthColumn {
  /** The field. */
  readonly field: keyof AuthState;
  /** The column in mtsession's schemas (SQLite and PostgreSQL alike). */
  readonly column: string;
  /** How it is stored. */
  readonly kind: AuthColumnKind;
}

/** Every auth field, in the schemas' column order. */
export const AUTH_COLUMNS: readonly AuthColumn[] = [
  { field: "dcId", column: "dc_id", kind: "int32" },
  { field: "serverAddress", column: "server_address", kind: "text" },
  { field: "port", column: "port", kind: "int32" },
  { field: "authKey", column: "auth_key", kind: "bytes" },
  { field: "testMode", column: "test_mode", kind: "bool" },
  { field: "apiId", column: "api_id", kind: "int64" },
  { field: "userId", column: "user_id", kind: "int64" },
  { field: "isBot", column: "is_bot", kind: "bool" },
  { field: "date", column: "date", kind: "real" },
  { field: "takeoutId", column: "takeout_id", kind: "int64" },
];

/** The auth columns a patch changes, in column order. */
export function patchedColumns(patch: Partial<AuthState>): AuthColumn[] {
  return AUTH_COLUMNS.filter((c) => c.field in patch);
}

/** A stored number (number, bigint or decimal text), or null. */
export function toNumber(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** A stored 64-bit integer as a bigint, exact, or null. */
export function toBigInt(v: unknown): bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v;
  return BigInt(typeof v === "number" ? v : String(v));
}

/** A stored flag (0/1, a boolean, or PostgreSQL's "t"/"true"), or null. */
export function toFlag(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v === "t" || v === "true";
  return Number(v) !== 0;
}

/** Stored text, or null. */
export function toText(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/**
 * The auth state from its stored values, by column name; `key` is the
 * auth key as bytes already (a backend decodes its own BLOB or hex). A key
 * that is not 256 bytes is no key.
 */
export function authOf(
  value: (column: string) => unknown,
  key: Uint8Array | null,
): AuthState {
  return {
    dcId: toNumber(value("dc_id")),
    serverAddress: toText(value("server_address")),
    port: toNumber(value("port")),
    authKey: key !== null && key.length === 256 ? key : null,
    testMode: toFlag(value("test_mode")),
    apiId: toNumber(value("api_id")),
    userId: toNumber(value("user_id")),
    isBot: toFlag(value("is_bot")),
    date: toNumber(value("date")),
    takeoutId: toBigInt(value("takeout_id")),
  };
}

/**
 * A peer record from its stored values; usernames already decoded, and
 * `raw` too (a backend decodes its own BLOB or hex). `min` is a stored
 * flag; a false or absent flag and absent bytes leave the fields out.
 */
export function peerOf(
  id: unknown,
  type: unknown,
  accessHash: unknown,
  usernames: readonly string[],
  phone: unknown,
  name: unknown,
  updatedAt: unknown,
  min?: unknown,
  raw?: Uint8Array | null,
): PeerRecord {
  const out: PeerRecord = {
    id: Number(id),
    type: String(type) as PeerType,
    accessHash: toBigInt(accessHash)!,
    usernames,
    phone: toText(phone),
    name: toText(name),
    updatedAt: Number(updatedAt),
  };
  if (toFlag(min) === true) out.min = true;
  if (raw !== undefined && raw !== null) out.raw = raw;
  return out;
}
