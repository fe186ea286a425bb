/**
 * The structural interface every SQLite driver wrapper implements. It
 * imports nothing at run time and names no driver type, so storage code
 * written against it runs on `bun:sqlite`, `node:sqlite`, `better-sqlite3`
 * and `@db/sqlite` alike.
 *
 * The contract, which `tests/_driver_conformance.ts` checks for each
 * wrapper:
 *
 * - Parameters are positional (`?`) and spread: `stmt.get(a, b)`, never
 *   `stmt.get([a, b])`. Named and numbered (`?1`) parameters are not part
 *   of the contract.
 * - INTEGER values never lose precision: they come back as `bigint`, or as
 *   a `number` only when the number is exact (`Number.isSafeInteger`).
 *   Which one a wrapper returns may differ between drivers, so convert with
 *   `BigInt(v)` or a checked `Number(v)`.
 * - BLOB values come back as plain `Uint8Array`s (never a Node `Buffer`).
 * - Rows are plain objects with `Object.prototype` as their prototype.
 * - `get()` returns `undefined` (never `null`) when there is no row.
 * - Booleans are never bound (drivers disagree about them): bind 0 or 1.
 * - Statements from `prepare()` may be cached and reused by the caller
 *   until the database is closed.
 * - `close()` may be called more than once, and it leaves no `-wal` or
 *   `-shm` file behind when it is the last connection.
 *
 * @module
 */

/**
 * A value SQLite can bind or return. Booleans are not included: bind 0 or 1.
 *
 * @example Usage
 * ```ts
 * import type { SqlValue } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const params: SqlValue[] = [null, 1, 2n ** 63n - 1n, "text", new Uint8Array([0, 1])];
 * assert.equal(params.length, 5);
 * ```
 */
export type SqlValue = null | number | bigint | string | Uint8Array;

/**
 * One result row, keyed by column name.
 *
 * @example Usage
 * ```ts
 * import type { SqlRow } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const row: SqlRow = { id: 5_000_000_000n, name: "Alice", key: new Uint8Array(2) };
 * assert.equal(typeof row.id, "bigint");
 * ```
 */
export type SqlRow = Record<string, SqlValue>;

/**
 * The name of a supported SQLite driver.
 *
 * - `"bun:sqlite"`: built into Bun.
 * - `"node:sqlite"`: built into Node ≥ 22.13 and Deno ≥ 2.2.
 * - `"better-sqlite3"`: the npm package, for Node.
 * - `"@db/sqlite"`: the Deno FFI module from JSR.
 *
 * @example Usage
 * ```ts
 * import type { SqliteDriverName } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const name: SqliteDriverName = "node:sqlite";
 * assert.equal(name, "node:sqlite");
 * ```
 */
export type SqliteDriverName =
  | "bun:sqlite"
  | "node:sqlite"
  | "better-sqlite3"
  | "@db/sqlite";

/**
 * A prepared statement. Parameters are positional (`?`) and spread.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * db.exec("CREATE TABLE peers (id INTEGER PRIMARY KEY, hash INTEGER)");
 * const insert = db.prepare("INSERT INTO peers (id, hash) VALUES (?, ?)");
 * insert.run(5_000_000_000, -(2n ** 63n));
 * const select = db.prepare("SELECT hash FROM peers WHERE id = ?");
 * assert.deepEqual(select.get(5_000_000_000), { hash: -(2n ** 63n) });
 * assert.equal(select.get(1), undefined);
 * db.close();
 * ```
 */
export interface SqliteStatement {
  /**
   * Runs the statement and discards any rows.
   *
   * @param params One value per `?` placeholder, in order.
   */
  run(...params: SqlValue[]): void;
  /**
   * Runs the statement and returns its first row.
   *
   * @param params One value per `?` placeholder, in order.
   * @returns The first row, or `undefined` when there is none.
   */
  get(...params: SqlValue[]): SqlRow | undefined;
  /**
   * Runs the statement and returns every row.
   *
   * @param params One value per `?` placeholder, in order.
   * @returns The rows, possibly none.
   */
  all(...params: SqlValue[]): SqlRow[];
}

/**
 * A synchronous SQLite connection. All four drivers are synchronous; the
 * storage built on top of them is what exposes promises.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * assert.equal(db.driver, "node:sqlite");
 * db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a'), ('b');");
 * assert.deepEqual(db.prepare("SELECT v FROM t ORDER BY v").all(), [
 *   { v: "a" },
 *   { v: "b" },
 * ]);
 * db.close();
 * ```
 */
export interface SqliteDatabase {
  /** Which driver runs this connection, e.g. `"node:sqlite"`. */
  readonly driver: string;
  /**
   * The file the connection was opened on, `":memory:"` for an in-memory
   * database, or `""` when the driver does not tell.
   */
  readonly path: string;
  /**
   * Runs one or more SQL statements separated by semicolons, without
   * parameters, discarding any rows.
   *
   * @param sql The SQL text.
   */
  exec(sql: string): void;
  /**
   * Compiles one SQL statement. The result may be cached and reused until
   * the database is closed.
   *
   * @param sql The SQL text of a single statement.
   * @returns The prepared statement.
   */
  prepare(sql: string): SqliteStatement;
  /**
   * Closes the connection, finalizing every statement prepared through it.
   * Calling it again does nothing.
   */
  close(): void;
}

/**
 * How to open a database file. Every wrapper's `open*` function accepts
 * these; some add options of their own.
 *
 * @example Open an existing file read-only
 * ```ts
 * import { openNodeSqlite, type SqliteOpenOptions } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 * import { mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const dir = mkdtempSync(join(tmpdir(), "mtsession-"));
 * const file = join(dir, "a.session");
 * const writer = await openNodeSqlite(file);
 * writer.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)");
 * writer.close();
 *
 * const options: SqliteOpenOptions = { readonly: true };
 * const reader = await openNodeSqlite(file, options);
 * assert.throws(() => reader.exec("INSERT INTO t VALUES (2)"));
 * reader.close();
 * rmSync(dir, { recursive: true });
 * ```
 */
export interface SqliteOpenOptions {
  /**
   * Open the database read-only: every write throws. The file must exist.
   * Defaults to `false`.
   */
  readonly?: boolean;
  /**
   * Create the file when it does not exist. With `false`, opening a missing
   * file throws and creates nothing. Defaults to `true`; ignored (treated
   * as `false`) when `readonly` is set.
   */
  create?: boolean;
}
