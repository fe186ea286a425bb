// The SQLite drivers of the runtime at hand, for every test that runs on
// each of them: the ones each runtime must offer (a missing one fails the
// driver tests, it is not skipped), and @db/sqlite on Deno when
// MTSESSION_DENO_SQLITE_MODULE names the module to import (a path or an
// absolute specifier), since it cannot be installed from npm.

import { isAbsolute } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { SqliteRuntime } from "../adapters/bun_sqlite.ts";
import type { DenoSqliteModule } from "../adapters/deno_sqlite.ts";
import type { SqliteDatabase, SqliteDriverName } from "../src/sqlite/driver.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { runtime } from "./_fixtures.ts";

/** The drivers each runtime must offer. */
export const EXPECTED_DRIVERS: Record<SqliteRuntime, SqliteDriverName[]> = {
  bun: ["bun:sqlite", "node:sqlite", "better-sqlite3"],
  deno: ["node:sqlite", "better-sqlite3"],
  node: ["node:sqlite", "better-sqlite3"],
};

/** Whether the runtime at hand must offer `driver`. */
export function hasDriver(driver: SqliteDriverName): boolean {
  return EXPECTED_DRIVERS[runtime].includes(driver);
}

const denoModuleSpecifier = runtime === "deno"
  ? process.env.MTSESSION_DENO_SQLITE_MODULE
  : undefined;

/** The @db/sqlite module, when on Deno and MTSESSION_DENO_SQLITE_MODULE is set. */
export const denoSqliteModule: DenoSqliteModule | undefined =
  denoModuleSpecifier
    ? await import(
      isAbsolute(denoModuleSpecifier)
        ? pathToFileURL(denoModuleSpecifier).href
        : denoModuleSpecifier
    )
    : undefined;

/** One driver of this runtime, opened the way the library opens files. */
export interface DriverHere {
  /** The driver's name. */
  name: SqliteDriverName;
  /** Opens (creating) a database file with it. */
  open(path: string): Promise<SqliteDatabase>;
}

/** Every driver of the runtime at hand (@db/sqlite when configured). */
export function driversHere(): DriverHere[] {
  const out: DriverHere[] = EXPECTED_DRIVERS[runtime].map((name) => ({
    name,
    open: (path) => openDefaultDatabase(path, { driver: name }),
  }));
  const module = denoSqliteModule;
  if (module !== undefined) {
    out.push({
      name: "@db/sqlite",
      open: (path) =>
        openDefaultDatabase(path, { driver: "@db/sqlite", module }),
    });
  }
  return out;
}
