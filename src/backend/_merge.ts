// The merge rules of SessionStorage.putPeers, planned once for every
// backend. A backend reads what a batch touches (see mergeNeeds), hands it
// to planMerge as a MergeSource, and applies the plan in its own terms:
// rows to write in full, and the username and phone index entries whose
// holder changes. Private to the library.

import type { PeerRecord } from "../types.ts";

/** The stored state a plan reads: what the backend holds before the batch. */
export interface MergeSource {
  /** The stored record of a peer, or undefined. */
  peer(id: number): PeerRecord | undefined;
  /** Which peer holds a username, or undefined. */
  usernameHolder(username: string): number | undefined;
  /** Which peer holds a phone number, or undefined. */
  phoneHolder(phone: string): number | undefined;
}

/** One peer the batch changes. */
export interface MergedPeer {
  /** What the peer is after the batch. */
  readonly record: PeerRecord;
  /** What it was before (undefined for a new peer). */
  readonly before: PeerRecord | undefined;
  /**
   * True when a record of the batch was this peer's (its type, hash, name
   * and time changed); false when it only lost a username or its phone to
   * another peer of the batch.
   */
  readonly written: boolean;
  /** Its list of usernames differs from `before` (order included). */
  readonly usernamesChanged: boolean;
}

/** What a batch does to a backend. */
export interface MergePlan {
  /**
   * Every peer whose stored record changes. The peers the batch wrote come
   * in the order of their last write.
   */
  readonly peers: readonly MergedPeer[];
  /** Usernames whose holder changes: the new holder, or null for nobody. */
  readonly usernames: ReadonlyMap<string, number | null>;
  /** Phones whose holder changes: the new holder, or null for nobody. */
  readonly phones: ReadonlyMap<string, number | null>;
}

/** The keys of the stored state a batch's plan may read. */
export interface MergeNeeds {
  /** Marked ids of the batch. */
  readonly ids: number[];
  /** Every username the batch gives a peer. */
  readonly usernames: string[];
  /** Every phone the batch gives a peer. */
  readonly phones: string[];
}

/**
 * What a backend must read before planning: the batch's peers, and who
 * holds the usernames and phones it claims (whose records it must then
 * read too: a holder loses what the batch takes).
 */
export function mergeNeeds(batch: readonly PeerRecord[]): MergeNeeds {
  const ids = new Set<number>();
  const usernames = new Set<string>();
  const phones = new Set<string>();
  for (const r of batch) {
    ids.add(r.id);
    for (const u of r.usernames) usernames.add(u);
    if (r.phone !== null) phones.add(r.phone);
  }
  return { ids: [...ids], usernames: [...usernames], phones: [...phones] };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// A list of its own (the caller's array may change after the call), without
// repeats.
function unique(list: readonly string[]): readonly string[] {
  if (list.length === 0) return [];
  if (list.length === 1) return [list[0]!];
  return [...new Set(list)];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Whether applying `r` to the known `old` would give `old` back: the same
// peer written again, as clients do with every result that mentions it.
// `old`'s usernames and phone are its own (a stored peer holds all of
// them), so nothing else changes either.
function changesNothing(r: PeerRecord, old: PeerRecord): boolean {
  return r.type === old.type && r.accessHash === old.accessHash &&
    r.updatedAt === old.updatedAt && (r.min === true) === (old.min === true) &&
    (r.phone === null || r.phone === old.phone) &&
    (r.name === null || r.name === old.name) &&
    (r.raw === undefined ||
      (old.raw !== undefined && sameBytes(r.raw, old.raw))) &&
    sameList(r.usernames, old.usernames);
}

/**
 * The state the rules read and change, one record at a time: the stored
 * state with what the batch did so far. A backend that can change its own
 * state at once (memory) implements it over its maps; planMerge implements
 * it as an overlay over a MergeSource.
 */
export interface MergeState extends MergeSource {
  /**
   * A peer's new record. `written`: the batch wrote it (its type, hash,
   * name and time changed), not only took a username or its phone.
   * `before`: its record until now, as `peer` gave it (undefined for a new
   * peer); `record` may be that same object when nothing changes.
   */
  update(
    record: PeerRecord,
    written: boolean,
    before: PeerRecord | undefined,
  ): void;
  /** Who holds a username from now on (null: nobody). */
  setUsernameHolder(username: string, id: number | null): void;
  /** Who holds a phone from now on (null: nobody). */
  setPhoneHolder(phone: string, id: number | null): void;
}

// The record `r` makes of `old`: a new object.
function merged(r: PeerRecord, old: PeerRecord | undefined): PeerRecord {
  const next: PeerRecord = {
    id: r.id,
    type: r.type,
    accessHash: r.accessHash,
    usernames: unique(r.usernames),
    phone: r.phone ?? old?.phone ?? null,
    name: r.name ?? old?.name ?? null,
    updatedAt: r.updatedAt,
  };
  if (r.min === true) next.min = true;
  const raw = r.raw ?? old?.raw;
  if (raw !== undefined) next.raw = raw;
  return next;
}

// The same, made of `r` itself (owned by the merge). A `min: false` or
// `raw: undefined` it carries means what their absence does.
function completed(r: PeerRecord, old: PeerRecord | undefined): PeerRecord {
  if (r.usernames.length > 1) r.usernames = unique(r.usernames);
  if (old !== undefined) {
    if (r.phone === null) r.phone = old.phone;
    if (r.name === null) r.name = old.name;
    if (r.raw === undefined && old.raw !== undefined) r.raw = old.raw;
  }
  return r;
}

/**
 * Applies one record to a state with the rules of `SessionStorage.putPeers`:
 * - a min record leaves a known full peer as it is;
 * - type, access hash, usernames, time and the min flag come from the
 *   record; phone, name and raw bytes too, unless it has none there (the
 *   known value stays);
 * - a username or phone belongs to one peer: the record takes each of its
 *   usernames and its phone from whichever peer held it.
 *
 * `owned`: the caller built `r` for this call and never uses it again, so
 * it may become the new record itself, completed in place, instead of a
 * copy.
 */
export function mergeRecord(
  r: PeerRecord,
  state: MergeState,
  owned = false,
): void {
  const id = r.id;
  const old = state.peer(id);
  // A min record never replaces a full one.
  if (r.min === true && old !== undefined && old.min !== true) return;
  if (old !== undefined && changesNothing(r, old)) {
    state.update(old, true, old);
    return;
  }
  const next = owned ? completed(r, old) : merged(r, old);
  if (old !== undefined && !sameList(old.usernames, next.usernames)) {
    for (const u of old.usernames) {
      if (!next.usernames.includes(u) && state.usernameHolder(u) === id) {
        state.setUsernameHolder(u, null);
      }
    }
  }
  for (const u of next.usernames) {
    const holder = state.usernameHolder(u);
    if (holder === id) continue;
    if (holder !== undefined) {
      const h = state.peer(holder);
      if (h !== undefined) {
        state.update(
          { ...h, usernames: h.usernames.filter((x) => x !== u) },
          false,
          h,
        );
      }
    }
    state.setUsernameHolder(u, id);
  }
  if (
    old !== undefined && old.phone !== null && old.phone !== next.phone &&
    state.phoneHolder(old.phone) === id
  ) {
    state.setPhoneHolder(old.phone, null);
  }
  if (next.phone !== null) {
    const holder = state.phoneHolder(next.phone);
    if (holder !== id) {
      if (holder !== undefined) {
        const h = state.peer(holder);
        if (h !== undefined) state.update({ ...h, phone: null }, false, h);
      }
      state.setPhoneHolder(next.phone, id);
    }
  }
  state.update(next, true, old);
}

/**
 * Plans a batch: the effect of applying its records one by one, in order
 * (see {@linkcode mergeRecord}), on the stored state `source`.
 */
export function planMerge(
  batch: readonly PeerRecord[],
  source: MergeSource,
): MergePlan {
  // What the batch has changed so far, over the stored state.
  const current = new Map<number, PeerRecord>();
  const written = new Set<number>();
  const usernames = new Map<string, number | null>();
  const phones = new Map<string, number | null>();
  const overlay: MergeState = {
    peer: (id) => current.get(id) ?? source.peer(id),
    usernameHolder: (u) =>
      usernames.has(u)
        ? usernames.get(u) ?? undefined
        : source.usernameHolder(u),
    phoneHolder: (p) =>
      phones.has(p) ? phones.get(p) ?? undefined : source.phoneHolder(p),
    // A peer a record writes moves to the end: the plan lists peers in the
    // order of their last write (the name index finds the latest first).
    update(record, write): void {
      if (write) {
        current.delete(record.id);
        written.add(record.id);
      }
      current.set(record.id, record);
    },
    setUsernameHolder: (u, id) => void usernames.set(u, id),
    setPhoneHolder: (p, id) => void phones.set(p, id),
  };
  for (const r of batch) mergeRecord(r, overlay);

  const peers: MergedPeer[] = [];
  for (const [id, record] of current) {
    const before = source.peer(id);
    peers.push({
      record,
      before,
      written: written.has(id),
      usernamesChanged: before === undefined
        ? record.usernames.length > 0
        : !sameList(before.usernames, record.usernames),
    });
  }
  // Keep only the index entries whose holder really changes.
  for (const [u, holder] of usernames) {
    if ((source.usernameHolder(u) ?? null) === holder) usernames.delete(u);
  }
  for (const [p, holder] of phones) {
    if ((source.phoneHolder(p) ?? null) === holder) phones.delete(p);
  }
  return { peers, usernames, phones };
}

/**
 * A MergeSource over records a backend has read: the holders of usernames
 * and phones are taken from the records themselves, so `loaded` must hold
 * every peer that holds a username or phone of the batch (and the batch's
 * own peers).
 */
export function sourceOf(loaded: Iterable<PeerRecord>): MergeSource {
  const peers = new Map<number, PeerRecord>();
  const byUsername = new Map<string, number>();
  const byPhone = new Map<string, number>();
  for (const p of loaded) {
    peers.set(p.id, p);
    for (const u of p.usernames) byUsername.set(u, p.id);
    if (p.phone !== null) byPhone.set(p.phone, p.id);
  }
  return {
    peer: (id) => peers.get(id),
    usernameHolder: (u) => byUsername.get(u),
    phoneHolder: (p) => byPhone.get(p),
  };
}
