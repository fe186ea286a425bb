// The bookkeeping every store of many sessions shares (SQLite, PostgreSQL,
// Deno KV): which sessions are open here or being opened, the per-session
// exclusive lock around opening and deleting, and closing them all. The
// backend says how to lock, record, build the storage of, and remove one
// session. The rules it keeps are those promised by the public SessionStore
// interface (./store.ts). Private to the library.

import type { WriteBehindOptions } from "../backend/_write_behind.ts";
import { SessionError, SessionInUseError } from "../errors.ts";
import { Session } from "../session.ts";
import type { SessionStorage } from "../storage.ts";
import type { StoreOpenOptions } from "./store.ts";
import { waitMs } from "./_wait.ts";

/** One exclusive lock per session id, held across processes. */
export interface SessionLock {
  /** Takes the lock, waiting up to `waitMs`; else SessionInUseError. */
  acquire(id: string, waitMs: number, label: string): Promise<void>;
  /** Gives it back. */
  release(id: string): Promise<void>;
}

/** What a store does for one session, below the shared bookkeeping. */
export interface StoreBackend {
  /** The lock, or undefined when the store was opened non-exclusive. */
  readonly lock: SessionLock | undefined;
  /** A printable name for a session (no secret). */
  label(id: string): string;
  /** Records the session in the store if it is new. */
  register(id: string): Promise<void>;
  /** The session's storage; its close() must call `onClose`. */
  storage(id: string, onClose: () => Promise<void>): SessionStorage;
  /** Deletes everything the session stored. */
  remove(id: string): Promise<void>;
}

/** Throws unless `id` is non-empty text of at most 255 characters. */
export function checkSessionId(id: unknown): void {
  if (typeof id !== "string" || id.length === 0 || id.length > 255) {
    throw new TypeError(
      "Expected a session id: non-empty text of at most 255 characters",
    );
  }
}

/** The write-behind settings a store passes on to each session's storage. */
export type BatchOptions = WriteBehindOptions;

/** The sessions a store has open, and the rules for opening and deleting. */
export class OpenSessions {
  #backend: StoreBackend;
  #open = new Map<string, Session>();
  #opening = new Set<string>();
  #closed = false;

  constructor(backend: StoreBackend) {
    this.#backend = backend;
  }

  /** How many sessions are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Throws when the store is closed. */
  check(what: string): void {
    if (this.#closed) {
      throw new SessionError(`Cannot ${what}: the store is closed`);
    }
  }

  #claim(id: string, what: string): void {
    this.check(what);
    checkSessionId(id);
    if (this.#open.has(id) || this.#opening.has(id)) {
      throw new SessionInUseError(this.#backend.label(id));
    }
    this.#opening.add(id);
  }

  /**
   * Opens (creating if needed) one session, under its lock; `options`
   * override the store's `defaults`.
   */
  async open(
    id: string,
    options: StoreOpenOptions,
    defaults: StoreOpenOptions,
  ): Promise<Session> {
    this.#claim(id, "open a session");
    const wait = waitMs(options.wait ?? defaults.wait);
    const saveEntities = options.saveEntities ?? defaults.saveEntities;
    const backend = this.#backend;
    const lock = backend.lock;
    let locked = false;
    try {
      if (lock !== undefined) {
        await lock.acquire(id, wait, backend.label(id));
        locked = true;
      }
      await backend.register(id);
      const storage = backend.storage(id, async () => {
        this.#open.delete(id);
        if (locked) {
          locked = false;
          await lock!.release(id);
        }
      });
      const session = await Session.open(
        storage,
        saveEntities === undefined ? {} : { saveEntities },
      );
      this.#open.set(id, session);
      return session;
    } catch (e) {
      if (locked) await lock!.release(id);
      throw e;
    } finally {
      this.#opening.delete(id);
    }
  }

  /** Deletes a session that is open nowhere (its lock taken at once). */
  async delete(id: string): Promise<void> {
    this.#claim(id, "delete a session");
    const backend = this.#backend;
    try {
      if (backend.lock === undefined) {
        await backend.remove(id);
        return;
      }
      await backend.lock.acquire(id, 0, backend.label(id));
      try {
        await backend.remove(id);
      } finally {
        await backend.lock.release(id);
      }
    } finally {
      this.#opening.delete(id);
    }
  }

  /**
   * Marks the store closed and closes every open session, each whatever
   * the others did. Returns what they threw (the caller releases its
   * backend, then reports the first), or undefined when the store was
   * closed already.
   */
  async closeAll(): Promise<unknown[] | undefined> {
    if (this.#closed) return undefined;
    this.#closed = true;
    const results = await Promise.allSettled(
      [...this.#open.values()].map((s) => s.close()),
    );
    return results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
  }
}

/**
 * Throws the first of `errors`, if any: what closing a store's sessions
 * threw, reported once the store has released everything.
 */
export function reportFirst(errors: readonly unknown[]): void {
  if (errors.length > 0) throw errors[0];
}
