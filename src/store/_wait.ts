// How long an opener waits for a lock, from its `wait` option: shared by
// the opener of session files and the stores. Private to the library.

/**
 * Milliseconds to wait for a session's lock: `true` is 30 s, a number is
 * that many, anything else none.
 */
export function waitMs(wait: boolean | number | undefined): number {
  if (wait === true) return 30_000;
  if (typeof wait === "number" && wait >= 0) return Math.floor(wait);
  return 0;
}
