// Peer lookups a storage can answer at once, from records it holds in
// memory: the session reads them without a promise per step, the way a
// client reads its own Map. Private to the library: the records answered
// are the storage's own, never to be handed out or changed (copy them), and
// never kept past the call.

import type { PeerLookup, SessionStorage } from "../storage.ts";
import type { PeerRecord } from "../types.ts";

/** Where a storage class keeps its {@linkcode Peeker} (on its prototype). */
export const PEEK_PEER: unique symbol = Symbol("mtsession.peekPeer");

/**
 * What `findPeer` would resolve to, at once and without a copy: the
 * storage's own record. Throws what `findPeer` would reject with (a closed
 * storage: SessionClosedError).
 */
export type PeekPeer = (lookup: PeerLookup) => PeerRecord | undefined;

/** How a storage class answers lookups at once. */
export interface Peeker {
  /**
   * The class's own `findPeer`: the peek stands for it alone, so a
   * subclass or a proxy that changes `findPeer` is asked through it.
   */
  readonly findPeer: SessionStorage["findPeer"];
  /** The lookup of `storage`, or undefined when it is no object of the class. */
  of(storage: SessionStorage): PeekPeer | undefined;
}

/** The storage's synchronous lookup, or undefined when it has none. */
export function peekOf(storage: SessionStorage): PeekPeer | undefined {
  const peeker = (storage as { [PEEK_PEER]?: Peeker })[PEEK_PEER];
  if (peeker === undefined || storage.findPeer !== peeker.findPeer) {
    return undefined;
  }
  return peeker.of(storage);
}
