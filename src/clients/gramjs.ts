/**
 * A GramJS session (for `new TelegramClient(session, …)` of the `telegram`
 * npm package) backed by any mtsession {@linkcode Session}.
 *
 * GramJS reads its session synchronously (`dcId`, `authKey`,
 * `getInputEntity`, …), so the binding keeps what GramJS reads in memory —
 * the auth state lives in the `Session` already, the peers in an indexed
 * copy loaded on open — and writes every change through the `Session`,
 * which makes it durable in its storage.
 *
 * The binding imports nothing from `telegram`: the caller hands the module
 * in, and the types below describe the few parts that are used.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { toInt64 } from "../_int64.ts";
import { PendingWrites } from "../_pending.ts";
import { redactInspect } from "../_redacted.ts";
import { PeerNotFoundError } from "../errors.ts";
import { parsePeerId } from "../peers/ids.ts";
import { planObjectKey } from "../peers/keys.ts";
import { entityPeers } from "../peers/normalize.ts";
import { isObject } from "../peers/_tl.ts";
import type { Session } from "../session.ts";
import { inferTestMode } from "../strings/_common.ts";
import { encodeGramjs } from "../strings/_gramjs.ts";
import type { DataCenter, PeerRecord } from "../types.ts";
import { PeerIndex } from "./_peer_index.ts";

/**
 * GramJS's auth key object (`AuthKey` from `telegram/crypto/AuthKey`), as
 * far as the binding uses it.
 *
 * @example The key GramJS sees
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const bound = await gramjsSession(await openSession("my_account"), { telegram });
 * console.log(bound.authKey?.getKey()?.length); // 256, or undefined
 * ```
 */
export interface GramjsAuthKey {
  /** The 256 key bytes (a `Buffer`), or `undefined` for an empty key. */
  getKey(): Uint8Array | undefined;
  /**
   * Sets the key bytes and computes the key id.
   *
   * @param value The bytes, another key, or `undefined` to empty it.
   */
  setKey(value?: Buffer | GramjsAuthKey): Promise<void>;
}

/**
 * The `AuthKey` class of GramJS: `new AuthKey()` gives an empty key.
 *
 * @example Pass it explicitly (otherwise it is found for you)
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 * import { AuthKey } from "telegram/crypto/AuthKey.js";
 *
 * const bound = await gramjsSession(await openSession(":memory:"), { telegram, AuthKey });
 * ```
 */
export type GramjsAuthKeyClass = new () => GramjsAuthKey;

/**
 * The parts of the `telegram` module the binding uses. Pass the module
 * itself: `import * as telegram from "telegram"`.
 *
 * @example Usage
 * ```ts ignore
 * import type { GramjsModule } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const module: GramjsModule = telegram;
 * ```
 */
export interface GramjsModule {
  /** `telegram.sessions`: the `Session` base class and `StringSession`. */
  readonly sessions: {
    /** GramJS's abstract session class (the client checks `instanceof`). */
    readonly Session: abstract new () => Record<never, never>;
    /** Used once to find GramJS's `AuthKey` class when none is given. */
    readonly StringSession: new (session?: string) => {
      load(): Promise<void>;
      readonly authKey?: unknown;
    };
  };
  /** `telegram.Api`: the input peer constructors. */
  readonly Api: {
    /** `Api.InputPeerUser`. */
    readonly InputPeerUser: new (
      args: { userId: never; accessHash: never },
    ) => object;
    /** `Api.InputPeerChat`. */
    readonly InputPeerChat: new (args: { chatId: never }) => object;
    /** `Api.InputPeerChannel`. */
    readonly InputPeerChannel: new (
      args: { channelId: never; accessHash: never },
    ) => object;
  };
  /** `telegram.helpers`: `returnBigInt` makes GramJS's big integers. */
  readonly helpers: {
    /** Converts a native bigint to GramJS's big-integer type. */
    returnBigInt(num: bigint): unknown;
  };
}

/**
 * Options for {@linkcode gramjsSession}.
 *
 * @typeParam M The `telegram` module's type.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession, type GramjsSessionOptions } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const options: GramjsSessionOptions<typeof telegram> = { telegram };
 * const bound = await gramjsSession(await openSession(":memory:"), options);
 * ```
 */
export interface GramjsSessionOptions<M extends GramjsModule = GramjsModule> {
  /** The `telegram` module (`import * as telegram from "telegram"`). */
  telegram: M;
  /**
   * GramJS's `AuthKey` class (`telegram/crypto/AuthKey`). Found through
   * `telegram.sessions.StringSession` when not given.
   */
  AuthKey?: GramjsAuthKeyClass;
}

/**
 * What the binding offers on top of GramJS's `Session` contract.
 *
 * @example Wait for durability, export, close
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const bound = await gramjsSession(await openSession("my_account"), { telegram });
 * const client = new telegram.TelegramClient(bound, 12345, "api hash", {});
 * // … use the client …
 * const gramjsString = bound.save(); // GramJS's StringSession format
 * const telethonString = await bound.session.exportString("telethon");
 * await bound.flush(); // everything so far is on disk
 * await bound.close();
 * ```
 *
 * Reads are synchronous, as GramJS wants them. Writes go through the
 * mtsession {@linkcode Session}: auth changes are written at once (in the
 * background: GramJS's setters are synchronous), peers are batched by the
 * storage; {@linkcode GramjsSession.flush} waits until all of it is
 * durable and reports a failure.
 */
export interface GramjsSession {
  /** The mtsession session behind this GramJS session. */
  readonly session: Session;
  /** The data-center id, or 0 when none is set (as GramJS's sessions). */
  readonly dcId: number;
  /** The data center's address, or `undefined`. */
  readonly serverAddress: string | undefined;
  /** The data center's port, or `undefined`. */
  readonly port: number | undefined;
  /**
   * The main DC's auth key as a GramJS `AuthKey`, or `undefined`. Setting
   * it stores the key's bytes in the session (or clears them).
   */
  authKey: GramjsAuthKey | undefined;
  /** An open takeout session id as a GramJS big integer, or `undefined`. */
  takeoutId: unknown;
  /**
   * Sets the data center; the auth key is kept (GramJS clears it itself
   * when it switches DC). The DC's address is also kept among the
   * session's {@linkcode Session.dataCenters}, so every DC the client was
   * set to stays known.
   *
   * @param dcId Data-center id.
   * @param serverAddress Its address.
   * @param port Its port.
   */
  setDC(dcId: number, serverAddress: string, port: number): void;
  /**
   * Called by the client before use: loads the peers into memory (the
   * first time) and makes the auth key objects (the main DC's and every
   * other DC's) match the session's bytes.
   */
  load(): Promise<void>;
  /**
   * Sets the auth key of a DC. The main DC's key goes to the session as
   * its auth key; keys of other DCs (GramJS's exported senders, for file
   * downloads) go to the session as those DCs' keys
   * ({@linkcode Session.setAuthKeyFor}), so a reopened session has them.
   *
   * @param authKey The key, or `undefined` to forget it.
   * @param dcId The DC (default: the main one).
   */
  setAuthKey(authKey?: GramjsAuthKey, dcId?: number): void;
  /**
   * The auth key of a DC.
   *
   * @param dcId The DC (default: the main one).
   * @returns The key, or `undefined`.
   */
  getAuthKey(dcId?: number): GramjsAuthKey | undefined;
  /**
   * Caches the users, chats and channels of a TL result: indexed and
   * merged (a new access hash replaces the old one), never throwing.
   *
   * @param tlo What the client received.
   */
  processEntities(tlo: unknown): void;
  /**
   * Resolves a key to a GramJS `Api.InputPeer*` from the cache: the keys of
   * {@linkcode Session.getInputPeer}, plus GramJS's big integers and TL
   * objects.
   *
   * @param key An id, a username, a phone number, a name, a TL object.
   * @returns A real `Api.InputPeerUser`, `Api.InputPeerChat` or
   * `Api.InputPeerChannel` (or the key itself when it already is an input
   * peer).
   * @throws {PeerNotFoundError} When nothing cached matches (the client
   * then asks Telegram).
   */
  getInputEntity(key: unknown): object;
  /**
   * Starts making everything durable and returns the login as a GramJS
   * string session, like `StringSession.save()`: `""` when there is no
   * key, address or port, or when GramJS's format cannot carry them (a
   * port above 32767). Use `session.exportString(format)` for any other
   * format.
   *
   * @returns The GramJS string (treat it like a password), or `""`.
   */
  save(): string;
  /** Waits until every change so far is durable; reports a failure. */
  flush(): Promise<void>;
  /** Flushes and closes the mtsession session. */
  close(): Promise<void>;
  /** Deletes the session's data (for a file session: the file). */
  delete(): Promise<void>;
}

/**
 * What {@linkcode gramjsSession} returns: an instance of the given module's
 * `Session` class (so `TelegramClient` accepts it) with the binding's
 * members; `save()`, `close()` and `delete()` have the binding's types
 * (a string, promises), the rest keeps GramJS's.
 *
 * @typeParam M The `telegram` module's type.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession, type GramjsSessionFor } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const bound: GramjsSessionFor<typeof telegram> = await gramjsSession(
 *   await openSession(":memory:"),
 *   { telegram },
 * );
 * const asGramjs: telegram.sessions.Session = bound; // what TelegramClient takes
 * ```
 */
export type GramjsSessionFor<M extends GramjsModule> =
  & Omit<InstanceType<M["sessions"]["Session"]>, "save" | "close" | "delete">
  & GramjsSession;

/** The constructor of the binding's class for one `telegram` module. */
type BindingClass = new (inner: Inner) => GramjsSession;

interface Inner {
  readonly session: Session;
  readonly telegram: GramjsModule;
  readonly AuthKey: GramjsAuthKeyClass;
}

// TL constructor-group ids GramJS puts on every object: InputPeer, InputUser
// and InputChannel are returned as they are, as GramJS's MemorySession does.
const INPUT_SUBCLASS_IDS = new Set([0xc91c90b6, 0xe669bf46, 0x40f202fd]);

const classes = new WeakMap<object, BindingClass>();
const authKeyClasses = new WeakMap<object, GramjsAuthKeyClass>();

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A GramJS big integer or any integer-like key that is not a TL object. */
function isIntegerLike(key: object): boolean {
  const o = key as Record<string, unknown>;
  return !("className" in o) && !("_" in o) && "value" in o &&
    (typeof o.value === "bigint" || typeof o.value === "number");
}

function subclassId(key: object): number | undefined {
  const id = (key as Record<string, unknown>).SUBCLASS_OF_ID;
  return typeof id === "number" ? id : undefined;
}

async function findAuthKeyClass(
  telegram: GramjsModule,
): Promise<GramjsAuthKeyClass> {
  const cached = authKeyClasses.get(telegram.sessions.StringSession);
  if (cached) return cached;
  // A StringSession holding a throw-away key builds GramJS's own AuthKey on
  // load(); its constructor is the class we need.
  const probe = new telegram.sessions.StringSession(
    encodeGramjs(2, "149.154.167.51", 443, new Uint8Array(256)),
  );
  await probe.load();
  const key = probe.authKey;
  const ctor = isObject(key) ? key.constructor : undefined;
  if (
    typeof ctor !== "function" || typeof ctor.prototype?.getKey !== "function"
  ) {
    throw new TypeError(
      "Cannot find GramJS's AuthKey class through telegram.sessions." +
        'StringSession: pass { AuthKey } from "telegram/crypto/AuthKey"',
    );
  }
  const found = ctor as GramjsAuthKeyClass;
  authKeyClasses.set(telegram.sessions.StringSession, found);
  return found;
}

function checkModule(telegram: unknown): GramjsModule {
  const t = telegram as Partial<GramjsModule> | null | undefined;
  if (
    !isObject(t) || !isObject(t.sessions) ||
    typeof t.sessions.Session !== "function" ||
    typeof t.sessions.StringSession !== "function" || !isObject(t.Api) ||
    typeof t.Api.InputPeerUser !== "function" || !isObject(t.helpers) ||
    typeof t.helpers.returnBigInt !== "function"
  ) {
    throw new TypeError(
      'Expected the "telegram" module (import * as telegram from "telegram")',
    );
  }
  return t as GramjsModule;
}

function bindingClass(telegram: GramjsModule): BindingClass {
  const Base = telegram.sessions.Session;
  const known = classes.get(Base);
  if (known) return known;

  class MtsessionGramjsSession extends Base implements GramjsSession {
    #session: Session;
    #telegram: GramjsModule;
    #AuthKey: GramjsAuthKeyClass;
    #peers = new PeerIndex();
    #peersLoaded = false;
    #authKey: GramjsAuthKey | undefined = undefined;
    // Key objects of DCs other than the main one, by DC id.
    #otherKeys = new Map<number, GramjsAuthKey>();
    #pending = new PendingWrites();

    static {
      redactInspect(this);
    }

    constructor(inner: Inner) {
      super();
      this.#session = inner.session;
      this.#telegram = inner.telegram;
      this.#AuthKey = inner.AuthKey;
    }

    get session(): Session {
      return this.#session;
    }

    // ---- auth state (synchronous, from the Session) ---------------------

    get dcId(): number {
      return this.#session.dcId ?? 0;
    }

    get serverAddress(): string | undefined {
      return this.#session.serverAddress ?? undefined;
    }

    get port(): number | undefined {
      return this.#session.port ?? undefined;
    }

    get authKey(): GramjsAuthKey | undefined {
      return this.#authKey;
    }

    set authKey(value: GramjsAuthKey | undefined) {
      this.#authKey = value;
      const bytes = value?.getKey();
      const stored = this.#session.authKey;
      if (bytes === undefined || bytes === null) {
        if (stored !== null) this.#session.authKey = null;
      } else if (!sameBytes(stored, bytes)) {
        this.#session.authKey = new Uint8Array(bytes);
      }
    }

    get takeoutId(): unknown {
      const id = this.#session.takeoutId;
      return id === null ? undefined : this.#telegram.helpers.returnBigInt(id);
    }

    set takeoutId(value: unknown) {
      this.#session.takeoutId = value === undefined || value === null
        ? null
        : toInt64(value, "takeoutId");
    }

    setDC(dcId: number, serverAddress: string, port: number): void {
      const s = this.#session;
      if (s.dcId !== dcId) s.dcId = dcId;
      if (s.serverAddress !== serverAddress) s.serverAddress = serverAddress;
      if (s.port !== port) s.port = port;
      this.#keepDc(dcId, serverAddress, port);
    }

    // Records the DC GramJS was set to among the session's data centers
    // (the address as IPv4 or IPv6 by its form; a host name counts as
    // IPv4), unless it is known already.
    #keepDc(id: number, address: string, port: number): void {
      const s = this.#session;
      if (s.closed) return;
      const v6 = address.includes(":");
      const known = s.dataCenters.find((d) => d.id === id && !d.mediaOnly);
      const dc: DataCenter = {
        id,
        testMode: s.testMode ?? inferTestMode(address),
        mediaOnly: false,
        ipv4: v6 ? known?.ipv4 ?? null : address,
        ipv6: v6 ? address : known?.ipv6 ?? null,
        port,
      };
      if (
        known !== undefined && known.ipv4 === dc.ipv4 &&
        known.ipv6 === dc.ipv6 && known.port === port &&
        known.testMode === dc.testMode
      ) return;
      this.#pending.track(s.putDataCenter(dc));
    }

    async load(): Promise<void> {
      if (!this.#peersLoaded) {
        this.#peers.load(await this.#session.listPeers());
        this.#peersLoaded = true;
      }
      await this.#loadOtherKeys();
      const bytes = this.#session.authKey;
      const current = this.#authKey?.getKey();
      if (bytes === null) {
        // Keep an empty key object GramJS may be filling in right now.
        if (current !== undefined) this.#authKey = undefined;
        return;
      }
      if (current !== undefined && sameBytes(current, bytes)) return;
      const key = new this.#AuthKey();
      await key.setKey(Buffer.from(bytes));
      this.#authKey = key;
    }

    // Key objects for the other DCs' keys the session holds; an object
    // already holding the same bytes is kept (GramJS may be using it).
    async #loadOtherKeys(): Promise<void> {
      const main = this.#session.dcId;
      const stored = this.#session.authKeys().filter((k) => k.dcId !== main);
      const next = new Map<number, GramjsAuthKey>();
      for (const { dcId, key: bytes } of stored) {
        const current = this.#otherKeys.get(dcId);
        if (current !== undefined && sameBytes(current.getKey(), bytes)) {
          next.set(dcId, current);
          continue;
        }
        const key = new this.#AuthKey();
        await key.setKey(Buffer.from(bytes));
        next.set(dcId, key);
      }
      // Empty key objects GramJS is filling in right now stay.
      for (const [dcId, key] of this.#otherKeys) {
        if (!next.has(dcId) && key.getKey() === undefined) next.set(dcId, key);
      }
      this.#otherKeys = next;
    }

    setAuthKey(authKey?: GramjsAuthKey, dcId?: number): void {
      if (dcId && dcId !== this.dcId) {
        const had = this.#otherKeys.has(dcId);
        if (authKey) this.#otherKeys.set(dcId, authKey);
        else this.#otherKeys.delete(dcId);
        this.#keepOtherKey(dcId, authKey?.getKey(), had);
        return;
      }
      this.authKey = authKey;
    }

    // Writes another DC's key through to the session (GramJS clears one
    // when its authorization broke: the session forgets it too). `had`:
    // whether a key object was held (its write may still be in flight).
    #keepOtherKey(
      dcId: number,
      bytes: Uint8Array | undefined | null,
      had: boolean,
    ): void {
      const s = this.#session;
      if (s.closed) return;
      const stored = s.authKeyFor(dcId);
      if (bytes === undefined || bytes === null) {
        if (stored !== null || had) {
          this.#pending.track(s.setAuthKeyFor(dcId, null));
        }
      } else if (!sameBytes(stored, bytes)) {
        this.#pending.track(s.setAuthKeyFor(dcId, new Uint8Array(bytes)));
      }
    }

    getAuthKey(dcId?: number): GramjsAuthKey | undefined {
      if (dcId && dcId !== this.dcId) return this.#otherKeys.get(dcId);
      return this.#authKey;
    }

    // ---- peers --------------------------------------------------------------

    processEntities(tlo: unknown): void {
      if (!this.#session.saveEntities || this.#session.closed) return;
      // A malformed entity is skipped: GramJS calls this on every result,
      // and a throw here would fail the request.
      let records: PeerRecord[];
      try {
        records = entityPeers(tlo, now()).records;
      } catch {
        return;
      }
      if (records.length === 0) return;
      this.#peers.put(records);
      this.#pending.track(this.#session.putPeers(records));
    }

    getInputEntity(key: unknown): object {
      if (isObject(key)) {
        const sub = subclassId(key);
        if (sub !== undefined && INPUT_SUBCLASS_IDS.has(sub)) return key;
      }
      return this.#toApi(this.#resolve(key));
    }

    #resolve(key: unknown): PeerRecord {
      if (typeof key === "number" || typeof key === "bigint") {
        return this.#found(this.#peers.findId(key));
      }
      if (typeof key === "string") {
        return this.#found(this.#peers.findText(key));
      }
      if (isObject(key) && isIntegerLike(key)) {
        return this.#found(this.#peers.findId(toInt64(key, "peer id")));
      }
      const plan = planObjectKey(key, "entity");
      if (plan.as === "entity") return plan.value;
      const record = this.#peers.byId(plan.ids);
      if (!record) throw new PeerNotFoundError("peer", plan.key);
      return record;
    }

    #found(found: ReturnType<PeerIndex["findId"]>): PeerRecord {
      if (found.as === "record") return found.value;
      throw new PeerNotFoundError(found.kind, found.key);
    }

    #toApi(record: PeerRecord): object {
      const { Api, helpers } = this.#telegram;
      // GramJS's constructors want its big-integer type; `never` in the
      // structural types lets any module's own types through.
      const big = (v: bigint | number) =>
        helpers.returnBigInt(BigInt(v)) as never;
      const { kind, id } = parsePeerId(record.id);
      switch (kind) {
        case "user":
          return new Api.InputPeerUser({
            userId: big(id),
            accessHash: big(record.accessHash),
          });
        case "chat":
          return new Api.InputPeerChat({ chatId: big(id) });
        case "channel":
          return new Api.InputPeerChannel({
            channelId: big(id),
            accessHash: big(record.accessHash),
          });
      }
    }

    // ---- lifecycle ----------------------------------------------------------

    save(): string {
      if (!this.#session.closed) this.#pending.track(this.#session.save());
      const key = this.#session.authKey;
      const { dcId, serverAddress, port } = this.#session;
      if (
        key === null || dcId === null || serverAddress === null ||
        port === null
      ) {
        return "";
      }
      try {
        return encodeGramjs(dcId, serverAddress, port, key);
      } catch {
        return "";
      }
    }

    async flush(): Promise<void> {
      await this.#pending.settle(
        "An earlier change of the GramJS session was not saved",
      );
      await this.#session.save();
    }

    async close(): Promise<void> {
      if (this.#session.closed) return;
      try {
        await this.flush();
      } finally {
        await this.#session.close();
      }
    }

    async delete(): Promise<void> {
      await this.#pending.drain();
      this.#peers.clear();
      this.#authKey = undefined;
      this.#otherKeys.clear();
      await this.#session.delete();
    }

    /**
     * A short description without secrets.
     *
     * @returns E.g. `GramjsSession(Session(memory, dc 2, authorized))`.
     */
    override toString(): string {
      return `GramjsSession(${this.#session})`;
    }
  }

  classes.set(Base, MtsessionGramjsSession);
  return MtsessionGramjsSession;
}

/**
 * Makes a GramJS session backed by an mtsession {@linkcode Session}: pass
 * it to `new TelegramClient(session, apiId, apiHash, options)` of the
 * `telegram` npm package. Any session works — memory, a session string, a
 * SQLite file — and whatever GramJS learns (its DC, the auth key, every
 * user, chat and channel it sees) is kept there.
 *
 * Compared to GramJS's own sessions: peers are indexed and merged (a new
 * access hash replaces the old one, where `MemorySession` keeps answering
 * the first one it saw and grows forever); `getInputEntity` finds
 * `usernames[]`, phones in any spelling and GramJS's big integers; lookups
 * of a bare id prefer a user, as Telethon does.
 *
 * Auth keys of DCs other than the main one (GramJS's exported senders,
 * which GramJS's `MemorySession` does not keep at all) are kept in the
 * session as those DCs' keys, and every DC GramJS was set to among its
 * data centers. The peers are read into memory on open (GramJS's API is
 * synchronous) and written through.
 *
 * @typeParam M The `telegram` module's type.
 * @param session The mtsession session to use (it stays open until the
 * GramJS session's `close()`).
 * @param options The `telegram` module, and optionally its `AuthKey`.
 * @returns The GramJS session, loaded.
 * @throws {TypeError} When `telegram` is not GramJS's module.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const session = await openSession("my_account"); // my_account.session
 * const client = new telegram.TelegramClient(
 *   await gramjsSession(session, { telegram }),
 *   12345,
 *   "0123456789abcdef0123456789abcdef",
 *   {},
 * );
 * await client.start({ botAuthToken: "123:abc" });
 * ```
 */
export async function gramjsSession<M extends GramjsModule>(
  session: Session,
  options: GramjsSessionOptions<M>,
): Promise<GramjsSessionFor<M>> {
  if (
    !isObject(session) || typeof session.processEntities !== "function" ||
    typeof session.getAuth !== "function"
  ) {
    throw new TypeError("Expected an mtsession Session (see openSession)");
  }
  if (session.closed) {
    throw new TypeError("Expected an open mtsession Session");
  }
  const telegram = checkModule(options?.telegram);
  const AuthKey = options.AuthKey ?? await findAuthKeyClass(telegram);
  const Binding = bindingClass(telegram);
  const bound = new Binding({ session, telegram, AuthKey });
  await bound.load();
  return bound as unknown as GramjsSessionFor<M>;
}
