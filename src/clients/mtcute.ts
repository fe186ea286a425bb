/**
 * An mtcute storage provider (`{ driver, kv, authKeys, peers, refMessages }`
 * for `new TelegramClient({ storage })` of `@mtcute/core` and its runtime
 * packages) backed by any mtsession {@linkcode Session}.
 *
 * mtcute's repositories are mapped onto the session: the main DC's auth
 * key and the DC, the logged-in user, the update states and the peers go
 * to the session's storage; what the session has no place for is kept in
 * memory (see {@linkcode mtcuteStorage}).
 *
 * The binding imports nothing from mtcute: the types below are structural
 * copies of mtcute's `IStorageDriver`, `IAuthKeysRepository`,
 * `IKeyValueRepository`, `IPeersRepository` and
 * `IReferenceMessagesRepository` (0.30).
 *
 * @module
 */

import { ByteReader, ByteWriter } from "../strings/_bytes.ts";
import { dcAddress, findDcByAddress } from "../strings/dc_table.ts";
import { CHANNEL_ID_OFFSET, markPeerId, parsePeerId } from "../peers/ids.ts";
import type { Session } from "../session.ts";
import type { AuthState, PeerRecord, PeerType, UpdateState } from "../types.ts";
import { readPeerSummary } from "./_tl_peer.ts";

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
 * await storage.authKeys.set(4, new Uint8Array(256).fill(4)); // memory only
 * assert.deepEqual(storage.session.authKey, new Uint8Array(256).fill(1));
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
 * session (see {@linkcode mtcuteStorage}); any other key is kept in memory.
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
   * Stores a peer: a full one in the session (merged, indexed), a min one
   * in memory.
   *
   * @param peer The peer.
   */
  store(peer: MtcutePeerInfo): Promise<void>;
  /**
   * Finds a peer by marked id (a min peer when no full one is known).
   *
   * @param id The marked id.
   * @returns The peer, or `null`.
   */
  getById(id: number): Promise<MtcutePeerInfo | null>;
  /**
   * Finds a peer by username (any of its usernames, any case).
   *
   * @param username The username.
   * @returns The peer, or `null`.
   */
  getByUsername(username: string): Promise<MtcutePeerInfo | null>;
  /**
   * Finds a peer by phone number.
   *
   * @param phone The phone number (digits).
   * @returns The peer, or `null`.
   */
  getByPhone(phone: string): Promise<MtcutePeerInfo | null>;
  /** Deletes every peer. */
  deleteAll(): Promise<void>;
}

/**
 * mtcute's `IReferenceMessagesRepository` (kept in memory).
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
   * The newest message known to mention a peer.
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
  /** Reference messages (memory only). */
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
 * const options: MtcuteStorageOptions = { closeSession: true, completeCacheSize: 1000 };
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
   * How many peers' TL bytes (`PeerInfo.complete`) to keep in memory, most
   * recently stored first (default 10,000; 0 keeps none). They are not
   * persisted: after a restart mtcute gets input peers from the session
   * and fetches full objects from Telegram when it needs them.
   */
  completeCacheSize?: number;
}

// mtcute's key-value keys (storage/service/*.js, highlevel/storage/service).
const KV_DC_MAIN = "dc_main";
const KV_CURRENT_USER = "current_user";
const KV_PTS = "updates_pts";
const KV_QTS = "updates_qts";
const KV_DATE = "updates_date";
const KV_SEQ = "updates_seq";
const KV_CHANNEL = "updates_channel:";
const STATE_KEYS = new Map<string, keyof CommonState>([
  [KV_PTS, "pts"],
  [KV_QTS, "qts"],
  [KV_DATE, "date"],
  [KV_SEQ, "seq"],
]);

interface CommonState {
  pts: number | null;
  qts: number | null;
  date: number | null;
  seq: number | null;
}

interface CurrentUser {
  userId: number;
  isBot: boolean;
  isPremium: boolean;
  usernames: string[];
}

interface DcBlob {
  id: number;
  address: string;
  port: number;
  ipv6: boolean;
  mediaOnly: boolean;
  testMode: boolean;
}

// ---- binary formats (mtcute's own) ---------------------------------------

function int32le(value: number, unsigned: boolean): Uint8Array {
  const out = new Uint8Array(4);
  const view = new DataView(out.buffer);
  if (unsigned) view.setUint32(0, value >>> 0, true);
  else view.setInt32(0, value | 0, true);
  return out;
}

function readInt32le(bytes: Uint8Array, unsigned: boolean): number | null {
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return unsigned ? view.getUint32(0, true) : view.getInt32(0, true);
}

function readDcBlob(bytes: Uint8Array): DcBlob | null {
  try {
    const r = new ByteReader(bytes);
    const version = r.u8();
    if (version !== 1 && version !== 2) return null;
    const id = r.u8();
    const flags = r.u8();
    const address = r.tlString();
    const port = r.i32le();
    return {
      id,
      address,
      port,
      ipv6: (flags & 1) !== 0,
      mediaOnly: (flags & 2) !== 0,
      testMode: version === 2 && (flags & 4) !== 0,
    };
  } catch {
    return null;
  }
}

function writeDcBlob(dc: DcBlob): Uint8Array {
  const flags = (dc.ipv6 ? 1 : 0) | (dc.mediaOnly ? 2 : 0) |
    (dc.testMode ? 4 : 0);
  return new ByteWriter().u8(2).u8(dc.id).u8(flags).tlString(dc.address)
    .i32le(dc.port).finish();
}

function readCurrentUser(bytes: Uint8Array): CurrentUser | null {
  if (bytes.length === 0) return null;
  try {
    const r = new ByteReader(bytes);
    if (r.i32le() !== 1) return null;
    const flags = r.i32le();
    const userId = Number(r.i64le());
    const usernames: string[] = [];
    if (flags & 2) {
      const count = r.i32le();
      for (let i = 0; i < count; i++) usernames.push(r.tlString());
    }
    return {
      userId,
      isBot: (flags & 1) !== 0,
      isPremium: (flags & 4) !== 0,
      usernames,
    };
  } catch {
    return null;
  }
}

function writeCurrentUser(user: CurrentUser): Uint8Array {
  const flags = (user.isBot ? 1 : 0) | (user.usernames.length > 0 ? 2 : 0) |
    (user.isPremium ? 4 : 0);
  const w = new ByteWriter().i32le(1).i32le(flags).i64le(BigInt(user.userId));
  if (user.usernames.length > 0) {
    w.i32le(user.usernames.length);
    for (const u of user.usernames) w.tlString(u);
  }
  return w.finish();
}

/** A signed 64-bit value as mtcute's `"low|high"` fast string. */
function toFastString(value: bigint): string {
  const low = Number(BigInt.asIntN(32, value));
  const high = Number(BigInt.asIntN(32, value >> 32n));
  return `${low}|${high}`;
}

/** mtcute's `"low|high"` fast string as a signed 64-bit value. */
function fromFastString(text: string): bigint {
  if (text === "") return 0n;
  const m = /^(-?\d+)\|(-?\d+)$/.exec(text);
  if (!m) throw new TypeError("Expected an mtcute access hash (low|high)");
  const low = BigInt(Number(m[1]) >>> 0);
  const high = BigInt(Number(m[2]) | 0);
  return BigInt.asIntN(64, (high << 32n) | low);
}

function copyInfo(p: MtcutePeerInfo): MtcutePeerInfo {
  const out: MtcutePeerInfo = {
    id: p.id,
    accessHash: p.accessHash,
    isMin: Boolean(p.isMin),
    usernames: [...p.usernames],
    updated: p.updated,
    complete: p.complete.slice(),
  };
  if (p.phone !== undefined) out.phone = p.phone;
  return out;
}

// ---- the shared state --------------------------------------------------------

class Bridge {
  readonly session: Session;
  readonly options: MtcuteStorageOptions;
  /** Permanent keys of DCs other than the session's. */
  readonly otherKeys = new Map<number, Uint8Array>();
  readonly tempKeys = new Map<string, { key: Uint8Array; expires: number }>();
  /** Keys mtcute writes that the session has no place for. */
  readonly memoryKv = new Map<string, Uint8Array>();
  /** isPremium and usernames of the current user (not in AuthState). */
  currentUserExtra: CurrentUser | null = null;
  common: CommonState = { pts: null, qts: null, date: null, seq: null };
  commonDirty = false;
  readonly channelPts = new Map<number, number>();
  readonly channelDirty = new Set<number>();
  /** Min peers, and peers the session refused, by marked id. */
  readonly memoryPeers = new Map<number, MtcutePeerInfo>();
  /** TL bytes of recently stored peers, by marked id (oldest first). */
  readonly complete = new Map<number, Uint8Array>();
  readonly refs = new Map<number, Map<string, [number, number]>>();
  #loaded: Promise<void> | undefined;

  constructor(session: Session, options: MtcuteStorageOptions) {
    this.session = session;
    this.options = options;
  }

  load(): Promise<void> {
    this.#loaded ??= this.#load().catch((e: unknown) => {
      this.#loaded = undefined;
      throw e;
    });
    return this.#loaded;
  }

  async #load(): Promise<void> {
    for (const state of await this.session.getUpdateStates()) {
      if (state.entityId === 0) {
        if (!this.commonDirty) {
          this.common = {
            pts: state.pts,
            qts: state.qts,
            date: Math.floor(state.date),
            seq: state.seq,
          };
        }
      } else if (state.entityId < -CHANNEL_ID_OFFSET) {
        const { id } = parsePeerId(state.entityId);
        if (!this.channelDirty.has(id)) this.channelPts.set(id, state.pts);
      }
    }
  }

  async saveStates(): Promise<void> {
    if (this.commonDirty) {
      const { pts, qts, date, seq } = this.common;
      if (pts !== null && qts !== null && date !== null && seq !== null) {
        await this.session.setUpdateState({ entityId: 0, pts, qts, date, seq });
      } else if (
        pts === null && qts === null && date === null && seq === null
      ) {
        await this.session.deleteUpdateState(0);
      }
      this.commonDirty = false;
    }
    for (const id of [...this.channelDirty]) {
      const entityId = markPeerId("channel", id);
      const pts = this.channelPts.get(id);
      if (pts === undefined) await this.session.deleteUpdateState(entityId);
      else {
        const state: UpdateState = { entityId, pts, qts: 0, date: 0, seq: 0 };
        await this.session.setUpdateState(state);
      }
      this.channelDirty.delete(id);
    }
  }

  testModeFor(address: string | null): boolean {
    return this.session.testMode ?? this.options.testMode ??
      (address === null ? false : findDcByAddress(address)?.testMode ?? false);
  }

  /** mtcute's `dc_main` blob, made from the session's DC. */
  mainDcBlob(): Uint8Array | null {
    const s = this.session;
    if (s.dcId === null || s.dcId > 255) return null;
    const testMode = this.testModeFor(s.serverAddress);
    const table = dcAddress(s.dcId, testMode);
    const address = s.serverAddress ?? table?.address;
    const port = s.port ?? table?.port;
    if (address === undefined || port === undefined) return null;
    return writeDcBlob({
      id: s.dcId,
      address,
      port,
      ipv6: address.includes(":"),
      mediaOnly: false,
      testMode,
    });
  }

  /** Moves the session to another DC; its key goes with the old DC. */
  async setMainDc(patch: Partial<AuthState>): Promise<void> {
    const s = this.session;
    const next = patch.dcId ?? null;
    if (next !== s.dcId) {
      const oldKey = s.authKey;
      if (s.dcId !== null && oldKey !== null) {
        this.otherKeys.set(s.dcId, oldKey);
      }
      const key = next === null ? undefined : this.otherKeys.get(next);
      if (next !== null) this.otherKeys.delete(next);
      patch = { ...patch, authKey: key ?? null };
    }
    await s.setAuth(patch);
  }

  currentUser(): CurrentUser | null {
    const s = this.session;
    if (s.userId === null) return null;
    const extra = this.currentUserExtra?.userId === s.userId
      ? this.currentUserExtra
      : null;
    return {
      userId: s.userId,
      isBot: s.isBot ?? false,
      isPremium: extra?.isPremium ?? false,
      usernames: extra ? [...extra.usernames] : [],
    };
  }

  rememberComplete(id: number, bytes: Uint8Array): void {
    const max = this.options.completeCacheSize ?? 10_000;
    this.complete.delete(id);
    if (max <= 0 || bytes.length === 0) return;
    this.complete.set(id, bytes.slice());
    while (this.complete.size > max) {
      const oldest = this.complete.keys().next();
      if (oldest.done) break;
      this.complete.delete(oldest.value);
    }
  }

  toInfo(record: PeerRecord): MtcutePeerInfo {
    const info: MtcutePeerInfo = {
      id: record.id,
      accessHash: toFastString(record.accessHash),
      isMin: false,
      usernames: [...record.usernames],
      updated: record.updatedAt * 1000,
      complete: this.complete.get(record.id)?.slice() ?? new Uint8Array(0),
    };
    if (record.phone !== null) info.phone = record.phone;
    return info;
  }
}

function toRecord(peer: MtcutePeerInfo): PeerRecord {
  const { kind } = parsePeerId(peer.id);
  const summary = peer.complete instanceof Uint8Array
    ? readPeerSummary(peer.complete, peer.id)
    : undefined;
  const fallback: PeerType = kind;
  const phone = kind === "user" && typeof peer.phone === "string"
    ? peer.phone.replace(/\D/g, "")
    : "";
  const updated = Number.isFinite(peer.updated)
    ? Math.floor(peer.updated / 1000)
    : Math.floor(Date.now() / 1000);
  return {
    id: peer.id,
    type: summary?.type ?? fallback,
    accessHash: kind === "chat" ? 0n : fromFastString(peer.accessHash),
    usernames: Array.isArray(peer.usernames)
      ? peer.usernames.map((u) => u.toLowerCase())
      : [],
    phone: phone.length > 0 ? phone : null,
    name: summary?.name ?? null,
    updatedAt: updated,
  };
}

// ---- the repositories ------------------------------------------------------

class Driver implements MtcuteStorageDriver {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async load(): Promise<void> {
    await this.#b.load();
  }

  async save(): Promise<void> {
    if (this.#b.session.closed) return;
    await this.#b.saveStates();
    await this.#b.session.save();
  }

  async destroy(): Promise<void> {
    if (this.#b.session.closed) return;
    try {
      await this.save();
    } finally {
      if (this.#b.options.closeSession) await this.#b.session.close();
    }
  }
}

class AuthKeys implements MtcuteAuthKeysRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async set(dc: number, key: Uint8Array | null): Promise<void> {
    const s = this.#b.session;
    if (key === null) {
      this.#b.otherKeys.delete(dc);
      if (dc === s.dcId && s.authKey !== null) await s.setAuthKey(null);
      return;
    }
    if (dc === s.dcId) {
      await s.setAuthKey(key);
    } else if (s.dcId === null) {
      // mtcute keeps its default DC to itself until it changes: the first
      // DC that gets a key is the one the client logged in on.
      const testMode = this.#b.testModeFor(null);
      const table = dcAddress(dc, testMode);
      await s.setAuth({
        dcId: dc,
        serverAddress: table?.address ?? null,
        port: table?.port ?? null,
        authKey: key,
      });
    } else {
      this.#b.otherKeys.set(dc, key.slice());
    }
  }

  get(dc: number): Promise<Uint8Array | null> {
    const s = this.#b.session;
    if (dc === s.dcId) return Promise.resolve(s.authKey);
    return Promise.resolve(this.#b.otherKeys.get(dc)?.slice() ?? null);
  }

  setTemp(
    dc: number,
    idx: number,
    key: Uint8Array | null,
    expires: number,
  ): Promise<void> {
    const k = `${dc}:${idx}`;
    if (key === null) this.#b.tempKeys.delete(k);
    else this.#b.tempKeys.set(k, { key: key.slice(), expires });
    return Promise.resolve();
  }

  getTemp(dc: number, idx: number, now: number): Promise<Uint8Array | null> {
    const found = this.#b.tempKeys.get(`${dc}:${idx}`);
    if (!found || now > found.expires) return Promise.resolve(null);
    return Promise.resolve(found.key.slice());
  }

  async deleteByDc(dc: number): Promise<void> {
    for (const k of [...this.#b.tempKeys.keys()]) {
      if (k.startsWith(`${dc}:`)) this.#b.tempKeys.delete(k);
    }
    await this.set(dc, null);
  }

  async deleteAll(): Promise<void> {
    this.#b.otherKeys.clear();
    this.#b.tempKeys.clear();
    const s = this.#b.session;
    if (s.authKey !== null) await s.setAuthKey(null);
  }
}

class KeyValue implements MtcuteKeyValueRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    const b = this.#b;
    if (key === KV_DC_MAIN) {
      const dc = readDcBlob(value);
      if (dc) {
        await b.setMainDc({
          dcId: dc.id,
          serverAddress: dc.address,
          port: dc.port,
          testMode: dc.testMode,
        });
        return;
      }
    } else if (key === KV_CURRENT_USER) {
      const user = readCurrentUser(value);
      b.currentUserExtra = user;
      await b.session.setAuth({
        userId: user?.userId ?? null,
        isBot: user?.isBot ?? null,
      });
      return;
    } else if (STATE_KEYS.has(key)) {
      await b.load();
      b.common[STATE_KEYS.get(key)!] = readInt32le(value, false);
      b.commonDirty = true;
      return;
    } else if (key.startsWith(KV_CHANNEL)) {
      const id = Number(key.slice(KV_CHANNEL.length));
      const pts = readInt32le(value, true);
      if (Number.isSafeInteger(id) && id > 0 && pts !== null) {
        await b.load();
        b.channelPts.set(id, pts);
        b.channelDirty.add(id);
        return;
      }
    }
    b.memoryKv.set(key, value.slice());
  }

  async get(key: string): Promise<Uint8Array | null> {
    const b = this.#b;
    if (key === KV_DC_MAIN) return b.mainDcBlob();
    if (key === KV_CURRENT_USER) {
      const user = b.currentUser();
      return user === null ? null : writeCurrentUser(user);
    }
    if (STATE_KEYS.has(key)) {
      await b.load();
      const v = b.common[STATE_KEYS.get(key)!];
      return v === null ? null : int32le(v, false);
    }
    if (key.startsWith(KV_CHANNEL)) {
      const id = Number(key.slice(KV_CHANNEL.length));
      if (Number.isSafeInteger(id) && id > 0) {
        await b.load();
        const pts = b.channelPts.get(id);
        return pts === undefined ? null : int32le(pts, true);
      }
    }
    return b.memoryKv.get(key)?.slice() ?? null;
  }

  async delete(key: string): Promise<void> {
    const b = this.#b;
    if (key === KV_DC_MAIN) {
      await b.setMainDc({ dcId: null, serverAddress: null, port: null });
    } else if (key === KV_CURRENT_USER) {
      b.currentUserExtra = null;
      await b.session.setAuth({ userId: null, isBot: null });
    } else if (STATE_KEYS.has(key)) {
      await b.load();
      b.common[STATE_KEYS.get(key)!] = null;
      b.commonDirty = true;
    } else if (key.startsWith(KV_CHANNEL)) {
      const id = Number(key.slice(KV_CHANNEL.length));
      if (Number.isSafeInteger(id) && id > 0) {
        await b.load();
        b.channelPts.delete(id);
        b.channelDirty.add(id);
      }
    }
    b.memoryKv.delete(key);
  }

  async deleteAll(): Promise<void> {
    const b = this.#b;
    await b.load();
    b.memoryKv.clear();
    b.currentUserExtra = null;
    await b.session.setAuth({ userId: null, isBot: null });
    b.common = { pts: null, qts: null, date: null, seq: null };
    b.commonDirty = true;
    for (const id of b.channelPts.keys()) b.channelDirty.add(id);
    b.channelPts.clear();
    await b.saveStates();
  }
}

class Peers implements MtcutePeersRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async store(peer: MtcutePeerInfo): Promise<void> {
    const b = this.#b;
    let record: PeerRecord | undefined;
    if (!peer.isMin) {
      try {
        record = toRecord(peer);
      } catch {
        record = undefined;
      }
    }
    if (record === undefined) {
      // A min peer (or one the session cannot take): never let it replace
      // a full one in the session; keep it in memory for getById.
      b.memoryPeers.set(peer.id, copyInfo(peer));
      return;
    }
    b.memoryPeers.delete(peer.id);
    b.rememberComplete(peer.id, peer.complete);
    await b.session.putPeers([record]);
  }

  async getById(id: number): Promise<MtcutePeerInfo | null> {
    const b = this.#b;
    if (!Number.isSafeInteger(id) || id === 0) return null;
    const record = await b.session.storage.findPeer({ by: "id", ids: [id] });
    if (record) return b.toInfo(record);
    const min = b.memoryPeers.get(id);
    return min ? copyInfo(min) : null;
  }

  async getByUsername(username: string): Promise<MtcutePeerInfo | null> {
    const value = username.replace(/^@/, "").toLowerCase();
    if (value === "") return null;
    const record = await this.#b.session.storage.findPeer({
      by: "username",
      value,
    });
    return record ? this.#b.toInfo(record) : null;
  }

  async getByPhone(phone: string): Promise<MtcutePeerInfo | null> {
    const value = phone.replace(/\D/g, "");
    if (value === "") return null;
    const record = await this.#b.session.storage.findPeer({
      by: "phone",
      value,
    });
    return record ? this.#b.toInfo(record) : null;
  }

  async deleteAll(): Promise<void> {
    const b = this.#b;
    const ids = (await b.session.listPeers()).map((p) => p.id);
    if (ids.length > 0) await b.session.storage.deletePeers(ids);
    b.memoryPeers.clear();
    b.complete.clear();
  }
}

class RefMessages implements MtcuteReferenceMessagesRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  store(peerId: number, chatId: number, msgId: number): Promise<void> {
    let refs = this.#b.refs.get(peerId);
    if (!refs) this.#b.refs.set(peerId, refs = new Map());
    refs.set(`${chatId}:${msgId}`, [chatId, msgId]);
    return Promise.resolve();
  }

  getByPeer(peerId: number): Promise<[number, number] | null> {
    let best: [number, number] | null = null;
    for (const ref of this.#b.refs.get(peerId)?.values() ?? []) {
      if (best === null || ref[1] > best[1]) best = ref;
    }
    return Promise.resolve(best === null ? null : [best[0], best[1]]);
  }

  delete(chatId: number, msgIds: number[]): Promise<void> {
    for (const [peerId, refs] of this.#b.refs) {
      for (const msgId of msgIds) refs.delete(`${chatId}:${msgId}`);
      if (refs.size === 0) this.#b.refs.delete(peerId);
    }
    return Promise.resolve();
  }

  deleteByPeer(peerId: number): Promise<void> {
    this.#b.refs.delete(peerId);
    return Promise.resolve();
  }

  deleteAll(): Promise<void> {
    this.#b.refs.clear();
    return Promise.resolve();
  }
}

/**
 * Makes an mtcute storage provider backed by an mtsession
 * {@linkcode Session}: pass it as `storage` to mtcute's `TelegramClient`
 * (`@mtcute/node`, `@mtcute/bun`, `@mtcute/deno`, or `@mtcute/core` with
 * your own platform). Any session works — memory, a session string, a
 * SQLite file — and `importSession`/`exportSession` read and write it.
 *
 * Where mtcute's data goes:
 *
 * | mtcute                                   | kept in                                                      |
 * | ---------------------------------------- | ------------------------------------------------------------ |
 * | auth key of the main DC                  | the session's `authKey`, written at once                     |
 * | `dc_main`                                | the session's `dcId`, `serverAddress`, `port`, `testMode`    |
 * | `current_user`                           | the session's `userId` and `isBot` (premium, usernames: memory) |
 * | `updates_pts/qts/date/seq`               | the session's update state 0, written on `driver.save()`     |
 * | `updates_channel:<id>`                   | the session's update state of that channel (marked id)       |
 * | peers (not min)                          | the session's peers: merged, indexed by id, username, phone |
 * | auth keys of other DCs, temporary keys   | memory                                                       |
 * | `dc_media`, `salts:<dc>`, other kv keys  | memory                                                       |
 * | min peers, `PeerInfo.complete` bytes     | memory (complete: the latest `completeCacheSize` peers)      |
 * | reference messages                       | memory                                                       |
 *
 * So after a restart mtcute finds its login, its DC (media DC = main DC),
 * the update states and every cached peer (as input peers; full objects it
 * fetches again when it needs them), and it reconnects to other DCs with
 * new keys. A full peer is never replaced by a min one (mtcute's own
 * storages do replace it).
 *
 * @param session The mtsession session to use.
 * @param options Closing, test mode and memory options.
 * @returns The storage provider.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import { TelegramClient } from "@mtcute/node";
 *
 * const session = await openSession("my_account"); // my_account.session
 * const tg = new TelegramClient({
 *   apiId: 12345,
 *   apiHash: "0123456789abcdef0123456789abcdef",
 *   storage: mtcuteStorage(session, { closeSession: true }),
 * });
 * await tg.start({ botToken: "123:abc" });
 * ```
 */
export function mtcuteStorage(
  session: Session,
  options: MtcuteStorageOptions = {},
): MtcuteStorage {
  if (
    typeof session !== "object" || session === null ||
    typeof session.processEntities !== "function" ||
    typeof session.getAuth !== "function"
  ) {
    throw new TypeError("Expected an mtsession Session (see openSession)");
  }
  const bridge = new Bridge(session, { ...options });
  return {
    driver: new Driver(bridge),
    kv: new KeyValue(bridge),
    authKeys: new AuthKeys(bridge),
    peers: new Peers(bridge),
    refMessages: new RefMessages(bridge),
    session,
  };
}
