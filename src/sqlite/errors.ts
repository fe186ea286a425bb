/**
 * The error thrown when a SQLite driver cannot be loaded in this runtime.
 *
 * @module
 */

import { SessionError } from "../errors.ts";
import type { SqliteDriverName } from "./driver.ts";

/**
 * The JavaScript runtime a driver was asked for in.
 *
 * @example Usage
 * ```ts
 * import type { SqliteRuntime } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const runtime: SqliteRuntime = "Deno" in globalThis ? "deno" : "node";
 * assert.ok(["deno", "node"].includes(runtime));
 * ```
 */
export type SqliteRuntime = "deno" | "bun" | "node";

/**
 * A SQLite driver cannot be used here: it is not built into this runtime,
 * it is not installed, or it fails to load (for example a native build for
 * another Node version). The message says what to install or which option
 * to pass; `cause` holds the original import or load error.
 *
 * Errors from opening the file itself (a missing file with
 * `create: false`, no permission) are not wrapped in this class.
 *
 * @example Asking for bun:sqlite outside Bun
 * ```ts
 * import { openBunSqlite, SqliteDriverUnavailableError } from "@mtsession/mtsession/bun-sqlite";
 * import assert from "node:assert/strict";
 *
 * const error = await openBunSqlite(":memory:").catch((e) => e);
 * assert.ok(error instanceof SqliteDriverUnavailableError);
 * assert.equal(error.driver, "bun:sqlite");
 * assert.equal(error.runtime, "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node");
 * ```
 */
export class SqliteDriverUnavailableError extends SessionError {
  /** The driver that was asked for. */
  readonly driver: SqliteDriverName;
  /** The runtime it was asked for in. */
  readonly runtime: SqliteRuntime;

  /**
   * Creates the error.
   *
   * @param driver The driver that was asked for.
   * @param runtime The runtime it was asked for in.
   * @param hint What to do instead, e.g. what to install or pass.
   * @param options Standard error options; `cause` is the import or load
   * error.
   */
  constructor(
    driver: SqliteDriverName,
    runtime: SqliteRuntime,
    hint: string,
    options?: ErrorOptions,
  ) {
    super(
      `Cannot use SQLite driver "${driver}" on ${runtime}: ${hint}`,
      options,
    );
    this.name = "SqliteDriverUnavailableError";
    this.driver = driver;
    this.runtime = runtime;
  }
}
