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
