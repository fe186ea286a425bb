/**
 * {@linkcode SqliteDatabase} over the `better-sqlite3` npm package (Node
 * only: Bun and Deno cannot load its native addon).
 *
 * @module
 */

import type {
  SqliteDatabase,
  SqliteOpenOptions,
  SqlRow,
  SqlValue,
} from "../driver.ts";
import { wrapDriver } from "./_wrap.ts";
import process from "node:process";
import { detectRuntime, importDriver } from "../_runtime.ts";
import { SqliteDriverUnavailableError } from "../errors.ts";

const SPECIFIER = "better-sqlite3";

/**
 * The part of a `better-sqlite3` `Statement` the wrapper uses. Declared
 * here so this module needs neither the package nor its types.
 *
 * @example Usage
 * ```ts ignore
 * import Database from "better-sqlite3";
 * import type { BetterSqlite3StatementLike } from "@mtsession/mtsession/better-sqlite3";
 *
 * const stmt: BetterSqlite3StatementLike = new Database(":memory:").prepare("SELECT 1 AS one");
 * ```
 */
export interface BetterSqlite3StatementLike {
  /** Whether the statement returns rows (`get()`/`all()` throw otherwise). */
  readonly reader: boolean;
  /** Runs the statement. */
  run(...params: SqlValue[]): unknown;
  /** The first row, or `undefined`. */
  get(...params: SqlValue[]): unknown;
  /** Every row. */
  all(...params: SqlValue[]): unknown[];
  /** Turns `bigint` results on or off for this statement. */
  safeIntegers(toggle?: boolean): unknown;
  /** Returns rows as arrays of values (better-sqlite3 ≥ 5). */
  raw?(toggle?: boolean): unknown;
}

/**
 * The part of a `better-sqlite3` `Database` the wrapper uses.
 *
 * @example Usage
 * ```ts ignore
 * import Database from "better-sqlite3";
 * import type { BetterSqlite3DatabaseLike } from "@mtsession/mtsession/better-sqlite3";
 *
 * const db: BetterSqlite3DatabaseLike = new Database(":memory:");
 * ```
 */
export interface BetterSqlite3DatabaseLike {
  /** The file name the database was opened with. */
  readonly name?: string;
  /** Whether the connection is open. */
  readonly open?: boolean;
  /** Runs SQL without results. */
  exec(sql: string): unknown;
  /** Compiles a statement. */
  prepare(sql: string): BetterSqlite3StatementLike;
  /** Closes the database. */
  close(): unknown;
  /** Makes `bigint` results the default for statements prepared later. */
  defaultSafeIntegers(toggle?: boolean): unknown;
}

/**
 * Options of {@linkcode openBetterSqlite3}.
 *
 * @example Usage
 * ```ts ignore
 * import { openBetterSqlite3, type BetterSqlite3Options } from "@mtsession/mtsession/better-sqlite3";
 *
 * const options: BetterSqlite3Options = {
 *   nativeBinding: "./native/node-v137/better_sqlite3.node",
 * };
 * const db = await openBetterSqlite3("my.session", options);
 * ```
 */
export interface BetterSqlite3Options extends SqliteOpenOptions {
  /**
   * Path of a `better_sqlite3.node` build to load instead of the one in
   * the package, e.g. one built for another Node version (passed to the
   * constructor's `nativeBinding` option).
   */
  nativeBinding?: string;
}

/**
 * Wraps a `better-sqlite3` database you opened yourself.
 *
 * This calls `db.defaultSafeIntegers(true)` on your database (statements
 * you prepare on it yourself afterwards return `bigint`s too), and returns
 * BLOBs, which `better-sqlite3` gives as `Buffer`s, as plain `Uint8Array`
 * views of the same memory. `get()` and `all()` also work on statements
 * that return no data (a plain `INSERT`), where `better-sqlite3` throws:
 * they run it and return `undefined` or `[]`.
 *
 * @param db A `Database` from `better-sqlite3`.
 * @returns The database behind the common interface.
 *
 * @example Usage
 * ```ts ignore
 * import Database from "better-sqlite3";
 * import { fromBetterSqlite3 } from "@mtsession/mtsession/better-sqlite3";
 *
 * const db = fromBetterSqlite3(new Database("my.session"));
 * console.log(db.prepare("SELECT 9223372036854775807 AS max").get());
 * // { max: 9223372036854775807n }
 * db.close();
 * ```
 */
export function fromBetterSqlite3(
  db: BetterSqlite3DatabaseLike,
): SqliteDatabase {
  db.defaultSafeIntegers(true);
  return wrap(db, typeof db.name === "string" ? db.name : "");
}

/**
 * Opens (by default creating) a database file with `better-sqlite3`, with
 * `defaultSafeIntegers(true)`. Needs the package installed, with a native
 * build for the Node that runs it.
 *
 * @param path The database file, or `":memory:"`.
 * @param options How to open it.
 * @returns The open database.
 * @throws {SqliteDriverUnavailableError} When the package is missing or
 * its native addon does not load (another Node ABI, Bun, Deno).
 *
 * @example Usage
 * ```ts ignore
 * import { openBetterSqlite3 } from "@mtsession/mtsession/better-sqlite3";
 *
 * const db = await openBetterSqlite3("my.session");
 * db.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB)");
 * db.close();
 * ```
 */
export async function openBetterSqlite3(
  path: string,
  options: BetterSqlite3Options = {},
): Promise<SqliteDatabase> {
  const runtime = detectRuntime();
  const elsewhere = `install better-sqlite3 13 or newer (its Node-API addon ` +
    `loads in ${runtime}), or use ${
      runtime === "bun" ? '"bun:sqlite"' : '"node:sqlite"'
    }`;
  const mod = await importDriver(
    "better-sqlite3",
    SPECIFIER,
    runtime === "node"
      ? "install it with `npm install better-sqlite3`, or pass driver: " +
        '"node:sqlite" (Node >= 22.13)'
      : elsewhere,
  );
  const Database = (mod.default ?? mod) as new (
    path: string,
    options: Record<string, unknown>,
  ) => BetterSqlite3DatabaseLike;
  const extra: Record<string, unknown> = {};
  if (options.nativeBinding !== undefined) {
    extra.nativeBinding = options.nativeBinding;
  }
  // The native addon loads in the first constructor call. Probe it with a
  // throwaway in-memory database, so that a load failure (a build for
  // another ABI, an old version under Bun or Deno) is told apart from a
  // failure to open the file.
  try {
    new Database(":memory:", extra).close();
  } catch (cause) {
    const hint = runtime === "node"
      ? `its native addon does not load in Node ${process.versions.node} ` +
        `(ABI ${process.versions.modules}); rebuild it for this Node with ` +
        '`npm rebuild better-sqlite3`, or pass driver: "node:sqlite" ' +
        "(Node >= 22.13)"
      : elsewhere;
    throw new SqliteDriverUnavailableError("better-sqlite3", runtime, hint, {
      cause,
    });
  }
  const readonly = options.readonly === true;
  const db = new Database(path, {
    ...extra,
    readonly,
    fileMustExist: readonly || options.create === false,
  });
  return fromBetterSqlite3(db);
}

/** Re-views Buffers (a Uint8Array subclass) as plain Uint8Arrays, in place. */
function plainRow(row: Record<string, unknown>): SqlRow {
  for (const key in row) {
    const value = row[key];
    if (
      value instanceof Uint8Array &&
      Object.getPrototypeOf(value) !== Uint8Array.prototype
    ) {
      row[key] = new Uint8Array(
        value.buffer,
        value.byteOffset,
        value.byteLength,
      );
    }
  }
  return row as SqlRow;
}

function wrap(db: BetterSqlite3DatabaseLike, path: string): SqliteDatabase {
  return wrapDriver(db, path, {
    driver: "better-sqlite3",
    setup(s): boolean {
      s.safeIntegers(true);
      return s.reader;
    },
    row: plainRow,
    values(s): ((param: SqlValue) => unknown[] | undefined) | undefined {
      if (typeof s.raw !== "function" || !s.reader) return undefined;
      s.raw(true);
      return (param) => s.get(param) as unknown[] | undefined;
    },
  });
}
