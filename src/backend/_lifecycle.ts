// The open/closed checks every storage makes before it touches its data.
// Private to the library.

import { SessionClosedError } from "../errors.ts";

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

/** Something that writes what a storage has batched (a WriteBehind). */
interface Queue {
  flush(): Promise<void>;
  clear(): Promise<void>;
}

/**
 * The lifecycle of an asynchronous storage with batched writes (PostgreSQL,
 * Deno KV): open until closed or destroyed; closing writes what waits and
 * then releases the storage whatever the write did, so that a storage that
 * cannot be used again never stays locked.
 */
export class QueuedLifecycle {
  #queue: Queue;
  #release: (() => Promise<void> | void) | undefined;
  #closed = false;

  constructor(queue: Queue, release: (() => Promise<void> | void) | undefined) {
    this.#queue = queue;
    this.#release = release;
  }

  /** Throws SessionClosedError naming `what` once closed. */
  check(what: string): void {
    checkOpen(this.#closed, what);
  }

  /** Writes what waits (a batch that failed before is written again). */
  async flush(): Promise<void> {
    this.check("save");
    await this.#queue.flush();
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
