/**
 * Many sessions in one SQLite file: a {@linkcode SessionStore}. The file
 * belongs to one process at a time (SQLite's exclusive lock, taken when
 * the store opens); within it, each session is open once.
 *
 * @module
 */

import { redactInspect } from "../_redacted.ts";
import type { Session, SessionOptions } from "../session.ts";
import { OpenSessions, reportFirst } from "../store/_open_sessions.ts";
import type { SessionStore } from "../store/store.ts";
import type { SqliteDatabase } from "./driver.ts";
import {
  openSqliteFile,
  type SqliteSessionOptions,
  sqliteStorageOptions,
} from "./session_file.ts";
import { deleteSessionRows, SqliteStorage } from "./sqlite_storage.ts";
import { WalCheckpointer } from "./_checkpoint.ts";

/**
 * Many sessions in one SQLite database, each isolated from the others (the
 * role of Telethon's AlchemySession), with the guarantees of
 * {@linkcode SessionStore}. Open it with `openSessionStore(path)`.
 *
 * @example Usage
 * ```ts
 * import { openSessionStore, type SqliteSessionStore } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 * import { mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const dir = mkdtempSync(join(tmpdir(), "mts-"));
 * const store: SqliteSessionStore = await openSessionStore(join(dir, "bots.db"));
 * const alice = await store.open("alice");
 * assert.match(String(store), /^SqliteSessionStore\(.*bots\.db, 1 open\)$/);
 * await alice.close();
 * await store.close();
 * rmSync(dir, { recursive: true });
 * ```
 */
export class SqliteSessionStore implements SessionStore {
  #db: SqliteDatabase;
  #path: string;
  #options: SqliteSessionOptions;
  #sessions: OpenSessions;

  static {
    redactInspect(this);
  }

  /**
   * Wraps an open store database; use `openSessionStore(path)`.
   *
   * @param db The database.
   * @param path Its file name (for messages).
   * @param options Options every session opened from it gets.
   */
  constructor(db: SqliteDatabase, path: string, options: SqliteSessionOptions) {
    this.#db = db;
    this.#path = path;
    this.#options = options;
    const label = (id: string): string => `${path}#${id}`;
    this.#sessions = new OpenSessions({
      // The whole file is this process's (SQLite's exclusive lock).
      lock: undefined,
      label,
      register: () => Promise.resolve(), // the storage adds its row
      storage: (id, onClose) =>
        new SqliteStorage(
          db,
          id,
          sqliteStorageOptions(label(id), options, {
            onClose: () => void onClose(),
          }),
        ),
      remove: (id) => {
        deleteSessionRows(db, id);
        return Promise.resolve();
      },
    });
  }

  /**
   * Opens (creating if needed) one session of the store.
   *
   * @param id The session's id: any non-empty text up to 255 characters.
   * @param options Session options.
   * @returns The session.
   * @throws {SessionInUseError} When that session is already open (or
   * being opened).
   */
  async open(id: string, options: SessionOptions = {}): Promise<Session> {
    return await this.#sessions.open(id, options, this.#options);
  }

  /**
   * Ids of every session in the store, sorted.
   *
   * @returns The ids.
   */
  list(): Promise<string[]> {
    try {
      this.#sessions.check("list sessions");
      return Promise.resolve(
        this.#db.prepare(
          "SELECT session_id FROM mts_sessions ORDER BY session_id",
        )
          .all().map((r) => String(r.session_id)),
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Deletes a session and everything it stored.
   *
   * @param id The session's id.
   * @throws {SessionInUseError} When that session is open.
   */
  async delete(id: string): Promise<void> {
    await this.#sessions.delete(id);
  }

  /**
   * Closes every open session of the store (each, whatever the others
   * did), then the database; reports the first failure after.
   */
  async close(): Promise<void> {
    const errors = await this.#sessions.closeAll();
    if (errors === undefined) return;
    WalCheckpointer.beforeWrite(this.#db);
    this.#db.close();
    reportFirst(errors);
  }

  /** Closes the store (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * A short description.
   *
   * @returns E.g. `SqliteSessionStore(bots.db, 2 open)`.
   */
  toString(): string {
    return `SqliteSessionStore(${this.#path}, ${this.#sessions.size} open)`;
  }

  /**
   * What `JSON.stringify` shows.
   *
   * @returns A summary.
   */
  toJSON(): { kind: string; path: string; open: number } {
    return { kind: "sqlite", path: this.#path, open: this.#sessions.size };
  }
}

/**
 * Opens (creating if needed) a store of many sessions in one SQLite file;
 * the public entry is `openSessionStore` (src/open.ts), which loads this
 * module only when called.
 *
 * @param path The database file (used as given, no suffix added).
 * @param options Driver, waiting and batching options.
 * @returns The store.
 */
export async function openSqliteSessionStore(
  path: string,
  options: SqliteSessionOptions = {},
): Promise<SqliteSessionStore> {
  const db = await openSqliteFile(path, "store", options);
  return new SqliteSessionStore(db, path, options);
}
