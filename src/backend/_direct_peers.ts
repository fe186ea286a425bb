// Peer reads and writes a storage can do at once, in memory: the session
// uses them instead of findPeer and putPeers, without a promise per step
// and without copies, the way a client uses its own Map. Private to the
// library, and only between the session and a storage class of ours:
// - a record `peek` answers is the storage's own: never handed out or
//   changed (copy it), never kept past the call;
// - a record given to `putOwned` is the storage's from then on: the caller
//   built it for this call and never touches it again.

import type { PeerLookup, SessionStorage } from "../storage.ts";
import type { PeerRecord } from "../types.ts";

/** Where a storage class keeps its {@linkcode DirectPeers} (its prototype). */
export const DIRECT_PEERS: unique symbol = Symbol("mtsession.directPeers");

/**
 * What `findPeer` would resolve to, at once and without a copy. Throws what
 * `findPeer` would reject with (a closed storage: SessionClosedError).
 */
export type PeekPeer = (lookup: PeerLookup) => PeerRecord | undefined;

/**
 * The record stored under one marked id, at once and without a copy: the
 * usual lookup (a user's own id) without building a lookup. Throws what
 * `peek` throws.
 */
export type PeekId = (markedId: number) => PeerRecord | undefined;

/**
 * What an input peer is built from: the record's marked id, its access
 * hash, and whether it is a min record (reached through a message).
 */
export interface PeerKeyRow {
  readonly id: number;
  readonly accessHash: bigint;
  readonly min: boolean;
}

/**
 * The {@linkcode PeerKeyRow} of the record `findPeer` would resolve to, at
 * once: for a storage that can read these three values for less than a
 * whole record (SQLite: from an index alone). Throws what `peek` throws.
 */
export type PeekKey = (lookup: PeerLookup) => PeerKeyRow | undefined;

/**
 * What `putPeers` does, keeping the records given (no copy): at once, or
 * with a promise when the storage makes the caller wait (a full queue).
 * Throws (or rejects with) what `putPeers` would reject with.
 */
export type PutOwned = (records: PeerRecord[]) => void | Promise<void>;

/** How a storage class reads and writes peers at once. */
export interface DirectPeers {
  /**
   * The class's own `findPeer` and `putPeers`: each direct way stands for
   * one of them alone, so a subclass or a proxy that changes it is asked
   * through it.
   */
  readonly findPeer: SessionStorage["findPeer"];
  readonly putPeers: SessionStorage["putPeers"];
  /** The direct ways of `storage`, or undefined when it is no object of the class. */
  of(
    storage: SessionStorage,
  ):
    | {
      peek: PeekPeer;
      peekId?: PeekId;
      peekKey?: PeekKey;
      putOwned?: PutOwned;
    }
    | undefined;
}

function directOf(storage: SessionStorage): DirectPeers | undefined {
  return (storage as { [DIRECT_PEERS]?: DirectPeers })[DIRECT_PEERS];
}

/** The storage's synchronous findPeer, or undefined when it has none. */
export function peekOf(storage: SessionStorage): PeekPeer | undefined {
  const direct = directOf(storage);
  return direct !== undefined && storage.findPeer === direct.findPeer
    ? direct.of(storage)?.peek
    : undefined;
}

/** The storage's synchronous read of one marked id, or undefined. */
export function peekIdOf(storage: SessionStorage): PeekId | undefined {
  const direct = directOf(storage);
  return direct !== undefined && storage.findPeer === direct.findPeer
    ? direct.of(storage)?.peekId
    : undefined;
}

/** The storage's synchronous putPeers of owned records, or undefined. */
export function putOwnedOf(storage: SessionStorage): PutOwned | undefined {
  const direct = directOf(storage);
  return direct !== undefined && storage.putPeers === direct.putPeers
    ? direct.of(storage)?.putOwned
    : undefined;
}

/** The storage's synchronous input-peer lookup, or undefined. */
export function peekKeyOf(storage: SessionStorage): PeekKey | undefined {
  const direct = directOf(storage);
  return direct !== undefined && storage.findPeer === direct.findPeer
    ? direct.of(storage)?.peekKey
    : undefined;
}
