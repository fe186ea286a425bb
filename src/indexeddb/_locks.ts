// Session locks across tabs and workers of one origin: the Web Locks API
// (navigator.locks). A lock is held until released, or until the tab that
// holds it goes away. Private to the library.

import { SessionInUseError } from "../errors.ts";
import type { SessionLock } from "../store/_open_sessions.ts";

/** The part of `navigator.locks` (LockManager) used here. */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
}

/** The origin's lock manager, or undefined where there is none. */
export function webLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } })
    .navigator;
  return nav?.locks;
}

/** One exclusive Web Lock per session: `<prefix><id>`. */
export class WebSessionLocks implements SessionLock {
  #locks: LockManagerLike;
  #prefix: string;
  #held = new Map<string, () => void>();

  constructor(locks: LockManagerLike, prefix: string) {
    this.#locks = locks;
    this.#prefix = prefix;
  }

  async acquire(id: string, waitMs: number, label: string): Promise<void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const signal = waitMs > 0 ? AbortSignal.timeout(waitMs) : undefined;
    const got = await new Promise<boolean>((resolve, reject) => {
      this.#locks.request(
        this.#prefix + id,
        signal === undefined ? { ifAvailable: true } : { signal },
        (lock) => {
          if (lock === null) {
            resolve(false);
            return undefined;
          }
          resolve(true);
          return held;
        },
      ).catch((e: unknown) => {
        if (signal?.aborted) resolve(false);
        else reject(e);
      });
    });
    if (!got) throw new SessionInUseError(label);
    this.#held.set(id, release);
  }

  release(id: string): Promise<void> {
    this.#held.get(id)?.();
    this.#held.delete(id);
    return Promise.resolve();
  }

  /** Releases every lock this holds. */
  releaseAll(): void {
    for (const release of this.#held.values()) release();
    this.#held.clear();
  }
}
