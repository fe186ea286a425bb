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

// Several peers may share a name: one id, or a set of them (in order of
// writing) only when several do.
type NameIndex = Map<string, number | Set<number>>;

/** Peers by marked id, with indexes for username, phone and name. */
export class PeerIndex {
  // In order of last write (a write moves a peer to the end): the name
  // index is built from this order.
  #peers = new Map<number, PeerRecord>();
  #byUsername = new Map<string, number>();
  #byPhone = new Map<string, number>();
  // Built by the first lookup by name, kept from then on: most sessions
  // never look a peer up by its name, and every write would pay for it.
  #byName: NameIndex | undefined;

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
    this.#byName = undefined;
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

  /**
   * Stores one record with the merge rules of `SessionStorage.putPeers`.
   * `owned`: the record is the index's from now on (see mergeRecord).
   */
  putOne(record: PeerRecord, owned = false): void {
    if (!owned || !this.#putNew(record)) {
      mergeRecord(record, this.#state, owned);
    }
  }

  // The usual owned record on ingest: a peer the index does not hold, with
  // one username or none, and neither that nor its phone held by another
  // peer. The merge rules then store it as it is and make it the holder of
  // both, which is all this does (the maps directly, no merge state). False,
  // with nothing changed, for any other record: mergeRecord takes it.
  #putNew(r: PeerRecord): boolean {
    const id = r.id;
    const peers = this.#peers;
    if (peers.has(id)) return false;
    const usernames = r.usernames;
    if (usernames.length > 1) return false;
    const byUsername = this.#byUsername;
    const username = usernames[0];
    if (username !== undefined && byUsername.has(username)) return false;
    const phone = r.phone;
    const byPhone = this.#byPhone;
    if (phone !== null && byPhone.has(phone)) return false;
    if (username !== undefined) byUsername.set(username, id);
    if (phone !== null) byPhone.set(phone, id);
    peers.set(id, r);
    if (this.#byName !== undefined && r.name !== null) {
      name(this.#byName, r.name, id);
    }
    return true;
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
    if (p.name !== null && this.#byName !== undefined) {
      unname(this.#byName, p.name, p.id);
    }
  }

  // The merge rules (backend/_merge.ts) change the maps in place: the
  // index is its own merge state.
  #state: MergeState = {
    peer: (id) => this.#peers.get(id),
    usernameHolder: (u) => this.#byUsername.get(u),
    phoneHolder: (p) => this.#byPhone.get(p),
    update: (record, written, before) => {
      const id = record.id;
      if (!written) {
        this.#peers.set(id, record);
        return;
      }
      // Moved to the end on every write: the latest written is found
      // first.
      if (before !== undefined) this.#peers.delete(id);
      this.#peers.set(id, record);
      const names = this.#byName;
      if (names === undefined) return;
      if (
        before !== undefined && before.name !== null &&
        before.name !== record.name
      ) {
        unname(names, before.name, id);
      }
      if (record.name !== null) name(names, record.name, id);
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

  /** The peer with this marked id. */
  get(id: number): PeerRecord | undefined {
    return this.#peers.get(id);
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
    const ids = this.#names().get(name);
    let last: number | undefined;
    if (typeof ids === "object") { for (const x of ids) last = x; }
    else last = ids;
    return last === undefined ? undefined : this.#peers.get(last);
  }

  #names(): NameIndex {
    if (this.#byName === undefined) {
      const names: NameIndex = new Map();
      for (const p of this.#peers.values()) {
        if (p.name !== null) name(names, p.name, p.id);
      }
      this.#byName = names;
    }
    return this.#byName;
  }
}

// Makes `id` the latest peer written with `text`.
function name(names: NameIndex, text: string, id: number): void {
  const ids = names.get(text);
  if (ids === undefined) names.set(text, id);
  else if (typeof ids === "number") {
    if (ids !== id) names.set(text, new Set([ids, id]));
  } else {
    ids.delete(id);
    ids.add(id);
  }
}

function unname(names: NameIndex, text: string, id: number): void {
  const ids = names.get(text);
  if (ids === id) names.delete(text);
  else if (typeof ids === "object") {
    ids.delete(id);
    if (ids.size === 1) names.set(text, ids.values().next().value!);
  }
}
