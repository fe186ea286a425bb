/**
 * A {@linkcode SessionStorage} in IndexedDB, for browsers and workers. One
 * database holds many sessions, each a key range of every object store;
 * peers have indexes by id, username, phone and name, so no lookup scans.
 *
 * @module
 */

import { toHex } from "../_hex.ts";
import {
  copyAuth,
  copyFile,
  copyPeer,
  copyState,
  emptyAuth,
} from "../_copy.ts";
import { redactInspect } from "../_redacted.ts";
import { peerAndRefQueues, QueuedLifecycle } from "../backend/_lifecycle.ts";
import { mergeNeeds, planMerge, sourceOf } from "../backend/_merge.ts";
import { queuedRefs } from "../backend/_queued_refs.ts";
import {
  type WholePart,
  WholeSessionMethods,
} from "../backend/whole_methods.ts";
import { batchOptions, WriteBehind } from "../backend/_write_behind.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  MessageRef,
  PeerRecord,
  UpdateState,
} from "../types.ts";
import {
  inTransaction,
  request,
  type SessionMeta,
  sessionRange,
  type StoredPeer,
  STORES,
} from "./_db.ts";
import { IdbWholeSession } from "./_whole.ts";
import type {
  IdbDatabaseLike,
  IdbKey,
  IdbKeyRangeLike,
  IdbKeyRangeStatic,
} from "./idb.ts";

/**
 * Options for {@linkcode IndexedDbStorage}.
 *
 * @example Usage
 * ```ts
 * import type { IndexedDbStorageOptions } from "@mtsession/mtsession/indexeddb";
 *
 * const options: IndexedDbStorageOptions = { flushDelayMs: 250 };
 * void options;
 * ```
 */
export interface IndexedDbStorageOptions {
  /**
   * The longest a batched peer or reference write waits before it is
   * written, in milliseconds (default 1000).
   */
  flushDelayMs?: number;
  /** Write the batch as soon as this many wait (default 2000). */
  maxBatch?: number;
  /** Called by `close()` and `destroy()` once the storage is released. */
  onClose?: () => Promise<void> | void;
  /** A label for messages (never a secret). */
  label?: string;
}

function stored(sid: string, r: PeerRecord, w: number): StoredPeer {
  const out: {
    -readonly [K in keyof StoredPeer]: StoredPeer[K];
  } = {
    s: sid,
    id: r.id,
    p: copyPeer(r),
    u: r.usernames.map((u) => [sid, u]),
    at: r.updatedAt,
    w,
  };
  if (r.phone !== null) out.ph = [sid, r.phone];
  if (r.name !== null) out.name = r.name;
  return out;
}

function fileKey(
  sid: string,
  md5: Uint8Array,
  size: number,
  type: FileType,
): IdbKey {
  return [sid, type, toHex(md5), size];
}

/**
 * One session's storage in an IndexedDB database. Usually made by
 * {@linkcode IndexedDbStore.open} (or `openIndexedDbSession`), which also
 * holds the session's lock; one made directly holds none.
 *
 * - Access hashes, ids and keys are structured clones: `bigint` and
 *   `Uint8Array` come back exactly.
 * - Peers and message references are batched (write-behind); each batch
 *   is written in one transaction, merged by the rules every backend
 *   shares: all of it, or none. Reads write what waits first.
 * - Auth, data centers and keys are written at once, in a transaction of
 *   strict durability: durable when the promise resolves.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { IndexedDbStore } from "@mtsession/mtsession/indexeddb";
 *
 * const store = await IndexedDbStore.open("mtsession");
 * const session = await store.open("main");
 * await session.processEntities({ _: "user", id: 1, accessHash: -(2n ** 63n), username: "one" });
 * console.log((await session.getPeer("@one"))?.accessHash); // -9223372036854775808n
 * await store.close();
 * ```
 */
export class IndexedDbStorage extends WholeSessionMethods
  implements SessionStorage {
  /** Always `"indexeddb"`. */
  readonly kind: string = "indexeddb";

  #db: IdbDatabaseLike;
  #range: IdbKeyRangeStatic;
  #sid: string;
  #label: string;
  #queue: WriteBehind<PeerRecord>;
  #refQueue: WriteBehind<MessageRef>;
  #whole: IdbWholeSession;
  #part: WholePart;
  #life: QueuedLifecycle;

  static {
    redactInspect(this);
  }

  /**
   * Wraps one session of an open database (see `openIndexedDbStore`).
   *
   * @param db The database, opened with this library's schema.
   * @param range The `IDBKeyRange` constructor.
   * @param sessionId Which session this is.
   * @param options Batching and lifecycle hooks.
   */
  constructor(
    db: IdbDatabaseLike,
    range: IdbKeyRangeStatic,
    sessionId: string,
    options: IndexedDbStorageOptions = {},
  ) {
    super();
    this.#db = db;
    this.#range = range;
    this.#sid = sessionId;
    this.#label = options.label ?? sessionId;
    this.#queue = new WriteBehind(
      (batch) => this.#writePeers(batch),
      batchOptions(options),
    );
    this.#refQueue = new WriteBehind(
      (batch) => this.#whole.putRefs(batch),
      batchOptions(options),
    );
    this.#whole = new IdbWholeSession(db, range, sessionId);
    this.#part = queuedRefs(this.#whole, this.#refQueue);
    this.#life = new QueuedLifecycle(
      peerAndRefQueues(this.#queue, this.#refQueue),
      options.onClose,
      "IndexedDB",
      () => ({ field: null, reason: "IndexedDB refused it" }),
    );
  }

  #check(what: string): void {
    this.#life.check(what);
  }

  /** {@inheritDoc WholeSessionMethods.wholePart} */
  protected wholePart(what: string): WholePart {
    this.#check(what);
    return this.#part;
  }

  /** Every key of this session (in a store keyed `[id, …]`). */
  #mine(): IdbKeyRangeLike {
    return sessionRange(this.#range, this.#sid);
  }

  /**
   * Writes one batch of peers in one transaction: reads the batch's peers
   * and the holders of the usernames and phones it claims, plans the
   * merge, and writes every record the plan changes (the indexes follow
   * the records).
   */
  #writePeers(batch: readonly PeerRecord[]): Promise<void> {
    const sid = this.#sid;
    return inTransaction(
      this.#db,
      ["peers", "sessions"],
      "readwrite",
      async (tx) => {
        const peers = tx.objectStore("peers");
        const sessions = tx.objectStore("sessions");
        const needs = mergeNeeds(batch);
        const [meta, ...found] = await Promise.all([
          request(sessions.get(sid)),
          ...needs.ids.map((id) => request(peers.get([sid, id]))),
          ...needs.usernames.map((u) =>
            request(peers.index("username").get([sid, u]))
          ),
          ...needs.phones.map((p) =>
            request(peers.index("phone").get([sid, p]))
          ),
        ]) as [SessionMeta | undefined, ...(StoredPeer | undefined)[]];
        const known = new Map<number, StoredPeer>();
        for (const p of found) if (p !== undefined) known.set(p.id, p);
        const plan = planMerge(
          batch,
          sourceOf([...known.values()].map((p) => p.p)),
        );
        let w = meta?.writes ?? 0;
        const writes = plan.peers.map(({ record, written }) => {
          // A peer that only lost a username or phone keeps its place in
          // the name index.
          const old = known.get(record.id);
          const at = written || old === undefined ? ++w : old.w;
          return peers.put(stored(sid, record, at));
        });
        writes.push(sessions.put(
          {
            createdAt: meta?.createdAt ?? Math.floor(Date.now() / 1000),
            refSeq: meta?.refSeq ?? 0,
            writes: w,
          } satisfies SessionMeta,
          sid,
        ));
        await Promise.all(writes.map(request));
      },
    );
  }

  // ---- SessionStorage ------------------------------------------------------

  /** {@inheritDoc SessionStorage.getAuth} */
  async getAuth(): Promise<AuthState> {
    this.#check("read the auth state");
    return await inTransaction(this.#db, "auth", "readonly", async (tx) => {
      const a = await request(tx.objectStore("auth").get(this.#sid)) as
        | Partial<AuthState>
        | undefined;
      return copyAuth({ ...emptyAuth(), ...a });
    });
  }

  /** {@inheritDoc SessionStorage.setAuth} */
  async setAuth(patch: Partial<AuthState>): Promise<void> {
    this.#check("change the auth state");
    const clean: Partial<AuthState> = {};
    for (const k of Object.keys(emptyAuth()) as (keyof AuthState)[]) {
      if (k in patch) (clean as Record<string, unknown>)[k] = patch[k];
    }
    await inTransaction(this.#db, "auth", "readwrite", async (tx) => {
      const store = tx.objectStore("auth");
      const known = await request(store.get(this.#sid)) as
        | Partial<AuthState>
        | undefined;
      await request(store.put(
        copyAuth({ ...emptyAuth(), ...known, ...clean }),
        this.#sid,
      ));
    });
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
    const sid = this.#sid;
    const found = await inTransaction(
      this.#db,
      "peers",
      "readonly",
      async (tx): Promise<StoredPeer | undefined> => {
        const peers = tx.objectStore("peers");
        switch (lookup.by) {
          case "id": {
            const all = await Promise.all(
              lookup.ids.map((id) => request(peers.get([sid, id]))),
            ) as (StoredPeer | undefined)[];
            return all.find((p) => p !== undefined);
          }
          case "username":
          case "phone":
            return await request(
              peers.index(lookup.by).get([sid, lookup.value]),
            ) as StoredPeer | undefined;
          case "name": {
            // The latest (by updatedAt, then write) of that name.
            const cursor = await request(
              peers.index("name").openCursor(
                sessionRange(this.#range, sid, lookup.value),
                "prev",
              ),
            );
            return cursor === null ? undefined : cursor.value as StoredPeer;
          }
        }
      },
    );
    return found === undefined ? undefined : copyPeer(found.p);
  }

  /** {@inheritDoc SessionStorage.listPeers} */
  async listPeers(): Promise<PeerRecord[]> {
    this.#check("list peers");
    await this.#queue.flush();
    return await inTransaction(this.#db, "peers", "readonly", async (tx) => {
      const all = await request(
        tx.objectStore("peers").getAll(this.#mine()),
      ) as StoredPeer[];
      return all.map((p) => copyPeer(p.p));
    });
  }

  /** {@inheritDoc SessionStorage.countPeers} */
  async countPeers(): Promise<number> {
    this.#check("count peers");
    await this.#queue.flush();
    return await inTransaction(
      this.#db,
      "peers",
      "readonly",
      (tx) => request(tx.objectStore("peers").count(this.#mine())),
    );
  }

  /** {@inheritDoc SessionStorage.deletePeers} */
  async deletePeers(ids: readonly number[]): Promise<void> {
    this.#check("delete peers");
    await this.#queue.flush();
    await inTransaction(this.#db, "peers", "readwrite", async (tx) => {
      const peers = tx.objectStore("peers");
      // The indexes go with the records.
      await Promise.all(
        ids.map((id) => request(peers.delete([this.#sid, id]))),
      );
    });
  }

  /** {@inheritDoc SessionStorage.getUpdateStates} */
  async getUpdateStates(): Promise<UpdateState[]> {
    this.#check("read update states");
    return await inTransaction(this.#db, "states", "readonly", async (tx) => {
      const all = await request(
        tx.objectStore("states").getAll(this.#mine()),
      ) as UpdateState[];
      return all.map(copyState);
    });
  }

  /** {@inheritDoc SessionStorage.putUpdateStates} */
  async putUpdateStates(states: readonly UpdateState[]): Promise<void> {
    this.#check("store update states");
    await inTransaction(this.#db, "states", "readwrite", async (tx) => {
      const store = tx.objectStore("states");
      await Promise.all(
        states.map((s) =>
          request(store.put(copyState(s), [this.#sid, s.entityId]))
        ),
      );
    });
  }

  /** {@inheritDoc SessionStorage.deleteUpdateStates} */
  async deleteUpdateStates(entityIds: readonly number[]): Promise<void> {
    this.#check("delete update states");
    await inTransaction(this.#db, "states", "readwrite", async (tx) => {
      const store = tx.objectStore("states");
      await Promise.all(
        entityIds.map((id) => request(store.delete([this.#sid, id]))),
      );
    });
  }

  /** {@inheritDoc SessionStorage.getFile} */
  async getFile(
    md5: Uint8Array,
    size: number,
    type: FileType,
  ): Promise<CachedFile | undefined> {
    this.#check("read the file cache");
    const key = fileKey(this.#sid, md5, size, type);
    return await inTransaction(this.#db, "files", "readonly", async (tx) => {
      const f = await request(tx.objectStore("files").get(key)) as
        | CachedFile
        | undefined;
      return f === undefined ? undefined : copyFile(f);
    });
  }

  /** {@inheritDoc SessionStorage.putFiles} */
  async putFiles(files: readonly CachedFile[]): Promise<void> {
    this.#check("store cached files");
    await inTransaction(this.#db, "files", "readwrite", async (tx) => {
      const store = tx.objectStore("files");
      await Promise.all(files.map((f) =>
        request(
          store.put(copyFile(f), fileKey(this.#sid, f.md5, f.size, f.type)),
        )
      ));
    });
  }

  /** {@inheritDoc SessionStorage.listFiles} */
  async listFiles(): Promise<CachedFile[]> {
    this.#check("list cached files");
    return await inTransaction(this.#db, "files", "readonly", async (tx) => {
      const all = await request(
        tx.objectStore("files").getAll(this.#mine()),
      ) as CachedFile[];
      return all.map(copyFile);
    });
  }

  /**
   * Writes any batched peers and message references. A batch whose
   * background write failed was kept: it is written now, or this rejects
   * with the error.
   */
  flush(): Promise<void> {
    return this.#life.flush();
  }

  /** Writes what waits and releases the session. */
  close(): Promise<void> {
    return this.#life.close();
  }

  /** Deletes every record of the session, then releases it. */
  destroy(): Promise<void> {
    return this.#life.destroy(() =>
      deleteSession(this.#db, this.#range, this.#sid)
    );
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `IndexedDbStorage(mtsession#main)`.
   */
  override toString(): string {
    return `IndexedDbStorage(${this.#label})`;
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

/** Deletes every record of a session, in one transaction. */
export function deleteSession(
  db: IdbDatabaseLike,
  range: IdbKeyRangeStatic,
  sid: string,
): Promise<void> {
  return inTransaction(db, [...STORES], "readwrite", async (tx) => {
    await Promise.all(STORES.map((store) => {
      const keyed = store === "sessions" || store === "auth" ||
        store === "dcs";
      return request(
        tx.objectStore(store).delete(
          keyed ? sid : sessionRange(range, sid),
        ),
      );
    }));
  });
}
