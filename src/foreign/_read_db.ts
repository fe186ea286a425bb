// Reading an open database as a session file of any library: mtsession's
// own first, else Telethon's or Pyrogram's. No file-system access: the
// file readers (_file.ts) and the bytes reader (../bytes.ts) share it.
// Private to the library.

import { SessionFileError } from "../errors.ts";
import type { SqliteDatabase } from "../sqlite/driver.ts";
import type { ForeignSession } from "./types.ts";
import { readOurFile } from "./_ours.ts";
import { detectForeign } from "./_detect.ts";
import { readSchema } from "./_schema.ts";
import { readForeign } from "./_read.ts";

function describeUnknown(db: SqliteDatabase): string {
  const tables = [...readSchema(db).tables.keys()].sort();
  if (tables.length === 0) return "an SQLite database with no tables";
  if (tables.some((t) => t.startsWith("mts_"))) return "an mtsession file";
  const shown = tables.slice(0, 5).join(", ");
  return `an SQLite database of another program (tables: ${shown}${
    tables.length > 5 ? ", …" : ""
  })`;
}

/**
 * Reads a copy of a session file as an mtsession file, else as a foreign
 * one. The copy may be changed (an older mtsession schema is upgraded in
 * it); the file it came from never is.
 *
 * @param db The open copy.
 * @param path The file's name, for errors.
 * @returns What the file holds.
 * @throws {SessionFileError} When it is no session file this library reads.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import { readDatabase } from "./_read_db.ts";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * db.exec("CREATE TABLE notes (v TEXT)");
 * await assert.rejects(readDatabase(db, "notes.db"), /another program/);
 * db.close();
 * ```
 */
export async function readDatabase(
  db: SqliteDatabase,
  path: string,
): Promise<ForeignSession> {
  const ours = await readOurFile(db, path);
  if (ours) return ours;
  if (detectForeign(db) === undefined) {
    throw new SessionFileError(
      path,
      describeUnknown(db),
      "it is not a Telethon or Pyrogram session file",
    );
  }
  return readForeign(db);
}
