/**
 * The part of IndexedDB the storage uses, typed structurally (no DOM types
 * needed to type-check on Deno, Bun and Node): a browser's own
 * `indexedDB` and `IDBKeyRange` fit, and so does an implementation such
 * as the `fake-indexeddb` npm package.
 *
 * @module
 */

import { SessionError } from "../errors.ts";

/** A key IndexedDB orders: numbers, texts, dates, bytes, arrays of keys. */
export type IdbKey = number | string | Date | Uint8Array | IdbKey[];

/** A request: its result or error arrive by event. */
export interface IdbRequestLike<T = unknown> {
  /** The result, once it succeeded. */
  readonly result: T;
  /** The error, once it failed. */
  readonly error: unknown;
  /** Called on success. */
  onsuccess: ((event: unknown) => void) | null;
  /** Called on failure. */
  onerror: ((event: unknown) => void) | null;
}

/** The request of `indexedDB.open`. */
export interface IdbOpenRequestLike extends IdbRequestLike<IdbDatabaseLike> {
  /** Called when the database must be created or upgraded. */
  onupgradeneeded: ((event: unknown) => void) | null;
  /** Called while an older connection keeps the upgrade waiting. */
  onblocked: ((event: unknown) => void) | null;
}

/** A key range (`IDBKeyRange`). */
export interface IdbKeyRangeLike {
  /** The lower bound. */
  readonly lower: unknown;
  /** The upper bound. */
  readonly upper: unknown;
}

/** The `IDBKeyRange` constructor's static methods. */
export interface IdbKeyRangeStatic {
  /** Keys between `lower` and `upper`. */
  bound(
    lower: IdbKey,
    upper: IdbKey,
    lowerOpen?: boolean,
    upperOpen?: boolean,
  ): IdbKeyRangeLike;
  /** Exactly this key. */
  only(value: IdbKey): IdbKeyRangeLike;
}

/** A cursor over records (`IDBCursorWithValue`). */
export interface IdbCursorLike {
  /** The record's value. */
  readonly value: unknown;
  /** The record's primary key. */
  readonly primaryKey: unknown;
  /** Moves on; the request fires again. */
  continue(): void;
}

/** What a store and an index can both be asked. */
export interface IdbQueryable {
  /** The first record at `key`. */
  get(key: IdbKey | IdbKeyRangeLike): IdbRequestLike;
  /** The records in a range, in key order. */
  getAll(query?: IdbKey | IdbKeyRangeLike | null): IdbRequestLike<unknown[]>;
  /** The primary keys of the records in a range, in key order. */
  getAllKeys(
    query?: IdbKey | IdbKeyRangeLike | null,
  ): IdbRequestLike<unknown[]>;
  /** How many records a range holds. */
  count(query?: IdbKey | IdbKeyRangeLike): IdbRequestLike<number>;
  /** A cursor over a range. */
  openCursor(
    query?: IdbKey | IdbKeyRangeLike | null,
    direction?: "next" | "prev",
  ): IdbRequestLike<IdbCursorLike | null>;
}

/** An index of an object store. */
export type IdbIndexLike = IdbQueryable;

/** An object store within a transaction. */
export interface IdbObjectStoreLike extends IdbQueryable {
  /** Writes a record (at `key`, for a store without a key path). */
  put(value: unknown, key?: IdbKey): IdbRequestLike;
  /** Deletes the records at a key or in a range. */
  delete(query: IdbKey | IdbKeyRangeLike): IdbRequestLike;
  /** One of the store's indexes. */
  index(name: string): IdbIndexLike;
  /** Adds an index (while upgrading). */
  createIndex(
    name: string,
    keyPath: string | string[],
    options?: { unique?: boolean; multiEntry?: boolean },
  ): unknown;
}

/** A transaction. */
export interface IdbTransactionLike {
  /** One of the stores it spans. */
  objectStore(name: string): IdbObjectStoreLike;
  /** Why it failed, once it did. */
  readonly error: unknown;
  /** Called once it committed. */
  oncomplete: ((event: unknown) => void) | null;
  /** Called when a request of it failed. */
  onerror: ((event: unknown) => void) | null;
  /** Called once it was rolled back. */
  onabort: ((event: unknown) => void) | null;
  /** Rolls it back. */
  abort(): void;
}

/** An open database connection (`IDBDatabase`). */
export interface IdbDatabaseLike {
  /** The names of its object stores. */
  readonly objectStoreNames: { contains(name: string): boolean };
  /** Adds an object store (while upgrading). */
  createObjectStore(
    name: string,
    options?: { keyPath?: string | string[] },
  ): IdbObjectStoreLike;
  /** Starts a transaction over some stores. */
  transaction(
    stores: string | string[],
    mode?: "readonly" | "readwrite",
    options?: { durability?: "default" | "strict" | "relaxed" },
  ): IdbTransactionLike;
  /** Closes the connection (once its transactions end). */
  close(): void;
  /** Called when another connection wants to upgrade or delete it. */
  onversionchange: ((event: unknown) => void) | null;
}

/** The `indexedDB` global (`IDBFactory`). */
export interface IdbFactoryLike {
  /** Opens (creating or upgrading) a database. */
  open(name: string, version?: number): IdbOpenRequestLike;
  /** Deletes a database. */
  deleteDatabase(name: string): IdbRequestLike;
}

/**
 * Where IndexedDB comes from: a browser's globals by default, or an
 * implementation passed in.
 *
 * @example Usage
 * ```ts ignore
 * import { indexedDB, IDBKeyRange } from "fake-indexeddb";
 * import { openIndexedDbStore } from "@mtsession/mtsession/indexeddb";
 *
 * const store = await openIndexedDbStore("sessions", { indexedDB, IDBKeyRange });
 * await store.close();
 * ```
 */
export interface IndexedDbProvider {
  /** The factory (default: `globalThis.indexedDB`). */
  indexedDB?: IdbFactoryLike;
  /** The key-range constructor (default: `globalThis.IDBKeyRange`). */
  IDBKeyRange?: IdbKeyRangeStatic;
}

/**
 * IndexedDB is not available here: not a browser (nor a worker), or
 * storage is blocked (some private modes), and none was passed in.
 *
 * @example Usage
 * ```ts
 * import { IndexedDbUnavailableError } from "@mtsession/mtsession/indexeddb";
 * import assert from "node:assert/strict";
 *
 * const error = new IndexedDbUnavailableError();
 * assert.match(error.message, /IndexedDB/);
 * ```
 */
export class IndexedDbUnavailableError extends SessionError {
  /**
   * Creates the error.
   *
   * @param options Standard error options.
   */
  constructor(options?: ErrorOptions) {
    super(
      "Cannot open an IndexedDB session: this runtime has no indexedDB " +
        "(it is there in browsers and workers); pass { indexedDB, " +
        "IDBKeyRange } of an implementation instead",
      options,
    );
    this.name = "IndexedDbUnavailableError";
  }
}

/** A provider's factory and key ranges, or IndexedDbUnavailableError. */
export function resolveIndexedDb(
  provider: IndexedDbProvider = {},
): { factory: IdbFactoryLike; range: IdbKeyRangeStatic } {
  const g = globalThis as {
    indexedDB?: IdbFactoryLike;
    IDBKeyRange?: IdbKeyRangeStatic;
  };
  const factory = provider.indexedDB ?? g.indexedDB;
  const range = provider.IDBKeyRange ?? g.IDBKeyRange;
  if (factory === undefined || range === undefined) {
    throw new IndexedDbUnavailableError();
  }
  return { factory, range };
}
