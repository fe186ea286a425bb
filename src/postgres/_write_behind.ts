// A write-behind queue for asynchronous backends (PostgreSQL, Deno KV):
// items wait at most `flushDelayMs`, or until `maxBatch` of them wait, and
// are written one batch at a time. `flush()` returns once everything added
// before the call is written (or rejects with the write's error; the batch
// is then kept and retried by the next flush). A failure of a background
// write is kept for `takeFailure()`.

/** Batching limits. */
import { unrefTimer } from "../_timer.ts";

export interface WriteBehindOptions {
  /** Longest wait before a batch is written (ms, default 1000). */
  flushDelayMs?: number;
  /** Write as soon as this many items wait (default 2000). */
  maxBatch?: number;
}

/** The queue; `write` gets each batch in order, never two at once. */
export class WriteBehind<T> {
  #write: (batch: T[]) => Promise<void>;
  #delay: number;
  #max: number;
  #pending: T[] = [];
  #writing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failure: unknown = undefined;

  constructor(
    write: (batch: T[]) => Promise<void>,
    options: WriteBehindOptions = {},
  ) {
    this.#write = write;
    this.#delay = Math.max(0, options.flushDelayMs ?? 1000);
    this.#max = Math.max(1, options.maxBatch ?? 2000);
  }

  /** How many items wait. */
  get size(): number {
    return this.#pending.length;
  }

  /** Queues items; writes at once (and waits) when the batch is full. */
  async add(items: readonly T[]): Promise<void> {
    for (const item of items) this.#pending.push(item);
    if (this.#pending.length >= this.#max) await this.flush();
    else if (this.#pending.length > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((e) => {
        this.#failure ??= e;
      });
    }, this.#delay);
    unrefTimer(this.#timer);
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    this.#stopTimer();
    while (this.#writing !== undefined) {
      await this.#writing.catch(() => {});
    }
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    const run = this.#write(batch).catch((e) => {
      this.#pending = batch.concat(this.#pending);
      throw e;
    });
    this.#writing = run;
    try {
      await run;
    } finally {
      if (this.#writing === run) this.#writing = undefined;
    }
  }

  /** The error of a failed background write, once; then forgets it. */
  takeFailure(): unknown {
    const f = this.#failure;
    this.#failure = undefined;
    return f;
  }

  /** Drops everything queued (the data is being deleted). */
  async clear(): Promise<void> {
    this.#stopTimer();
    this.#pending = [];
    while (this.#writing !== undefined) {
      await this.#writing.catch(() => {});
    }
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
