// Peer lookups a storage can answer at once, from records it holds in
// memory: the session reads them without a promise per step, the way a
// client reads its own Map. Private to the library: the records answered
// are the storage's own, never to be handed out or changed (copy them), and
// never kept past the call.

import type { PeerLookup, SessionStorage } from "../storage.ts";
import type { PeerRecord } from "../types.ts";

/** The method a storage that answers at once has under this key. */
export const PEEK_PEER: unique symbol = Symbol("mtsession.peekPeer");

/**
 * What `findPeer` would resolve to, at once, without a copy: the storage's
 * own record. Throws what `findPeer` would reject with (a closed storage:
 * SessionClosedError).
 */
export type PeekPeer = (lookup: PeerLookup) => PeerRecord | undefined;

/** A storage with {@linkcode PEEK_PEER}. */
export interface PeekableStorage {
  [PEEK_PEER]: PeekPeer;
}

/** The storage's synchronous lookup, bound, or undefined when it has none. */
export function peekOf(storage: SessionStorage): PeekPeer | undefined {
  const peek = (storage as Partial<PeekableStorage>)[PEEK_PEER];
  return typeof peek === "function" ? peek.bind(storage) : undefined;
}
