// Writing Telethon and Pyrogram session files: a thin dispatch on the
// requested format to the library's writer (telethon/_write_v1.ts,
// telethon/_write_v2.ts, pyrogram/_write.ts). Private to src/foreign/.

import type { SqliteDatabase } from "../sqlite/driver.ts";
import type { ForeignData } from "./types.ts";
import { writePyrogram } from "./pyrogram/_write.ts";
import { writeTelethon } from "./telethon/_write_v1.ts";
import { writeTelethon2 } from "./telethon/_write_v2.ts";

/** The foreign formats written. */
export type ForeignFileFormat = "telethon" | "telethon2" | "pyrogram";

const WRITERS: Readonly<
  Record<ForeignFileFormat, (db: SqliteDatabase, data: ForeignData) => string[]>
> = {
  telethon: writeTelethon,
  telethon2: writeTelethon2,
  pyrogram: writePyrogram,
};

/**
 * Whether `format` is one {@linkcode writeForeign} writes.
 *
 * @param format Anything.
 * @returns Whether it names a writer.
 */
export function isForeignFileFormat(
  format: unknown,
): format is ForeignFileFormat {
  return format === "telethon" || format === "telethon2" ||
    format === "pyrogram";
}

/**
 * Writes a session into an empty database in a foreign format.
 *
 * @param db An open, empty database.
 * @param format The format.
 * @param data What to write.
 * @returns Notes on what the format could not hold.
 */
export function writeForeign(
  db: SqliteDatabase,
  format: ForeignFileFormat,
  data: ForeignData,
): string[] {
  return WRITERS[format](db, data);
}
