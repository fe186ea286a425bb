/**
 * Opening a database with the SQLite driver that suits the runtime. Each
 * driver wrapper is imported only when it is picked.
 *
 * @module
 */

import type {
  SqliteDatabase,
  SqliteDriverName,
  SqliteOpenOptions,
} from "./driver.ts";
import type { DenoSqliteModule } from "./drivers/deno_sqlite.ts";
import { detectRuntime, importDriver } from "./_runtime.ts";
import { SqliteDriverUnavailableError, type SqliteRuntime } from "./errors.ts";

/**
 * Options of {@linkcode openDefaultDatabase}.
 *
 * @example Usage
 * ```ts
 * import type { DefaultDatabaseOptions } from "./_pick_driver.ts";
 * import assert from "node:assert/strict";
 *
 * const options: DefaultDatabaseOptions = { driver: "node:sqlite", readonly: true };
 * assert.equal(options.driver, "node:sqlite");
 * ```
 */
export interface DefaultDatabaseOptions extends SqliteOpenOptions {
  /**
   * The driver to use instead of the runtime's default: Bun → `bun:sqlite`;
   * Deno → `node:sqlite`; Node → `better-sqlite3` when it is installed and
   * loads, else `node:sqlite`.
   */
  driver?: SqliteDriverName;
  /**
   * For `driver: "@db/sqlite"`: the imported module or a specifier (see
   * `DenoSqliteOptions.module`).
   */
  module?: DenoSqliteModule | string;
}

/**
 * Opens a database file with the runtime's default SQLite driver, or the
 * one named in `options.driver`:
 *
 * | runtime | default driver |
 * | ------- | -------------- |
 * | Bun     | `bun:sqlite` |
 * | Deno    | `node:sqlite` (no FFI permission, no download) |
 * | Node    | `better-sqlite3` if it is installed and its addon loads, else `node:sqlite` (Node ≥ 22.13) |
 *
 * `@db/sqlite` is never picked by default; ask for it with
 * `driver: "@db/sqlite"` and pass `module`.
 *
 * @param path The database file, or `":memory:"`.
 * @param options How to open it, and which driver to use.
 * @returns The open database.
 * @throws {SqliteDriverUnavailableError} When the driver asked for, or
 * every default candidate, cannot be used in this runtime.
 *
 * @example Usage
 * ```ts
 * import { openDefaultDatabase } from "./_pick_driver.ts";
 * import assert from "node:assert/strict";
 *
 * const db = await openDefaultDatabase(":memory:");
 * assert.ok(["bun:sqlite", "node:sqlite", "better-sqlite3"].includes(db.driver));
 * assert.deepEqual(db.prepare("SELECT -9223372036854775807 - 1 AS min").get(), {
 *   min: -(2n ** 63n),
 * });
 * db.close();
 * ```
 */
export async function openDefaultDatabase(
  path: string,
  options: DefaultDatabaseOptions = {},
): Promise<SqliteDatabase> {
  const { driver, module, ...open } = options;
  if (driver !== undefined) {
    return await openWith(driver, path, open, module);
  }
  const runtime = detectRuntime();
  if (runtime === "bun") return await openWith("bun:sqlite", path, open);
  if (runtime === "deno") return await openWith("node:sqlite", path, open);
  let better: unknown;
  try {
    return await openWith("better-sqlite3", path, open);
  } catch (error) {
    if (!(error instanceof SqliteDriverUnavailableError)) throw error;
    better = error;
  }
  try {
    return await openWith("node:sqlite", path, open);
  } catch (error) {
    if (!(error instanceof SqliteDriverUnavailableError)) throw error;
    throw new SqliteDriverUnavailableError(
      "node:sqlite",
      runtime,
      "neither better-sqlite3 nor node:sqlite loads; install better-sqlite3 " +
        "(npm install better-sqlite3) or use Node >= 22.13",
      { cause: new AggregateError([better, error], "No SQLite driver loads") },
    );
  }
}

/** The module of the driver each runtime opens files with by default. */
const DEFAULT_DRIVERS: Record<SqliteRuntime, SqliteDriverName> = {
  bun: "bun:sqlite",
  deno: "node:sqlite",
  node: "better-sqlite3",
};

/**
 * Starts loading the module of the driver {@linkcode openDefaultDatabase}
 * would pick (none when `driver` names one), so that an opener can load it
 * while it waits for something else (the look at the file). A failure is
 * left to the opener: it loads the driver again and words the error.
 *
 * @param driver The driver asked for, if any.
 * @returns When the module is loaded, or failed to load.
 *
 * @example Usage
 * ```ts
 * import { openDefaultDatabase, preloadDefaultDriver } from "./_pick_driver.ts";
 *
 * const [db] = await Promise.all([
 *   openDefaultDatabase(":memory:"),
 *   preloadDefaultDriver(undefined),
 * ]);
 * db.close();
 * ```
 */
export async function preloadDefaultDriver(
  driver: SqliteDriverName | undefined,
): Promise<void> {
  if (driver !== undefined) return;
  const module = DEFAULT_DRIVERS[detectRuntime()];
  try {
    await importDriver(module, module, "");
  } catch {
    // the opener words it
  }
}

async function openWith(
  driver: SqliteDriverName,
  path: string,
  open: SqliteOpenOptions,
  module?: DenoSqliteModule | string,
): Promise<SqliteDatabase> {
  switch (driver) {
    case "bun:sqlite": {
      const { openBunSqlite } = await import("./drivers/bun_sqlite.ts");
      return await openBunSqlite(path, open);
    }
    case "node:sqlite": {
      const { openNodeSqlite } = await import("./drivers/node_sqlite.ts");
      return await openNodeSqlite(path, open);
    }
    case "better-sqlite3": {
      const { openBetterSqlite3 } = await import(
        "./drivers/better_sqlite3.ts"
      );
      return await openBetterSqlite3(path, open);
    }
    case "@db/sqlite": {
      const { openDenoSqlite } = await import("./drivers/deno_sqlite.ts");
      return await openDenoSqlite(
        path,
        module === undefined ? open : { ...open, module },
      );
    }
    default:
      throw new TypeError(
        `Unknown SQLite driver "${String(driver)}": expected "bun:sqlite", ` +
          `"node:sqlite", "better-sqlite3" or "@db/sqlite"`,
      );
  }
}
