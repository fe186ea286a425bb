// Reduces a batch of peer records to what one set-based SQL statement must
// do, with the same result as applying the records one by one under the
// merge rules of SessionStorage.putPeers. The rules that need the stored
// state (null phone or name keeps the known value; a username or phone
// moves from whichever peer held it) are left to SQL: COALESCE and
// ON CONFLICT upserts on the usernames and phones tables.

import type { PeerRecord, PeerType } from "../types.ts";

/** One peer row to upsert. */
export interface PlannedPeer {
  /** Marked id. */
  id: number;
  /** Its type (the latest record's). */
  type: PeerType;
  /** Access hash, as decimal text. */
  hash: string;
  /** The last non-null name of the batch, or null (keep the stored one). */
  name: string | null;
  /** The latest record's time. */
  updatedAt: number;
}

/** What a batch writes. */
export interface PeerPlan {
  /** One row per id. */
  peers: PlannedPeer[];
  /** Every id of the batch. */
  ids: number[];
  /** Usernames the batch settles, held or dropped. */
  usernamesSettled: string[];
  /** Usernames to give to a peer, with their position in its list. */
  usernamesHeld: { u: string; p: number; i: number }[];
  /** Usernames the batch gave and then took away: nobody holds them. */
  usernamesDropped: string[];
  /** Ids whose phone the batch set (their other phones go). */
  phoneIds: number[];
  /** Phones the batch settles, held or dropped. */
  phonesSettled: string[];
  /** Phones to give to a peer. */
  phonesHeld: { f: string; p: number }[];
  /** Phones the batch gave and then took away. */
  phonesDropped: string[];
}

/** Plans a batch; `records` are applied in order. */
export function planPeers(records: readonly PeerRecord[]): PeerPlan {
  const peers = new Map<number, PlannedPeer>();
  const lists = new Map<number, string[]>();
  const userOwner = new Map<string, number | null>();
  const phoneOf = new Map<number, string | null>();
  const phoneOwner = new Map<string, number | null>();

  for (const r of records) {
    const old = peers.get(r.id);
    peers.delete(r.id); // keep insertion order = order of last write
    peers.set(r.id, {
      id: r.id,
      type: r.type,
      hash: String(r.accessHash),
      name: r.name ?? old?.name ?? null,
      updatedAt: r.updatedAt,
    });

    // Usernames: the record's list replaces the peer's; each one is taken
    // from whichever peer held it.
    const next = [...new Set(r.usernames)];
    const prev = lists.get(r.id);
    if (prev) {
      for (const u of prev) {
        if (!next.includes(u) && userOwner.get(u) === r.id) {
          userOwner.set(u, null);
        }
      }
    }
    for (const u of next) {
      const holder = userOwner.get(u);
      if (holder !== undefined && holder !== null && holder !== r.id) {
        lists.set(holder, lists.get(holder)!.filter((x) => x !== u));
      }
      userOwner.set(u, r.id);
    }
    lists.set(r.id, next);

    // Phone: a non-null phone replaces the peer's and is taken from its
    // holder; null keeps what the peer has.
    if (r.phone !== null) {
      const before = phoneOf.get(r.id);
      if (
        before !== undefined && before !== null && before !== r.phone &&
        phoneOwner.get(before) === r.id
      ) {
        phoneOwner.set(before, null);
      }
      const holder = phoneOwner.get(r.phone);
      if (holder !== undefined && holder !== null && holder !== r.id) {
        phoneOf.set(holder, null);
      }
      phoneOwner.set(r.phone, r.id);
      phoneOf.set(r.id, r.phone);
    }
  }

  const usernamesHeld: PeerPlan["usernamesHeld"] = [];
  const usernamesDropped: string[] = [];
  for (const [u, owner] of userOwner) {
    if (owner === null) {
      usernamesDropped.push(u);
    } else {
      usernamesHeld.push({ u, p: lists.get(owner)!.indexOf(u), i: owner });
    }
  }
  const phonesHeld: PeerPlan["phonesHeld"] = [];
  const phonesDropped: string[] = [];
  for (const [f, owner] of phoneOwner) {
    if (owner === null) phonesDropped.push(f);
    else phonesHeld.push({ f, p: owner });
  }
  // Lock rows in a stable order (fewer deadlocks between writers).
  usernamesHeld.sort((a, b) => (a.u < b.u ? -1 : a.u > b.u ? 1 : 0));
  phonesHeld.sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  const planned = [...peers.values()].sort((a, b) => a.id - b.id);
  return {
    peers: planned,
    ids: planned.map((p) => p.id),
    usernamesSettled: [...userOwner.keys()],
    usernamesHeld,
    usernamesDropped,
    phoneIds: [...phoneOf.keys()],
    phonesSettled: [...phoneOwner.keys()],
    phonesHeld,
    phonesDropped,
  };
}
