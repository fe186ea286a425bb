/**
 * The synchronous, indexed peer map behind `MemoryStorage` and the client
 * bindings that must answer without awaiting: peers by marked id, with
 * indexes for every username, phone and name, merged by the rules of
 * `SessionStorage.putPeers`.
 *
 * @module
 */

import { mergeRecord, type MergeState } from "../backend/_merge.ts";
import type { PeerLookup } from "../storage.ts";
import type { PeerRecord } from "../types.ts";

/** Peers by marked id, with indexes for username, phone and name. */
export class PeerIndex {
  #peers = new Map<number, PeerRecord>();
  #byUsername = new Map<string, number>();
  #byPhone = new Map<string, number>();
  // One id per name, a set (in order of writing) only when several peers
  // share it: most names are one peer's.
  #byName = new Map<string, number | Set<number>>();

  /** Every peer, in no particular order (the index's own objects). */
  values(): IterableIterator<PeerRecord> {
    return this.#peers.values();
  }

  /** How many peers the index holds. */
  get size(): number {
    return this.#peers.size;
  }

  /** Forgets every peer. */
  clear(): void {
    this.#peers.clear();
    this.#byUsername.clear();
    this.#byPhone.clear();
    this.#byName.clear();
  }

  /**
   * Loads records listed from a storage: oldest first, so that the latest
   * holder of a username or phone keeps it, as in the storage.
   */
  load(records: readonly PeerRecord[]): void {
    const sorted = [...records].sort((a, b) => a.updatedAt - b.updatedAt);
    this.put(sorted);
  }

  /** Stores records with the merge rules of `SessionStorage.putPeers`. */
  put(records: readonly PeerRecord[]): void {
    for (const r of records) mergeRecord(r, this.#state);
  }

  /** Stores one record with the merge rules of `SessionStorage.putPeers`. */
  putOne(record: PeerRecord): void {
    mergeRecord(record, this.#state);
  }

  /** Removes peers by marked id. */
  delete(ids: readonly number[]): void {
    for (const id of ids) {
      const old = this.#peers.get(id);
      if (!old) continue;
      this.#unindex(old);
      this.#peers.delete(id);
    }
  }

  #unindex(p: PeerRecord): void {
    for (const u of p.usernames) {
      if (this.#byUsername.get(u) === p.id) this.#byUsername.delete(u);
    }
    if (p.phone !== null && this.#byPhone.get(p.phone) === p.id) {
      this.#byPhone.delete(p.phone);
    }
    if (p.name !== null) this.#unname(p.name, p.id);
  }

  #unname(name: string, id: number): void {
    const ids = this.#byName.get(name);
    if (ids === id) this.#byName.delete(name);
    else if (typeof ids === "object") {
      ids.delete(id);
      if (ids.size === 1) this.#byName.set(name, ids.values().next().value!);
    }
  }

  // Makes `id` the latest peer written with `name`.
  #name(name: string, id: number): void {
    const ids = this.#byName.get(name);
    if (ids === undefined) this.#byName.set(name, id);
    else if (typeof ids === "number") {
      if (ids !== id) this.#byName.set(name, new Set([ids, id]));
    } else {
      ids.delete(id);
      ids.add(id);
    }
  }

  // The merge rules (backend/_merge.ts) change the maps in place: the
  // index is its own merge state.
  #state: MergeState = {
    peer: (id) => this.#peers.get(id),
    usernameHolder: (u) => this.#byUsername.get(u),
    phoneHolder: (p) => this.#byPhone.get(p),
    update: (record, written) => {
      const id = record.id;
      const before = this.#peers.get(id);
      if (written) {
        // Moved to the end on every write: the latest written is found
        // first.
        const name = record.name;
        if (
          before !== undefined && before.name !== null && before.name !== name
        ) {
          this.#unname(before.name, id);
        }
        if (name !== null) this.#name(name, id);
      }
      if (before !== record) this.#peers.set(id, record);
    },
    setUsernameHolder: (u, id) => {
      if (id === null) this.#byUsername.delete(u);
      else this.#byUsername.set(u, id);
    },
    setPhoneHolder: (p, id) => {
      if (id === null) this.#byPhone.delete(p);
      else this.#byPhone.set(p, id);
    },
  };

  /** What a storage's `findPeer` answers, from the index. */
  find(lookup: PeerLookup): PeerRecord | undefined {
    switch (lookup.by) {
      case "id":
        return this.byId(lookup.ids);
      case "username":
        return this.byUsername(lookup.value);
      case "phone":
        return this.byPhone(lookup.value);
      case "name":
        return this.byName(lookup.value);
    }
  }

  /** The first of `ids` (marked ids, in order of preference) present. */
  byId(ids: readonly number[]): PeerRecord | undefined {
    for (const id of ids) {
      const found = this.#peers.get(id);
      if (found) return found;
    }
    return undefined;
  }

  /** The peer holding a lower-cased username. */
  byUsername(username: string): PeerRecord | undefined {
    const id = this.#byUsername.get(username);
    return id === undefined ? undefined : this.#peers.get(id);
  }

  /** The peer with a phone number (digits only). */
  byPhone(phone: string): PeerRecord | undefined {
    const id = this.#byPhone.get(phone);
    return id === undefined ? undefined : this.#peers.get(id);
  }

  /** The latest peer written with exactly this display name or title. */
  byName(name: string): PeerRecord | undefined {
    const ids = this.#byName.get(name);
    let last: number | undefined;
    if (typeof ids === "object") { for (const x of ids) last = x; }
    else last = ids;
    return last === undefined ? undefined : this.#peers.get(last);
  }
}
