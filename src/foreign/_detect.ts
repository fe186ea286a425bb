// Recognising Telethon and Pyrogram session files by their tables and
// columns: each library's detector (telethon/_detect.ts,
// pyrogram/_detect.ts) is asked in turn, and the first that knows the file
// names it. Private to src/foreign/.

import type { SqliteDatabase } from "../sqlite/driver.ts";
import type { ForeignKind, ForeignLibrary } from "./types.ts";
import type { Detected, FileFlavor } from "./_detected.ts";
import { readSchema, type SchemaInfo } from "./_schema.ts";
import { detectPyrogram } from "./pyrogram/_detect.ts";
import { detectTelethon } from "./telethon/_detect.ts";

/** A foreign file's kind, whose flavour is never mtsession's. */
export type FileKind = ForeignKind & { readonly flavor: FileFlavor };

/** Each flavour's library and the phrase that names its files. */
const FLAVORS: Readonly<
  Record<FileFlavor, { library: ForeignLibrary; name: string }>
> = {
  telethon: { library: "telethon", name: "a Telethon session file" },
  telethon2: { library: "telethon", name: "a Telethon 2 session file" },
  pyrogram: { library: "pyrogram", name: "a Pyrogram session file" },
  kurigram: {
    library: "pyrogram",
    name: "a Kurigram or PyroTGFork session file",
  },
  pyrofork: { library: "pyrogram", name: "a pyrofork session file" },
};

/** The detectors, in the order they are asked. */
const DETECTORS: readonly ((
  db: SqliteDatabase,
  s: SchemaInfo,
) => Detected | undefined)[] = [detectTelethon, detectPyrogram];

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
 * import { detectForeign } from "./_detect.ts";
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
export function detectForeign(db: SqliteDatabase): FileKind | undefined {
  const schema = readSchema(db);
  for (const detect of DETECTORS) {
    const found = detect(db, schema);
    if (found !== undefined) return kindOf(found);
  }
  return undefined;
}

function kindOf({ flavor, schema, stored }: Detected): FileKind {
  const which = schema === null
    ? `unknown schema${stored === null ? "" : `, version row ${stored}`}`
    : `schema ${schema}`;
  return {
    library: FLAVORS[flavor].library,
    flavor,
    schema,
    storedVersion: stored,
    description: `${FLAVORS[flavor].name} (${which})`,
  };
}
