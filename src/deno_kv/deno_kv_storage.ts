/**
 * A {@linkcode SessionStorage} in Deno KV (a local SQLite file, or
 * FoundationDB on Deno Deploy). Keys are `[prefix, sessionId, kind, …]`:
 *
 * | key                                      | value                                    |
 * | ---------------------------------------- | ---------------------------------------- |
 * | `[p, id, "auth"]`                        | the auth state                           |
 * | `[p, id, "peer", markedId]`              | the peer record                          |
 * | `[p, id, "username", name]`              | the marked id holding it                 |
 * | `[p, id, "phone", digits]`               | the marked id holding it                 |
 * | `[p, id, "name", name, markedId]`        | `{ at, w }` (latest written first)       |
 * | `[p, id, "state", entityId]`             | an update state                          |
 * | `[p, id, "file", type, md5hex, size]`    | `{ id, accessHash }`                     |
 * | `[p, id, "version"]`                     | bumped by every peer write               |
 *
 * Values are structured-clone serialized by KV, so `bigint` and
 * `Uint8Array` are stored as such: 64-bit values and bytes are exact.
 *
 * Peer writes are batched and written in atomic operations of at most
 * 1000 mutations, each peer's record and index entries in the same one.
 * Every such operation checks and bumps the session's version key, so
 * concurrent writers of one session never interleave: the loser reads
 * again and retries.
 *
 * @module
 */

import { fromHex, toHex as hex } from "../_hex.ts";
import { copyAuth, copyFile, copyPeer, emptyAuth } from "../_copy.ts";
import { denoInspect, nodeInspect } from "../_inspect.ts";
import { SessionClosedError, SessionError } from "../errors.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
  UpdateState,
} from "../types.ts";
import { WriteBehind } from "../postgres/_write_behind.ts";
import {
  commitAtomic,
  type DenoKvAtomicOperation,
  type DenoKvKey,
  type DenoKvLike,
} from "./kv.ts";

/**
 * Options for {@linkcode DenoKvStorage}.
 *
 * @example Usage
 * ```ts
 * import type { DenoKvStorageOptions } from "@mtsession/mtsession/deno-kv";
 *
 * const options: DenoKvStorageOptions = { prefix: "bots", flushDelayMs: 250 };
 * void options;
 * ```
 */
export interface DenoKvStorageOptions {
  /** The first part of every key (default `"mtsession"`). */
  prefix?: string;
  /**
   * The longest a batched peer write waits before it is written, in
   * milliseconds (default 1000).
   */
  flushDelayMs?: number;
  /** Write the batch as soon as this many peers wait (default 2000). */
  maxBatch?: number;
  /** Called by `close()` and `destroy()` once the storage is released. */
  onClose?: () => Promise<void> | void;
  /** A label for messages (never a secret). */
  label?: string;
}

/** Mutations per atomic operation: KV allows 1000, one is the version. */
const MAX_MUTATIONS = 999;
/** KV allows 800 KiB of keys and values per atomic operation. */
const MAX_BYTES = 512 * 1024;
/** How often a write is retried when another writer got in first. */
const MAX_ATTEMPTS = 100;

function keyId(key: DenoKvKey): string {
  return JSON.stringify(
    key.map((p) =>
      p instanceof Uint8Array
        ? ["u8", hex(p)]
        : [typeof p, typeof p === "bigint" ? String(p) : p]
    ),
  );
}

/** A generous guess of the serialized size of a key and its value. */
function sizeOf(key: DenoKvKey, value: unknown): number {
  let n = 16;
  for (const p of key) n += 10 + (typeof p === "string" ? p.length * 3 : 16);
  if (value === undefined) return n;
  if (typeof value === "object" && value !== null) {
    const o = value as Partial<StoredPeer>;
    n += 96;
    for (const u of o.usernames ?? []) n += 8 + u.length * 3;
    if (typeof o.name === "string") n += o.name.length * 3;
    if (typeof o.phone === "string") n += o.phone.length;
  }
  return n + 32;
}

/** A peer as stored (the record itself). */
type StoredPeer = PeerRecord;

interface Write {
  readonly key: DenoKvKey;
  /** `undefined` deletes. */
  readonly value: unknown;
  readonly size: number;
}

/**
 * Reads through a cache and collects writes for one atomic operation;
 * `mark()`/`rollback()` undo the writes of a peer that does not fit.
 */
class KvTransaction {
  #kv: DenoKvLike;
  #reads = new Map<string, unknown>();
  #writes = new Map<string, Write>();
  #log: Array<[string, Write | undefined]> = [];
  #bytes = 0;

  constructor(kv: DenoKvLike) {
    this.#kv = kv;
  }

  get mutations(): number {
    return this.#writes.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  async prefetch(keys: readonly DenoKvKey[]): Promise<void> {
    const todo: DenoKvKey[] = [];
    const seen = new Set<string>();
    for (const k of keys) {
      const id = keyId(k);
      if (this.#reads.has(id) || seen.has(id)) continue;
      seen.add(id);
      todo.push(k);
    }
    const groups: DenoKvKey[][] = [];
    for (let i = 0; i < todo.length; i += 10) {
      groups.push(todo.slice(i, i + 10));
    }
    // A few requests in flight at a time.
    for (let i = 0; i < groups.length; i += 16) {
      const results = await Promise.all(
        groups.slice(i, i + 16).map((g) => this.#kv.getMany(g)),
      );
      for (const entries of results) {
        for (const e of entries) this.#reads.set(keyId(e.key), e.value);
      }
    }
  }

  async get(key: DenoKvKey): Promise<unknown> {
    const id = keyId(key);
    const w = this.#writes.get(id);
    if (w !== undefined) return w.value === undefined ? null : w.value;
    if (!this.#reads.has(id)) {
      this.#reads.set(id, (await this.#kv.get(key)).value);
    }
    return this.#reads.get(id) ?? null;
  }

  #put(key: DenoKvKey, value: unknown): void {
    const id = keyId(key);
    const before = this.#writes.get(id);
    this.#log.push([id, before]);
    const w: Write = { key, value, size: sizeOf(key, value) };
    this.#bytes += w.size - (before?.size ?? 0);
    this.#writes.set(id, w);
  }

  set(key: DenoKvKey, value: unknown): void {
    this.#put(key, value);
  }

  delete(key: DenoKvKey): void {
    this.#put(key, undefined);
  }

  mark(): number {
    return this.#log.length;
  }

  rollback(mark: number): void {
    while (this.#log.length > mark) {
      const [id, before] = this.#log.pop()!;
      this.#bytes -= this.#writes.get(id)?.size ?? 0;
      if (before === undefined) this.#writes.delete(id);
      else {
        this.#writes.set(id, before);
        this.#bytes += before.size;
      }
    }
  }

  applyTo(op: DenoKvAtomicOperation): void {
    for (const w of this.#writes.values()) {
      if (w.value === undefined) op.delete(w.key);
      else op.set(w.key, w.value);
    }
  }
}

/**
 * One session's storage in Deno KV. Usually made by
 * {@linkcode DenoKvStore.open}, which also holds the session's lease; one
 * made directly holds none.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { DenoKvStorage } from "@mtsession/mtsession/deno-kv";
 *
 * const kv = await Deno.openKv();
 * const session = await openSession(new DenoKvStorage(kv, "bot"));
 * await session.processEntities({ _: "user", id: 1, accessHash: -(2n ** 63n), username: "one" });
 * console.log((await session.getPeer("@one"))?.accessHash); // -9223372036854775808n
 * await session.close();
 * kv.close();
 * ```
 */
export class DenoKvStorage implements SessionStorage {
  /** Always `"deno-kv"`. */
  readonly kind: string = "deno-kv";

  #kv: DenoKvLike;
  #sid: string;
  #prefix: string;
  #label: string;
  #onClose: (() => Promise<void> | void) | undefined;
  #queue: WriteBehind<PeerRecord>;
  #closed = false;

  /**
   * Wraps one session of a KV database.
   *
   * @param kv The database (`await Deno.openKv(path)`).
   * @param sessionId Which session this is.
   * @param options Key prefix, batching and lifecycle hooks.
   */
  constructor(
    kv: DenoKvLike,
    sessionId: string,
    options: DenoKvStorageOptions = {},
  ) {
    this.#kv = kv;
    this.#sid = sessionId;
    this.#prefix = options.prefix ?? "mtsession";
    this.#label = options.label ?? `${this.#prefix}/${sessionId}`;
    this.#onClose = options.onClose;
    this.#queue = new WriteBehind((batch) => this.#writePeers(batch), {
      ...(options.flushDelayMs === undefined
        ? {}
        : { flushDelayMs: options.flushDelayMs }),
      ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    });
  }

  #key(...parts: DenoKvKey): DenoKvKey {
    return [this.#prefix, this.#sid, ...parts];
  }

  #check(what: string): void {
    if (this.#closed) throw new SessionClosedError(what);
  }

  // ---- atomic peer writes --------------------------------------------------

  /**
   * Applies `items` in order, as many per atomic operation as fit, each
   * operation checked against (and bumping) the session's version key;
   * a lost race reads again and retries.
   */
  async #atomically<T>(
    items: readonly T[],
    prefetch: (item: T) => DenoKvKey[],
    apply: (tx: KvTransaction, item: T) => Promise<void>,
  ): Promise<void> {
    const versionKey = this.#key("version");
    let i = 0;
    while (i < items.length) {
      let attempt = 0;
      for (;;) {
        const version = await this.#kv.get(versionKey);
        const tx = new KvTransaction(this.#kv);
        const ahead = items.slice(i, i + 400);
        await tx.prefetch(ahead.flatMap(prefetch));
        let j = i;
        for (; j < items.length; j++) {
          const mark = tx.mark();
          await apply(tx, items[j]!);
          if (tx.mutations > MAX_MUTATIONS || tx.bytes > MAX_BYTES) {
            tx.rollback(mark);
            break;
          }
        }
        if (j === i) {
          throw new SessionError(
            "Cannot store a peer in Deno KV: it needs more than 1000 " +
              "mutations (too many usernames)",
          );
        }
        const result = await commitAtomic(() => {
          const op = this.#kv.atomic()
            .check({ key: versionKey, versionstamp: version.versionstamp })
            .set(versionKey, Date.now());
          tx.applyTo(op);
          return op;
        });
        if (result.ok) {
          i = j;
          break;
        }
        if (++attempt >= MAX_ATTEMPTS) {
          throw new SessionError(
            `Cannot write to Deno KV (${this.#label}): another writer kept ` +
              `changing the session (${MAX_ATTEMPTS} attempts)`,
          );
        }
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  #peerPrefetch = (r: PeerRecord): DenoKvKey[] => [
    this.#key("peer", r.id),
    ...r.usernames.map((u) => this.#key("username", u)),
    ...(r.phone === null ? [] : [this.#key("phone", r.phone)]),
  ];

  async #applyPeer(tx: KvTransaction, r: PeerRecord): Promise<void> {
    const id = r.id;
    const old = await tx.get(this.#key("peer", id)) as StoredPeer | null;
    const merged: StoredPeer = {
      id,
      type: r.type,
      accessHash: r.accessHash,
      usernames: [...new Set(r.usernames)],
      phone: r.phone ?? old?.phone ?? null,
      name: r.name ?? old?.name ?? null,
      updatedAt: r.updatedAt,
    };
    if (old !== null) {
      for (const u of old.usernames) {
        if (merged.usernames.includes(u)) continue;
        const key = this.#key("username", u);
        if (await tx.get(key) === id) tx.delete(key);
      }
      if (old.phone !== null && old.phone !== merged.phone) {
        const key = this.#key("phone", old.phone);
        if (await tx.get(key) === id) tx.delete(key);
      }
      if (old.name !== null && old.name !== merged.name) {
        tx.delete(this.#key("name", old.name, id));
      }
    }
    for (const u of merged.usernames) {
      const key = this.#key("username", u);
      const holder = await tx.get(key);
      if (holder === id) continue;
      if (typeof holder === "number") {
        const hk = this.#key("peer", holder);
        const h = await tx.get(hk) as StoredPeer | null;
        if (h !== null) {
          tx.set(hk, { ...h, usernames: h.usernames.filter((x) => x !== u) });
        }
      }
      tx.set(key, id);
    }
    if (merged.phone !== null) {
      const key = this.#key("phone", merged.phone);
      const holder = await tx.get(key);
      if (holder !== id) {
        if (typeof holder === "number") {
          const hk = this.#key("peer", holder);
          const h = await tx.get(hk) as StoredPeer | null;
          if (h !== null) tx.set(hk, { ...h, phone: null });
        }
        tx.set(key, id);
      }
    }
    if (merged.name !== null) {
      tx.set(this.#key("name", merged.name, id), {
        at: merged.updatedAt,
        w: Date.now(),
      });
    }
    tx.set(this.#key("peer", id), merged);
  }

  async #writePeers(batch: readonly PeerRecord[]): Promise<void> {
    await this.#atomically(
      batch,
      this.#peerPrefetch,
      (tx, r) => this.#applyPeer(tx, r),
    );
  }

  async #peer(id: number): Promise<PeerRecord | undefined> {
    const e = await this.#kv.get(this.#key("peer", id));
    return e.value === null ? undefined : copyPeer(e.value as StoredPeer);
  }

  async #setMany(
    entries: readonly { key: DenoKvKey; value: unknown }[],
  ): Promise<void> {
    for (let i = 0; i < entries.length; i += 1000) {
      await commitAtomic(() => {
        const op = this.#kv.atomic();
        for (const e of entries.slice(i, i + 1000)) {
          if (e.value === undefined) op.delete(e.key);
          else op.set(e.key, e.value);
        }
        return op;
      });
    }
  }

  // ---- SessionStorage ------------------------------------------------------

  /** {@inheritDoc SessionStorage.getAuth} */
  async getAuth(): Promise<AuthState> {
    this.#check("read the auth state");
    const e = await this.#kv.get(this.#key("auth"));
    return e.value === null
      ? emptyAuth()
      : copyAuth({ ...emptyAuth(), ...(e.value as Partial<AuthState>) });
  }

  /** {@inheritDoc SessionStorage.setAuth} */
  async setAuth(patch: Partial<AuthState>): Promise<void> {
    this.#check("change the auth state");
    const key = this.#key("auth");
    const clean: Partial<AuthState> = {};
    for (const k of Object.keys(emptyAuth()) as (keyof AuthState)[]) {
      if (k in patch) (clean as Record<string, unknown>)[k] = patch[k];
    }
    for (let attempt = 0;; attempt++) {
      const e = await this.#kv.get(key);
      const next = copyAuth({
        ...emptyAuth(),
        ...(e.value as Partial<AuthState> | null ?? {}),
        ...clean,
      });
      const result = await commitAtomic(() =>
        this.#kv.atomic().check(e).set(key, next)
      );
      if (result.ok) return;
      if (attempt >= MAX_ATTEMPTS) {
        throw new SessionError(
          `Cannot write to Deno KV (${this.#label}): the auth state kept changing`,
        );
      }
    }
  }

  /** {@inheritDoc SessionStorage.putPeers} */
  async putPeers(records: readonly PeerRecord[]): Promise<void> {
    this.#check("store peers");
    await this.#queue.add(records);
  }

  /** {@inheritDoc SessionStorage.findPeer} */
  async findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    this.#check("look up a peer");
    await this.#queue.flush();
    switch (lookup.by) {
      case "id": {
        for (let i = 0; i < lookup.ids.length; i += 10) {
          const entries = await this.#kv.getMany(
            lookup.ids.slice(i, i + 10).map((id) => this.#key("peer", id)),
          );
          const hit = entries.find((e) => e.value !== null);
          if (hit) return copyPeer(hit.value as StoredPeer);
        }
        return undefined;
      }
      case "username":
      case "phone": {
        const e = await this.#kv.get(this.#key(lookup.by, lookup.value));
        return typeof e.value === "number" ? this.#peer(e.value) : undefined;
      }
      case "name": {
        let best: { id: number; at: number; w: number } | undefined;
        for await (
          const e of this.#kv.list({
            prefix: this.#key("name", lookup.value),
          })
        ) {
          const id = e.key[e.key.length - 1];
          const v = e.value as { at: number; w: number };
          if (typeof id !== "number") continue;
          if (
            best === undefined || v.at > best.at ||
            (v.at === best.at && v.w >= best.w)
          ) best = { id, at: v.at, w: v.w };
        }
        return best === undefined ? undefined : this.#peer(best.id);
      }
    }
  }

  /** {@inheritDoc SessionStorage.listPeers} */
  async listPeers(): Promise<PeerRecord[]> {
    this.#check("list peers");
    await this.#queue.flush();
    const out: PeerRecord[] = [];
    for await (const e of this.#kv.list({ prefix: this.#key("peer") })) {
      out.push(copyPeer(e.value as StoredPeer));
    }
    return out;
  }

  /** {@inheritDoc SessionStorage.countPeers} */
  async countPeers(): Promise<number> {
    this.#check("count peers");
    await this.#queue.flush();
    let n = 0;
    for await (const _ of this.#kv.list({ prefix: this.#key("peer") })) n++;
    return n;
  }

  /** {@inheritDoc SessionStorage.deletePeers} */
  async deletePeers(ids: readonly number[]): Promise<void> {
    this.#check("delete peers");
    await this.#queue.flush();
    await this.#atomically(
      ids,
      (id) => [this.#key("peer", id)],
      async (tx, id) => {
        const old = await tx.get(this.#key("peer", id)) as StoredPeer | null;
        if (old === null) return;
        for (const u of old.usernames) {
          const key = this.#key("username", u);
          if (await tx.get(key) === id) tx.delete(key);
        }
        if (old.phone !== null) {
          const key = this.#key("phone", old.phone);
          if (await tx.get(key) === id) tx.delete(key);
        }
        if (old.name !== null) tx.delete(this.#key("name", old.name, id));
        tx.delete(this.#key("peer", id));
      },
    );
  }

  /** {@inheritDoc SessionStorage.getUpdateStates} */
  async getUpdateStates(): Promise<UpdateState[]> {
    this.#check("read update states");
    const out: UpdateState[] = [];
    for await (const e of this.#kv.list({ prefix: this.#key("state") })) {
      out.push({ ...(e.value as UpdateState) });
    }
    return out;
  }

  /** {@inheritDoc SessionStorage.putUpdateStates} */
  async putUpdateStates(states: readonly UpdateState[]): Promise<void> {
    this.#check("store update states");
    await this.#setMany(states.map((s) => ({
      key: this.#key("state", s.entityId),
      value: {
        entityId: s.entityId,
        pts: s.pts,
        qts: s.qts,
        date: s.date,
        seq: s.seq,
      },
    })));
  }

  /** {@inheritDoc SessionStorage.deleteUpdateStates} */
  async deleteUpdateStates(entityIds: readonly number[]): Promise<void> {
    this.#check("delete update states");
    await this.#setMany(
      entityIds.map((id) => ({
        key: this.#key("state", id),
        value: undefined,
      })),
    );
  }

  #fileKey(md5: Uint8Array, size: number, type: FileType): DenoKvKey {
    return this.#key("file", type, hex(md5), size);
  }

  /** {@inheritDoc SessionStorage.getFile} */
  async getFile(
    md5: Uint8Array,
    size: number,
    type: FileType,
  ): Promise<CachedFile | undefined> {
    this.#check("read the file cache");
    const e = await this.#kv.get(this.#fileKey(md5, size, type));
    if (e.value === null) return undefined;
    const v = e.value as { id: bigint; accessHash: bigint };
    return copyFile({ md5, size, type, id: v.id, accessHash: v.accessHash });
  }

  /** {@inheritDoc SessionStorage.putFiles} */
  async putFiles(files: readonly CachedFile[]): Promise<void> {
    this.#check("store cached files");
    await this.#setMany(files.map((f) => ({
      key: this.#fileKey(f.md5, f.size, f.type),
      value: { id: f.id, accessHash: f.accessHash },
    })));
  }

  /** {@inheritDoc SessionStorage.listFiles} */
  async listFiles(): Promise<CachedFile[]> {
    this.#check("list cached files");
    const out: CachedFile[] = [];
    for await (const e of this.#kv.list({ prefix: this.#key("file") })) {
      const [type, md5, size] = e.key.slice(-3) as [FileType, string, number];
      const v = e.value as { id: bigint; accessHash: bigint };
      out.push({
        md5: fromHex(md5),
        size,
        type,
        id: v.id,
        accessHash: v.accessHash,
      });
    }
    return out;
  }

  /**
   * Writes any batched peers. A batch whose background write failed was
   * kept: it is written now, or this rejects with the error.
   */
  async flush(): Promise<void> {
    this.#check("save");
    await this.#queue.flush();
    this.#queue.takeFailure();
  }

  /** Writes any batched peers and releases the session. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#queue.flush();
    } finally {
      await this.#onClose?.();
    }
  }

  /** Deletes every key of the session, then releases it. */
  async destroy(): Promise<void> {
    this.#check("delete the session");
    this.#closed = true;
    try {
      await this.#queue.clear();
      await deleteSessionKeys(this.#kv, this.#prefix, this.#sid);
    } finally {
      await this.#onClose?.();
    }
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `DenoKvStorage(mtsession/main)`.
   */
  toString(): string {
    return `DenoKvStorage(${this.#label})`;
  }

  /**
   * What `JSON.stringify` shows: no secret.
   *
   * @returns A redacted summary.
   */
  toJSON(): { kind: string; label: string } {
    return { kind: this.kind, label: this.#label };
  }

  /**
   * Node's and Bun's inspect hook.
   *
   * @returns The same as `toString()`.
   */
  [nodeInspect](): string {
    return this.toString();
  }

  /**
   * Deno's inspect hook.
   *
   * @returns The same as `toString()`.
   */
  [denoInspect](): string {
    return this.toString();
  }
}

/** The key of the registry entry of a session. */
export function registryKey(prefix: string, sessionId: string): DenoKvKey {
  return [`${prefix}:sessions`, sessionId];
}

/**
 * Deletes every key of a session (except its lease, which its holder
 * releases) and its registry entry, in atomic operations of 1000.
 */
export async function deleteSessionKeys(
  kv: DenoKvLike,
  prefix: string,
  sessionId: string,
): Promise<void> {
  const keys: DenoKvKey[] = [];
  for await (const e of kv.list({ prefix: [prefix, sessionId] })) {
    if (e.key.length === 3 && e.key[2] === "lock") continue;
    keys.push(e.key);
  }
  keys.push(registryKey(prefix, sessionId));
  for (let i = 0; i < keys.length; i += 1000) {
    await commitAtomic(() => {
      const op = kv.atomic();
      for (const k of keys.slice(i, i + 1000)) op.delete(k);
      return op;
    });
  }
}
