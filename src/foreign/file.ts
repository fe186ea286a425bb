/**
 * Session files on disk: reading one (Telethon, Pyrogram or mtsession)
 * without ever touching it, and writing a new Telethon or Pyrogram file
 * atomically.
 *
 * @module
 */

import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { placePrivateFile } from "../_private_file.ts";
import { SessionError, SessionFileError } from "../errors.ts";
import type { SqliteDatabase, SqliteDriverName } from "../sqlite/driver.ts";
import { openDefaultDatabase } from "../sqlite/pick_driver.ts";
import { corruptedFile, isCorrupt } from "../sqlite/file_check.ts";
import { checkSqliteFile } from "../sqlite/file_header.ts";
import { readOurFile } from "./ours.ts";
import { detectForeign } from "./detect.ts";
import { readSchema } from "./_schema.ts";
import { type ForeignSession, readForeign } from "./read.ts";
import { type ForeignData, writePyrogram, writeTelethon } from "./write.ts";

export type { ForeignSession } from "./read.ts";
export type { ForeignData } from "./write.ts";
export type { SqliteDriverName } from "../sqlite/driver.ts";

/**
 * Options of {@linkcode readSessionFile}.
 *
 * @example Usage
 * ```ts
 * import type { ReadSessionFileOptions } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * const options: ReadSessionFileOptions = { driver: "node:sqlite" };
 * assert.equal(options.driver, "node:sqlite");
 * ```
 */
export interface ReadSessionFileOptions {
  /** The SQLite driver to use instead of the runtime's default. */
  driver?: SqliteDriverName;
}

/**
 * Options of {@linkcode writeSessionFile}.
 *
 * @example Usage
 * ```ts
 * import type { WriteSessionFileOptions } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * const options: WriteSessionFileOptions = { force: true };
 * assert.equal(options.force, true);
 * ```
 */
export interface WriteSessionFileOptions {
  /** Replace the file if it exists. Defaults to `false`. */
  force?: boolean;
  /** The SQLite driver to use instead of the runtime's default. */
  driver?: SqliteDriverName;
}

/**
 * The foreign formats {@linkcode writeSessionFile} writes.
 *
 * @example Usage
 * ```ts
 * import type { ForeignFileFormat } from "./file.ts";
 * import assert from "node:assert/strict";
 *
 * const format: ForeignFileFormat = "telethon";
 * assert.equal(format, "telethon");
 * ```
 */
export type ForeignFileFormat = "telethon" | "pyrogram";

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
 * Reads a Telethon or Pyrogram session file without modifying it in any
 * way: the file, and its `-wal` or `-journal` if there is one, are copied
 * into a new temporary directory, the copy is opened (SQLite may recover
 * a WAL or roll back a hot journal there), detected and read, and the
 * directory is removed. Even a file another process has open is read as
 * its last commit left it.
 *
 * @param path The session file (used as given: no `.session` is added).
 * @param options The driver to use.
 * @returns What the file holds; see `readForeign` for how each format's
 * quirks are read.
 * @throws {SessionFileError} When the file does not exist, is empty, is not
 * SQLite, is truncated or corrupted, or is a database of another kind; the
 * file is never modified.
 *
 * @example Usage
 * ```ts ignore
 * import { readSessionFile } from "./file.ts";
 *
 * const session = await readSessionFile("anon.session");
 * console.log(session.kind.description, session.auth.dcId, session.notes);
 * ```
 */
export async function readSessionFile(
  path: string,
  options: ReadSessionFileOptions = {},
): Promise<ForeignSession> {
  checkSqliteFile(path);
  const dir = mkdtempSync(join(tmpdir(), "mtsession-read-"));
  try {
    const copy = join(dir, "session.db");
    copyFileSync(path, copy);
    for (const suffix of ["-wal", "-journal"]) {
      if (existsSync(path + suffix)) copyFileSync(path + suffix, copy + suffix);
    }
    let db: SqliteDatabase;
    try {
      db = await openDefaultDatabase(copy, {
        readonly: false,
        create: false,
        ...(options.driver === undefined ? {} : { driver: options.driver }),
      });
    } catch (e) {
      if (isCorrupt(e)) {
        throw corruptedFile(path, e);
      }
      throw e;
    }
    try {
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
    } catch (e) {
      if (e instanceof SessionError) throw e;
      if (isCorrupt(e)) {
        throw corruptedFile(path, e);
      }
      throw e;
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes a new Telethon (schema 7) or Pyrogram (schema 3) session file with
 * {@linkcode writeTelethon} or {@linkcode writePyrogram}: built under a
 * temporary name in the same directory, with mode 0600 and
 * `journal_mode = DELETE` (a plain file, as both libraries expect), then
 * moved into place, so `path` never holds half a session.
 *
 * @param path The file to create (used as given: no `.session` is added).
 * @param format `"telethon"` or `"pyrogram"`.
 * @param data What to write; a `ForeignSession` fits.
 * @param options `force` to replace an existing file; the driver to use.
 * @returns Notes on what the format could not hold.
 * @throws {SessionFileError} When the file exists and `force` is not set;
 * it is left as it was.
 * @throws {MissingFieldsError} When the format needs a field `data` lacks.
 *
 * @example Usage
 * ```ts ignore
 * import { readSessionFile, writeSessionFile } from "./file.ts";
 *
 * const session = await readSessionFile("pyrogram_account.session");
 * const notes = await writeSessionFile("telethon_account.session", "telethon", session);
 * for (const note of notes) console.log(note);
 * ```
 */
export async function writeSessionFile(
  path: string,
  format: ForeignFileFormat,
  data: ForeignData,
  options: WriteSessionFileOptions = {},
): Promise<string[]> {
  if (format !== "telethon" && format !== "pyrogram") {
    throw new TypeError(
      `Unknown session file format "${String(format)}": expected "telethon" ` +
        `or "pyrogram"`,
    );
  }
  const exists = (cause?: unknown): Error =>
    new SessionFileError(
      path,
      "an existing file",
      "pass { force: true } to replace it",
      cause === undefined ? undefined : { cause },
    );
  return await placePrivateFile(
    path,
    options.force === true,
    exists,
    async (tmp) => {
      writeFileSync(tmp, new Uint8Array(0), { mode: 0o600, flag: "wx" });
      const db = await openDefaultDatabase(tmp, {
        create: false,
        ...(options.driver === undefined ? {} : { driver: options.driver }),
      });
      try {
        db.exec("PRAGMA journal_mode = DELETE");
        return format === "telethon"
          ? writeTelethon(db, data)
          : writePyrogram(db, data);
      } finally {
        db.close();
      }
    },
  );
}
