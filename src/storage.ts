/**
 * The persistence contract every backend implements: memory, SQLite and any
 * storage of your own.
 *
 * @module
 */

import type {
  AuthState,
  CachedFile,
  ClientValue,
  DataCenter,
  DcAuthKey,
  FileType,
  MessageRef,
  PeerRecord,
  TempAuthKey,
  UpdateState,
} from "./types.ts";

/**
 * How {@linkcode SessionStorage.findPeer} looks a peer up. Every kind is
 * served by an index: no backend may scan all peers to answer it.
 */
export type PeerLookup =
  /** The first of `ids` (marked ids, in order of preference) that exists. */
  | { readonly by: "id"; readonly ids: readonly number[] }
  /** The peer that holds this lower-cased username. */
  | { readonly by: "username"; readonly value: string }
  /** The peer with this phone number (digits only). */
  | { readonly by: "phone"; readonly value: string }
  /** A peer whose display name or title is exactly this. */
  | { readonly by: "name"; readonly value: string };

/**
 * A change to the permanent keys: `key: null` removes the DC's key.
 */
export interface DcAuthKeyChange {
  /** Data-center id. */
  readonly dcId: number;
  /** The new key, or `null` to remove it. */
  readonly key: Uint8Array | null;
}

/**
 * A change to the temporary keys: `key: null` removes the key at
 * (`dcId`, `index`).
 */
export interface TempAuthKeyChange {
  /** Data-center id. */
  readonly dcId: number;
  /** The key's index within the DC. */
  readonly index: number;
  /** The new key, or `null` to remove it. */
  readonly key: Uint8Array | null;
  /** When it expires (ignored when `key` is `null`). */
  readonly expiresAt: number;
}

/** A change to the client values: `value: null` removes the name. */
export interface ClientValueChange {
  /** The value's name. */
  readonly name: string;
  /** The new bytes, or `null` to remove it. */
  readonly value: Uint8Array | null;
}

/**
 * Which message references {@linkcode SessionStorage.deleteMessageRefs}
 * removes.
 */
export type MessageRefFilter =
  /** Every reference of these peers. */
  | { readonly peerIds: readonly number[] }
  /** Every reference to these messages of one chat (they were deleted). */
  | { readonly chatId: number; readonly messageIds: readonly number[] }
  /** All of them. */
  | { readonly all: true };

/**
 * Where a session keeps its data. {@linkcode Session} validates everything
 * before it calls a storage, so a backend may trust its arguments.
 *
 * Guarantees every backend gives (the conformance suite in `tests/` checks
 * them):
 * - Values come back exactly as stored: 64-bit integers lose no bit, bytes
 *   are returned as fresh `Uint8Array` copies, records are copies the caller
 *   may change.
 * - `setAuth`, `setDcs`, `setAuthKeys` and `setTempAuthKeys` are durable
 *   when their promise resolves: keys never wait for a batch.
 * - `putPeers`, `putUpdateStates`, `putFiles`, `setValues` and
 *   `putMessageRefs` may be batched; they are durable at the latest when
 *   `flush()` resolves, and reads see them at once.
 * - An expired temporary key is never returned.
 * - Peer writes merge rather than overwrite: see {@linkcode putPeers}.
 * - A peer whose values the backend cannot hold is left out alone: the
 *   other peers of the batch and every later write are stored, and the
 *   next `flush()` or `close()` rejects once with `PeerRefusedError`.
 *   (Text is normalised before it reaches a storage, so this is only for
 *   limits of one backend's own.)
 *
 * @example A storage of your own, delegating to the memory one
 * ```ts
 * import {
 *   MemoryStorage,
 *   openSession,
 *   type PeerRecord,
 *   type SessionStorage,
 * } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * class CountingStorage extends MemoryStorage implements SessionStorage {
 *   written = 0;
 *   override putPeers(records: readonly PeerRecord[]): Promise<void> {
 *     this.written += records.length;
 *     return super.putPeers(records);
 *   }
 * }
 *
 * const storage = new CountingStorage();
 * const session = await openSession(storage);
 * await session.processEntities({
 *   _: "user", id: 42, accessHash: 7n, firstName: "Ada", username: "ada",
 * });
 * assert.equal(storage.written, 1);
 * ```
 */
export interface SessionStorage {
  /** A short name of the backend ("memory", "sqlite", …) for messages. */
  readonly kind: string;

  /**
   * Reads the auth state; fields never stored are `null`.
   *
   * @returns A copy of the auth state.
   */
  getAuth(): Promise<AuthState>;

  /**
   * Replaces the fields present in `patch`, keeps the others. Durable when
   * the promise resolves (an auth key must never wait for a batch).
   *
   * @param patch The fields to change.
   */
  setAuth(patch: Partial<AuthState>): Promise<void>;

  /**
   * Stores peers, merging with what is known. For each record, in order:
   * - a new id is stored as given;
   * - for a known id, `type`, `accessHash`, `usernames` and `updatedAt` come
   *   from the new record (the latest write is the newest information);
   *   `phone` and `name` too, unless the new record has `null` there, in
   *   which case the known value is kept;
   * - a username or phone belongs to one peer: the latest record to carry it
   *   takes it, and it is removed from whichever peer had it before;
   * - a `min` record never replaces a full one: for a known full peer, a
   *   min record changes nothing; a full record replaces a min one;
   * - `raw` comes from the new record when it has one, else the known
   *   bytes are kept.
   *
   * @param records The peers to store.
   */
  putPeers(records: readonly PeerRecord[]): Promise<void>;

  /**
   * Finds one peer through an index.
   *
   * @param lookup What to look for.
   * @returns A copy of the peer, or `undefined`.
   */
  findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined>;

  /**
   * Lists every cached peer, in no particular order.
   *
   * @returns Copies of all peers.
   */
  listPeers(): Promise<PeerRecord[]>;

  /**
   * Counts the cached peers.
   *
   * @returns The number of peers.
   */
  countPeers(): Promise<number>;

  /**
   * Removes peers by marked id; unknown ids are ignored.
   *
   * @param ids Marked ids to remove.
   */
  deletePeers(ids: readonly number[]): Promise<void>;

  /**
   * Lists every update state.
   *
   * @returns Copies of all update states.
   */
  getUpdateStates(): Promise<UpdateState[]>;

  /**
   * Stores update states, replacing those with the same `entityId`.
   *
   * @param states The states to store.
   */
  putUpdateStates(states: readonly UpdateState[]): Promise<void>;

  /**
   * Removes update states by entity id; unknown ids are ignored.
   *
   * @param entityIds The entity ids (0 = account, else marked channel ids).
   */
  deleteUpdateStates(entityIds: readonly number[]): Promise<void>;

  /**
   * Finds a cached upload by content.
   *
   * @param md5 The 16-byte MD5 digest.
   * @param size The file size in bytes.
   * @param type Document or photo.
   * @returns A copy of the entry, or `undefined`.
   */
  getFile(
    md5: Uint8Array,
    size: number,
    type: FileType,
  ): Promise<CachedFile | undefined>;

  /**
   * Stores cached uploads, replacing entries with the same md5, size and
   * type.
   *
   * @param files The entries to store.
   */
  putFiles(files: readonly CachedFile[]): Promise<void>;

  /**
   * Lists every cached upload.
   *
   * @returns Copies of all entries.
   */
  listFiles(): Promise<CachedFile[]>;

  /**
   * Lists the data centers the session knows.
   *
   * @returns Copies, in the order they were set.
   */
  getDcs(): Promise<DataCenter[]>;

  /**
   * Replaces the list of known data centers (at most one entry per `id`
   * and `mediaOnly`). Durable when the promise resolves.
   *
   * @param dcs Every known data center.
   */
  setDcs(dcs: readonly DataCenter[]): Promise<void>;

  /**
   * Lists the permanent keys of DCs other than the main one.
   *
   * @returns Copies, by ascending `dcId`.
   */
  getAuthKeys(): Promise<DcAuthKey[]>;

  /**
   * Sets or removes permanent keys, in order. Durable when the promise
   * resolves.
   *
   * @param changes The keys to set or remove.
   */
  setAuthKeys(changes: readonly DcAuthKeyChange[]): Promise<void>;

  /**
   * Lists the temporary keys that have not expired at `now`
   * (`expiresAt > now`); expired ones are never returned. A read deletes
   * nothing (`now` is the caller's clock, which may run ahead); a key is
   * removed by `setTempAuthKeys` or replaced.
   *
   * @param now The current time, in the unit of `expiresAt`.
   * @returns Copies, by ascending `dcId`, then `index`.
   */
  getTempAuthKeys(now: number): Promise<TempAuthKey[]>;

  /**
   * Sets or removes temporary keys, in order. Durable when the promise
   * resolves.
   *
   * @param changes The keys to set or remove.
   */
  setTempAuthKeys(changes: readonly TempAuthKeyChange[]): Promise<void>;

  /**
   * Reads one client value.
   *
   * @param name The value's name.
   * @returns A copy of its bytes, or `undefined`.
   */
  getValue(name: string): Promise<Uint8Array | undefined>;

  /**
   * Lists every client value.
   *
   * @returns Copies, by name (code-unit order).
   */
  listValues(): Promise<ClientValue[]>;

  /**
   * Sets or removes client values, in order.
   *
   * @param changes The values to set or remove.
   */
  setValues(changes: readonly ClientValueChange[]): Promise<void>;

  /**
   * Stores message references; one already stored (same peer, chat and
   * message) stays where it is.
   *
   * @param refs The references to store.
   */
  putMessageRefs(refs: readonly MessageRef[]): Promise<void>;

  /**
   * The references of one peer, oldest first (the order they were first
   * stored in).
   *
   * @param peerId The min peer's marked id.
   * @returns Copies; empty when there is none.
   */
  getMessageRefs(peerId: number): Promise<MessageRef[]>;

  /**
   * Lists every message reference.
   *
   * @returns Copies, in no particular order.
   */
  listMessageRefs(): Promise<MessageRef[]>;

  /**
   * Removes message references.
   *
   * @param filter Which ones.
   */
  deleteMessageRefs(filter: MessageRefFilter): Promise<void>;

  /** Makes every write so far durable. */
  flush(): Promise<void>;

  /** Flushes and releases the backend; it is not used afterwards. */
  close(): Promise<void>;

  /**
   * Removes everything the session stored (for a file, the file itself) and
   * releases the backend.
   */
  destroy(): Promise<void>;
}
