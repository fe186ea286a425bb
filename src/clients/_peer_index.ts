// A synchronous, indexed copy of a session's peers, for client APIs that
// must answer without awaiting (GramJS's `getInputEntity`). It merges the
// way every SessionStorage does (see SessionStorage.putPeers) and resolves
// keys the way Session.getInputPeer does, so the copy and the storage agree.
// Private to the library.

import { toSafeInteger } from "../_int64.ts";
import type { PeerKeyKind } from "../errors.ts";
import {
  idCandidates,
  inviteChatId,
  parsePhone,
  parseUsername,
} from "../peers/keys.ts";
import type { PeerRecord } from "../types.ts";

/** What a lookup in the index found. */
export type IndexFound =
  | { readonly as: "record"; readonly value: PeerRecord }
  | {
    readonly as: "missing";
    readonly kind: PeerKeyKind;
    readonly key: string;
  };

/** Peers by marked id, with indexes for username, phone and name. */
export class PeerIndex {
  #peers = new Map<number, PeerRecord>();
  #byUsername = new Map<string, number>();
  #byPhone = new Map<string, number>();
  #byName = new Map<string, Set<number>>();

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
    for (const record of records) this.#putOne(record);
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
    if (p.name !== null) {
      const ids = this.#byName.get(p.name);
      ids?.delete(p.id);
      if (ids?.size === 0) this.#byName.delete(p.name);
    }
  }

  #putOne(record: PeerRecord): void {
    const id = record.id;
    const old = this.#peers.get(id);
    if (old) this.#unindex(old);
    const merged: PeerRecord = {
      id,
      type: record.type,
      accessHash: record.accessHash,
      usernames: [...new Set(record.usernames.map((u) => u.toLowerCase()))],
      phone: record.phone ?? old?.phone ?? null,
      name: record.name ?? old?.name ?? null,
      updatedAt: record.updatedAt,
    };
    for (const u of merged.usernames) {
      const holder = this.#byUsername.get(u);
      const h = holder === undefined || holder === id
        ? undefined
        : this.#peers.get(holder);
      if (h) {
        this.#peers.set(h.id, {
          ...h,
          usernames: h.usernames.filter((x) => x !== u),
        });
      }
      this.#byUsername.set(u, id);
    }
    if (merged.phone !== null) {
      const holder = this.#byPhone.get(merged.phone);
      const h = holder === undefined || holder === id
        ? undefined
        : this.#peers.get(holder);
      if (h) this.#peers.set(h.id, { ...h, phone: null });
      this.#byPhone.set(merged.phone, id);
    }
    if (merged.name !== null) {
      let ids = this.#byName.get(merged.name);
      if (!ids) this.#byName.set(merged.name, ids = new Set());
      ids.delete(id); // re-insert: the latest written is found first
      ids.add(id);
    }
    this.#peers.set(id, merged);
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
    if (ids) { for (const x of ids) last = x; }
    return last === undefined ? undefined : this.#peers.get(last);
  }

  /**
   * Resolves a numeric id as `Session.getInputPeer` does: a negative id is
   * exact, a positive one is a user, then a channel, then a basic chat.
   */
  findId(value: number | bigint): IndexFound {
    const id = toSafeInteger(value, "peer id");
    const record = this.byId(idCandidates(id));
    return record
      ? { as: "record", value: record }
      : { as: "missing", kind: "id", key: String(id) };
  }

  /**
   * Resolves a text key as `Session.getInputPeer` does: a phone number,
   * then a numeric id, a username or `t.me` link, an old-style invite
   * link, and last an exact display name or title.
   */
  findText(key: string): IndexFound {
    const text = key.trim();
    if (text === "") throw new TypeError("Expected a non-empty peer key");
    const phone = parsePhone(text);
    if (phone !== undefined) {
      const record = this.byPhone(phone);
      if (record) return { as: "record", value: record };
      if (/^-?\d+$/.test(text)) {
        const found = this.findId(toSafeInteger(text, "peer id"));
        if (found.as === "record") return found;
      }
    }
    const { username, invite } = parseUsername(text);
    if (username !== undefined) {
      const record = this.byUsername(username);
      if (record) return { as: "record", value: record };
    }
    if (invite !== undefined) {
      const chatId = inviteChatId(invite);
      if (chatId !== undefined) {
        const record = this.byId(idCandidates(chatId));
        if (record) return { as: "record", value: record };
      }
    }
    const byName = this.byName(key);
    if (byName) return { as: "record", value: byName };
    if (phone !== undefined) {
      return { as: "missing", kind: "phone", key: "<phone number>" };
    }
    if (username !== undefined) {
      return { as: "missing", kind: "username", key: `@${username}` };
    }
    if (invite !== undefined) {
      return { as: "missing", kind: "invite", key: "<invite link>" };
    }
    return { as: "missing", kind: "name", key: JSON.stringify(key) };
  }
}
