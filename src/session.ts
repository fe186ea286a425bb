/**
 * The session front clients use, over any {@linkcode SessionStorage}.
 *
 * @module
 */

import { toSafeInteger } from "./_int64.ts";
import { PendingWrites } from "./_pending.ts";
import { authSummary, redactInspect } from "./_redacted.ts";
import {
  checkAuthKey,
  checkAuthPatch,
  checkFile,
  checkFileType,
  checkMd5,
  checkPeer,
  checkUpdateState,
} from "./_validate.ts";
import {
  type PeerKeyKind,
  PeerNotFoundError,
  SessionClosedError,
} from "./errors.ts";
import { copyPeer } from "./_copy.ts";
import {
  type PeekId,
  peekIdOf,
  type PeekKey,
  peekKeyOf,
  peekOf,
  type PeekPeer,
  type PutOwned,
  putOwnedOf,
} from "./backend/_direct_peers.ts";
import { MemoryStorage } from "./memory/memory_storage.ts";
import { WholeSession } from "./_whole_session.ts";
import { inputPeerOf, toInputPeer, userInputPeer } from "./peers/input_peer.ts";
import {
  atUsername,
  idCandidates,
  planObjectKey,
  planTextKey,
} from "./peers/keys.ts";
import { entityPeers } from "./peers/normalize.ts";
import type {
  MessageRefFilter,
  PeerLookup,
  SessionStorage,
} from "./storage.ts";
import { encodeSessionString } from "./strings/codec.ts";
import { dcAddress } from "./strings/dc_table.ts";
import type { EncodeOptions, StringFormat } from "./strings/types.ts";
import type {
  AuthState,
  CachedFile,
  ClientValue,
  DataCenter,
  DcAuthKey,
  FileType,
  InputPeer,
  MessageRef,
  PeerRecord,
  TempAuthKey,
  UpdateState,
} from "./types.ts";

/**
 * What {@linkcode Session.getInputPeer} and {@linkcode Session.getPeer}
 * accept: a marked or bare id (number or bigint); a username, `t.me` link,
 * invite link, phone number or display name (string); an input peer, a
 * `peerUser`/`peerChat`/`peerChannel`, or a User/Chat/Channel object.
 */
export type PeerKey = number | bigint | string | object;

/** An object that already is an input peer, in mtcute or GramJS shape. */
export type InputPeerLike =
  | { readonly _: `input${string}` }
  | { readonly className: `Input${string}` };

/** Options for {@linkcode Session.open}. */
export interface SessionOptions {
  /**
   * Whether `processEntities` stores peers (default `true`). Turn it off to
   * keep only the login.
   */
  saveEntities?: boolean;
}

type Found =
  | { readonly as: "input"; readonly value: object }
  | { readonly as: "record"; readonly value: PeerRecord }
  | {
    readonly as: "missing";
    readonly kind: PeerKeyKind;
    readonly key: string;
  };

// What a key asks for: an answer it holds itself, or the lookups to try in
// order, and what to report when none finds a peer.
type KeyPlan =
  | { readonly as: "input"; readonly value: object }
  | {
    readonly as: "steps";
    readonly steps: readonly PeerLookup[];
    missing(): { readonly kind: PeerKeyKind; readonly key: string };
  };

// The input peer of what a lookup found (a min record excepted: see
// #fromMessage), or PeerNotFoundError.
function inputOf(found: Found): object {
  switch (found.as) {
    case "input":
      return found.value;
    case "record":
      return toInputPeer(found.value);
    case "missing":
      throw new PeerNotFoundError(found.kind, found.key);
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A Telegram session: the login (data center, auth key, account) plus the
 * caches next to it (peers, update states, uploaded files), kept by a
 * {@linkcode SessionStorage}.
 *
 * Open one with {@linkcode openSession}. Reading the auth state is
 * synchronous (it is loaded on open); everything that touches the caches
 * is asynchronous.
 *
 * The session never shows its auth key unless asked for it by name:
 * `String(session)`, `JSON.stringify(session)` and `inspect` are redacted.
 *
 * @example Usage
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * await using session = await openSession(":memory:");
 * await session.setDc(2, "149.154.167.51", 443);
 * session.authKey = new Uint8Array(256).fill(7);
 * await session.processEntities({
 *   users: [{ _: "user", id: 5123456789, accessHash: 2n ** 63n - 1n, firstName: "Big", phone: "79991234567" }],
 *   chats: [{ _: "channel", id: 1987654321, accessHash: -1n, title: "News", username: "News" }],
 * });
 * assert.deepEqual(await session.getInputPeer("+7 999 123-45-67"), {
 *   _: "inputPeerUser",
 *   userId: 5123456789,
 *   accessHash: 2n ** 63n - 1n,
 * });
 * assert.equal((await session.getInputPeer("t.me/news"))._, "inputPeerChannel");
 * assert.ok(!JSON.stringify(session).includes("0707"));
 * ```
 */
export class Session {
  #storage: SessionStorage;
  // The storage's synchronous lookup and write, when it has them (memory).
  #peek: PeekPeer | undefined;
  #peekId: PeekId | undefined;
  // Where it can read an input peer's parts for less than a record (SQLite).
  #peekKey: PeekKey | undefined;
  #putOwned: PutOwned | undefined;
  #auth: AuthState;
  #whole: WholeSession;
  #closed = false;
  #pending = new PendingWrites();

  /** Whether `processEntities` stores peers. */
  saveEntities: boolean;

  static {
    redactInspect(this);
  }

  private constructor(
    storage: SessionStorage,
    auth: AuthState,
    whole: WholeSession,
    options: SessionOptions,
  ) {
    this.#storage = storage;
    this.#peek = peekOf(storage);
    this.#peekId = peekIdOf(storage);
    this.#peekKey = peekKeyOf(storage);
    this.#putOwned = putOwnedOf(storage);
    this.#auth = auth;
    this.#whole = whole;
    this.saveEntities = options.saveEntities ?? true;
  }

  /**
   * Opens a session over a storage: reads its auth state once.
   *
   * @param storage Where the session lives.
   * @param options Session options.
   * @returns The open session.
   *
   * @example Usage
   * ```ts
   * import { MemoryStorage, Session } from "@mtsession/mtsession";
   * import assert from "node:assert/strict";
   *
   * const session = await Session.open(new MemoryStorage());
   * assert.equal(session.dcId, null);
   * ```
   */
  static async open(
    storage: SessionStorage,
    options: SessionOptions = {},
  ): Promise<Session> {
    const [auth, whole] = await Promise.all([
      storage.getAuth(),
      WholeSession.load(storage),
    ]);
    return new Session(storage, auth, whole, options);
  }

  /** The storage behind this session. */
  get storage(): SessionStorage {
    return this.#storage;
  }

  /** Whether `close()` or `delete()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #check(what: string): void {
    if (this.#closed) throw new SessionClosedError(what);
  }

  // ---- auth state -------------------------------------------------------

  /** Data-center id, or `null`. */
  get dcId(): number | null {
    return this.#auth.dcId;
  }
  set dcId(value: number | null) {
    this.#setSync({ dcId: value });
  }

  /** Server address of the data center, or `null`. */
  get serverAddress(): string | null {
    return this.#auth.serverAddress;
  }
  set serverAddress(value: string | null) {
    this.#setSync({ serverAddress: value });
  }

  /** Port of the data center, or `null`. */
  get port(): number | null {
    return this.#auth.port;
  }
  set port(value: number | null) {
    this.#setSync({ port: value });
  }

  /**
   * The 256-byte auth key (a copy), or `null`. Setting it starts a durable
   * write; `save()` waits for it and reports a failure.
   */
  get authKey(): Uint8Array | null {
    return this.#auth.authKey === null ? null : this.#auth.authKey.slice();
  }
  set authKey(value: Uint8Array | null) {
    this.#setSync({ authKey: value });
  }

  /** Whether the session is for Telegram's test servers, or `null`. */
  get testMode(): boolean | null {
    return this.#auth.testMode;
  }
  set testMode(value: boolean | null) {
    this.#setSync({ testMode: value });
  }

  /** API id, or `null`. */
  get apiId(): number | null {
    return this.#auth.apiId;
  }
  set apiId(value: number | null) {
    this.#setSync({ apiId: value });
  }

  /** The logged-in account's id, or `null`. */
  get userId(): number | null {
    return this.#auth.userId;
  }
  set userId(value: number | null) {
    this.#setSync({ userId: value });
  }

  /** Whether the account is a bot, or `null`. */
  get isBot(): boolean | null {
    return this.#auth.isBot;
  }
  set isBot(value: boolean | null) {
    this.#setSync({ isBot: value });
  }

  /** Unix time of the last save as Pyrogram keeps it, or `null`. */
  get date(): number | null {
    return this.#auth.date;
  }
  set date(value: number | null) {
    this.#setSync({ date: value });
  }

  /** Open takeout session id, or `null`. */
  get takeoutId(): bigint | null {
    return this.#auth.takeoutId;
  }
  set takeoutId(value: bigint | null) {
    this.#setSync({ takeoutId: value });
  }

  /**
   * A copy of the whole auth state, auth key included.
   *
   * @returns The auth state.
   */
  getAuth(): AuthState {
    return {
      ...this.#auth,
      authKey: this.#auth.authKey === null ? null : this.#auth.authKey.slice(),
    };
  }

  // Auth writes reach the storage in the order they were made, one after
  // the other: a storage with several connections (a pool) could otherwise
  // commit an older patch last, and the file would keep an old key.
  #authTail: Promise<unknown> = Promise.resolve();

  #writeAuth(clean: Partial<AuthState>): Promise<void> {
    const write = this.#authTail.then(() => this.#storage.setAuth(clean));
    this.#authTail = write.catch(() => {});
    return write;
  }

  #setSync(patch: Partial<AuthState>): void {
    this.#check("change the auth state");
    const clean = checkAuthPatch(patch);
    this.#auth = { ...this.#auth, ...clean };
    this.#pending.track(this.#writeAuth(clean));
  }

  /**
   * Changes any auth fields and waits until they are durable.
   *
   * @param patch The fields to change; the others are kept.
   * @throws {TypeError | RangeError} When a field is malformed.
   */
  async setAuth(patch: Partial<AuthState>): Promise<void> {
    this.#check("change the auth state");
    const clean = checkAuthPatch(patch);
    const before = this.#auth;
    this.#auth = { ...this.#auth, ...clean };
    try {
      await this.#writeAuth(clean);
    } catch (e) {
      // Undo the fields no later change has replaced since.
      const restored: Record<string, unknown> = { ...this.#auth };
      for (const [k, v] of Object.entries(clean)) {
        if (restored[k] === v) restored[k] = before[k as keyof AuthState];
      }
      this.#auth = restored as unknown as AuthState;
      throw e;
    }
  }

  /**
   * Sets the data center. The auth key is kept (switching DC usually comes
   * with a new key: set it too).
   *
   * @param dcId Data-center id.
   * @param serverAddress Its address.
   * @param port Its port.
   */
  async setDc(
    dcId: number,
    serverAddress: string,
    port: number,
  ): Promise<void> {
    await this.setAuth({ dcId, serverAddress, port });
  }

  /**
   * Sets or clears the auth key and waits until it is durable.
   *
   * @param key 256 bytes, or `null` to forget the key.
   * @throws {RangeError} When the key is not 256 bytes.
   */
  async setAuthKey(key: Uint8Array | null): Promise<void> {
    await this.setAuth({ authKey: key === null ? null : checkAuthKey(key) });
  }

  /**
   * Writes the login as a session string of any format (the caches are not
   * part of a string). Fields the format needs and the session lacks come
   * from `options`, or a `MissingFieldsError` names them. An mtsession
   * string carries every data center and every DC's permanent key, an
   * mtcute string the main DC's media DC; `droppedFields(auth, format,
   * { dataCenters, authKeys })` names what another format leaves out.
   *
   * @param format Target format (default `mtsession`).
   * @param options Fills for missing fields; `passphrase` to encrypt an
   * mtsession string.
   * @returns The string: treat it like a password.
   *
   * @example Usage
   * ```ts
   * import { openSession } from "@mtsession/mtsession";
   * import assert from "node:assert/strict";
   *
   * const session = await openSession(":memory:");
   * await session.setDc(2, "149.154.167.51", 443);
   * await session.setAuthKey(new Uint8Array(256).fill(5));
   * const telethon = await session.exportString("telethon");
   * assert.equal(telethon.length, 353);
   * const copy = await openSession({ string: await session.exportString() });
   * assert.deepEqual(copy.authKey, session.authKey);
   * ```
   */
  async exportString(
    format: StringFormat = "mtsession",
    options: EncodeOptions = {},
  ): Promise<string> {
    this.#check("export the session");
    await this.#settle();
    return await encodeSessionString(this.#auth, format, {
      dataCenters: this.#whole.dcs,
      authKeys: this.#whole.otherKeys(),
      ...options,
    });
  }

  // ---- peers --------------------------------------------------------------

  /**
   * Caches the users, chats and channels a TL result carries: a result with
   * `users`/`chats`/`user`/`chat`, an array, or a single User/Chat/Channel,
   * in GramJS, mtcute or plain-JSON shape. `min` entities and users without
   * an access hash are skipped. Known fields are never lost: see
   * {@linkcode SessionStorage.putPeers}.
   *
   * @param tlo What the client received.
   * @returns How many peers were stored (0 when `saveEntities` is off).
   */
  async processEntities(tlo: unknown): Promise<number> {
    this.#check("process entities");
    if (!this.saveEntities) return 0;
    const { records, refused } = entityPeers(tlo, now());
    if (records.length > 0) {
      // The records are new and never used again here: a storage that
      // writes at once may keep them.
      if (this.#putOwned !== undefined) {
        const waiting = this.#putOwned(records);
        if (waiting !== undefined) await waiting;
      } else await this.#storage.putPeers(records);
    }
    if (refused.length > 0) {
      // The others are stored; what names no usable id or hash is not. The
      // error is of the first one's kind (RangeError, TypeError).
      const first = refused[0];
      const Kind = first instanceof RangeError ? RangeError : TypeError;
      throw new Kind(
        `${refused.length} ${
          refused.length === 1 ? "entity was" : "entities were"
        } not stored (an id or access hash is unreadable): ${
          first instanceof Error ? first.message : "malformed"
        }`,
        { cause: first },
      );
    }
    return records.length;
  }

  /**
   * Stores peer records as they are (after checking them): for imports and
   * storages of your own. Most callers want `processEntities`.
   *
   * @param records The records.
   */
  async putPeers(records: readonly PeerRecord[]): Promise<void> {
    this.#check("store peers");
    const clean = records.map(checkPeer);
    if (clean.length > 0) await this.#storage.putPeers(clean);
  }

  /**
   * Resolves a key to an input peer from the cache.
   *
   * Keys: an input peer (returned as is); a User/Chat/Channel with an access
   * hash (converted directly); `peerUser`/`peerChat`/`peerChannel`; a marked
   * id; a bare positive id (a user, then a channel, then a basic chat); a
   * username as `"@name"`, `"name"` or a `t.me` link, in any case; an
   * old-style invite link; a phone number in any common spelling; last, an
   * exact display name or title. `"me"` is not resolved here: use
   * `inputPeerSelf`.
   *
   * @param key What to resolve.
   * @returns A TL-shaped input peer.
   * @throws {PeerNotFoundError} When nothing cached matches.
   */
  getInputPeer<T extends InputPeerLike>(key: T): Promise<T>;
  /**
   * Resolves a key (an id, a username, a link, a phone number, a name, a
   * peer or an entity) to an input peer from the cache.
   *
   * @param key What to resolve.
   * @returns A TL-shaped input peer.
   * @throws {PeerNotFoundError} When nothing cached matches.
   */
  getInputPeer(key: PeerKey): Promise<InputPeer>;
  getInputPeer(key: PeerKey): Promise<object> {
    const peekKey = this.#peekKey;
    if (peekKey !== undefined) return this.#inputPeerNow(key, peekKey);
    const peek = this.#peek;
    if (peek === undefined) return this.#inputPeer(key);
    // A storage that answers at once: no promise per step, and no copy of
    // the record (the input peer is built from it, a new object).
    try {
      this.#check("look up a peer");
      if (typeof key === "number") {
        // The usual key: a user's own id, found with one read.
        const peekId = this.#peekId;
        if (peekId !== undefined && key > 0 && Number.isSafeInteger(key)) {
          const user = peekId(key);
          if (user !== undefined && user.min !== true) {
            return Promise.resolve(userInputPeer(key, user.accessHash));
          }
        }
        // Found under another candidate (a channel, a chat): no plan.
        const ids = idCandidates(toSafeInteger(key, "peer id"));
        const record = peek({ by: "id", ids });
        if (record !== undefined && record.min !== true) {
          return Promise.resolve(toInputPeer(record));
        }
      } else if (typeof key === "string") {
        const value = atUsername(key);
        const record = value === undefined
          ? undefined
          : peek({ by: "username", value });
        if (record !== undefined && record.min !== true) {
          return Promise.resolve(toInputPeer(record));
        }
      }
      const found = this.#findNow(key, true, peek);
      return found.as === "record" && found.value.min === true
        ? this.#fromMessage(found.value)
        : Promise.resolve(inputOf(found));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // getInputPeer over a storage that reads an input peer's parts at once:
  // no record is built, and no promise per step.
  #inputPeerNow(key: PeerKey, peekKey: PeekKey): Promise<object> {
    try {
      this.#check("look up a peer");
      if (typeof key === "number") {
        // The usual key, found: no plan.
        const ids = idCandidates(toSafeInteger(key, "peer id"));
        const row = peekKey({ by: "id", ids });
        if (row !== undefined && !row.min) {
          return Promise.resolve(inputPeerOf(row.id, row.accessHash));
        }
      } else if (typeof key === "string") {
        // "@name", found: no plan either.
        const value = atUsername(key);
        const row = value === undefined
          ? undefined
          : peekKey({ by: "username", value });
        if (row !== undefined && !row.min) {
          return Promise.resolve(inputPeerOf(row.id, row.accessHash));
        }
      }
      const plan = this.#plan(key, true);
      if (plan.as === "input") return Promise.resolve(plan.value);
      for (const step of plan.steps) {
        const row = peekKey(step);
        if (row === undefined) continue;
        if (!row.min) {
          return Promise.resolve(inputPeerOf(row.id, row.accessHash));
        }
        // A min record: addressed through a message (rare; the record).
        const record = this.#peek?.(step);
        if (record !== undefined) return this.#fromMessage(record);
      }
      const missing = plan.missing();
      throw new PeerNotFoundError(missing.kind, missing.key);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #inputPeer(key: PeerKey): Promise<object> {
    this.#check("look up a peer");
    const found = await this.#find(key, true);
    return found.as === "record" && found.value.min === true
      ? await this.#fromMessage(found.value)
      : inputOf(found);
  }

  // A min peer is addressed through a message that mentions it, in a chat
  // the cache can address itself.
  async #fromMessage(peer: PeerRecord): Promise<InputPeer> {
    for (const ref of await this.#whole.refsOf(peer.id)) {
      const chat = await this.#lookup({ by: "id", ids: [ref.chatId] });
      if (chat === undefined || chat.min === true) continue;
      const input = toInputPeer(peer);
      const inChat = toInputPeer(chat);
      if (input._ === "inputPeerUser") {
        return {
          _: "inputPeerUserFromMessage",
          peer: inChat,
          msgId: ref.messageId,
          userId: input.userId,
        };
      }
      if (input._ === "inputPeerChannel") {
        return {
          _: "inputPeerChannelFromMessage",
          peer: inChat,
          msgId: ref.messageId,
          channelId: input.channelId,
        };
      }
    }
    throw new PeerNotFoundError("id", String(peer.id));
  }

  /**
   * Finds the cached record for a key (the keys of `getInputPeer`).
   *
   * @param key What to look up.
   * @returns A copy of the record, or `undefined`.
   */
  getPeer(key: PeerKey): Promise<PeerRecord | undefined> {
    const peek = this.#peek;
    if (peek === undefined) return this.#peer(key);
    try {
      this.#check("look up a peer");
      const found = this.#findNow(key, false, peek);
      // The storage's own record: the caller gets a copy.
      return Promise.resolve(
        found.as === "record" ? copyPeer(found.value) : undefined,
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #peer(key: PeerKey): Promise<PeerRecord | undefined> {
    this.#check("look up a peer");
    const found = await this.#find(key, false);
    return found.as === "record" ? found.value : undefined;
  }

  // Lookups are on the hot path of every RPC that names a peer: no async
  // wrapper here, so that a lookup costs one await of the storage's promise.
  #lookup(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    if (lookup.by === "id" && lookup.ids.length === 0) {
      return Promise.resolve(undefined);
    }
    return this.#storage.findPeer(lookup);
  }

  // How a key is resolved (see getInputPeer); what it throws is the
  // caller's rejection.
  #plan(key: PeerKey, wantInput: boolean): KeyPlan {
    if (typeof key === "number" || typeof key === "bigint") {
      const id = toSafeInteger(key, "peer id");
      return {
        as: "steps",
        steps: [{ by: "id", ids: idCandidates(id) }],
        missing: () => ({ kind: "id", key: String(id) }),
      };
    }
    if (typeof key === "string") return { as: "steps", ...planTextKey(key) };
    const plan = planObjectKey(key, wantInput ? "any" : "none");
    switch (plan.as) {
      case "input":
        return plan;
      case "entity":
        return { as: "input", value: toInputPeer(plan.value) };
      case "ids":
        return {
          as: "steps",
          steps: [{ by: "id", ids: plan.ids }],
          missing: () => ({ kind: "peer", key: plan.key }),
        };
    }
  }

  async #find(key: PeerKey, wantInput: boolean): Promise<Found> {
    const plan = this.#plan(key, wantInput);
    if (plan.as === "input") return plan;
    for (const step of plan.steps) {
      const record = await this.#lookup(step);
      if (record) return { as: "record", value: record };
    }
    return { as: "missing", ...plan.missing() };
  }

  // #find over a storage that answers at once: the records found are the
  // storage's own (see backend/_direct_peers.ts).
  #findNow(key: PeerKey, wantInput: boolean, peek: PeekPeer): Found {
    const plan = this.#plan(key, wantInput);
    if (plan.as === "input") return plan;
    for (const step of plan.steps) {
      const record = peek(step);
      if (record) return { as: "record", value: record };
    }
    return { as: "missing", ...plan.missing() };
  }

  /**
   * Lists every cached peer.
   *
   * @returns Copies of the records.
   */
  async listPeers(): Promise<PeerRecord[]> {
    this.#check("list peers");
    return await this.#storage.listPeers();
  }

  /**
   * Counts the cached peers.
   *
   * @returns The number of peers.
   */
  async countPeers(): Promise<number> {
    this.#check("count peers");
    return await this.#storage.countPeers();
  }

  // ---- update state -----------------------------------------------------

  /**
   * The update state of the account (0) or of a channel (marked id).
   *
   * @param entityId 0, or a channel's marked id.
   * @returns The state, or `undefined`.
   */
  async getUpdateState(entityId: number): Promise<UpdateState | undefined> {
    this.#check("read update states");
    const all = await this.#storage.getUpdateStates();
    return all.find((s) => s.entityId === entityId);
  }

  /**
   * Every stored update state.
   *
   * @returns Copies of the states.
   */
  async getUpdateStates(): Promise<UpdateState[]> {
    this.#check("read update states");
    return await this.#storage.getUpdateStates();
  }

  /**
   * Stores an update state (replacing the one for the same entity).
   *
   * @param state The state.
   */
  async setUpdateState(state: UpdateState): Promise<void> {
    this.#check("store update states");
    await this.#storage.putUpdateStates([checkUpdateState(state)]);
  }

  /**
   * Forgets the update state of an entity.
   *
   * @param entityId 0, or a channel's marked id.
   */
  async deleteUpdateState(entityId: number): Promise<void> {
    this.#check("delete update states");
    await this.#storage.deleteUpdateStates([entityId]);
  }

  // ---- file cache -------------------------------------------------------

  /**
   * Remembers an uploaded file by content.
   *
   * @param file md5 + size + type → id + access hash.
   */
  async cacheFile(file: CachedFile): Promise<void> {
    this.#check("store cached files");
    await this.#storage.putFiles([checkFile(file)]);
  }

  /**
   * Finds an uploaded file by content.
   *
   * @param md5 16-byte MD5 digest.
   * @param size Size in bytes.
   * @param type Document or photo.
   * @returns The entry, or `undefined`.
   */
  async getCachedFile(
    md5: Uint8Array,
    size: number,
    type: FileType,
  ): Promise<CachedFile | undefined> {
    this.#check("read the file cache");
    return await this.#storage.getFile(
      checkMd5(md5),
      size,
      checkFileType(type),
    );
  }

  /**
   * Every cached upload.
   *
   * @returns Copies of the entries.
   */
  async listCachedFiles(): Promise<CachedFile[]> {
    this.#check("list cached files");
    return await this.#storage.listFiles();
  }

  // ---- data centers and keys ---------------------------------------------

  /**
   * Every data center the session knows (copies), in the order set.
   *
   * @example Usage
   * ```ts
   * import { openSession } from "@mtsession/mtsession";
   * import assert from "node:assert/strict";
   *
   * await using session = await openSession(":memory:");
   * await session.putDataCenter({
   *   id: 2, testMode: false, mediaOnly: true,
   *   ipv4: "149.154.167.151", ipv6: null, port: 443,
   * });
   * assert.equal(session.dataCenters[0]?.mediaOnly, true);
   * ```
   */
  get dataCenters(): DataCenter[] {
    return this.#whole.dcs;
  }

  /**
   * Replaces the known data centers (one entry per id and `mediaOnly`);
   * durable when it resolves.
   *
   * @param dcs Every known data center.
   * @throws {TypeError | RangeError} When an entry is malformed or repeated.
   */
  async setDataCenters(dcs: readonly DataCenter[]): Promise<void> {
    this.#check("change the data centers");
    await this.#whole.setDcs(dcs);
  }

  /**
   * Adds a data center, or replaces the one with its id and `mediaOnly`.
   *
   * @param dc The data center.
   */
  async putDataCenter(dc: DataCenter): Promise<void> {
    this.#check("change the data centers");
    await this.#whole.putDc(dc);
  }

  /**
   * The permanent auth key of a DC: the main DC's is {@linkcode authKey}.
   *
   * @param dcId Data-center id.
   * @returns A copy of the key, or `null` when the session has none.
   */
  authKeyFor(dcId: number): Uint8Array | null {
    this.#check("read an auth key");
    if (dcId === this.#auth.dcId) return this.authKey;
    return this.#whole.otherKey(dcId);
  }

  /**
   * Every permanent auth key, the main DC's included, by DC.
   *
   * @returns Copies, by ascending DC id.
   */
  authKeys(): DcAuthKey[] {
    this.#check("read the auth keys");
    const out = this.#whole.otherKeys();
    const { dcId, authKey } = this.#auth;
    if (dcId !== null && authKey !== null) {
      out.push({ dcId, key: authKey.slice() });
      out.sort((a, b) => a.dcId - b.dcId);
    }
    return out;
  }

  /**
   * Sets or removes the permanent key of a DC (the main DC's sets
   * {@linkcode authKey}); durable when it resolves.
   *
   * @param dcId Data-center id.
   * @param key 256 bytes, or `null` to remove it.
   */
  async setAuthKeyFor(dcId: number, key: Uint8Array | null): Promise<void> {
    this.#check("change an auth key");
    if (dcId === this.#auth.dcId) await this.setAuthKey(key);
    else await this.#whole.setOtherKey(dcId, key);
  }

  /**
   * Makes another DC the main one: its key (when known) becomes
   * {@linkcode authKey}, the old main key is kept as that DC's. The
   * address comes from the arguments, else from the known data centers,
   * else from Telegram's table.
   *
   * @param dcId The new main DC.
   * @param serverAddress Its address (optional).
   * @param port Its port (optional).
   */
  async switchDc(
    dcId: number,
    serverAddress?: string,
    port?: number,
  ): Promise<void> {
    this.#check("change the data center");
    const { dcId: old, authKey: oldKey } = this.#auth;
    if (dcId === old) return;
    const testMode = this.#auth.testMode ?? false;
    const known = this.#whole.dc(dcId, false);
    const table = dcAddress(dcId, testMode);
    const address = serverAddress ?? known?.ipv4 ?? known?.ipv6 ??
      table?.address ?? null;
    const newKey = this.#whole.otherKey(dcId);
    // Keep the old key first: a crash in between leaves a key twice, never
    // none.
    if (old !== null && oldKey !== null) {
      await this.#whole.setOtherKey(old, oldKey);
    }
    await this.setAuth({
      dcId,
      serverAddress: address,
      port: port ?? known?.port ?? table?.port ?? null,
      authKey: newKey,
    });
    if (newKey !== null) await this.#whole.setOtherKey(dcId, null);
  }

  /**
   * A temporary key that has not expired.
   *
   * @param dcId Data-center id.
   * @param index The key's index within the DC.
   * @param now The current time in the unit of `expiresAt` (default:
   * `Date.now()`, milliseconds).
   * @returns A copy of the key, or `null`.
   */
  async getTempAuthKey(
    dcId: number,
    index: number,
    now: number = Date.now(),
  ): Promise<Uint8Array | null> {
    this.#check("read a temporary key");
    return await this.#whole.tempKey(dcId, index, now);
  }

  /**
   * Every temporary key that has not expired.
   *
   * @param now The current time (default `Date.now()`).
   * @returns Copies, by DC and index.
   */
  async tempAuthKeys(now: number = Date.now()): Promise<TempAuthKey[]> {
    this.#check("read the temporary keys");
    return await this.#whole.tempKeys(now);
  }

  /**
   * Sets or removes a temporary key; durable when it resolves.
   *
   * @param dcId Data-center id.
   * @param index The key's index within the DC.
   * @param key 256 bytes, or `null` to remove it.
   * @param expiresAt When it expires (the unit `now` is given in).
   */
  async setTempAuthKey(
    dcId: number,
    index: number,
    key: Uint8Array | null,
    expiresAt: number,
  ): Promise<void> {
    this.#check("change a temporary key");
    await this.#whole.setTempKey(dcId, index, key, expiresAt);
  }

  /**
   * Removes the temporary keys of one DC, or all of them.
   *
   * @param dcId The DC (default: every DC).
   */
  async deleteTempAuthKeys(dcId?: number): Promise<void> {
    this.#check("delete temporary keys");
    await this.#whole.deleteTempKeys(dcId);
  }

  // ---- client values and message references -----------------------------

  /**
   * A value a client stored by name.
   *
   * @param name The value's name.
   * @returns A copy of its bytes, or `undefined`.
   *
   * @example Usage
   * ```ts
   * import { openSession } from "@mtsession/mtsession";
   * import assert from "node:assert/strict";
   *
   * await using session = await openSession(":memory:");
   * await session.setValue("salts:2", new Uint8Array([1, 2, 3]));
   * assert.deepEqual(await session.getValue("salts:2"), new Uint8Array([1, 2, 3]));
   * ```
   */
  async getValue(name: string): Promise<Uint8Array | undefined> {
    this.#check("read a client value");
    return await this.#whole.value(name);
  }

  /**
   * Stores or removes a named value (up to 1 MiB of bytes).
   *
   * @param name 1–256 characters, no NUL.
   * @param value The bytes, or `null` to remove the value.
   */
  async setValue(name: string, value: Uint8Array | null): Promise<void> {
    this.#check("store a client value");
    await this.#whole.setValues([{ name, value }]);
  }

  /**
   * Every stored value.
   *
   * @returns Copies, by name.
   */
  async listValues(): Promise<ClientValue[]> {
    this.#check("list client values");
    return await this.#whole.values();
  }

  /**
   * Remembers that a message mentions a (min) peer.
   *
   * @param ref The peer, chat and message.
   */
  async putMessageRef(ref: MessageRef): Promise<void> {
    this.#check("store a message reference");
    await this.#whole.putRefs([ref]);
  }

  /**
   * The oldest stored message that mentions a peer.
   *
   * @param peerId The peer's marked id.
   * @returns A copy, or `undefined`.
   */
  async getMessageRef(peerId: number): Promise<MessageRef | undefined> {
    this.#check("read a message reference");
    return (await this.#whole.refsOf(peerId))[0];
  }

  /**
   * Every stored message reference.
   *
   * @returns Copies.
   */
  async listMessageRefs(): Promise<MessageRef[]> {
    this.#check("list message references");
    return await this.#whole.refs();
  }

  /**
   * Forgets message references: of some peers, of deleted messages, or all.
   *
   * @param filter Which ones.
   */
  async deleteMessageRefs(filter: MessageRefFilter): Promise<void> {
    this.#check("delete message references");
    await this.#whole.deleteRefs(filter);
  }

  // ---- lifecycle ---------------------------------------------------------

  async #settle(): Promise<void> {
    await this.#whole.settle();
    await this.#pending.settle(
      "An earlier change of the auth state was not saved",
    );
  }

  /** Makes every change so far durable. */
  async save(): Promise<void> {
    this.#check("save");
    await this.#settle();
    await this.#storage.flush();
  }

  /** Saves and closes; the session cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#settle();
    } finally {
      await this.#storage.close();
    }
  }

  /** Deletes everything the session stored (a file session: its file). */
  async delete(): Promise<void> {
    this.#closed = true;
    await this.#pending.drain();
    await this.#storage.destroy();
  }

  /**
   * Copies everything (auth, data centers, every key, peers, update
   * states, cached files, client values, message references) into
   * another storage and opens a session there.
   *
   * @param target Where to copy to (default: a new memory storage).
   * @returns The copy, independent of this session.
   */
  async clone(target: SessionStorage = new MemoryStorage()): Promise<Session> {
    this.#check("clone");
    await this.#settle();
    const s = this.#storage;
    const [peers, states, files, temp, values, refs] = await Promise.all([
      s.listPeers(),
      s.getUpdateStates(),
      s.listFiles(),
      s.getTempAuthKeys(0),
      s.listValues(),
      s.listMessageRefs(),
    ]);
    await target.setAuth(this.getAuth());
    const dcs = this.#whole.dcs;
    if (dcs.length > 0) await target.setDcs(dcs);
    const keys = this.#whole.otherKeys();
    if (keys.length > 0) await target.setAuthKeys(keys);
    if (temp.length > 0) await target.setTempAuthKeys(temp);
    peers.sort((a, b) => a.updatedAt - b.updatedAt);
    if (peers.length > 0) await target.putPeers(peers);
    if (states.length > 0) await target.putUpdateStates(states);
    if (files.length > 0) await target.putFiles(files);
    if (values.length > 0) await target.setValues(values);
    if (refs.length > 0) await target.putMessageRefs(refs);
    await target.flush();
    return await Session.open(target, { saveEntities: this.saveEntities });
  }

  /** Closes the session (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- redaction ---------------------------------------------------------

  /**
   * A short description without secrets.
   *
   * @returns E.g. `Session(memory, dc 2, authorized)`.
   */
  toString(): string {
    const dc = this.#auth.dcId === null ? "no dc" : `dc ${this.#auth.dcId}`;
    const key = this.#auth.authKey === null ? "no auth key" : "authorized";
    const state = this.#closed ? ", closed" : "";
    return `Session(${this.#storage.kind}, ${dc}, ${key}${state})`;
  }

  /**
   * What `JSON.stringify` shows: the auth state without the key.
   *
   * @returns A redacted summary.
   */
  toJSON(): Record<string, unknown> {
    return {
      storage: this.#storage.kind,
      ...authSummary(this.#auth),
      authorized: this.#auth.authKey !== null,
    };
  }
}
