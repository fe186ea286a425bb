// One write transaction a session file keeps open across the time slices of
// a batched flush (see backend/_write_behind.ts, `Hold`): each slice is a
// savepoint in it. A commit writes every page the transaction dirtied to
// the WAL, and peers with random ids dirty pages all over each B-tree:
// slices that committed alone wrote the same pages again and again.
// Shared commits write each page once for several slices; but a commit is
// a synchronous task of its own, and its cost grows with what it holds (a
// commit per flush of 2000 peers took 10-12 ms on Node at 100k peers). So
// the transaction commits once its commit would cost COMMIT_MS at the last
// commits' cost per item, or once it has been open for HOLD_MS, and at the
// end of the flush. Only for a connection the storage owns alone: every
// other write on it commits the held transaction first. Private to the
// library.

import type { Hold } from "../backend/_write_behind.ts";
import type { SqliteDatabase } from "./driver.ts";

/**
 * How long the transaction stays open before it commits (ms). What it holds
 * is durable at the commit: a batch reaches the disk at most this much
 * later than with a commit per slice.
 */
export const HOLD_MS = 50;

/**
 * What one commit may cost (ms). A WAL checkpoint's copy, in a task of its
 * own, takes 7-10 ms at 100k peers: a commit of up to 8 ms makes no longer
 * task than that. Budgets of 4, 8 and 16 ms and none were measured side by
 * side against a commit per slice: docs/reliability.md, "Shared commits,
 * measured".
 */
export const COMMIT_MS = 8;

/** Items a first commit is assumed to hold for COMMIT_MS (see #msPerItem). */
const FIRST_ITEMS = 1000;

/** A write transaction kept open across slices. */
export class HeldTransaction implements Hold {
  #db: SqliteDatabase;
  #before: () => void;
  #after: () => void;
  #budgetMs: number;
  #open = false;
  #since = 0;
  // Items written in the open transaction, and the last commits' cost per
  // item (ms, smoothed). Until a commit was measured: the budget per
  // FIRST_ITEMS (a file opened large commits 2000 new peers in 10-12 ms on
  // Node at 100k peers; a small one commits faster, and soon says so).
  #items = 0;
  #msPerItem: number;
  #measured = false;

  /**
   * @param db The connection (the storage's own).
   * @param before Runs before the transaction begins (e.g. a pending sync).
   * @param after Runs after each commit (e.g. a WAL sync); must not throw.
   * @param budgetMs What a commit may cost (ms).
   */
  constructor(
    db: SqliteDatabase,
    before: () => void,
    after: () => void,
    budgetMs: number,
  ) {
    this.#db = db;
    this.#before = before;
    this.#after = after;
    this.#budgetMs = budgetMs;
    this.#msPerItem = budgetMs / FIRST_ITEMS;
  }

  /** Whether a transaction is open. */
  get open(): boolean {
    return this.#open;
  }

  /** Runs `write` in a savepoint of the open transaction (begun if none). */
  run(write: () => void, items: number): void {
    const db = this.#db;
    if (!this.#open) {
      this.#before();
      db.exec("BEGIN IMMEDIATE");
      this.#open = true;
      this.#since = performance.now();
      this.#items = 0;
    }
    db.exec("SAVEPOINT mts_slice");
    try {
      write();
      db.exec("RELEASE mts_slice");
      this.#items += items;
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

  /**
   * Whether the transaction has been open for HOLD_MS, or its commit would
   * cost the budget at the last commits' rate.
   */
  due(): boolean {
    return this.#open &&
      (performance.now() - this.#since >= HOLD_MS ||
        this.#msPerItem * this.#items >= this.#budgetMs);
  }

  /**
   * Commits the open transaction, then runs `after`; rolls it back when the
   * commit fails.
   */
  commit(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      const start = performance.now();
      this.#db.exec("COMMIT");
      if (this.#items > 0) {
        const rate = (performance.now() - start) / this.#items;
        this.#msPerItem = this.#measured ? (this.#msPerItem + rate) / 2 : rate;
        this.#measured = true;
      }
    } catch (error) {
      try {
        this.#db.exec("ROLLBACK");
      } catch {
        // SQLite may have rolled back already.
      }
      throw error;
    }
    this.#after();
  }
}
