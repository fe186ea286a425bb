/**
 * Transactions over any {@linkcode SqliteDatabase}, through plain SQL: no
 * driver helper is used, since `node:sqlite` has none.
 *
 * @module
 */

import type { SqliteDatabase } from "./driver.ts";

/**
 * Runs `fn` inside `BEGIN IMMEDIATE` … `COMMIT`. When `fn` throws, the
 * transaction is rolled back and the error is rethrown unchanged.
 *
 * `fn` must be synchronous: a transaction must not stay open across an
 * `await`, where other code could use the same connection. A `fn` that
 * returns a promise is rolled back and rejected with a `TypeError`.
 * Transactions do not nest: calling this inside `fn` throws the driver's
 * "cannot start a transaction within a transaction" error (and the outer
 * transaction is rolled back if that error escapes `fn`).
 *
 * `IMMEDIATE` takes the write lock at the start, so a concurrent writer
 * fails at `BEGIN` (with `SQLITE_BUSY`) rather than halfway through.
 *
 * @typeParam T What `fn` returns.
 * @param db The connection.
 * @param fn The work to do atomically.
 * @returns What `fn` returned, after the commit.
 * @throws Whatever `fn` throws, after the rollback.
 *
 * @example All or nothing
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import { withTransaction } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * db.exec("CREATE TABLE t (v INTEGER)");
 * const insert = db.prepare("INSERT INTO t VALUES (?)");
 * const count = db.prepare("SELECT count(*) AS n FROM t");
 *
 * assert.equal(withTransaction(db, () => { insert.run(1); insert.run(2); return "done"; }), "done");
 * assert.throws(() =>
 *   withTransaction(db, () => {
 *     insert.run(3);
 *     throw new Error("changed my mind");
 *   }), /changed my mind/);
 * assert.equal(count.get()?.n, 2n);
 * db.close();
 * ```
 */
export function withTransaction<T>(db: SqliteDatabase, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  let result: T;
  try {
    result = fn();
    if (isThenable(result)) {
      // Keep the rejection of an async fn from going unhandled.
      Promise.resolve(result).catch(() => {});
      throw new TypeError(
        "Expected a synchronous function: withTransaction() cannot keep a " +
          "transaction open across an await",
      );
    }
    db.exec("COMMIT");
  } catch (error) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // SQLite may already have rolled back (e.g. after SQLITE_FULL, or a
      // failed COMMIT); the original error is the one to report.
    }
    throw error;
  }
  return result;
}

function isThenable(value: unknown): boolean {
  return (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}
