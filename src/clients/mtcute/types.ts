/**
 * The shapes of mtcute's storage, copied structurally (mtcute 0.30):
 * `IStorageDriver`, `IAuthKeysRepository`, `IKeyValueRepository`,
 * `IPeersRepository`, `IReferenceMessagesRepository` and the provider that
 * holds them, plus the options of {@linkcode mtcuteStorage}. Nothing is
 * imported from mtcute.
 *
 * @module
 */

import type { Session } from "../../session.ts";

/**
 * A cached peer as mtcute's `IPeersRepository.PeerInfo` describes it.
 *
 * @example A channel, with its 64-bit hash in mtcute's form
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const storage = mtcuteStorage(await openSession(":memory:"));
 * await storage.peers.store({
 *   id: -1001987654321,
 *   accessHash: "-1|2147483647", // 2^63 - 1
 *   isMin: false,
 *   usernames: ["news"],
 *   updated: Date.now(),
 *   complete: new Uint8Array(0),
 * });
 * assert.equal((await storage.session.getPeer("@news"))?.accessHash, 2n ** 63n - 1n);
 * ```
 */
export interface MtcutePeerInfo {
  /** Marked peer id (Bot-API form). */
  id: number;
  /** Access hash as mtcute's "fast string": `"low|high"` (int32 halves). */
  accessHash: string;
  /** Whether this is a "min" peer (its hash is not usable directly). */
  isMin: boolean;
  /** Lower-cased usernames. */
  usernames: string[];
  /** When the peer was last updated, in milliseconds (mtcute's clock). */
  updated: number;
  /** Phone number (digits), when known. */
  phone?: string;
  /** TL serialization of the User/Chat; empty when not known. */
  complete: Uint8Array;
}

/**
 * mtcute's `IStorageDriver`: the storage's lifecycle.
 *
 * @example Usage
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const storage = mtcuteStorage(await openSession(":memory:"));
 * await storage.driver.load();
 * await storage.driver.save();
 * await storage.driver.destroy(); // the session stays open
 * assert.equal(storage.session.closed, false);
 * ```
 */
export interface MtcuteStorageDriver {
  /** Loads the update states into memory (called by mtcute's `prepare`). */
  load(): Promise<void>;
  /** Writes pending update states and makes the session durable. */
  save(): Promise<void>;
  /** Saves; closes the session too when asked to (`closeSession`). */
  destroy(): Promise<void>;
}

/**
 * mtcute's `IAuthKeysRepository`.
 *
 * @example The main DC's key is the session's
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const storage = mtcuteStorage(await openSession(":memory:"));
 * await storage.session.setDc(2, "149.154.167.51", 443);
 * await storage.authKeys.set(2, new Uint8Array(256).fill(1));
 * await storage.authKeys.set(4, new Uint8Array(256).fill(4)); // another DC's
 * assert.deepEqual(storage.session.authKey, new Uint8Array(256).fill(1));
 * assert.deepEqual(storage.session.authKeyFor(4), new Uint8Array(256).fill(4));
 * assert.deepEqual(await storage.authKeys.get(4), new Uint8Array(256).fill(4));
 * ```
 */
export interface MtcuteAuthKeysRepository {
  /**
   * Stores (or with `null` deletes) the permanent key of a DC, at once.
   *
   * @param dc The DC id.
   * @param key The 256-byte key, or `null`.
   */
  set(dc: number, key: Uint8Array | null): Promise<void>;
  /**
   * The permanent key of a DC.
   *
   * @param dc The DC id.
   * @returns The key, or `null`.
   */
  get(dc: number): Promise<Uint8Array | null>;
  /**
   * Stores (or deletes) a temporary (PFS) key.
   *
   * @param dc The DC id.
   * @param idx The connection index.
   * @param key The key, or `null`.
   * @param expires When it expires (mtcute's unit).
   */
  setTemp(
    dc: number,
    idx: number,
    key: Uint8Array | null,
    expires: number,
  ): Promise<void>;
  /**
   * A temporary key still valid at `now`.
   *
   * @param dc The DC id.
   * @param idx The connection index.
   * @param now The current time (mtcute's unit).
   * @returns The key, or `null`.
   */
  getTemp(dc: number, idx: number, now: number): Promise<Uint8Array | null>;
  /**
   * Deletes the permanent and temporary keys of a DC.
   *
   * @param dc The DC id.
   */
  deleteByDc(dc: number): Promise<void>;
  /** Deletes every key. */
  deleteAll(): Promise<void>;
}

/**
 * mtcute's `IKeyValueRepository`. mtcute's own keys are mapped to the
 * session's fields (see {@linkcode mtcuteStorage}); any other key is the
 * session's client value `mtcute:<key>`.
 *
 * @example Update states land in the session
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const storage = mtcuteStorage(await openSession(":memory:"));
 * const pts = new Uint8Array(4);
 * new DataView(pts.buffer).setInt32(0, 1001, true);
 * for (const key of ["updates_pts", "updates_qts", "updates_date", "updates_seq"]) {
 *   await storage.kv.set(key, pts);
 * }
 * await storage.driver.save();
 * assert.equal((await storage.session.getUpdateState(0))?.pts, 1001);
 * ```
 */
export interface MtcuteKeyValueRepository {
  /**
   * Sets a value.
   *
   * @param key The key.
   * @param value The bytes.
   */
  set(key: string, value: Uint8Array): Promise<void>;
  /**
   * Reads a value.
   *
   * @param key The key.
   * @returns A copy of the bytes, or `null`.
   */
  get(key: string): Promise<Uint8Array | null>;
  /**
   * Deletes a value.
   *
   * @param key The key.
   */
  delete(key: string): Promise<void>;
  /** Deletes every value except the DC (which belongs with the key). */
  deleteAll(): Promise<void>;
}

/**
 * mtcute's `IPeersRepository`, over the session's indexed peers.
 *
 * @example Lookups by username and phone
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const storage = mtcuteStorage(await openSession(":memory:"));
 * await storage.session.processEntities({
 *   _: "user", id: 777, accessHash: -5n, firstName: "Ann", username: "Ann_B", phone: "15550001",
 * });
 * assert.equal((await storage.peers.getByUsername("ann_b"))?.accessHash, "-5|-1");
 * assert.equal((await storage.peers.getByPhone("15550001"))?.id, 777);
 * assert.equal(await storage.peers.getById(778), null);
 * ```
 */
export interface MtcutePeersRepository {
  /**
   * Stores a peer in the session (merged, indexed; a min one never
   * replaces a full one), its TL bytes as the record's raw bytes.
   *
   * @param peer The peer.
   */
  store(peer: MtcutePeerInfo): Promise<void>;
  /**
   * Finds a peer by marked id (a min peer too, with `isMin`).
   *
   * @param id The marked id.
   * @returns The peer, or `null`.
   */
  getById(id: number): Promise<MtcutePeerInfo | null>;
  /**
   * Finds a full peer by username (any of its usernames, any case).
   *
   * @param username The username.
   * @returns The peer, or `null`.
   */
  getByUsername(username: string): Promise<MtcutePeerInfo | null>;
  /**
   * Finds a full peer by phone number.
   *
   * @param phone The phone number (digits).
   * @returns The peer, or `null`.
   */
  getByPhone(phone: string): Promise<MtcutePeerInfo | null>;
  /** Deletes every peer. */
  deleteAll(): Promise<void>;
}

/**
 * mtcute's `IReferenceMessagesRepository`, over the session's message
 * references.
 *
 * @example Usage
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const storage = mtcuteStorage(await openSession(":memory:"));
 * await storage.refMessages.store(777, -100, 5);
 * assert.deepEqual(await storage.refMessages.getByPeer(777), [-100, 5]);
 * assert.deepEqual(await storage.session.getMessageRef(777), {
 *   peerId: 777, chatId: -100, messageId: 5,
 * });
 * ```
 */
export interface MtcuteReferenceMessagesRepository {
  /**
   * Remembers a message that mentions a peer.
   *
   * @param peerId The mentioned peer's marked id.
   * @param chatId The chat of the message.
   * @param msgId The message id.
   */
  store(peerId: number, chatId: number, msgId: number): Promise<void>;
  /**
   * The first stored message known to mention a peer (as mtcute's SQLite
   * storage answers).
   *
   * @param peerId The peer's marked id.
   * @returns `[chatId, msgId]`, or `null`.
   */
  getByPeer(peerId: number): Promise<[number, number] | null>;
  /**
   * Forgets messages of a chat.
   *
   * @param chatId The chat.
   * @param msgIds The message ids.
   */
  delete(chatId: number, msgIds: number[]): Promise<void>;
  /**
   * Forgets every message mentioning a peer.
   *
   * @param peerId The peer's marked id.
   */
  deleteByPeer(peerId: number): Promise<void>;
  /** Forgets everything. */
  deleteAll(): Promise<void>;
}

/**
 * The storage provider: mtcute's `ITelegramStorageProvider` shape, plus the
 * session behind it.
 *
 * @example Usage
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const storage = mtcuteStorage(await openSession(":memory:"));
 * assert.equal(typeof storage.driver.save, "function");
 * assert.equal(storage.session.storage.kind, "memory");
 * ```
 */
export interface MtcuteStorage {
  /** The lifecycle. */
  readonly driver: MtcuteStorageDriver;
  /** The key-value area (DCs, current user, update states, salts). */
  readonly kv: MtcuteKeyValueRepository;
  /** Auth keys per DC. */
  readonly authKeys: MtcuteAuthKeysRepository;
  /** The peer cache. */
  readonly peers: MtcutePeersRepository;
  /** Reference messages. */
  readonly refMessages: MtcuteReferenceMessagesRepository;
  /** The mtsession session behind the storage. */
  readonly session: Session;
}

/**
 * Options for {@linkcode mtcuteStorage}.
 *
 * @example Usage
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage, type MtcuteStorageOptions } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const options: MtcuteStorageOptions = { closeSession: true };
 * const storage = mtcuteStorage(await openSession(":memory:"), options);
 * await storage.driver.destroy();
 * assert.equal(storage.session.closed, true);
 * ```
 */
export interface MtcuteStorageOptions {
  /**
   * Close the session when mtcute destroys its storage (`client.destroy()`
   * and mtcute's exit hooks). Default `false`: the session stays yours to
   * close; mtcute's destroy only saves it.
   */
  closeSession?: boolean;
  /**
   * Whether the client talks to Telegram's test servers, for a session
   * that knows no DC yet: mtcute does not store its default DC, so the
   * first DC that gets an auth key becomes the session's, with the address
   * from Telegram's DC table. Default: the session's `testMode`, else
   * `false`.
   */
  testMode?: boolean;
  /**
   * Ignored: mtcute's TL bytes (`PeerInfo.complete`) are now stored with
   * each peer in the session, not in a memory cache.
   *
   * @deprecated Has no effect; remove it.
   */
  completeCacheSize?: number;
}
