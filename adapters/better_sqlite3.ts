/**
 * `better-sqlite3` adapter: the npm package, behind mtsession's driver
 * interface. It is the default on Node when installed; version 13 (a
 * Node-API addon with prebuilt binaries) also loads in Deno and Bun, where
 * it can be chosen with `driver: "better-sqlite3"`. It is not a dependency
 * of mtsession: install it yourself (`npm install better-sqlite3`).
 *
 * Integers come back as exact `bigint`s (`defaultSafeIntegers`), BLOBs as
 * plain `Uint8Array`s (not `Buffer`s).
 *
 * On Node ≥ 24.19, better-sqlite3 12 or older compiled from source can
 * abort the process when the garbage collector frees a statement
 * (`Assertion failed: (env) != nullptr`, nodejs/node#65446): use
 * better-sqlite3 13, whose Node-API build is not affected, or
 * `node:sqlite`.
 *
 * @example Open a file, write and read 64-bit values
 * ```ts ignore
 * import { openBetterSqlite3 } from "@mtsession/mtsession/better-sqlite3";
 * import assert from "node:assert/strict";
 *
 * const db = await openBetterSqlite3("my.session");
 * db.exec("CREATE TABLE IF NOT EXISTS peers (id INTEGER PRIMARY KEY, access_hash INTEGER)");
 * db.prepare("INSERT OR REPLACE INTO peers VALUES (?, ?)").run(5_000_000_000, -(2n ** 63n));
 * assert.deepEqual(db.prepare("SELECT access_hash FROM peers WHERE id = ?").get(5_000_000_000), {
 *   access_hash: -(2n ** 63n),
 * });
 * db.close();
 * ```
 *
 * @module
 */

export {
  type BetterSqlite3DatabaseLike,
  type BetterSqlite3Options,
  type BetterSqlite3StatementLike,
  fromBetterSqlite3,
  openBetterSqlite3,
} from "../src/sqlite/drivers/better_sqlite3.ts";
export type {
  SqliteDatabase,
  SqliteDriverName,
  SqliteOpenOptions,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "../src/sqlite/driver.ts";
export {
  SqliteDriverUnavailableError,
  type SqliteRuntime,
} from "../src/sqlite/errors.ts";
