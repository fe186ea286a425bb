/**
 * Session files as bytes, for places without files (a browser page, a
 * worker): read the bytes of a Telethon, Pyrogram or mtsession file, or
 * write one and get its bytes. What `readSessionFile` and
 * `writeSessionFile` do on disk, over an SQLite that opens bytes in memory
 * ({@linkcode SqliteBytes}, e.g. sql.js through `fromSqlJs`). No file
 * system, no runtime API: it runs wherever the SQLite given does.
 *
 * @module
 */

import { SessionError, SessionFileError } from "./errors.ts";
import type { ForeignData, ForeignSession } from "./foreign/types.ts";
import { readDatabase } from "./foreign/_read_db.ts";
import { fill } from "./foreign/_fill.ts";
import { isForeignFileFormat, writeForeign } from "./foreign/_write.ts";
import type { SqliteDatabase } from "./sqlite/driver.ts";
import { hasSqliteMagic } from "./sqlite/_header.ts";
import { corruptedFile, isCorrupt } from "./sqlite/_file_check.ts";
import { migrate } from "./sqlite/schema.ts";
import { SqliteStorage } from "./sqlite/sqlite_storage.ts";

/**
 * An SQLite that keeps databases in memory: what {@linkcode readSessionBytes}
 * and {@linkcode writeSessionBytes} need. `fromSqlJs()` (the
 * `sqlite-wasm` entry point) gives one.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import { fromSqlJs, type SqliteBytes } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const sqlite: SqliteBytes = fromSqlJs(await initSqlJs());
 * ```
 */
export interface SqliteBytes {
  /**
   * Opens a private copy of a database file's bytes (writable: writes stay
   * in the copy; the bytes given are never changed).
   */
  load(bytes: Uint8Array): SqliteDatabase | Promise<SqliteDatabase>;
  /** Opens (creating) an in-memory file by name. */
  open(path: string): SqliteDatabase | Promise<SqliteDatabase>;
  /** The bytes of an in-memory file once it is closed. */
  readFile(path: string): Uint8Array | undefined;
  /** Removes an in-memory file. */
  remove(path: string): void;
}

/**
 * The file formats {@linkcode writeSessionBytes} writes.
 *
 * @example Usage
 * ```ts
 * import type { SessionBytesFormat } from "@mtsession/mtsession/sqlite-wasm";
 * import assert from "node:assert/strict";
 *
 * const format: SessionBytesFormat = "telethon";
 * assert.equal(format, "telethon");
 * ```
 */
export type SessionBytesFormat =
  | "telethon"
  | "telethon2"
  | "pyrogram"
  | "mtsession";

/**
 * What {@linkcode writeSessionBytes} made.
 *
 * @example Usage
 * ```ts
 * import type { WrittenSessionBytes } from "@mtsession/mtsession/sqlite-wasm";
 * import assert from "node:assert/strict";
 *
 * const written: WrittenSessionBytes = { bytes: new Uint8Array(0), notes: [] };
 * assert.equal(written.notes.length, 0);
 * ```
 */
export interface WrittenSessionBytes {
  /** The new session file. */
  bytes: Uint8Array;
  /** What the format could not keep, one sentence each. */
  notes: string[];
}

/**
 * Reads the bytes of a session file — Telethon (1 and 2), Pyrogram (and
 * its forks) or mtsession — as `readSessionFile` reads a file. The bytes
 * are loaded into a private in-memory copy; they are never changed and
 * nothing is written back.
 *
 * @param bytes The file's bytes (e.g. from a dropped file's
 * `arrayBuffer()`).
 * @param sqlite The SQLite to read them with.
 * @param name The file's name, for errors (default `"the file"`).
 * @returns What the file holds.
 * @throws {SessionFileError} When the bytes are no SQLite database, a
 * damaged one, or no session file this library reads.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import { fromSqlJs, readSessionBytes } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const sqlite = fromSqlJs(await initSqlJs());
 * const file = (document.querySelector("input[type=file]") as HTMLInputElement).files![0]!;
 * const session = await readSessionBytes(new Uint8Array(await file.arrayBuffer()), sqlite, file.name);
 * console.log(session.kind.description, session.auth.dcId, session.peers.length);
 * ```
 */
export async function readSessionBytes(
  bytes: Uint8Array,
  sqlite: SqliteBytes,
  name = "the file",
): Promise<ForeignSession> {
  if (bytes.length === 0) {
    throw new SessionFileError(name, "empty", "choose a session file");
  }
  if (!hasSqliteMagic(bytes)) {
    throw new SessionFileError(
      name,
      "not an SQLite database",
      "choose a .session file",
    );
  }
  let db: SqliteDatabase;
  try {
    db = await sqlite.load(bytes);
  } catch (e) {
    throw corruptedFile(name, e);
  }
  try {
    return await readDatabase(db, name);
  } catch (e) {
    if (e instanceof SessionError) throw e;
    if (isCorrupt(e)) throw corruptedFile(name, e);
    throw e;
  } finally {
    db.close();
  }
}

let made = 0;

/**
 * Writes a new session file — Telethon, Telethon 2, Pyrogram or mtsession —
 * in memory and returns its bytes (e.g. for a download), as
 * `writeSessionFile` writes one on disk.
 *
 * @param format The file format.
 * @param data What to write.
 * @param sqlite The SQLite to write it with.
 * @returns The file's bytes and what the format could not keep.
 * @throws {TypeError} When the format is unknown.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import { fromSqlJs, readSessionBytes, writeSessionBytes } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const sqlite = fromSqlJs(await initSqlJs());
 * const read = await readSessionBytes(bytes, sqlite);
 * const { bytes: file, notes } = await writeSessionBytes("pyrogram", read, sqlite);
 * ```
 */
export async function writeSessionBytes(
  format: SessionBytesFormat,
  data: ForeignData,
  sqlite: SqliteBytes,
): Promise<WrittenSessionBytes> {
  if (format !== "mtsession" && !isForeignFileFormat(format)) {
    throw new TypeError(
      `Unknown session file format "${String(format)}": expected ` +
        `"telethon", "telethon2", "pyrogram" or "mtsession"`,
    );
  }
  const path = `mtsession-write-${++made}.session`;
  sqlite.remove(path);
  try {
    const db = await sqlite.open(path);
    let notes: string[] = [];
    if (format === "mtsession") {
      try {
        migrate(db, "file");
      } catch (e) {
        db.close();
        throw e;
      }
      const storage = new SqliteStorage(db, "default", {
        label: path,
        onClose: () => db.close(),
      });
      try {
        await fill(storage, data);
      } finally {
        await storage.close();
      }
    } else {
      try {
        db.exec("PRAGMA journal_mode = DELETE");
        notes = writeForeign(db, format, data);
      } finally {
        db.close();
      }
    }
    const bytes = sqlite.readFile(path);
    if (bytes === undefined) {
      throw new SessionError(`The SQLite given kept no file ${path}`);
    }
    return { bytes, notes };
  } finally {
    sqlite.remove(path);
  }
}
