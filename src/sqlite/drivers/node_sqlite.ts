/**
 * {@linkcode SqliteDatabase} over the built-in `node:sqlite` module
 * (`DatabaseSync`) of Node ≥ 22.13 and Deno ≥ 2.2.
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
import { importDriver } from "../_runtime.ts";
import { pathExists } from "../_fs.ts";

const SPECIFIER = "node:sqlite";

/**
 * The part of a `node:sqlite` `StatementSync` the wrapper uses. Declared
 * here so this module needs no Node types.
 *
 * @example Usage
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import type { NodeSqliteStatementLike } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const stmt: NodeSqliteStatementLike = new DatabaseSync(":memory:").prepare("SELECT 1 AS one");
 * assert.equal(typeof stmt.get, "function");
 * ```
 */
export interface NodeSqliteStatementLike {
  /** Runs the statement. */
  run(...params: SqlValue[]): unknown;
  /** The first row (null-prototype object), or `undefined`. */
  get(...params: SqlValue[]): unknown;
  /** Every row. */
  all(...params: SqlValue[]): unknown[];
  /** Turns `bigint` results on or off for this statement. */
  setReadBigInts(enabled: boolean): void;
  /** Returns rows as arrays of values (Node ≥ 22.16, Deno ≥ 2.3). */
  setReturnArrays?(enabled: boolean): void;
}

/**
 * The part of a `node:sqlite` `DatabaseSync` the wrapper uses.
 *
 * @example Usage
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import type { NodeSqliteDatabaseLike } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db: NodeSqliteDatabaseLike = new DatabaseSync(":memory:");
 * db.close();
 * assert.ok(true);
 * ```
 */
export interface NodeSqliteDatabaseLike {
  /** Runs SQL without results. */
  exec(sql: string): void;
  /** Compiles a statement. */
  prepare(sql: string): NodeSqliteStatementLike;
  /** Closes the database; throws if it is not open. */
  close(): void;
  /** Whether the database is open (Node ≥ 22.15). */
  readonly isOpen?: boolean;
  /** The file of the main database, `null` in memory (Node ≥ 24). */
  location?(): string | null;
}

/**
 * Options of {@linkcode openNodeSqlite}.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite, type NodeSqliteOptions } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 * import { existsSync, mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const dir = mkdtempSync(join(tmpdir(), "mtsession-"));
 * const options: NodeSqliteOptions = { create: false };
 * await assert.rejects(openNodeSqlite(join(dir, "missing.session"), options));
 * assert.equal(existsSync(join(dir, "missing.session")), false);
 * rmSync(dir, { recursive: true });
 * ```
 */
export type NodeSqliteOptions = SqliteOpenOptions;

/**
 * Wraps a `node:sqlite` `DatabaseSync` you opened yourself.
 *
 * Integers are made lossless per statement (`stmt.setReadBigInts(true)`),
 * whatever `readBigInts` the database was opened with. Rows, which
 * `node:sqlite` creates with a null prototype, are copied into plain
 * objects.
 *
 * @param db A `DatabaseSync` from `node:sqlite`.
 * @returns The database behind the common interface.
 *
 * @example Usage
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { fromNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = fromNodeSqlite(new DatabaseSync(":memory:"));
 * assert.deepEqual(
 *   db.prepare("SELECT 9223372036854775807 AS max").get(),
 *   { max: 9223372036854775807n },
 * );
 * db.close();
 * ```
 */
export function fromNodeSqlite(db: NodeSqliteDatabaseLike): SqliteDatabase {
  let path = "";
  if (typeof db.location === "function") path = db.location() ?? ":memory:";
  return wrap(db, path);
}

/**
 * Opens (by default creating) a database file with `node:sqlite`, with
 * `readBigInts` on. Needs Node ≥ 22.13 (no flag) or Deno ≥ 2.2 (with
 * `--allow-read --allow-write` for files); Bun ≥ 1.4 has it too.
 *
 * @param path The database file, or `":memory:"`.
 * @param options How to open it.
 * @returns The open database.
 * @throws {SqliteDriverUnavailableError} When the runtime has no
 * `node:sqlite`.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * db.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB)");
 * db.prepare("INSERT INTO kv VALUES (?, ?)").run("key", new Uint8Array([1, 2]));
 * assert.deepEqual(db.prepare("SELECT v FROM kv WHERE k = ?").get("key"), {
 *   v: new Uint8Array([1, 2]),
 * });
 * db.close();
 * ```
 */
export async function openNodeSqlite(
  path: string,
  options: NodeSqliteOptions = {},
): Promise<SqliteDatabase> {
  const mod = await importDriver(
    "node:sqlite",
    SPECIFIER,
    "it needs Node >= 22.13 or Deno >= 2.2; on older Node install " +
      "better-sqlite3 (npm install better-sqlite3) and pass driver: " +
      '"better-sqlite3", on Bun use "bun:sqlite"',
  );
  const DatabaseSync = mod.DatabaseSync as new (
    path: string,
    options: Record<string, boolean>,
  ) => NodeSqliteDatabaseLike;
  const readonly = options.readonly === true;
  // node:sqlite has no "do not create" flag (only URI filenames).
  if (
    !readonly && options.create === false && !isMemory(path) &&
    !(await pathExists(path))
  ) {
    throw new Error(
      `Cannot open database "${path}": the file does not exist and ` +
        `create is false`,
    );
  }
  const db = new DatabaseSync(path, {
    readOnly: readonly,
    readBigInts: true,
  });
  return wrap(db, path);
}

function isMemory(path: string): boolean {
  return path === "" || path === ":memory:";
}

function wrap(db: NodeSqliteDatabaseLike, path: string): SqliteDatabase {
  // Rows come with a null prototype: copied into plain objects.
  return wrapDriver(db, path, {
    driver: "node:sqlite",
    setup: (s) => s.setReadBigInts(true),
    isOpen: () => db.isOpen !== false,
    row: (row) => ({ ...row }) as SqlRow,
    values(s): ((param: SqlValue) => unknown[] | undefined) | undefined {
      if (typeof s.setReturnArrays !== "function") return undefined;
      s.setReturnArrays(true);
      return (param) => s.get(param) as unknown[] | undefined;
    },
  });
}
