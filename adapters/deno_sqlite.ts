/**
 * `@db/sqlite` adapter: the Deno FFI SQLite module from JSR
 * (denodrivers/sqlite3), behind mtsession's driver interface. Deno only,
 * opt-in: mtsession does not depend on it. Pass the module you imported
 * (or a specifier) as `module`, and run Deno with
 * `--allow-ffi --allow-env --allow-read --allow-write`.
 *
 * Integers come back exactly (`int64`: `number` within 2^53, `bigint`
 * beyond), text stays text (`parseJson` off).
 *
 * @example Open a file, write and read 64-bit values
 * ```ts ignore
 * import * as sqlite from "jsr:@db/sqlite@0.13";
 * import { openDenoSqlite } from "@mtsession/mtsession/deno-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = await openDenoSqlite("my.session", { module: sqlite });
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
  type DenoSqliteDatabaseLike,
  type DenoSqliteModule,
  type DenoSqliteOptions,
  type DenoSqliteStatementLike,
  fromDenoSqlite,
  openDenoSqlite,
} from "../src/sqlite/drivers/deno_sqlite.ts";
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
