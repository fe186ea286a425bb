/**
 * Recognising Telethon and Pyrogram session files by their tables and
 * columns. The number in their `version` table is not an identity: the
 * Pyrogram forks reuse the same numbers for different layouts (Kurigram's
 * schema 4 drops `peers.username`, pyrofork's keeps it), and PyroTGFork's
 * `AioSQLiteStorage` adds 4 to it on every open. So the layout decides; the
 * number only separates layouts that are identical (Telethon 5 and 6,
 * Pyrogram 1 and 2).
 *
 * @module
 */

import type { SqliteDatabase } from "../sqlite/driver.ts";
import {
  hasColumn,
  hasColumns,
  readSchema,
  type SchemaInfo,
  storedVersion,
} from "./_schema.ts";

export type {
  SqliteDatabase,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "../sqlite/driver.ts";

/**
 * The Python library whose session file this is.
 *
 * @example Usage
 * ```ts
 * import type { ForeignLibrary } from "./detect.ts";
 * import assert from "node:assert/strict";
 *
 * const library: ForeignLibrary = "pyrogram";
 * assert.equal(library, "pyrogram");
 * ```
 */
export type ForeignLibrary = "telethon" | "pyrogram" | "mtsession";

/**
 * Which line of the library wrote the file:
 *
 * - `telethon`: Telethon v1, SQLite schemas 1–7.
 * - `telethon2`: the Telethon 2 rewrite, schema 10.
 * - `pyrogram`: upstream Pyrogram, schemas 1–3.
 * - `kurigram`: Kurigram and PyroTGFork, schemas 4–7 (usernames in their
 *   own `usernames(id, username)` table).
 * - `pyrofork`: pyrofork's own schema 4 (`peers.username` kept, extra
 *   usernames in `usernames(id = the username, peer_id)`).
 *
 * @example Usage
 * ```ts
 * import type { ForeignFlavor } from "./detect.ts";
 * import assert from "node:assert/strict";
 *
 * const flavor: ForeignFlavor = "kurigram";
 * assert.equal(flavor, "kurigram");
 * ```
 */
export type ForeignFlavor =
  | "telethon"
  | "telethon2"
  | "pyrogram"
  | "kurigram"
  | "pyrofork"
  | "mtsession";

/**
 * What a foreign session file is.
 *
 * @example Usage
 * ```ts
 * import type { ForeignKind } from "./detect.ts";
 * import assert from "node:assert/strict";
 *
 * const kind: ForeignKind = {
 *   library: "telethon",
 *   flavor: "telethon",
 *   schema: 7,
 *   storedVersion: 7,
 *   description: "a Telethon session file (schema 7)",
 * };
 * assert.equal(kind.schema, 7);
 * ```
 */
export interface ForeignKind {
  /** The library. */
  readonly library: ForeignLibrary;
  /** The line of the library (fork) that wrote it. */
  readonly flavor: ForeignFlavor;
  /**
   * The schema, as the writer numbers it, told from the tables and columns;
   * `null` when the layout fits more than one number and the `version`
   * table does not settle it.
   */
  readonly schema: number | null;
  /**
   * The number in the file's `version` table, which may disagree with
   * `schema` (PyroTGFork's drift), or `null` when there is none.
   */
  readonly storedVersion: number | null;
  /**
   * A phrase for messages, e.g. "a Telethon session file (schema 7)".
   */
  readonly description: string;
}

/**
 * Tells which Telethon or Pyrogram session layout a database has, by
 * introspecting its tables and columns. Reads only.
 *
 * @param db An open database.
 * @returns What it is, or `undefined` for any other database.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import { detectForeign } from "./detect.ts";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * db.exec(`
 *   CREATE TABLE version (version integer primary key);
 *   CREATE TABLE sessions (dc_id integer primary key, server_address text,
 *     port integer, auth_key blob, takeout_id integer);
 *   CREATE TABLE entities (id integer primary key, hash integer not null,
 *     username text, phone integer, name text, date integer);
 *   CREATE TABLE sent_files (md5_digest blob, file_size integer, type integer,
 *     id integer, hash integer, primary key(md5_digest, file_size, type));
 *   CREATE TABLE update_state (id integer primary key, pts integer,
 *     qts integer, date integer, seq integer);
 *   INSERT INTO version VALUES (7);
 * `);
 * assert.equal(detectForeign(db)?.description, "a Telethon session file (schema 7)");
 * db.close();
 * ```
 */
export function detectForeign(db: SqliteDatabase): ForeignKind | undefined {
  return classify(db, readSchema(db));
}

function kind(
  library: ForeignLibrary,
  flavor: ForeignFlavor,
  schema: number | null,
  stored: number | null,
): ForeignKind {
  const name = {
    telethon: "a Telethon session file",
    telethon2: "a Telethon 2 session file",
    pyrogram: "a Pyrogram session file",
    kurigram: "a Kurigram or PyroTGFork session file",
    pyrofork: "a pyrofork session file",
    mtsession: "an mtsession file",
  }[flavor];
  const which = schema === null
    ? `unknown schema${stored === null ? "" : `, version row ${stored}`}`
    : `schema ${schema}`;
  return {
    library,
    flavor,
    schema,
    storedVersion: stored,
    description: `${name} (${which})`,
  };
}

function classify(
  db: SqliteDatabase,
  s: SchemaInfo,
): ForeignKind | undefined {
  // Telethon v1: version(version), sessions, entities.
  if (
    hasColumn(s, "version", "version") &&
    hasColumns(s, "sessions", [
      "dc_id",
      "server_address",
      "port",
      "auth_key",
    ]) &&
    hasColumns(s, "entities", ["id", "hash", "username", "phone", "name"])
  ) {
    const stored = storedVersion(db, "version");
    let schema: number | null;
    if (hasColumn(s, "entities", "date")) schema = 7;
    else if (hasColumn(s, "sessions", "takeout_id")) {
      // 6 only emptied `entities`: the layouts of 5 and 6 are the same.
      schema = stored === 5 || stored === 6 ? stored : null;
    } else if (s.tables.has("update_state")) schema = 4;
    else if (hasColumn(s, "sent_files", "type")) schema = 3;
    else if (hasColumn(s, "sent_files", "file_id")) schema = 2;
    else if (!s.tables.has("sent_files")) schema = 1;
    else schema = null;
    return kind("telethon", "telethon", schema, stored);
  }
  // Telethon 2: version(version), datacenter; every v1 table dropped.
  if (
    hasColumn(s, "version", "version") &&
    hasColumns(s, "datacenter", ["id", "ipv4_addr", "ipv6_addr", "auth"])
  ) {
    return kind("telethon", "telethon2", 10, storedVersion(db, "version"));
  }
  // Pyrogram and its forks: version(number), sessions, peers.
  if (
    hasColumn(s, "version", "number") &&
    hasColumns(s, "sessions", [
      "dc_id",
      "test_mode",
      "auth_key",
      "user_id",
      "is_bot",
    ]) &&
    hasColumns(s, "peers", ["id", "access_hash", "type"])
  ) {
    const stored = storedVersion(db, "number");
    const usernames = s.tables.get("usernames");
    const peerUsername = hasColumn(s, "peers", "username");
    const updateState = s.tables.has("update_state");
    if (usernames?.includes("peer_id")) {
      return kind("pyrogram", "pyrofork", updateState ? 4 : null, stored);
    }
    if (usernames?.includes("id") && usernames.includes("username")) {
      // peers.username may still be there in files migrated from 3.
      let schema = 4;
      if (hasColumn(s, "sessions", "server_address")) schema = 7;
      else if (s.indexes.has("idx_usernames_id")) schema = 6;
      else if (updateState) schema = 5;
      return kind("pyrogram", "kurigram", schema, stored);
    }
    if (usernames === undefined && peerUsername) {
      if (updateState) return kind("pyrogram", "pyrofork", 4, stored);
      if (hasColumn(s, "sessions", "api_id")) {
        return kind("pyrogram", "pyrogram", 3, stored);
      }
      // 2 only emptied `peers`: the layouts of 1 and 2 are the same.
      return kind(
        "pyrogram",
        "pyrogram",
        stored === 1 || stored === 2 ? stored : null,
        stored,
      );
    }
  }
  return undefined;
}
