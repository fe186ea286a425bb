// Writes started without waiting (a property setter, a synchronous client
// callback) whose outcome is reported later: the first failure is kept
// until someone waits for them all. Private to the library.

import { SessionError } from "./errors.ts";

/** Writes in flight, and the first failure among them not yet reported. */
export class PendingWrites {
  #pending = new Set<Promise<void>>();
  #failure: unknown = undefined;

  /** Follows a write; its failure is kept for `settle()`. */
  track(write: Promise<unknown>): void {
    const tracked = write.then(() => {}, (e: unknown) => {
      this.#failure ??= e;
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /**
   * Waits for every write in flight (and those they start). Throws a
   * SessionError saying `message`, caused by the first failure, once.
   */
  async settle(message: string): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    if (this.#failure !== undefined) {
      const cause = this.#failure;
      this.#failure = undefined;
      throw new SessionError(message, { cause });
    }
  }

  /**
   * Waits for every write in flight, whatever their outcome, and forgets
   * their failure (what they wrote is being deleted).
   */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    this.#failure = undefined;
  }
}
