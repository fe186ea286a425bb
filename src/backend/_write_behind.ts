// The write-behind queue every backend batches its peer writes in (SQLite,
// PostgreSQL, Deno KV): items wait at most `flushDelayMs`, or until
// `maxBatch` of them wait, and are written one batch at a time. A batch
// whose write fails is kept, in front, for the next flush; a successful
// write makes an earlier background failure moot.
//
// When the backend says a failure is about the data (`refuses`), the batch
// is split and written in halves, down to the item that fails alone: that
// item is left out and kept for `takeRefused()`, and every other item is
// written. Private to the library.

import { unrefTimer } from "../_timer.ts";

/** Batching limits. */
export interface WriteBehindOptions {
  /** Longest wait before a batch is written (ms, default 1000). */
  flushDelayMs?: number;
  /** Write as soon as this many items wait (default 2000). */
  maxBatch?: number;
}

/** The batch settings of some options, leaving out what is unset. */
export function batchOptions(options: WriteBehindOptions): WriteBehindOptions {
  const out: WriteBehindOptions = {};
  if (options.flushDelayMs !== undefined) {
    out.flushDelayMs = options.flushDelayMs;
  }
  if (options.maxBatch !== undefined) out.maxBatch = options.maxBatch;
  return out;
}

/** An item a backend could not hold, and the error it gave. */
export interface Refused<T> {
  readonly item: T;
  readonly error: unknown;
}

/** A write that stopped: what was not written, and why. */
class Unwritten<T> {
  readonly error: unknown;
  readonly rest: T[];
  constructor(error: unknown, rest: T[]) {
    this.error = error;
    this.rest = rest;
  }
}

/**
 * The queue. `write` gets each batch in order, never two at once. A
 * synchronous `write` (SQLite) may also be driven by `flushSync()`, so
 * that a read sees every write without awaiting.
 */
export class WriteBehind<T> {
  #write: (batch: T[]) => void | Promise<void>;
  #refuses: (error: unknown) => boolean;
  #delay: number;
  #max: number;
  #pending: T[] = [];
  #writing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failure: unknown = undefined;
  #refused: Refused<T>[] = [];

  /**
   * @param write Writes one batch, in order, atomically.
   * @param options Batching limits.
   * @param refuses Whether an error of `write` is about the data (a value
   * the backend cannot hold), not the backend: the batch is then split to
   * find the items to leave out.
   */
  constructor(
    write: (batch: T[]) => void | Promise<void>,
    options: WriteBehindOptions = {},
    refuses: (error: unknown) => boolean = () => false,
  ) {
    this.#write = write;
    this.#refuses = refuses;
    this.#delay = Math.max(0, options.flushDelayMs ?? 1000);
    this.#max = Math.max(1, options.maxBatch ?? 2000);
  }

  /** The items left out since the last call, once; then forgets them. */
  takeRefused(): Refused<T>[] {
    const refused = this.#refused;
    this.#refused = [];
    return refused;
  }

  // A chunk's write failed with `e`: split it, or leave its single item
  // out, when the failure is about the data; stop (Unwritten) otherwise.
  #failed(chunk: T[], chunks: T[][], e: unknown): void {
    if (!this.#refuses(e)) throw new Unwritten(e, [chunk, ...chunks].flat());
    if (chunk.length === 1) {
      this.#refused.push({ item: chunk[0]!, error: e });
      return;
    }
    const mid = chunk.length >> 1;
    chunks.unshift(chunk.slice(0, mid), chunk.slice(mid));
  }

  #writeSync(batch: T[]): void {
    const chunks = [batch];
    while (chunks.length > 0) {
      const chunk = chunks.shift()!;
      try {
        if (this.#write(chunk) !== undefined) {
          throw new TypeError("flushSync() needs a synchronous writer");
        }
      } catch (e) {
        this.#failed(chunk, chunks, e);
      }
    }
  }

  async #writeAsync(batch: T[]): Promise<void> {
    const chunks = [batch];
    while (chunks.length > 0) {
      const chunk = chunks.shift()!;
      try {
        await this.#write(chunk);
      } catch (e) {
        this.#failed(chunk, chunks, e);
      }
    }
  }

  /** How many items wait. */
  get size(): number {
    return this.#pending.length;
  }

  /** Whether as many items wait as a batch holds. */
  get full(): boolean {
    return this.#pending.length >= this.#max;
  }

  /** Queues items and starts the delay; writes nothing. */
  push(items: readonly T[]): void {
    for (const item of items) this.#pending.push(item);
    if (this.#pending.length > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush().catch((e: unknown) => {
          this.#failure ??= e;
        });
      }, this.#delay);
      unrefTimer(this.#timer);
    }
  }

  /** Queues items; writes at once (and waits) when the batch is full. */
  async add(items: readonly T[]): Promise<void> {
    this.push(items);
    if (this.full) await this.flush();
  }

  #take(): T[] {
    this.stop();
    const batch = this.#pending;
    this.#pending = [];
    return batch;
  }

  #restore(batch: T[]): void {
    this.#pending = batch.concat(this.#pending);
  }

  /**
   * Writes everything queued, synchronously: only for a synchronous
   * `write`. Throws what the write threw (the batch is kept).
   */
  flushSync(): void {
    if (this.#pending.length === 0) {
      this.stop();
      return;
    }
    const batch = this.#take();
    try {
      this.#writeSync(batch);
    } catch (e) {
      if (!(e instanceof Unwritten)) throw e;
      this.#restore(e.rest as T[]);
      throw e.error;
    }
    this.#failure = undefined;
  }

  /** Writes everything queued so far; rejects with the write's error. */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) {
      await this.#writing.catch(() => {});
    }
    if (this.#pending.length === 0) {
      this.stop();
      return;
    }
    const batch = this.#take();
    const run = (async () => {
      try {
        await this.#writeAsync(batch);
      } catch (e) {
        if (!(e instanceof Unwritten)) throw e;
        this.#restore(e.rest as T[]);
        throw e.error;
      }
    })();
    this.#writing = run;
    try {
      await run;
      if (this.#pending.length === 0) this.#failure = undefined;
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
    this.stop();
    this.#pending = [];
    this.#refused = [];
    while (this.#writing !== undefined) {
      await this.#writing.catch(() => {});
    }
  }

  /** Stops the delay timer (what waits stays queued). */
  stop(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
