// The open/closed checks every storage makes before it touches its data.
// Private to the library.

import { SessionClosedError } from "../errors.ts";
import type { PeerRecord } from "../types.ts";
import { type Explain, reportRefused } from "./_refused.ts";
import type { Refused } from "./_write_behind.ts";

/** Throws SessionClosedError naming `what` when the storage is closed. */
export function checkOpen(closed: boolean, what: string): void {
  if (closed) throw new SessionClosedError(what);
}

/**
 * Runs synchronous work of an open storage as a promise: a closed storage
 * rejects with SessionClosedError, and what `fn` throws becomes the
 * rejection (passed through `typed`, which may give it a typed error).
 */
export function runOpen<T>(
  closed: boolean,
  what: string,
  fn: () => T,
  typed?: (e: unknown) => unknown,
): Promise<T> {
  try {
    checkOpen(closed, what);
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(typed === undefined ? e : typed(e));
  }
}

/** What a storage has batched its peer writes in (a WriteBehind). */
interface Queue {
  flush(): Promise<void>;
  clear(): Promise<void>;
  takeRefused(): Refused<PeerRecord>[];
}

/**
 * The lifecycle of an asynchronous storage with batched writes (PostgreSQL,
 * Deno KV): open until closed or destroyed; closing writes what waits and
 * then releases the storage whatever the write did, so that a storage that
 * cannot be used again never stays locked. Peers the backend refused are
 * reported by the next flush or close.
 */
export class QueuedLifecycle {
  #queue: Queue;
  #release: (() => Promise<void> | void) | undefined;
  #report: () => void;
  #closed = false;

  /**
   * @param queue The storage's batch queue.
   * @param release Called once the storage is closed or destroyed.
   * @param storage The backend's name, and how it explains a peer it
   * refused (see PeerRefusedError).
   */
  constructor(
    queue: Queue,
    release: (() => Promise<void> | void) | undefined,
    storage: string,
    explain: Explain,
  ) {
    this.#queue = queue;
    this.#release = release;
    this.#report = () => reportRefused(storage, queue.takeRefused(), explain);
  }

  /** Throws SessionClosedError naming `what` once closed. */
  check(what: string): void {
    checkOpen(this.#closed, what);
  }

  /**
   * Writes what waits (a batch that failed before is written again), then
   * reports the peers the backend refused since the last report.
   */
  async flush(): Promise<void> {
    this.check("save");
    await this.#queue.flush();
    this.#report();
  }

  /** Writes what waits, then releases; a second call does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#queue.flush();
    } finally {
      await this.#release?.();
    }
    this.#report();
  }

  /** Drops what waits, removes what is stored (`remove`), then releases. */
  async destroy(remove: () => Promise<void>): Promise<void> {
    this.check("delete the session");
    this.#closed = true;
    try {
      await this.#queue.clear();
      await remove();
    } finally {
      await this.#release?.();
    }
  }
}

/**
 * The queue of a storage that batches peers and message references in
 * two: a flush writes both (and fails with the first failure, after both
 * ran); only peers are ever refused (a reference is a few numbers).
 */
export function peerAndRefQueues(
  peers: Queue,
  refs: { flush(): Promise<void>; clear(): Promise<void> },
): Queue {
  return {
    async flush(): Promise<void> {
      const [a, b] = await Promise.allSettled([refs.flush(), peers.flush()]);
      if (a.status === "rejected") throw a.reason;
      if (b.status === "rejected") throw b.reason;
    },
    async clear(): Promise<void> {
      await Promise.all([refs.clear(), peers.clear()]);
    },
    takeRefused: () => peers.takeRefused(),
  };
}
