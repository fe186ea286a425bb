/**
 * `node:sqlite` adapter: the SQLite built into Node ≥ 22.13 and Deno ≥ 2.2
 * (and Bun ≥ 1.4), behind mtsession's driver interface. It needs no
 * dependency and no native build. On Deno, files need
 * `--allow-read --allow-write`.
 *
 * Integers come back as exact `bigint`s, BLOBs as `Uint8Array`s, rows as
 * plain objects.
 *
 * @example Open a file, write and read 64-bit values
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 * import { mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const dir = mkdtempSync(join(tmpdir(), "mtsession-"));
 * const db = await openNodeSqlite(join(dir, "my.session"));
 * db.exec("CREATE TABLE peers (id INTEGER PRIMARY KEY, access_hash INTEGER)");
 * db.prepare("INSERT INTO peers VALUES (?, ?)").run(5_000_000_000, -(2n ** 63n));
 * assert.deepEqual(db.prepare("SELECT * FROM peers").all(), [
 *   { id: 5_000_000_000n, access_hash: -(2n ** 63n) },
 * ]);
 * db.close();
 * rmSync(dir, { recursive: true });
 * ```
 *
 * @module
 */

export {
  fromNodeSqlite,
  type NodeSqliteDatabaseLike,
  type NodeSqliteOptions,
  type NodeSqliteStatementLike,
  openNodeSqlite,
} from "../src/sqlite/drivers/node_sqlite.ts";
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
