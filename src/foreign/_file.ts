// Session files on disk: reading one (Telethon, Pyrogram or mtsession)
// without ever touching it, and writing a new Telethon or Pyrogram file
// atomically. Private: files.ts (re-exported by mod.ts) loads it on the
// first call.

import { writeFileSync } from "node:fs";
import { placePrivateFile } from "../_private_file.ts";
import { SessionError, SessionFileError } from "../errors.ts";
import type { SqliteDatabase, SqliteDriverName } from "../sqlite/driver.ts";
import { openDefaultDatabase } from "../sqlite/_pick_driver.ts";
import { corruptedFile, isCorrupt } from "../sqlite/_file_check.ts";
import { checkSqliteFile } from "../sqlite/_file_header.ts";
import type { ForeignData, ForeignSession } from "./types.ts";
import { privateCopy } from "./_read_copy.ts";
import { readDatabase } from "./_read_db.ts";
import {
  type ForeignFileFormat,
  isForeignFileFormat,
  writeForeign,
} from "./_write.ts";

/**
 * Options of {@linkcode readSessionFile}.
 *
 * @example Usage
 * ```ts
 * import type { ReadSessionFileOptions } from "./_file.ts";
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
 * import type { WriteSessionFileOptions } from "./_file.ts";
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
 * Reads a Telethon or Pyrogram session file without modifying it in any
 * way: the file, and its `-wal` or `-journal` if there is one, are copied
 * (mode 0600) beside it under a hidden temporary name — or, where its
 * directory is not writable, into a new private directory in the temp
 * directory — the copy is opened (SQLite may recover a WAL or roll back a
 * hot journal there), detected and read, and removed. Even a file another
 * process has open is read as its last commit left it. Copies a killed
 * read left behind are removed by a later read once stale (see
 * _temp_files.ts).
 *
 * @param path The session file (used as given: no `.session` is added).
 * @param options The driver to use.
 * @returns What the file holds; see `readForeign` for how each format's
 * quirks are read.
 * @throws {SessionFileError} When the file does not exist, is empty, is not
 * SQLite, is truncated or corrupted, is a database of another kind, or has
 * an unfit file beside it (a link, a log of another database); the file is
 * never modified.
 *
 * @example Usage
 * ```ts ignore
 * import { readSessionFile } from "./_file.ts";
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
  const copy = privateCopy(path);
  try {
    const db = await openCopy(path, copy.file, options);
    try {
      return await readDatabase(db, path);
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
    copy.remove();
  }
}

/** Opens the copy (SQLite may recover a WAL or a hot journal there). */
async function openCopy(
  path: string,
  copy: string,
  options: ReadSessionFileOptions,
): Promise<SqliteDatabase> {
  try {
    return await openDefaultDatabase(copy, {
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
}

/**
 * Writes a new Telethon (schema 7), Telethon 2 (schema 10) or Pyrogram
 * (schema 3) session file (through `writeForeign`): built under a
 * temporary name in the same directory, with mode 0600 and
 * `journal_mode = DELETE` (a plain file, as both libraries expect), then
 * moved into place, so `path` never holds half a session.
 *
 * @param path The file to create (used as given: no `.session` is added).
 * @param format `"telethon"`, `"telethon2"` or `"pyrogram"`.
 * @param data What to write; a `ForeignSession` fits.
 * @param options `force` to replace an existing file; the driver to use.
 * @returns Notes on what the format could not hold.
 * @throws {SessionFileError} When the file exists and `force` is not set;
 * it is left as it was.
 * @throws {MissingFieldsError} When the format needs a field `data` lacks.
 *
 * @example Usage
 * ```ts ignore
 * import { readSessionFile, writeSessionFile } from "./_file.ts";
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
  if (!isForeignFileFormat(format)) {
    throw new TypeError(
      `Unknown session file format "${String(format)}": expected ` +
        `"telethon", "telethon2" or "pyrogram"`,
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
        return writeForeign(db, format, data);
      } finally {
        db.close();
      }
    },
  );
}
