/**
 * A session storage in plain TypeScript Maps, with indexes for id, every
 * username, phone and name: no native code, nothing on disk.
 *
 * @module
 */

import { toHex } from "../_hex.ts";
import { redactInspect } from "../_redacted.ts";
import { checkOpen, runOpen } from "../backend/_lifecycle.ts";
import { DIRECT_PEERS, type DirectPeers } from "../backend/_direct_peers.ts";
import {
  copyAuth,
  copyFile,
  copyPeer,
  copyState,
  emptyAuth,
} from "../_copy.ts";
import { PeerIndex } from "../peers/_peer_index.ts";
import {
  type WholePart,
  WholeSessionMethods,
} from "../backend/whole_methods.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
  UpdateState,
} from "../types.ts";
import { WholeSessionMaps } from "./_whole.ts";

function fileKey(md5: Uint8Array, size: number, type: FileType): string {
  return `${toHex(md5)}:${size}:${type}`;
}

/**
 * Keeps a session in memory. Every lookup is a Map access; nothing is ever
 * scanned. What it holds is gone when the process ends, unless it is
 * exported (as a string, or cloned into a file session).
 *
 * @example Usage
 * ```ts
 * import { MemoryStorage, openSession } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(new MemoryStorage());
 * await session.processEntities({
 *   users: [{ _: "user", id: 777, accessHash: -5n, firstName: "Ann", username: "Ann_B" }],
 *   chats: [],
 * });
 * assert.deepEqual(await session.getInputPeer("@ann_b"), {
 *   _: "inputPeerUser",
 *   userId: 777,
 *   accessHash: -5n,
 * });
 * ```
 */
export class MemoryStorage extends WholeSessionMethods
  implements SessionStorage {
  /** Always `"memory"`. */
  readonly kind: string = "memory";

  #auth: AuthState = emptyAuth();
  #peers = new PeerIndex();
  #states = new Map<number, UpdateState>();
  #files = new Map<string, CachedFile>();
  #whole = new WholeSessionMaps();
  #closed = false;

  /** {@inheritDoc WholeSessionMethods.wholePart} */
  protected wholePart(what: string): WholePart {
    checkOpen(this.#closed, what);
    return this.#whole;
  }

  static {
    redactInspect(this);
    // findPeer and putPeers at once, for sessions: the index's own records
    // (see backend/_direct_peers.ts).
    const direct: DirectPeers = {
      findPeer: this.prototype.findPeer,
      putPeers: this.prototype.putPeers,
      of: (s) =>
        #peers in s
          ? {
            peek: (lookup) => {
              checkOpen(s.#closed, "look up a peer");
              return s.#peers.find(lookup);
            },
            peekId: (id) => {
              checkOpen(s.#closed, "look up a peer");
              return s.#peers.get(id);
            },
            putOwned: (records) => {
              checkOpen(s.#closed, "store peers");
              for (const r of records) s.#peers.putOne(r, true);
            },
          }
          : undefined,
    };
    Object.defineProperty(this.prototype, DIRECT_PEERS, { value: direct });
  }

  /** Runs `fn` on an open storage; any throw becomes a rejection. */
  #run<T>(what: string, fn: () => T): Promise<T> {
    return runOpen(this.#closed, what, fn);
  }

  /** {@inheritDoc SessionStorage.getAuth} */
  getAuth(): Promise<AuthState> {
    return this.#run("read the auth state", () => copyAuth(this.#auth));
  }

  /** {@inheritDoc SessionStorage.setAuth} */
  setAuth(patch: Partial<AuthState>): Promise<void> {
    return this.#run("change the auth state", () => {
      this.#auth = copyAuth({ ...this.#auth, ...patch });
    });
  }

  /** {@inheritDoc SessionStorage.putPeers} */
  putPeers(records: readonly PeerRecord[]): Promise<void> {
    return this.#run("store peers", () => {
      // The merge builds records of its own; only raw bytes are kept as
      // given, so they are copied first.
      for (const r of records) {
        this.#peers.putOne(r.raw === undefined ? r : copyPeer(r));
      }
    });
  }

  /** {@inheritDoc SessionStorage.findPeer} */
  findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    return this.#run("look up a peer", () => {
      const found = this.#peers.find(lookup);
      return found && copyPeer(found);
    });
  }

  /** {@inheritDoc SessionStorage.listPeers} */
  listPeers(): Promise<PeerRecord[]> {
    return this.#run(
      "list peers",
      () => [...this.#peers.values()].map(copyPeer),
    );
  }

  /** {@inheritDoc SessionStorage.countPeers} */
  countPeers(): Promise<number> {
    return this.#run("count peers", () => this.#peers.size);
  }

  /** {@inheritDoc SessionStorage.deletePeers} */
  deletePeers(ids: readonly number[]): Promise<void> {
    return this.#run("delete peers", () => this.#peers.delete(ids));
  }

  /** {@inheritDoc SessionStorage.getUpdateStates} */
  getUpdateStates(): Promise<UpdateState[]> {
    return this.#run(
      "read update states",
      () => [...this.#states.values()].map(copyState),
    );
  }

  /** {@inheritDoc SessionStorage.putUpdateStates} */
  putUpdateStates(states: readonly UpdateState[]): Promise<void> {
    return this.#run("store update states", () => {
      for (const s of states) this.#states.set(s.entityId, copyState(s));
    });
  }

  /** {@inheritDoc SessionStorage.deleteUpdateStates} */
  deleteUpdateStates(entityIds: readonly number[]): Promise<void> {
    return this.#run("delete update states", () => {
      for (const id of entityIds) this.#states.delete(id);
    });
  }

  /** {@inheritDoc SessionStorage.getFile} */
  getFile(
    md5: Uint8Array,
    size: number,
    type: FileType,
  ): Promise<CachedFile | undefined> {
    return this.#run("read the file cache", () => {
      const found = this.#files.get(fileKey(md5, size, type));
      return found && copyFile(found);
    });
  }

  /** {@inheritDoc SessionStorage.putFiles} */
  putFiles(files: readonly CachedFile[]): Promise<void> {
    return this.#run("store cached files", () => {
      for (const f of files) {
        this.#files.set(fileKey(f.md5, f.size, f.type), copyFile(f));
      }
    });
  }

  /** {@inheritDoc SessionStorage.listFiles} */
  listFiles(): Promise<CachedFile[]> {
    return this.#run(
      "list cached files",
      () => [...this.#files.values()].map(copyFile),
    );
  }

  /** Nothing to do: memory writes are complete when they return. */
  flush(): Promise<void> {
    return this.#run("save", () => {});
  }

  /** Marks the storage closed; its data stays readable by nobody. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Forgets everything and closes. */
  destroy(): Promise<void> {
    this.#auth = emptyAuth();
    this.#peers.clear();
    this.#states.clear();
    this.#files.clear();
    this.#whole.clear();
    this.#closed = true;
    return Promise.resolve();
  }

  /**
   * A short, redacted description.
   *
   * @returns E.g. `MemoryStorage(3 peers)`.
   */
  override toString(): string {
    return `MemoryStorage(${this.#peers.size} peers)`;
  }

  /**
   * What `JSON.stringify` shows: no secret.
   *
   * @returns A redacted summary.
   */
  toJSON(): { kind: string; peers: number } {
    return { kind: this.kind, peers: this.#peers.size };
  }
}
