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
 * | `[p, id, "dcs"]`                         | the data centers, in order               |
 * | `[p, id, "dckey", dcId]`                 | the auth key of another DC (bytes)       |
 * | `[p, id, "tempkey", dcId, index]`        | `{ key, expiresAt }`                     |
 * | `[p, id, "value", name]`                 | a client value (bytes)                   |
 * | `[p, id, "ref", peerId, seq]`            | `{ chatId, messageId }`, oldest first    |
 * | `[p, id, "refmsg", chatId, msgId, peerId]` | its `seq` (the same ref, by message)   |
 * | `[p, id, "refseq"]`                      | the last `seq` given                     |
 * | `[p, id, "version"]`                     | bumped by every peer and ref write       |
 *
 * Values are structured-clone serialized by KV, so `bigint` and
 * `Uint8Array` are stored as such: 64-bit values and bytes are exact. A
 * peer record holds its `min` flag and `raw` bytes as fields.
 *
 * Sessions written before data centers, keys, values and references were
 * kept need no migration: they open as they are, with none of those yet.
 *
 * Deno KV holds keys up to 2 KiB and values up to 64 KiB. A client value
 * over 64 KiB (or a name whose key is over 2 KiB) is refused alone:
 * `setValues` writes the other changes and throws `ValueRefusedError`. A
 * peer whose record (with its `raw` bytes) is over 64 KiB is left out
 * alone and reported by the next `flush()` as `PeerRefusedError`. Values
 * are not split across keys: what a client keeps there is small.
 *
 * Peer writes are batched and written in atomic operations of at most
 * 1000 mutations: a run of records is read, merged by the rules every
 * backend shares, and written with its index entries in one operation.
 * Every such operation checks and bumps the session's version key, so
 * concurrent writers of one session never interleave: the loser reads
 * again and retries.
 *
 * @module
 */

import { fromHex, toHex as hex } from "../_hex.ts";
import { copyAuth, copyFile, copyPeer, emptyAuth } from "../_copy.ts";
import { redactInspect } from "../_redacted.ts";
import { peerAndRefQueues, QueuedLifecycle } from "../backend/_lifecycle.ts";
import {
  mergeNeeds,
  type MergePlan,
  planMerge,
  sourceOf,
} from "../backend/_merge.ts";
import { queuedRefs } from "../backend/_queued_refs.ts";
import {
  type WholePart,
  WholeSessionMethods,
} from "../backend/whole_methods.ts";
import { batchOptions, WriteBehind } from "../backend/_write_behind.ts";
import { SessionError } from "../errors.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  MessageRef,
  PeerRecord,
  UpdateState,
} from "../types.ts";
import { commitAtomic, type DenoKvKey, type DenoKvLike } from "./kv.ts";
import { KvWholeSession } from "./_whole.ts";
import {
  bytesOf,
  KEY_LIMIT,
  MAX_BYTES,
  MAX_MUTATIONS,
  type Mutation,
  sizeOf,
  VALUE_LIMIT,
  writeInChunks,
} from "./_writes.ts";

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

/** How often a write is retried when another writer got in first. */
const MAX_ATTEMPTS = 100;

/** A peer as stored (the record itself). */
type StoredPeer = PeerRecord;

/** One item's writes do not fit one atomic operation. */
class KvUnfit extends Error {
  constructor() {
    super(
      "Cannot store a peer in Deno KV: its record and index entries do not " +
        "fit one atomic operation (1000 mutations, 800 KiB)",
    );
    this.name = "KvUnfit";
  }
}

/**
 * Whether a failed write is about the data: what does not fit an atomic
 * operation, or a key or value over Deno KV's limits (2 KiB, 64 KiB).
 */
function refusedByKv(e: unknown): boolean {
  return e instanceof KvUnfit ||
    (e instanceof TypeError && /too large/i.test(e.message));
}

/** A guess, from above, of the mutations one record's write makes. */
function mutationsOf(r: PeerRecord): number {
  return 3 + 2 * r.usernames.length + (r.phone === null ? 0 : 2) +
    (r.name === null ? 0 : 1);
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
export class DenoKvStorage extends WholeSessionMethods
  implements SessionStorage {
  /** Always `"deno-kv"`. */
  readonly kind: string = "deno-kv";

  #kv: DenoKvLike;
  #sid: string;
  #prefix: string;
  #label: string;
  #queue: WriteBehind<PeerRecord>;
  #refQueue: WriteBehind<MessageRef>;
  #whole: KvWholeSession;
  #part: WholePart;
  #life: QueuedLifecycle;

  static {
    redactInspect(this);
  }

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
    super();
    this.#kv = kv;
    this.#sid = sessionId;
    this.#prefix = options.prefix ?? "mtsession";
    this.#label = options.label ?? `${this.#prefix}/${sessionId}`;
    this.#queue = new WriteBehind(
      (batch) => this.#writePeers(batch),
      batchOptions(options),
      refusedByKv,
    );
    this.#whole = new KvWholeSession({
      kv,
      key: (...parts) => this.#key(...parts),
      inRuns: (items, guess, build) => this.#inRuns(items, guess, build),
    }, "Deno KV");
    this.#refQueue = new WriteBehind(
      (batch) => this.#whole.putRefs(batch),
      batchOptions(options),
    );
    this.#part = queuedRefs(this.#whole, this.#refQueue);
    this.#life = new QueuedLifecycle(
      peerAndRefQueues(this.#queue, this.#refQueue),
      options.onClose,
      "Deno KV",
      (record) => this.#explain(record),
    );
  }

  /** {@inheritDoc WholeSessionMethods.wholePart} */
  protected wholePart(what: string): WholePart {
    this.#check(what);
    return this.#part;
  }

  #key(...parts: DenoKvKey): DenoKvKey {
    return [this.#prefix, this.#sid, ...parts];
  }

  #check(what: string): void {
    this.#life.check(what);
  }

  // ---- atomic peer writes --------------------------------------------------

  /** Which field of a peer Deno KV cannot hold, as far as can be told. */
  #explain(r: PeerRecord): { field: string | null; reason: string } {
    const keyBase = bytesOf(this.#prefix) + bytesOf(this.#sid) + 32;
    if (r.name !== null && keyBase + bytesOf(r.name) > KEY_LIMIT) {
      return { field: "name", reason: "its index key is over 2 KiB" };
    }
    let listed = 0;
    for (const u of r.usernames) {
      const n = bytesOf(u);
      listed += n + 8;
      if (keyBase + n > KEY_LIMIT) {
        return { field: "usernames", reason: "an index key is over 2 KiB" };
      }
    }
    const text = listed + (r.name === null ? 0 : bytesOf(r.name)) + 256;
    if (r.raw !== undefined && text + r.raw.length > VALUE_LIMIT) {
      return { field: "raw", reason: "the record is over 64 KiB" };
    }
    if (text > VALUE_LIMIT) {
      return { field: "usernames", reason: "the record is over 64 KiB" };
    }
    return {
      field: null,
      reason: "its writes do not fit one atomic operation",
    };
  }

  /**
   * Applies `items` in order, in runs that fit one atomic operation:
   * `build` reads what a run needs and returns its mutations. Each
   * operation is checked against (and bumps) the session's version key; a
   * lost race reads again and retries. A run that does not fit is halved;
   * a single item that does not fit is an error.
   */
  async #inRuns<T>(
    items: readonly T[],
    guess: (item: T) => number,
    build: (run: readonly T[]) => Promise<Mutation[]>,
  ): Promise<void> {
    const versionKey = this.#key("version");
    let i = 0;
    while (i < items.length) {
      // As many items as probably fit.
      let n = 0;
      for (let m = 0; i + n < items.length && n < 400; n++) {
        m += guess(items[i + n]!);
        if (m > MAX_MUTATIONS && n > 0) break;
      }
      for (let attempt = 0;;) {
        const version = await this.#kv.get(versionKey);
        const mutations = await build(items.slice(i, i + n));
        let bytes = 0;
        for (const m of mutations) bytes += sizeOf(m.key, m.value);
        if (mutations.length > MAX_MUTATIONS || bytes > MAX_BYTES) {
          if (n === 1) throw new KvUnfit();
          n = Math.ceil(n / 2);
          continue;
        }
        const result = await commitAtomic(() => {
          const op = this.#kv.atomic()
            .check({ key: versionKey, versionstamp: version.versionstamp })
            .set(versionKey, Date.now());
          for (const m of mutations) {
            if (m.value === undefined) op.delete(m.key);
            else op.set(m.key, m.value);
          }
          return op;
        });
        if (result.ok) break;
        if (++attempt >= MAX_ATTEMPTS) {
          throw new SessionError(
            `Cannot write to Deno KV (${this.#label}): another writer kept ` +
              `changing the session (${MAX_ATTEMPTS} attempts)`,
          );
        }
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
      i += n;
    }
  }

  /** The values of many keys, ten per request, a few requests at a time. */
  async #getMany(keys: readonly DenoKvKey[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < keys.length; i += 160) {
      const groups: DenoKvKey[][] = [];
      for (let j = i; j < Math.min(i + 160, keys.length); j += 10) {
        groups.push(keys.slice(j, Math.min(j + 10, i + 160)));
      }
      const results = await Promise.all(
        groups.map((g) => this.#kv.getMany(g)),
      );
      for (const entries of results) for (const e of entries) out.push(e.value);
    }
    return out;
  }

  /** The stored records of these ids (those that exist). */
  async #peers(ids: Iterable<number>): Promise<StoredPeer[]> {
    const values = await this.#getMany(
      [...ids].map((id) => this.#key("peer", id)),
    );
    return values.filter((v): v is StoredPeer => v !== null);
  }

  /** Reads what a run of records touches, and plans its merge. */
  async #plan(run: readonly PeerRecord[]): Promise<MergePlan> {
    const needs = mergeNeeds(run);
    const holders = await this.#getMany([
      ...needs.usernames.map((u) => this.#key("username", u)),
      ...needs.phones.map((f) => this.#key("phone", f)),
    ]);
    const ids = new Set(needs.ids);
    for (const h of holders) if (typeof h === "number") ids.add(h);
    return planMerge(run, sourceOf(await this.#peers(ids)));
  }

  /** A plan as mutations: rows, username, phone and name entries. */
  #mutations(plan: MergePlan): Mutation[] {
    const out: Mutation[] = [];
    const w = Date.now();
    for (const { record, before, written } of plan.peers) {
      const id = record.id;
      out.push({ key: this.#key("peer", id), value: record });
      if (!written) continue;
      if (
        before !== undefined && before.name !== null &&
        before.name !== record.name
      ) {
        out.push({ key: this.#key("name", before.name, id), value: undefined });
      }
      if (record.name !== null) {
        out.push({
          key: this.#key("name", record.name, id),
          value: { at: record.updatedAt, w },
        });
      }
    }
    for (const [u, holder] of plan.usernames) {
      out.push({
        key: this.#key("username", u),
        value: holder === null ? undefined : holder,
      });
    }
    for (const [f, holder] of plan.phones) {
      out.push({
        key: this.#key("phone", f),
        value: holder === null ? undefined : holder,
      });
    }
    return out;
  }

  async #writePeers(batch: readonly PeerRecord[]): Promise<void> {
    await this.#inRuns(
      batch,
      mutationsOf,
      async (run) => this.#mutations(await this.#plan(run)),
    );
  }

  async #peer(id: number): Promise<PeerRecord | undefined> {
    const e = await this.#kv.get(this.#key("peer", id));
    return e.value === null ? undefined : copyPeer(e.value as StoredPeer);
  }

  #setMany(entries: readonly Mutation[]): Promise<void> {
    return writeInChunks(this.#kv, entries);
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
    // The batch waits: keep none of the caller's arrays or bytes.
    await this.#queue.add(records.map(copyPeer));
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
    await this.#inRuns(ids, () => 5, async (run) => {
      const out: Mutation[] = [];
      const peers = await this.#peers(new Set(run));
      // Index entries go only where they still name the peer.
      const index: DenoKvKey[] = [];
      const owner: number[] = [];
      for (const p of peers) {
        out.push({ key: this.#key("peer", p.id), value: undefined });
        if (p.name !== null) {
          out.push({ key: this.#key("name", p.name, p.id), value: undefined });
        }
        for (const u of p.usernames) {
          index.push(this.#key("username", u));
          owner.push(p.id);
        }
        if (p.phone !== null) {
          index.push(this.#key("phone", p.phone));
          owner.push(p.id);
        }
      }
      const holders = await this.#getMany(index);
      holders.forEach((h, k) => {
        if (h === owner[k]) out.push({ key: index[k]!, value: undefined });
      });
      return out;
    });
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
   * Writes any batched peers and message references. A batch whose
   * background write failed was kept: it is written now, or this rejects
   * with the error.
   */
  flush(): Promise<void> {
    return this.#life.flush();
  }

  /** Writes any batched peers and releases the session. */
  close(): Promise<void> {
    return this.#life.close();
  }

  /** Deletes every key of the session, then releases it. */
  destroy(): Promise<void> {
    return this.#life.destroy(() =>
      deleteSessionKeys(this.#kv, this.#prefix, this.#sid)
    );
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `DenoKvStorage(mtsession/main)`.
   */
  override toString(): string {
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
