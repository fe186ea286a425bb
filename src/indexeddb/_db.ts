// The IndexedDB database of many sessions: its object stores and indexes,
// opening it, and requests and transactions as promises. Private to the
// library.
//
// Every key starts with the session id, so one database holds many
// sessions and a session's records are one key range in each store:
//
// | store      | key                              | value                         |
// | ---------- | -------------------------------- | ----------------------------- |
// | sessions   | id                               | { createdAt, refSeq, writes } |
// | auth       | id                               | the auth state                |
// | peers      | [id, markedId] (s, id)           | StoredPeer (below)            |
// | states     | [id, entityId]                   | an update state               |
// | files      | [id, type, md5hex, size]         | the cached file               |
// | dcs        | id                               | the data centers, in order    |
// | dckeys     | [id, dcId]                       | { dcId, key }                 |
// | tempkeys   | [id, dcId, index]                | the temporary key             |
// | values     | [id, name]                       | { name, value }               |
// | refs       | [id, peerId, seq] (s, peerId, seq) | StoredRef (below)           |
//
// Indexes: peers "username" (multiEntry over [id, username] pairs),
// "phone" ([id, digits]) and "name" ([id, name, updatedAt, write]: the
// latest last); refs "message" ([id, chatId, messageId, peerId], unique).
// Values are structured clones: bigint and Uint8Array are kept as such.

import type { PeerRecord } from "../types.ts";
import type {
  IdbDatabaseLike,
  IdbFactoryLike,
  IdbKey,
  IdbKeyRangeLike,
  IdbKeyRangeStatic,
  IdbRequestLike,
  IdbTransactionLike,
} from "./idb.ts";

/** The schema's version. */
export const DB_VERSION = 1;

/** Every object store of the schema. */
export const STORES = [
  "sessions",
  "auth",
  "peers",
  "states",
  "files",
  "dcs",
  "dckeys",
  "tempkeys",
  "values",
  "refs",
] as const;

/** The name of an object store. */
export type StoreName = typeof STORES[number];

/** A peer as stored: its record and the keys of its index entries. */
export interface StoredPeer {
  readonly s: string;
  readonly id: number;
  readonly p: PeerRecord;
  /** [s, username] for every username. */
  readonly u: [string, string][];
  /** [s, phone], absent without a phone. */
  readonly ph?: [string, string];
  /** The name, absent without one. */
  readonly name?: string;
  /** `updatedAt`, and the session's write counter: latest name last. */
  readonly at: number;
  readonly w: number;
}

/** A message reference as stored. */
export interface StoredRef {
  readonly s: string;
  readonly peerId: number;
  readonly seq: number;
  readonly chatId: number;
  readonly messageId: number;
}

/** A session's own record. */
export interface SessionMeta {
  readonly createdAt: number;
  /** The last sequence number given to a message reference. */
  readonly refSeq: number;
  /** The last write number given to a peer (orders the name index). */
  readonly writes: number;
}

/** A request's result, as a promise. */
export function request<T = unknown>(r: IdbRequestLike<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Resolves once the transaction committed; rejects if it aborted. */
export function done(tx: IdbTransactionLike): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("Transaction aborted"));
  });
}

/**
 * Runs `fn` in one transaction and resolves with its result once the
 * transaction committed: all of its writes, or none. `fn` may await the
 * requests it makes (and nothing else: the transaction commits as soon as
 * no request is pending).
 */
export async function inTransaction<T>(
  db: IdbDatabaseLike,
  stores: StoreName | StoreName[],
  mode: "readonly" | "readwrite",
  fn: (tx: IdbTransactionLike) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(
    stores,
    mode,
    mode === "readwrite" ? { durability: "strict" } : undefined,
  );
  const committed = done(tx);
  let result: T;
  try {
    result = await fn(tx);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // It ended already.
    }
    await committed.catch(() => {});
    throw e;
  }
  await committed;
  return result;
}

/** Every key of one session in a store keyed `[id, …]`. */
export function sessionRange(
  range: IdbKeyRangeStatic,
  sid: string,
  ...prefix: IdbKey[]
): IdbKeyRangeLike {
  // An array sorts after every number, text and byte string: [sid, []]
  // is past every [sid, x, …].
  return range.bound([sid, ...prefix], [sid, ...prefix, []]);
}

/** Opens the database, creating its stores when it is new. */
export function openDatabase(
  factory: IdbFactoryLike,
  name: string,
): Promise<IdbDatabaseLike> {
  return new Promise((resolve, reject) => {
    const r = factory.open(name, DB_VERSION);
    r.onupgradeneeded = () => {
      const db = r.result;
      const create = (store: string, keyPath?: string[]) =>
        db.objectStoreNames.contains(store) ? undefined : db.createObjectStore(
          store,
          keyPath === undefined ? undefined : { keyPath },
        );
      for (const store of STORES) {
        if (store === "peers") {
          const peers = create("peers", ["s", "id"]);
          peers?.createIndex("username", "u", { multiEntry: true });
          peers?.createIndex("phone", "ph");
          peers?.createIndex("name", ["s", "name", "at", "w"]);
        } else if (store === "refs") {
          const refs = create("refs", ["s", "peerId", "seq"]);
          refs?.createIndex("message", ["s", "chatId", "messageId", "peerId"], {
            unique: true,
          });
        } else create(store);
      }
    };
    r.onsuccess = () => {
      const db = r.result;
      // Another tab upgrading or deleting the database: let it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    r.onerror = () => reject(r.error);
  });
}
