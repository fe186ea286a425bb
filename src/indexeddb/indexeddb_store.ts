/**
 * Many sessions in one IndexedDB database, and one session by name.
 *
 * @module
 */

import { redactInspect } from "../_redacted.ts";
import { batchOptions } from "../backend/_write_behind.ts";
import type { Session, SessionOptions } from "../session.ts";
import { OpenSessions, reportFirst } from "../store/_open_sessions.ts";
import type { SessionStore, StoreOpenOptions } from "../store/store.ts";
import { inTransaction, openDatabase, request } from "./_db.ts";
import { webLocks, WebSessionLocks } from "./_locks.ts";
import {
  type IdbDatabaseLike,
  type IdbKeyRangeStatic,
  type IndexedDbProvider,
  resolveIndexedDb,
} from "./idb.ts";
import { deleteSession, IndexedDbStorage } from "./indexeddb_storage.ts";

/**
 * Options of {@linkcode openIndexedDbStore}.
 *
 * @example Usage
 * ```ts
 * import type { IndexedDbStoreOptions } from "@mtsession/mtsession/indexeddb";
 *
 * const options: IndexedDbStoreOptions = { wait: 5000, flushDelayMs: 250 };
 * void options;
 * ```
 */
export interface IndexedDbStoreOptions
  extends SessionOptions, IndexedDbProvider {
  /**
   * When a session is open in another tab or worker: `false` (default)
   * fails at once with `SessionInUseError`; `true` waits up to 30 s; a
   * number waits that many milliseconds.
   */
  wait?: boolean | number;
  /** Longest wait of a batched write, in milliseconds (default 1000). */
  flushDelayMs?: number;
  /** Write the batch as soon as this many wait (default 2000). */
  maxBatch?: number;
}

/**
 * Many sessions in one IndexedDB database of the page's origin, each
 * open in one tab or worker at a time (a Web Lock per session, held
 * while it is open; a tab that closes lets go of its locks).
 *
 * @example Usage
 * ```ts ignore
 * import { openIndexedDbStore } from "@mtsession/mtsession/indexeddb";
 *
 * await using store = await openIndexedDbStore("mtsession");
 * await using session = await store.open("main");
 * await session.setDc(2, "149.154.167.51", 443);
 * console.log(await store.list()); // ["main"]
 * ```
 */
export class IndexedDbStore implements SessionStore {
  #db: IdbDatabaseLike;
  #range: IdbKeyRangeStatic;
  #name: string;
  #options: IndexedDbStoreOptions;
  #locks: WebSessionLocks | undefined;
  #sessions: OpenSessions;
  #onClosed: (() => void) | undefined;

  static {
    redactInspect(this);
  }

  /**
   * Wraps an open database; use {@linkcode openIndexedDbStore}.
   *
   * @param db The database, opened with this library's schema.
   * @param range The `IDBKeyRange` constructor.
   * @param name The database's name (for messages and lock names).
   * @param options Waiting and batching.
   */
  constructor(
    db: IdbDatabaseLike,
    range: IdbKeyRangeStatic,
    name: string,
    options: IndexedDbStoreOptions = {},
  ) {
    this.#db = db;
    this.#range = range;
    this.#name = name;
    this.#options = options;
    const manager = webLocks();
    const locks = this.#locks = manager === undefined
      ? undefined
      : new WebSessionLocks(manager, `mtsession:${name}#`);
    const label = (id: string): string => `indexeddb:${name}#${id}`;
    this.#sessions = new OpenSessions({
      lock: locks,
      label,
      register: (id) =>
        inTransaction(db, "sessions", "readwrite", async (tx) => {
          const sessions = tx.objectStore("sessions");
          if (await request(sessions.count(id)) === 0) {
            await request(sessions.put(
              {
                createdAt: Math.floor(Date.now() / 1000),
                refSeq: 0,
                writes: 0,
              },
              id,
            ));
          }
        }),
      storage: (id, onClose) =>
        new IndexedDbStorage(db, range, id, {
          label: label(id),
          onClose: async () => {
            await onClose();
            this.#onClosed?.();
          },
          ...batchOptions(options),
        }),
      remove: (id) => deleteSession(db, range, id),
    });
  }

  /** Closes the store once its last session closes (openIndexedDbSession). */
  closeWithSessions(): void {
    this.#onClosed = () => {
      if (this.#sessions.size === 0) void this.close();
    };
  }

  /** {@inheritDoc SessionStore.open} */
  async open(id: string, options: StoreOpenOptions = {}): Promise<Session> {
    return await this.#sessions.open(id, options, this.#options);
  }

  /** {@inheritDoc SessionStore.list} */
  async list(): Promise<string[]> {
    this.#sessions.check("list sessions");
    const keys = await inTransaction(
      this.#db,
      "sessions",
      "readonly",
      (tx) => request(tx.objectStore("sessions").getAllKeys()),
    );
    return (keys as string[]).sort();
  }

  /** {@inheritDoc SessionStore.delete} */
  async delete(id: string): Promise<void> {
    await this.#sessions.delete(id);
  }

  /** {@inheritDoc SessionStore.close} */
  async close(): Promise<void> {
    const errors = await this.#sessions.closeAll();
    if (errors === undefined) return;
    this.#locks?.releaseAll();
    this.#db.close();
    reportFirst(errors);
  }

  /** Closes the store (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `IndexedDbStore(mtsession, 1 open)`.
   */
  toString(): string {
    return `IndexedDbStore(${this.#name}, ${this.#sessions.size} open)`;
  }

  /**
   * What `JSON.stringify` shows: no secret.
   *
   * @returns A redacted summary.
   */
  toJSON(): { kind: string; name: string; open: number } {
    return { kind: "indexeddb", name: this.#name, open: this.#sessions.size };
  }
}

/**
 * Opens (creating if needed) a database of many sessions in IndexedDB.
 *
 * @param name The database's name (default `"mtsession"`).
 * @param options Where IndexedDB comes from, waiting and batching.
 * @returns The store; close it when done.
 * @throws {IndexedDbUnavailableError} Where there is no IndexedDB.
 *
 * @example Usage
 * ```ts ignore
 * import { openIndexedDbStore } from "@mtsession/mtsession/indexeddb";
 *
 * const store = await openIndexedDbStore("bots");
 * const a = await store.open("alice");
 * const b = await store.open("bob");
 * await store.close(); // closes both
 * ```
 */
export async function openIndexedDbStore(
  name = "mtsession",
  options: IndexedDbStoreOptions = {},
): Promise<IndexedDbStore> {
  const { factory, range } = resolveIndexedDb(options);
  const db = await openDatabase(factory, name);
  return new IndexedDbStore(db, range, name, options);
}

/**
 * Opens (creating if needed) one session by name in the database
 * `"mtsession"` of IndexedDB; closing the session closes the database.
 * In another tab it is in use until closed here: there, this throws
 * `SessionInUseError` (or waits, with `{ wait }`).
 *
 * @param name The session's name.
 * @param options Where IndexedDB comes from, waiting and batching; `database`
 * picks another database.
 * @returns The session.
 * @throws {SessionInUseError} When it is open in another tab.
 *
 * @example Usage
 * ```ts ignore
 * import { openIndexedDbSession } from "@mtsession/mtsession/indexeddb";
 *
 * await using session = await openIndexedDbSession("main");
 * await session.processEntities({ _: "user", id: 7, accessHash: 7n, username: "seven" });
 * console.log(await session.getInputPeer("@seven"));
 * ```
 */
export async function openIndexedDbSession(
  name: string,
  options: IndexedDbStoreOptions & { database?: string } = {},
): Promise<Session> {
  const store = await openIndexedDbStore(
    options.database ?? "mtsession",
    options,
  );
  try {
    const session = await store.open(name);
    store.closeWithSessions();
    return session;
  } catch (e) {
    await store.close();
    throw e;
  }
}
