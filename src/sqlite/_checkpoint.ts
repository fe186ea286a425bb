// WAL checkpoints of a session file, run by the storage between the time
// slices of its batched writes instead of by SQLite inside a commit.
//
// SQLite checkpoints a WAL once it holds 1000 pages (wal_autocheckpoint),
// inside the COMMIT that crosses the mark: with synchronous=NORMAL that
// COMMIT then syncs the WAL, copies the pages into the database and syncs
// the database, 10-25 ms on a VM disk, in the same task as the write. Here
// the connection's own mark is raised (a safety net for writes outside the
// batches), and after each slice of batched writes the WAL's size is
// looked at: once it holds as many pages as SQLite's mark, the WAL is
// first synced from the runtime's thread pool (the event loop keeps
// running), then checkpointed in a task of its own. The same pages reach
// the database file as often as before, so the power-loss window does not
// grow; what moves is which task pays for it, and half of it (the WAL's
// sync) leaves the event loop. Private to the library.

import { turn } from "../backend/_write_behind.ts";
import type { SqliteDatabase } from "./driver.ts";
import { fsAvailableNow, fsNow, type NodeFsModule } from "./_fs.ts";

/** Pages in the WAL before a checkpoint: SQLite's default mark. */
const CHECKPOINT_PAGES = 1000;

/** The connection's own mark, kept as a safety net (pages). */
const SAFETY_PAGES = 10_000;

/** The WAL header, and each frame's header (bytes). */
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** Checkpoints one database file's WAL when it has grown enough. */
export class WalCheckpointer {
  #db: SqliteDatabase;
  #wal: string;
  // Set up on the first write (opening a file to read it loads nothing):
  // node:fs, the page size; null once found not to apply (no WAL).
  #fs: NodeFsModule | undefined | null;
  #frameBytes = 4096 + FRAME_HEADER;
  #running = false;
  #syncing: Promise<void> | undefined;

  /**
   * A checkpointer for `db` (a file the caller owns), or undefined where
   * node:fs cannot be had synchronously (SQLite then keeps checkpointing
   * itself). It takes over on the first write.
   *
   * @param db The connection.
   * @returns The checkpointer, or undefined.
   */
  static of(db: SqliteDatabase): WalCheckpointer | undefined {
    if (db.path === "" || db.path === ":memory:" || !fsAvailableNow()) {
      return undefined;
    }
    return new WalCheckpointer(db);
  }

  private constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#wal = `${db.path}-wal`;
  }

  /** Takes over the checkpoints, once; false when they are not ours. */
  #ready(): boolean {
    if (this.#fs !== undefined) return this.#fs !== null;
    const value = (sql: string): unknown =>
      Object.values(this.#db.prepare(sql).get() ?? {})[0];
    if (String(value("PRAGMA journal_mode")).toLowerCase() !== "wal") {
      this.#fs = null;
      return false;
    }
    const size = Number(value("PRAGMA page_size"));
    if (size > 0) this.#frameBytes = size + FRAME_HEADER;
    // A WAL restarted after a checkpoint is cut back to what its first
    // commit wrote: its size then tells how many pages it holds.
    this.#db.exec("PRAGMA journal_size_limit = 0");
    this.#db.exec(`PRAGMA wal_autocheckpoint = ${SAFETY_PAGES}`);
    this.#fs = fsNow();
    return true;
  }

  /** Pages the WAL holds (an estimate from its size; 0 when absent). */
  #pages(): number {
    try {
      const size = this.#fs!.statSync(this.#wal).size;
      return Math.max(0, (size - WAL_HEADER) / this.#frameBytes);
    } catch {
      return 0;
    }
  }

  /**
   * Syncs the WAL from the thread pool, at most one sync at a time; never
   * rejects (a sync that fails is only a head start lost).
   */
  #sync(): Promise<void> {
    this.#syncing ??= (async () => {
      try {
        const handle = await this.#fs!.promises.open(this.#wal, "r+");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch {
        // The checkpoint syncs the WAL itself.
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }

  /**
   * After a slice of writes: starts syncing the WAL off the event loop
   * (what a checkpoint would sync is then mostly on disk already), and
   * when the WAL holds SQLite's mark of pages, waits for that sync and
   * checkpoints, in a task of its own. Never throws: a checkpoint that
   * fails is left to the next one (or SQLite's own).
   *
   * @param open Whether the connection is still open (checked again
   * after the sync).
   * @returns When the checkpoint, if one was due, is done.
   */
  async afterWrite(open: () => boolean): Promise<void> {
    if (!open()) return;
    try {
      if (!this.#ready()) return;
    } catch {
      this.#fs = null;
      return;
    }
    const synced = this.#sync();
    if (this.#running || this.#pages() < CHECKPOINT_PAGES) return;
    this.#running = true;
    try {
      await synced;
      // The sync may have finished within this task: let the loop turn.
      await turn();
      if (!open()) return;
      this.#db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
    } catch {
      // Busy or failing: the next slice, or SQLite's own mark, tries again.
    } finally {
      this.#running = false;
    }
  }
}
