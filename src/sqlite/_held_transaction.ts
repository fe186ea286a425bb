// One write transaction a session file keeps open across the time slices of
// a batched flush (see backend/_write_behind.ts, `Hold`): each slice is a
// savepoint in it, and it commits once it has been open for HOLD_MS (and
// at the end of the flush). The slices then share a commit: a commit
// writes every page the transaction dirtied to the WAL, and slices of about
// 4 ms each committing alone wrote the same index pages again and again
// (100,000-peer ingest on Node: 32k peers/s with a commit per slice, 63k
// with a commit per flush). Only for a connection the storage owns alone:
// every other write on it commits the held transaction first. Private to
// the library.

import type { Hold } from "../backend/_write_behind.ts";
import type { SqliteDatabase } from "./driver.ts";

/**
 * How long the transaction stays open before it commits (ms). What it holds
 * is durable at the commit: a batch reaches the disk at most this much
 * later than with a commit per slice.
 */
export const HOLD_MS = 50;

/** A write transaction kept open across slices. */
export class HeldTransaction implements Hold {
  #db: SqliteDatabase;
  #before: () => void;
  #open = false;
  #since = 0;

  /**
   * @param db The connection (the storage's own).
   * @param before Runs before the transaction begins (e.g. a pending sync).
   */
  constructor(db: SqliteDatabase, before: () => void) {
    this.#db = db;
    this.#before = before;
  }

  /** Whether a transaction is open. */
  get open(): boolean {
    return this.#open;
  }

  /** Runs `write` in a savepoint of the open transaction (begun if none). */
  run(write: () => void): void {
    const db = this.#db;
    if (!this.#open) {
      this.#before();
      db.exec("BEGIN IMMEDIATE");
      this.#open = true;
      this.#since = performance.now();
    }
    db.exec("SAVEPOINT mts_slice");
    try {
      write();
      db.exec("RELEASE mts_slice");
    } catch (error) {
      try {
        db.exec("ROLLBACK TO mts_slice");
        db.exec("RELEASE mts_slice");
      } catch {
        // SQLite rolled the whole transaction back (e.g. SQLITE_FULL).
        this.#open = false;
        try {
          db.exec("ROLLBACK");
        } catch {
          // Nothing left to roll back.
        }
      }
      throw error;
    }
  }

  /** Whether the transaction has been open for HOLD_MS. */
  due(): boolean {
    return this.#open && performance.now() - this.#since >= HOLD_MS;
  }

  /** Commits the open transaction; rolls it back when the commit fails. */
  commit(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#db.exec("COMMIT");
    } catch (error) {
      try {
        this.#db.exec("ROLLBACK");
      } catch {
        // SQLite may have rolled back already.
      }
      throw error;
    }
  }
}
