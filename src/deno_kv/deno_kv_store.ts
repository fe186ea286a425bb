/**
 * Many sessions in one Deno KV database, keyed by id: a
 * {@linkcode SessionStore}. A session is open in one place at a time: the
 * store holds a lease on it (a KV entry renewed while the session is
 * open), so a second process, isolate or store gets
 * {@linkcode SessionInUseError}. A lease not renewed (its holder crashed)
 * lapses after `leaseMs`.
 *
 * @module
 */

import { SessionInUseError } from "../errors.ts";
import { redactInspect } from "../_redacted.ts";
import { unrefTimer } from "../_timer.ts";
import type { Session, SessionOptions } from "../session.ts";
import { OpenSessions, reportFirst } from "../store/_open_sessions.ts";
import { batchOptions } from "../backend/_write_behind.ts";
import type { SessionStore, StoreOpenOptions } from "../store/store.ts";
import {
  deleteSessionKeys,
  DenoKvStorage,
  type DenoKvStorageOptions,
  registryKey,
} from "./deno_kv_storage.ts";
import {
  commitAtomic,
  type DenoKvKey,
  type DenoKvLike,
  isDenoKv,
  openDenoKv,
} from "./kv.ts";

/**
 * Options for {@linkcode openDenoKvStore}.
 *
 * @example Usage
 * ```ts
 * import type { DenoKvStoreOptions } from "@mtsession/mtsession/deno-kv";
 *
 * const options: DenoKvStoreOptions = {
 *   prefix: "bots", // keys ["bots", sessionId, …]
 *   wait: 20_000, // wait for a lease held elsewhere
 *   leaseMs: 10_000, // a crashed holder keeps others out at most 10 s
 * };
 * void options;
 * ```
 */
export interface DenoKvStoreOptions extends SessionOptions {
  /** The first part of every key (default `"mtsession"`). */
  prefix?: string;
  /**
   * Whether a session may be open in one place only (default `true`). With
   * `false` no lease is taken; concurrent writers of one session still
   * merge safely. Never run one Telegram login in two places.
   */
  exclusive?: boolean;
  /**
   * When a session is open elsewhere: `false` (default) fails at once with
   * `SessionInUseError`; `true` waits up to 30 s; a number waits that many
   * milliseconds.
   */
  wait?: boolean | number;
  /**
   * How long a lease lasts without renewal, in ms (default 15000): the
   * longest a crashed holder keeps others out. Renewed every third of it.
   */
  leaseMs?: number;
  /** Longest delay before batched peer writes are written (ms, default 1000). */
  flushDelayMs?: number;
  /** Write the batch once this many peers wait (default 2000). */
  maxBatch?: number;
}

/**
 * Options for one session of a store.
 *
 * @example Usage
 * ```ts
 * import type { DenoKvOpenOptions } from "@mtsession/mtsession/deno-kv";
 *
 * const options: DenoKvOpenOptions = { wait: 5000 };
 * void options;
 * ```
 */
export interface DenoKvOpenOptions extends StoreOpenOptions {
  /** Overrides the store's `wait` for this session. */
  wait?: boolean | number;
}

interface Lease {
  readonly owner: string;
  readonly until: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Leases on sessions, one KV entry each, renewed on a timer. */
class Leases {
  #kv: DenoKvLike;
  #prefix: string;
  #ms: number;
  #owner = `${Date.now().toString(36)}-${
    Math.random().toString(36).slice(2, 12)
  }`;
  #timers = new Map<string, ReturnType<typeof setInterval>>();

  constructor(kv: DenoKvLike, prefix: string, ms: number) {
    this.#kv = kv;
    this.#prefix = prefix;
    this.#ms = Math.max(1000, ms);
  }

  #key(id: string): DenoKvKey {
    return [this.#prefix, id, "lock"];
  }

  async acquire(id: string, ms: number, label: string): Promise<void> {
    const key = this.#key(id);
    const deadline = Date.now() + ms;
    for (let delay = 20;; delay = Math.min(delay * 2, 250)) {
      const e = await this.#kv.get(key);
      const lease = e.value as Lease | null;
      if (lease === null || lease.until <= Date.now()) {
        const result = await commitAtomic(() =>
          this.#kv.atomic().check(e).set(
            key,
            { owner: this.#owner, until: Date.now() + this.#ms },
            { expireIn: this.#ms },
          )
        );
        if (result.ok) {
          this.#renewEvery(id);
          return;
        }
        continue; // someone else got in first: look again
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new SessionInUseError(label);
      await sleep(Math.min(delay, left));
    }
  }

  #renewEvery(id: string): void {
    const timer = setInterval(() => {
      this.#renew(id).catch(() => {});
    }, Math.floor(this.#ms / 3));
    unrefTimer(timer);
    this.#timers.set(id, timer);
  }

  async #renew(id: string): Promise<void> {
    const key = this.#key(id);
    const e = await this.#kv.get(key);
    if ((e.value as Lease | null)?.owner !== this.#owner) return; // lost
    await commitAtomic(() =>
      this.#kv.atomic().check(e).set(
        key,
        { owner: this.#owner, until: Date.now() + this.#ms },
        { expireIn: this.#ms },
      )
    );
  }

  async release(id: string): Promise<void> {
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearInterval(timer);
    this.#timers.delete(id);
    const key = this.#key(id);
    try {
      for (let attempt = 0; attempt < 10; attempt++) {
        const e = await this.#kv.get(key);
        if ((e.value as Lease | null)?.owner !== this.#owner) return;
        const result = await commitAtomic(() =>
          this.#kv.atomic().check(e).delete(key)
        );
        if (result.ok) return;
      }
    } catch {
      // The database is gone; the lease lapses by itself.
    }
  }

  stop(): void {
    for (const t of this.#timers.values()) clearInterval(t);
    this.#timers.clear();
  }
}

/**
 * Many sessions in one Deno KV database, each isolated from the others (a
 * {@linkcode SessionStore}: the guarantees listed there hold). Open it
 * with {@linkcode openDenoKvStore}.
 *
 * @example Usage
 * ```ts ignore
 * import { openDenoKvStore } from "@mtsession/mtsession/deno-kv";
 *
 * await using store = await openDenoKvStore("./sessions.kv");
 * const alice = await store.open("alice");
 * await alice.setDc(2, "149.154.167.51", 443);
 * console.log(await store.list()); // ["alice"]
 * await alice.close();
 * await store.delete("alice");
 * ```
 */
export class DenoKvStore implements SessionStore {
  #kv: DenoKvLike;
  #owned: boolean;
  #prefix: string;
  #label: string;
  #options: DenoKvStoreOptions;
  #leases: Leases;
  #sessions: OpenSessions;

  static {
    redactInspect(this);
  }

  /**
   * Wraps an open database; use {@linkcode openDenoKvStore}.
   *
   * @param kv The database.
   * @param owned Whether closing the store closes the database.
   * @param label How to name the database in messages.
   * @param options Options every session opened from it gets.
   */
  constructor(
    kv: DenoKvLike,
    owned: boolean,
    label: string,
    options: DenoKvStoreOptions,
  ) {
    this.#kv = kv;
    this.#owned = owned;
    this.#prefix = options.prefix ?? "mtsession";
    this.#label = label;
    this.#options = options;
    const prefix = this.#prefix;
    const leases = this.#leases = new Leases(
      kv,
      prefix,
      options.leaseMs ?? 15_000,
    );
    const name = (id: string): string => `${label}#${prefix}/${id}`;
    this.#sessions = new OpenSessions({
      lock: (options.exclusive ?? true) ? leases : undefined,
      label: name,
      register: async (id) => {
        const reg = registryKey(prefix, id);
        await commitAtomic(() =>
          kv.atomic().check({ key: reg, versionstamp: null }).set(
            reg,
            { createdAt: Math.floor(Date.now() / 1000) },
          )
        );
      },
      storage: (id, onClose) => {
        const storageOptions: DenoKvStorageOptions = {
          prefix,
          label: name(id),
          onClose,
          ...batchOptions(options),
        };
        return new DenoKvStorage(kv, id, storageOptions);
      },
      remove: (id) => deleteSessionKeys(kv, prefix, id),
    });
  }

  /**
   * Opens (creating if needed) one session of the store.
   *
   * @param id The session's id: any non-empty text up to 255 characters.
   * @param options Session options, and `wait` for this session.
   * @returns The session.
   * @throws {SessionInUseError} When the session is open here or
   * elsewhere (and `wait` ran out).
   */
  async open(id: string, options: DenoKvOpenOptions = {}): Promise<Session> {
    return await this.#sessions.open(id, options, this.#options);
  }

  /**
   * Ids of every session in the store, sorted.
   *
   * @returns The ids.
   */
  async list(): Promise<string[]> {
    this.#sessions.check("list sessions");
    const out: string[] = [];
    for await (
      const e of this.#kv.list({ prefix: [`${this.#prefix}:sessions`] })
    ) {
      out.push(String(e.key[1]));
    }
    return out.sort();
  }

  /**
   * Deletes a session and everything it stored.
   *
   * @param id The session's id.
   * @throws {SessionInUseError} When the session is open, here or
   * elsewhere.
   */
  async delete(id: string): Promise<void> {
    await this.#sessions.delete(id);
  }

  /**
   * Closes every open session of the store, and the database when the
   * store opened it (a `Kv` you passed is left open).
   */
  async close(): Promise<void> {
    const errors = await this.#sessions.closeAll();
    if (errors === undefined) return;
    this.#leases.stop();
    if (this.#owned) this.#kv.close();
    reportFirst(errors);
  }

  /** Closes the store (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * A short description.
   *
   * @returns E.g. `DenoKvStore(sessions.kv, 2 open)`.
   */
  toString(): string {
    return `DenoKvStore(${this.#label}, ${this.#sessions.size} open)`;
  }

  /**
   * What `JSON.stringify` shows.
   *
   * @returns A summary.
   */
  toJSON(): { kind: string; label: string; open: number } {
    return { kind: "deno-kv", label: this.#label, open: this.#sessions.size };
  }
}

/**
 * Opens a store of many sessions in Deno KV.
 *
 * - no argument: Deno's default database (on Deno Deploy, the project's
 *   KV);
 * - a path (or `":memory:"`): that local database, closed with the store;
 * - a `Kv` you opened (`Deno.openKv`, or `openKv` of the `@deno/kv` npm
 *   package on Node and Bun): used as is and left open.
 *
 * `Deno.openKv` needs `--unstable-kv` (or `"unstable": ["kv"]` in
 * deno.json); without it, and on Node or Bun without a `Kv`, this throws
 * `DenoKvUnavailableError`.
 *
 * @param target A path, a `Kv`, or nothing for the default database.
 * @param options Key prefix, locking and batching options.
 * @returns The store.
 * @throws {DenoKvUnavailableError} When Deno KV cannot be opened here.
 *
 * @example Usage
 * ```ts ignore
 * import { openDenoKvStore } from "@mtsession/mtsession/deno-kv";
 *
 * await using store = await openDenoKvStore(); // Deno Deploy: the project's KV
 * await using session = await store.open("my_bot");
 * await session.processEntities({ _: "user", id: 42, accessHash: -(2n ** 63n), username: "answer" });
 * console.log(await session.getInputPeer("@answer"));
 * ```
 */
export async function openDenoKvStore(
  target?: string | DenoKvLike,
  options: DenoKvStoreOptions = {},
): Promise<DenoKvStore> {
  if (target === undefined || typeof target === "string") {
    const kv = await openDenoKv(target);
    return new DenoKvStore(kv, true, target ?? "(default KV)", options);
  }
  if (!isDenoKv(target)) {
    throw new TypeError(
      "Expected a Deno KV path, a Deno.Kv, or nothing (the default database)",
    );
  }
  return new DenoKvStore(target, false, "(your KV)", options);
}
