// The write-behind queue every backend batches its peer writes in (SQLite,
// PostgreSQL, Deno KV): items wait at most `flushDelayMs`, or until
// `maxBatch` of them wait, and are written one batch at a time. A batch
// whose write fails is kept, in front, for the next flush; a successful
// write makes an earlier background failure moot.
//
// When the backend says a failure is about the data (`refuses`), the batch
// is split and written in halves, down to the item that fails alone: that
// item is left out and kept for `takeRefused()`, and every other item is
// written.
//
// A synchronous writer (SQLite) can be time-sliced (`slice`): `flush()`
// then writes whole queued batches in chunks sized to take about
// `budgetMs` each, and lets the event loop turn between chunks, so that no
// task of the flush blocks it for long. A batch pushed by one `push()` is
// never split across chunks. Each chunk is a transaction of its own, or,
// with a `hold`, a savepoint in one transaction kept open across chunks
// and committed in a task of its own when the hold says it is due and at
// the end of the flush: the chunks then share a commit. What a held
// transaction wrote leaves the queue only when it commits: a failed commit
// (or a transaction SQLite rolled back) puts its items back in front.
// Private to the library.

import { unrefTimer } from "../_timer.ts";

/** Batching limits. */
export interface WriteBehindOptions {
  /** Longest wait before a batch is written (ms, default 1000). */
  flushDelayMs?: number;
  /** Write as soon as this many items wait (default 2000). */
  maxBatch?: number;
}

/** How a synchronous writer's `flush()` is time-sliced. */
export interface SliceOptions {
  /** About how long one chunk (one `write` call) may take, in ms. */
  budgetMs: number;
  /**
   * Runs after each chunk, before the next, in a task of its own (e.g. a
   * checkpoint); what it throws is the flush's failure.
   */
  between?: () => void | Promise<void>;
  /**
   * Keeps one transaction open across chunks: `between` then runs after
   * each commit instead of after each chunk.
   */
  hold?: Hold;
}

/** One transaction a synchronous writer keeps open across chunks. */
export interface Hold {
  /** Whether a transaction is open. */
  readonly open: boolean;
  /**
   * Runs `write` (one chunk) in the open transaction, opening one when none
   * is. When `write` throws, nothing of the chunk is left (a savepoint);
   * `open` then tells whether what the transaction held before is still
   * there (false: SQLite rolled the whole of it back).
   *
   * @param items How many queued items the chunk writes.
   */
  run(write: () => void, items: number): void;
  /** Whether the open transaction should be committed now. */
  due(): boolean;
  /**
   * Commits the open transaction (nothing when none is). When it throws,
   * nothing the transaction held was written.
   */
  commit(): void;
}

/** A held transaction SQLite rolled back while a chunk failed in it. */
class HeldLost {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

// setImmediate where the runtime has it (Node, Bun, Deno); a browser has
// none: a zero timeout there.
const later: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ??
    ((fn) => void setTimeout(fn, 0));

/** Lets the event loop turn once (timers and I/O run). */
export function turn(): Promise<void> {
  return new Promise((resolve) => later(resolve));
}

/** One `push()`: written whole, in one `write` call. */
interface Group<T> {
  readonly seq: number;
  readonly items: T[];
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
  #slice: SliceOptions | undefined;
  #pending: Group<T>[] = [];
  #count = 0;
  #seq = 0;
  #writing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failure: unknown = undefined;
  #refused: Refused<T>[] = [];
  /** Items a sliced chunk may hold (measured: items per budget). */
  #chunk = 100;
  /** Chunks written in the held transaction, not yet committed, in order. */
  #held: T[][] = [];

  /**
   * @param write Writes one batch, in order, atomically.
   * @param options Batching limits.
   * @param refuses Whether an error of `write` is about the data (a value
   * the backend cannot hold), not the backend: the batch is then split to
   * find the items to leave out.
   * @param slice For a synchronous `write`: time-slice `flush()`.
   */
  constructor(
    write: (batch: T[]) => void | Promise<void>,
    options: WriteBehindOptions = {},
    refuses: (error: unknown) => boolean = () => false,
    slice?: SliceOptions,
  ) {
    this.#write = write;
    this.#refuses = refuses;
    this.#delay = Math.max(0, options.flushDelayMs ?? 1000);
    this.#max = Math.max(1, options.maxBatch ?? 2000);
    this.#slice = slice;
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
    if (e instanceof HeldLost) {
      throw new Unwritten(e.error, [chunk, ...chunks].flat());
    }
    if (!this.#refuses(e)) throw new Unwritten(e, [chunk, ...chunks].flat());
    if (chunk.length === 1) {
      this.#refused.push({ item: chunk[0]!, error: e });
      return;
    }
    const mid = chunk.length >> 1;
    chunks.unshift(chunk.slice(0, mid), chunk.slice(mid));
  }

  #writeSync(batch: T[], hold: Hold | undefined): void {
    const chunks = [batch];
    while (chunks.length > 0) {
      const chunk = chunks.shift()!;
      try {
        if (hold !== undefined) this.#writeHeld(chunk, hold);
        else if (this.#write(chunk) !== undefined) {
          throw new TypeError("flushSync() needs a synchronous writer");
        }
      } catch (e) {
        this.#failed(chunk, chunks, e);
      }
    }
  }

  // One chunk into the held transaction; its items are held once written.
  // A failure that took the transaction with it is not about the data.
  #writeHeld(chunk: T[], hold: Hold): void {
    const wasOpen = hold.open;
    try {
      hold.run(() => {
        if (this.#write(chunk) !== undefined) {
          throw new TypeError("a held transaction needs a synchronous writer");
        }
      }, chunk.length);
    } catch (e) {
      throw wasOpen && !hold.open ? new HeldLost(e) : e;
    }
    this.#held.push(chunk);
  }

  // The held transaction is gone (rolled back): its items go back in front.
  #loseHeld(): void {
    const held = this.#held;
    this.#held = [];
    this.#restore(held.flat());
  }

  /**
   * Commits the held transaction, if one is open (before another write on
   * the connection, or closing it). When the commit fails, what it held is
   * queued again, in front, and this throws the error.
   */
  commitHeld(): void {
    const hold = this.#slice?.hold;
    if (hold === undefined) return;
    if (!hold.open) {
      // Nothing committed what is held: queued again (none, as a rule).
      this.#loseHeld();
      return;
    }
    try {
      hold.commit();
    } catch (e) {
      this.#loseHeld();
      throw e;
    }
    this.#held = [];
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
    return this.#count;
  }

  /** Whether as many items wait as a batch holds. */
  get full(): boolean {
    return this.#count >= this.#max;
  }

  /** Queues items (one batch, kept whole) and starts the delay. */
  push(items: readonly T[]): void {
    if (items.length > 0) {
      this.#pending.push({ seq: ++this.#seq, items: Array.from(items) });
      this.#count += items.length;
    }
    if (this.#count > 0 && this.#timer === undefined) {
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

  /** Takes whole batches from the front: at least one, up to `limit` items. */
  #take(limit = Infinity): T[] {
    const batch: T[] = [];
    while (this.#pending.length > 0) {
      const next = this.#pending[0]!;
      if (batch.length > 0 && batch.length + next.items.length > limit) break;
      this.#pending.shift();
      for (const item of next.items) batch.push(item);
    }
    this.#count -= batch.length;
    if (this.#pending.length === 0) this.stop();
    return batch;
  }

  // What was not written goes back in front, as one batch (kept whole),
  // older than anything a flush waits for.
  #restore(batch: T[]): void {
    if (batch.length === 0) return;
    this.#pending.unshift({ seq: 0, items: batch });
    this.#count += batch.length;
  }

  /**
   * Writes everything queued, synchronously: only for a synchronous
   * `write`. Throws what the write threw (the batch is kept).
   */
  flushSync(): void {
    if (this.#count === 0) {
      this.stop();
      return;
    }
    // Into the held transaction when one is open (a flush is under way):
    // it commits them.
    const hold = this.#slice?.hold;
    this.#writeTaken(this.#take(), hold?.open === true ? hold : undefined);
    this.#failure = undefined;
  }

  // Writes taken items synchronously; what was not written goes back to
  // the head of the queue, and the write's error is thrown. When the held
  // transaction went with the failure, its items go back before them.
  #writeTaken(batch: T[], hold?: Hold): void {
    try {
      this.#writeSync(batch, hold);
    } catch (e) {
      if (!(e instanceof Unwritten)) throw e;
      this.#restore(e.rest as T[]);
      if (hold !== undefined && !hold.open && this.#held.length > 0) {
        this.#loseHeld();
      }
      throw e.error;
    }
  }

  /** Writes everything queued so far; rejects with the write's error. */
  flush(): Promise<void> {
    return this.#slice === undefined ? this.#flushAsync() : this.#flushSliced(
      this.#slice,
    );
  }

  // Time-sliced: chunks of whole batches, each written in one synchronous
  // write (about budgetMs), the event loop turning between them, until
  // every batch queued before the call is written. No state of the loop is
  // kept across a turn, so a flushSync() (a read) or another flush may run
  // between chunks (into the held transaction, if one is open): batches
  // still go out in order. With a hold, the flush ends with a commit.
  async #flushSliced(slice: SliceOptions): Promise<void> {
    const last = this.#seq;
    const hold = slice.hold;
    try {
      await this.#slices(slice, last);
    } catch (e) {
      // What the chunks before the failure wrote is kept.
      if (hold !== undefined) {
        try {
          this.commitHeld();
        } catch {
          // Queued again; the first error is the one to report.
        }
      }
      throw e;
    }
    if (hold !== undefined && hold.open) {
      await turn();
      this.commitHeld();
      if (slice.between !== undefined) await slice.between();
    }
    if (this.#count === 0) {
      this.stop();
      this.#failure = undefined;
    }
  }

  async #slices(slice: SliceOptions, last: number): Promise<void> {
    const hold = slice.hold;
    while (this.#pending.length > 0 && this.#pending[0]!.seq <= last) {
      // Each chunk in a task of its own (not the caller's).
      await turn();
      // Another flush or a read may have written it meanwhile.
      if (this.#pending.length === 0 || this.#pending[0]!.seq > last) break;
      const batch = this.#take(this.#chunk);
      const start = performance.now();
      this.#writeTaken(batch, hold);
      const ms = performance.now() - start;
      // Items per budget, measured (smoothed): the next chunk's size.
      const fit = ms > 0
        ? (batch.length * slice.budgetMs) / ms
        : 2 * batch.length;
      this.#chunk = Math.max(
        1,
        Math.round((this.#chunk + Math.min(fit, 4 * batch.length)) / 2),
      );
      if (hold !== undefined) {
        if (!hold.due()) continue;
        // The commit in a task of its own, too.
        await turn();
        this.commitHeld();
      }
      if (slice.between !== undefined) await slice.between();
    }
  }

  async #flushAsync(): Promise<void> {
    while (this.#writing !== undefined) {
      await this.#writing.catch(() => {});
    }
    if (this.#count === 0) {
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
      if (this.#count === 0) this.#failure = undefined;
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
    this.#count = 0;
    this.#refused = [];
    this.#held = [];
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
