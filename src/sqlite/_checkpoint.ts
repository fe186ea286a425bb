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
  #fs: NodeFsModule;
  #frameBytes: number;
  #running = false;
  #syncing: Promise<void> | undefined;

  /**
   * Takes over checkpoints of `db` (a WAL-mode file the caller owns), or
   * returns undefined where node:fs cannot be had synchronously (SQLite
   * then keeps checkpointing itself).
   *
   * @param db The connection.
   * @returns The checkpointer, or undefined.
   */
  static of(db: SqliteDatabase): WalCheckpointer | undefined {
    if (db.path === "" || db.path === ":memory:" || !fsAvailableNow()) {
      return undefined;
    }
    const mode = db.prepare("PRAGMA journal_mode").get();
    if (String(Object.values(mode ?? {})[0]).toLowerCase() !== "wal") {
      return undefined;
    }
    const size = Number(
      Object.values(db.prepare("PRAGMA page_size").get() ?? {})[0],
    );
    // A WAL restarted after a checkpoint is cut back to what its first
    // commit wrote: its size then tells how many pages it holds.
    db.exec("PRAGMA journal_size_limit = 0");
    db.exec(`PRAGMA wal_autocheckpoint = ${SAFETY_PAGES}`);
    return new WalCheckpointer(db, size > 0 ? size : 4096);
  }

  private constructor(db: SqliteDatabase, pageSize: number) {
    this.#db = db;
    this.#wal = `${db.path}-wal`;
    this.#fs = fsNow();
    this.#frameBytes = pageSize + FRAME_HEADER;
  }

  /** Pages the WAL holds (an estimate from its size; 0 when absent). */
  #pages(): number {
    try {
      const size = this.#fs.statSync(this.#wal).size;
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
        const handle = await this.#fs.promises.open(this.#wal, "r+");
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
    const synced = this.#sync();
    if (this.#running || this.#pages() < CHECKPOINT_PAGES) return;
    this.#running = true;
    try {
      await synced;
      // The sync may have finished within this task: let the loop turn.
      await new Promise((resolve) => setImmediate(resolve));
      if (!open()) return;
      this.#db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
    } catch {
      // Busy or failing: the next slice, or SQLite's own mark, tries again.
    } finally {
      this.#running = false;
    }
  }
}
