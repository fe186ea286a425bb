/**
 * {@linkcode SqliteDatabase} over Bun's built-in `bun:sqlite`.
 *
 * @module
 */

import type { SqliteDatabase, SqliteOpenOptions, SqlValue } from "../driver.ts";
import { wrapDriver } from "./_wrap.ts";
import { importDriver } from "../_runtime.ts";

const SPECIFIER = "bun:sqlite";

/**
 * The part of a `bun:sqlite` `Statement` the wrapper uses. Declared here so
 * this module needs no Bun types.
 *
 * @example Usage
 * ```ts ignore
 * import { Database } from "bun:sqlite";
 * import type { BunSqliteStatementLike } from "@mtsession/mtsession/bun-sqlite";
 *
 * const stmt: BunSqliteStatementLike = new Database(":memory:").prepare("SELECT 1 AS one");
 * ```
 */
export interface BunSqliteStatementLike {
  /** Runs the statement. */
  run(...params: SqlValue[]): unknown;
  /** The first row, or `null`. */
  get(...params: SqlValue[]): unknown;
  /** Every row. */
  all(...params: SqlValue[]): unknown[];
  /** Turns `bigint` results on or off for this statement (Bun ≥ 1.1.14). */
  safeIntegers?(enabled: boolean): unknown;
  /** Every row as an array of values. */
  values?(...params: SqlValue[]): unknown[][];
}

/**
 * The part of a `bun:sqlite` `Database` the wrapper uses.
 *
 * @example Usage
 * ```ts ignore
 * import { Database } from "bun:sqlite";
 * import type { BunSqliteDatabaseLike } from "@mtsession/mtsession/bun-sqlite";
 *
 * const db: BunSqliteDatabaseLike = new Database(":memory:", { strict: true, safeIntegers: true });
 * ```
 */
export interface BunSqliteDatabaseLike {
  /** The file name the database was opened with. */
  readonly filename?: string;
  /** Runs SQL without results. */
  exec(sql: string): unknown;
  /** Compiles a statement. */
  prepare(sql: string): BunSqliteStatementLike;
  /** Closes the database; `true` finalizes open statements first. */
  close(throwOnError?: boolean): void;
}

/**
 * Options of {@linkcode openBunSqlite}.
 *
 * @example Usage
 * ```ts ignore
 * import { openBunSqlite, type BunSqliteOptions } from "@mtsession/mtsession/bun-sqlite";
 *
 * const options: BunSqliteOptions = { create: false };
 * const db = await openBunSqlite("existing.session", options);
 * ```
 */
export type BunSqliteOptions = SqliteOpenOptions;

/**
 * Wraps a `bun:sqlite` database you opened yourself.
 *
 * Integers are made lossless per statement (`stmt.safeIntegers(true)`),
 * whatever `safeIntegers` the database was opened with, so the database
 * needs Bun ≥ 1.1.14. `close()` of the wrapper closes the database with
 * `close(true)`, which finalizes its statements: a plain `close()` with
 * live statements is deferred and leaves the `-wal` and `-shm` files
 * behind.
 *
 * @param db A `Database` from `bun:sqlite`.
 * @returns The database behind the common interface.
 * @throws {TypeError} When the Bun version cannot return exact integers.
 *
 * @example Usage
 * ```ts ignore
 * import { Database } from "bun:sqlite";
 * import { fromBunSqlite } from "@mtsession/mtsession/bun-sqlite";
 *
 * const db = fromBunSqlite(new Database("my.session"));
 * console.log(db.prepare("SELECT 9223372036854775807 AS max").get());
 * // { max: 9223372036854775807n }
 * db.close();
 * ```
 */
export function fromBunSqlite(db: BunSqliteDatabaseLike): SqliteDatabase {
  if (typeof db.prepare("SELECT 1").safeIntegers !== "function") {
    throw new TypeError(
      "Cannot read 64-bit integers exactly with this bun:sqlite: " +
        "Statement#safeIntegers() is missing (Bun >= 1.1.14 is needed)",
    );
  }
  return wrap(db, typeof db.filename === "string" ? db.filename : "");
}

/**
 * Opens (by default creating) a database file with `bun:sqlite`, with
 * `safeIntegers` and `strict` on. Works in Bun only.
 *
 * @param path The database file, or `":memory:"`.
 * @param options How to open it.
 * @returns The open database.
 * @throws {SqliteDriverUnavailableError} Outside Bun.
 *
 * @example Usage
 * ```ts ignore
 * import { openBunSqlite } from "@mtsession/mtsession/bun-sqlite";
 *
 * const db = await openBunSqlite("my.session");
 * db.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB)");
 * db.prepare("INSERT OR REPLACE INTO kv VALUES (?, ?)").run("key", new Uint8Array([1, 2]));
 * db.close();
 * ```
 */
export async function openBunSqlite(
  path: string,
  options: BunSqliteOptions = {},
): Promise<SqliteDatabase> {
  const mod = await importDriver(
    "bun:sqlite",
    SPECIFIER,
    'it is built into Bun only; on Node use "better-sqlite3" ' +
      '(npm install better-sqlite3) or "node:sqlite" (Node >= 22.13), on ' +
      'Deno use "node:sqlite"',
  );
  const Database = mod.Database as new (
    path: string,
    options: Record<string, boolean>,
  ) => BunSqliteDatabaseLike;
  // bun:sqlite throws a TypeError for readonly together with create or
  // readwrite, so the two modes pass different flags.
  const flags: Record<string, boolean> = options.readonly === true
    ? { readonly: true }
    : { readwrite: true, create: options.create ?? true };
  const db = new Database(path, {
    ...flags,
    strict: true,
    safeIntegers: true,
  });
  return wrap(db, path);
}

function wrap(db: BunSqliteDatabaseLike, path: string): SqliteDatabase {
  // safeIntegers() is there since Bun 1.1.14 (fromBunSqlite() checks it);
  // close(true) finalizes the statements, so the -wal and -shm go too.
  return wrapDriver(db, path, {
    driver: "bun:sqlite",
    setup: (s) => void s.safeIntegers?.(true),
    close: () => db.close(true),
    values(s): ((param: SqlValue) => unknown[] | undefined) | undefined {
      if (typeof s.values !== "function") return undefined;
      const values = s.values.bind(s);
      return (param) => values(param)[0];
    },
  });
}
