// WAL checkpoints of a session file, run by the storage between the time
// slices of its batched writes instead of by SQLite inside a commit.
//
// SQLite checkpoints a WAL once it holds 1000 pages (wal_autocheckpoint),
// inside the COMMIT that crosses the mark: with synchronous=NORMAL that
// COMMIT then syncs the WAL, copies the pages into the database and syncs
// the database, 10-25 ms on a VM disk, in the same task as the write. Here
// the connection's own mark is raised (a safety net for writes outside the
// batches), and after each slice of batched writes the WAL's size is
// looked at: once it holds CHECKPOINT_PAGES pages, the WAL is
// synced from the runtime's thread pool (the event loop keeps running),
// and the checkpoint copies its pages in a task of its own. When no frame
// was written since that sync began (same size, same salts in the WAL
// header), the copy itself syncs nothing and the database file is synced
// from the thread pool as well: SQLite's order (WAL synced before the copy,
// database synced before the WAL is written again) still holds, because
// every write on the connection first waits for that sync
// ({@linkcode WalCheckpointer.beforeWrite}: at once, on the event loop,
// when it has not finished). The same pages reach the database file as
// often as before and are synced in the same order, so the power-loss
// window does not grow; what moves is which thread pays for the syncs.
// Private to the library.

import { turn } from "../backend/_write_behind.ts";
import type { SqliteDatabase } from "./driver.ts";
import { fsAvailableNow, fsNow, type NodeFsModule } from "./_fs.ts";

/**
 * Pages in the WAL before a checkpoint (SQLite's default mark is 1000).
 * Each checkpoint ends with a sync of the database file; four times fewer
 * of them made a 60k-peer ingest about 20% faster on Node (16 MiB of WAL
 * at most with 4 KiB pages), while the copy itself stays a task of 3-5 ms.
 * The WAL is synced after every slice anyway: the power-loss window does
 * not depend on this mark.
 */
const CHECKPOINT_PAGES = 4000;

/** The connection's own mark, kept as a safety net (pages). */
const SAFETY_PAGES = 10_000;

/** The WAL header, and each frame's header (bytes). */
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** The WAL's size and header salts: frames were written when it changes. */
type WalMark = string;

/** One checkpointer per connection (a store's sessions share theirs). */
const OF_DB = new WeakMap<SqliteDatabase, WalCheckpointer>();

/** Checkpoints one database file's WAL when it has grown enough. */
export class WalCheckpointer {
  #db: SqliteDatabase;
  #wal: string;
  // The connection's synchronous setting, restored after a copy.
  #synchronous = "1";
  // A checkpoint's copy not yet synced to the database file: its sync
  // from the thread pool, and how to finish it at once instead.
  #unsynced: { done: boolean; now(): void } | undefined;
  // Set up on the first write (opening a file to read it loads nothing):
  // node:fs, the page size; null once found not to apply (no WAL).
  #fs: NodeFsModule | undefined | null;
  #frameBytes = 4096 + FRAME_HEADER;
  #running = false;
  #syncing: Promise<WalMark | null> | undefined;
  // A sync to begin once the running one ends (writes came meanwhile).
  #again: Promise<WalMark | null> | undefined;

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
    let c = OF_DB.get(db);
    if (c === undefined) OF_DB.set(db, c = new WalCheckpointer(db));
    return c;
  }

  /**
   * Before any write on `db` (and before closing it): when a checkpoint's
   * copy is not yet synced to the database file, syncs it now, so that the
   * WAL is never written again before the pages it held are on disk.
   * Nothing to do (the usual case) costs one lookup.
   *
   * @param db The connection.
   */
  static beforeWrite(db: SqliteDatabase): void {
    const c = OF_DB.get(db);
    if (c !== undefined && c.#unsynced !== undefined) c.#settle();
  }

  #settle(): void {
    const u = this.#unsynced;
    this.#unsynced = undefined;
    if (u !== undefined && !u.done) u.now();
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
    this.#synchronous = String(value("PRAGMA synchronous"));
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

  /** The WAL's size and header (salts included), or null when unreadable. */
  #mark(): WalMark | null {
    const fs = this.#fs!;
    try {
      const fd = fs.openSync(this.#wal, "r");
      try {
        const head = new Uint8Array(WAL_HEADER);
        const read = fs.readSync(fd, head, 0, WAL_HEADER, 0);
        return `${fs.fstatSync(fd).size}:${head.subarray(0, read).join(",")}`;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return null;
    }
  }

  /**
   * Syncs the WAL from the thread pool, at most one sync at a time; never
   * rejects (a sync that fails is only a head start lost). Resolves to the
   * WAL's mark as the sync began when it succeeded, else null.
   */
  #sync(): Promise<WalMark | null> {
    if (this.#syncing !== undefined) {
      // The running sync may have begun before the latest writes: one more
      // after it (one for all that come meanwhile).
      this.#again ??= this.#syncing.then(() => {
        this.#again = undefined;
        return this.#sync();
      });
      return this.#again;
    }
    this.#syncing = (async () => {
      try {
        const mark = this.#mark();
        await syncFile(this.#fs!, this.#wal);
        return mark;
      } catch {
        return null; // the checkpoint syncs the WAL itself
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }

  /**
   * Copies the WAL into the database without syncing either, then syncs
   * the database file from the thread pool; every write meanwhile syncs it
   * at once first (beforeWrite). Only when the WAL is synced as it is.
   */
  async #copyThenSync(): Promise<void> {
    const db = this.#db;
    db.exec("PRAGMA synchronous = OFF");
    try {
      db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
    } finally {
      db.exec(`PRAGMA synchronous = ${this.#synchronous}`);
    }
    const fs = this.#fs!;
    const path = db.path;
    const pending = {
      done: false,
      now(): void {
        const fd = fs.openSync(path, "r+");
        try {
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      },
    };
    this.#unsynced = pending;
    try {
      await syncFile(fs, path);
      pending.done = true;
    } catch {
      // Not synced from the pool: now, on the event loop.
      if (this.#unsynced === pending) this.#settle();
    } finally {
      if (this.#unsynced === pending) this.#unsynced = undefined;
    }
  }

  /**
   * After a write outside the batches (or a batch written at once): syncs
   * the WAL from the thread pool soon, so that the write is durable
   * against power loss within a sync's time, as batched writes are. Never
   * throws.
   */
  wrote(): void {
    try {
      if (this.#ready()) void this.#sync();
    } catch {
      this.#fs = null;
    }
  }

  /**
   * After a slice of writes: starts syncing the WAL off the event loop
   * (what a checkpoint would sync is then mostly on disk already), and
   * when the WAL holds CHECKPOINT_PAGES pages, waits for a sync begun after
   * the last writes and checkpoints, in a task of its own (see
   * #copyThenSync for when the copy syncs nothing itself). Never throws: a checkpoint that
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
      // A sync that began before the last writes does not cover them: one
      // more, begun now.
      await synced;
      const mark = await this.#sync();
      // The sync may have finished within this task: let the loop turn.
      await turn();
      if (!open()) return;
      if (mark !== null && mark === this.#mark() && this.#synchronous !== "0") {
        await this.#copyThenSync();
      } else {
        // Written since (or not synced): SQLite syncs as it copies.
        this.#db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
      }
    } catch {
      // Busy or failing: the next slice, or SQLite's own mark, tries again.
    } finally {
      this.#running = false;
    }
  }
}

/** Syncs a file from the runtime's thread pool. */
async function syncFile(fs: NodeFsModule, path: string): Promise<void> {
  const handle = await fs.promises.open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
