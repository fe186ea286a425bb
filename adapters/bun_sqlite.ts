/**
 * `bun:sqlite` adapter: Bun's built-in SQLite behind mtsession's driver
 * interface. Works in Bun only.
 *
 * Integers come back as exact `bigint`s (`safeIntegers`), BLOBs as
 * `Uint8Array`s, and `get()` without a row as `undefined` (Bun gives
 * `null`). Closing finalizes every statement, so no `-wal`/`-shm` file is
 * left behind.
 *
 * @example Open a file, write and read 64-bit values
 * ```ts ignore
 * import { openBunSqlite } from "@mtsession/mtsession/bun-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = await openBunSqlite("my.session");
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
  type BunSqliteDatabaseLike,
  type BunSqliteOptions,
  type BunSqliteStatementLike,
  fromBunSqlite,
  openBunSqlite,
} from "../src/sqlite/drivers/bun_sqlite.ts";
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
