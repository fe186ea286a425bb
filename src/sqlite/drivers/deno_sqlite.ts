/**
 * {@linkcode SqliteDatabase} over `@db/sqlite` (denodrivers/sqlite3), the
 * Deno FFI SQLite module from JSR. Opt-in: this package does not depend on
 * it, you bring it.
 *
 * @module
 */

import type { SqliteDatabase, SqliteOpenOptions, SqlValue } from "../driver.ts";
import { wrapDriver } from "./_wrap.ts";
import { detectRuntime, importDriver } from "../_runtime.ts";
import { SqliteDriverUnavailableError } from "../errors.ts";

/** Imported when {@linkcode DenoSqliteOptions.module} is not given. */
const DEFAULT_SPECIFIER = "jsr:@db/sqlite@0.13";

const PERMISSIONS = "--allow-ffi --allow-env --allow-read --allow-write";

/**
 * The part of a `@db/sqlite` `Statement` the wrapper uses. Declared here
 * so this module needs no Deno FFI types.
 *
 * @example Usage
 * ```ts ignore
 * import { Database } from "jsr:@db/sqlite@0.13";
 * import type { DenoSqliteStatementLike } from "@mtsession/mtsession/deno-sqlite";
 *
 * const stmt: DenoSqliteStatementLike = new Database(":memory:").prepare("SELECT 1 AS one");
 * ```
 */
export interface DenoSqliteStatementLike {
  /** Runs the statement. */
  run(...params: SqlValue[]): unknown;
  /** The first row, or `undefined`. */
  get(...params: SqlValue[]): unknown;
  /** Every row. */
  all(...params: SqlValue[]): unknown[];
  /** Returns 64-bit integers exactly for this statement. */
  enableInt64?(): unknown;
  /** Returns JSON-typed text as text for this statement. */
  disableParseJson?(): unknown;
}

/**
 * The part of a `@db/sqlite` `Database` the wrapper uses.
 *
 * @example Usage
 * ```ts ignore
 * import { Database } from "jsr:@db/sqlite@0.13";
 * import type { DenoSqliteDatabaseLike } from "@mtsession/mtsession/deno-sqlite";
 *
 * const db: DenoSqliteDatabaseLike = new Database(":memory:", { int64: true });
 * ```
 */
export interface DenoSqliteDatabaseLike {
  /** The file the database was opened with. */
  readonly path?: string;
  /** Whether integers beyond 32 bits are read exactly (database default). */
  readonly int64?: boolean;
  /** Runs SQL without results. */
  exec(sql: string): unknown;
  /** Compiles a statement. */
  prepare(sql: string): DenoSqliteStatementLike;
  /** Closes the database, finalizing its statements. */
  close(): void;
}

/**
 * The `@db/sqlite` module, or the part of it the wrapper uses: the
 * `Database` class.
 *
 * @example Usage
 * ```ts ignore
 * import * as sqlite from "jsr:@db/sqlite@0.13";
 * import type { DenoSqliteModule } from "@mtsession/mtsession/deno-sqlite";
 *
 * const module: DenoSqliteModule = sqlite;
 * ```
 */
export interface DenoSqliteModule {
  /** The `Database` class. */
  Database: new (
    path: string,
    options?: {
      readonly?: boolean;
      create?: boolean;
      int64?: boolean;
      parseJson?: boolean;
    },
  ) => DenoSqliteDatabaseLike;
}

/**
 * Options of {@linkcode openDenoSqlite}.
 *
 * @example Usage
 * ```ts ignore
 * import * as sqlite from "jsr:@db/sqlite@0.13";
 * import { openDenoSqlite, type DenoSqliteOptions } from "@mtsession/mtsession/deno-sqlite";
 *
 * const options: DenoSqliteOptions = { module: sqlite, create: false };
 * const db = await openDenoSqlite("existing.session", options);
 * ```
 */
export interface DenoSqliteOptions extends SqliteOpenOptions {
  /**
   * The `@db/sqlite` module to use: the imported module itself (best: your
   * own import decides the version and it is type-checked and locked with
   * your code), or a specifier to `import()` — absolute (`jsr:`, `npm:`,
   * `https:`, `file:`), since a relative one would resolve against this
   * file. Defaults to `"jsr:@db/sqlite@0.13"`.
   */
  module?: DenoSqliteModule | string;
}

/**
 * Wraps a `@db/sqlite` database you opened yourself.
 *
 * Integers are made lossless per statement (`stmt.enableInt64()`), whatever
 * `int64` the database was opened with; then integers within 2^53 come
 * back as `number`, larger ones as `bigint`. JSON parsing of results is
 * turned off per statement, so text stays text.
 *
 * @param db A `Database` from `@db/sqlite`.
 * @returns The database behind the common interface.
 * @throws {TypeError} When this `@db/sqlite` cannot return exact integers
 * (a version without `Statement#enableInt64()`, opened without `int64`).
 *
 * @example Usage
 * ```ts ignore
 * import { Database } from "jsr:@db/sqlite@0.13";
 * import { fromDenoSqlite } from "@mtsession/mtsession/deno-sqlite";
 *
 * const db = fromDenoSqlite(new Database("my.session"));
 * console.log(db.prepare("SELECT 9223372036854775807 AS max").get());
 * // { max: 9223372036854775807n }
 * db.close();
 * ```
 */
export function fromDenoSqlite(db: DenoSqliteDatabaseLike): SqliteDatabase {
  if (
    typeof db.prepare("SELECT 1").enableInt64 !== "function" &&
    db.int64 !== true
  ) {
    throw new TypeError(
      "Cannot read 64-bit integers exactly with this @db/sqlite: open " +
        "the database with { int64: true }",
    );
  }
  return wrap(db, typeof db.path === "string" ? db.path : "");
}

/**
 * Opens (by default creating) a database file with `@db/sqlite`, with
 * `int64` on and `parseJson` off. Deno only; run with
 * `--allow-ffi --allow-env --allow-read --allow-write` (`@db/sqlite` reads
 * `DENO_SQLITE_PATH` to find a system SQLite library, and downloads one
 * otherwise).
 *
 * @param path The database file, or `":memory:"`.
 * @param options How to open it, and which `@db/sqlite` to use.
 * @returns The open database.
 * @throws {SqliteDriverUnavailableError} Outside Deno, or when the module
 * cannot be imported or loaded (no FFI permission, no library).
 *
 * @example Usage
 * ```ts ignore
 * import * as sqlite from "jsr:@db/sqlite@0.13";
 * import { openDenoSqlite } from "@mtsession/mtsession/deno-sqlite";
 *
 * const db = await openDenoSqlite("my.session", { module: sqlite });
 * db.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB)");
 * db.close();
 * ```
 */
export async function openDenoSqlite(
  path: string,
  options: DenoSqliteOptions = {},
): Promise<SqliteDatabase> {
  const runtime = detectRuntime();
  if (runtime !== "deno") {
    throw new SqliteDriverUnavailableError(
      "@db/sqlite",
      runtime,
      `it is a Deno FFI module; use ${
        runtime === "bun" ? '"bun:sqlite"' : '"better-sqlite3" or "node:sqlite"'
      } on ${runtime}`,
    );
  }
  const given = options.module ?? DEFAULT_SPECIFIER;
  const mod = typeof given === "string"
    ? await importDriver(
      "@db/sqlite",
      given,
      `cannot import "${given}": pass the module itself as { module } ` +
        `(import * as sqlite from "jsr:@db/sqlite"), or an absolute ` +
        `specifier, and run Deno with ${PERMISSIONS}`,
    )
    : given;
  const Database = (mod as Partial<DenoSqliteModule>).Database;
  if (typeof Database !== "function") {
    throw new SqliteDriverUnavailableError(
      "@db/sqlite",
      runtime,
      "the module given has no Database class; pass the @db/sqlite module",
    );
  }
  const readonly = options.readonly === true;
  const db = new Database(path, {
    readonly,
    create: !readonly && options.create !== false,
    int64: true,
    parseJson: false,
  });
  return wrap(db, path);
}

function wrap(db: DenoSqliteDatabaseLike, path: string): SqliteDatabase {
  // Without enableInt64() (old versions) the database's int64 option
  // applies: fromDenoSqlite() checked it, openDenoSqlite() set it.
  return wrapDriver(db, path, {
    driver: "@db/sqlite",
    setup(s): void {
      s.enableInt64?.();
      s.disableParseJson?.();
    },
  });
}
