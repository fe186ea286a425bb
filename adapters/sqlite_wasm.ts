/**
 * SQLite in WebAssembly (sql.js) adapter: mtsession's driver interface
 * over the sql.js module you load, for browsers and workers (and any other
 * runtime). sql.js is not a dependency of mtsession: install it yourself
 * (`npm install sql.js`), load it with `initSqlJs()`, and pass it to
 * {@linkcode fromSqlJs}.
 *
 * sql.js was picked over `@sqlite.org/sqlite-wasm` by measurement (both
 * bind and read ±2^63 exactly; sql.js is 40% smaller to download and as
 * fast for this work): see docs/browser.md for the figures.
 *
 * - Integers come back as exact `bigint`s, BLOBs as plain `Uint8Array`s.
 * - Databases live in memory: `fromSqlJs()` gives a set of in-memory files
 *   (`open(path)`, `readFile`, `writeFile`), or a private copy of a file's
 *   bytes (`load(bytes)`).
 * - {@linkcode readSessionBytes} reads a dropped Telethon, Pyrogram or
 *   mtsession file from its bytes (nothing is written back);
 *   {@linkcode writeSessionBytes} writes one and returns its bytes.
 *
 * @example Read a dropped session file in a page
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import { fromSqlJs, readSessionBytes } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const sqlite = fromSqlJs(await initSqlJs({ locateFile: (f) => `/assets/${f}` }));
 * const input = document.querySelector("input[type=file]") as HTMLInputElement;
 * const file = input.files![0]!;
 * const session = await readSessionBytes(new Uint8Array(await file.arrayBuffer()), sqlite, file.name);
 * console.log(session.kind.description, session.peers.length);
 * ```
 *
 * @module
 */

export {
  fromSqlJs,
  type SqlJsDatabaseLike,
  type SqlJsFiles,
  type SqlJsStatementLike,
  type SqlJsStaticLike,
} from "../src/sqlite/drivers/sql_js.ts";
export {
  readSessionBytes,
  type SessionBytesFormat,
  type SqliteBytes,
  writeSessionBytes,
  type WrittenSessionBytes,
} from "../src/bytes.ts";
export type {
  SqliteDatabase,
  SqliteOpenOptions,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "../src/sqlite/driver.ts";
