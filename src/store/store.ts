/**
 * The contract of a store of many sessions: one database holding any
 * number of sessions, each under an id. mtsession has three: SQLite
 * (`openSessionStore`), PostgreSQL (`openPostgresStore` in
 * `@mtsession/mtsession/postgres`) and Deno KV (`openDenoKvStore` in
 * `@mtsession/mtsession/deno-kv`).
 *
 * @module
 */

import type { Session, SessionOptions } from "../session.ts";

/**
 * What opening one session of a store takes.
 *
 * @example Usage
 * ```ts
 * import type { StoreOpenOptions } from "@mtsession/mtsession";
 *
 * const options: StoreOpenOptions = { wait: 5000, saveEntities: false };
 * void options;
 * ```
 */
export interface StoreOpenOptions extends SessionOptions {
  /**
   * When the session is open elsewhere (another process, or another store
   * on the same database): `false` fails at once with `SessionInUseError`;
   * `true` waits up to 30 s; a number waits that many milliseconds. The
   * default is the store's own `wait`. A store that holds its whole
   * database (SQLite) has no elsewhere, and ignores it.
   */
  wait?: boolean | number;
}

/**
 * Many sessions in one database, each under an id and isolated from the
 * others. Code written against this interface runs on any of mtsession's
 * stores.
 *
 * What every store guarantees (the store conformance suite in `tests/`
 * checks each of these on every backend):
 * - `open(id)` creates the session when the id is new and returns what was
 *   stored under it otherwise: a store closed and opened again keeps every
 *   session's data.
 * - Sessions are isolated: one session's peers, usernames, phones, update
 *   states and files are never seen by another.
 * - A session is open once per store: a second `open(id)` while it is open,
 *   or being opened (two opens racing), fails with `SessionInUseError`;
 *   exactly one of racing opens wins. Stores shared between processes
 *   extend this across processes (see each store's own documentation).
 * - An id is non-empty text of at most 255 characters; anything else is a
 *   `TypeError`.
 * - `delete(id)` removes everything the session stored; it fails with
 *   `SessionInUseError` while the session is open. The id may be opened
 *   again afterwards, as a new, empty session.
 * - `close()` closes every open session, each whatever the others did,
 *   then releases the store's database; when closing a session failed, it
 *   rejects with the first failure, once everything is released. A second
 *   `close()` does nothing. On a closed store `open`, `list` and `delete`
 *   reject with a `SessionError`.
 * - `toString()`, `toJSON()` and the inspect hooks name the store and how
 *   many sessions are open, never a secret (no password of a connection
 *   URL, no auth key, no phone number).
 *
 * @example Code that runs on any store
 * ```ts
 * import { openSessionStore, type SessionStore } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 * import { mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * async function moveTo(store: SessionStore, id: string, dc: number): Promise<void> {
 *   await using session = await store.open(id);
 *   await session.setDc(dc, "149.154.167.51", 443);
 * }
 *
 * const dir = mkdtempSync(join(tmpdir(), "mts-"));
 * const store: SessionStore = await openSessionStore(join(dir, "bots.db"));
 * await moveTo(store, "alice", 2);
 * assert.deepEqual(await store.list(), ["alice"]);
 * assert.match(String(store), /0 open/);
 * const alice = await store.open("alice");
 * assert.equal(alice.dcId, 2);
 * assert.deepEqual(JSON.parse(JSON.stringify(store)).open, 1);
 * await store.close();
 * assert.equal(alice.closed, true);
 * rmSync(dir, { recursive: true });
 * ```
 */
export interface SessionStore {
  /**
   * Opens (creating if needed) one session of the store.
   *
   * @param id The session's id: any non-empty text up to 255 characters.
   * @param options Session options, and how long to wait for it.
   * @returns The session; closing it makes the id free to open again.
   * @throws {SessionInUseError} When the session is open already (and
   * `wait` ran out).
   * @throws {TypeError} When `id` is not a valid id.
   */
  open(id: string, options?: StoreOpenOptions): Promise<Session>;

  /**
   * Ids of every session in the store, sorted.
   *
   * @returns The ids.
   */
  list(): Promise<string[]>;

  /**
   * Deletes a session and everything it stored.
   *
   * @param id The session's id.
   * @throws {SessionInUseError} When the session is open.
   */
  delete(id: string): Promise<void>;

  /**
   * Closes every open session, then the store; rejects with the first
   * failure of closing a session, after everything is released.
   */
  close(): Promise<void>;

  /** Closes the store (for `await using`). */
  [Symbol.asyncDispose](): Promise<void>;

  /**
   * A short description without secrets.
   *
   * @returns E.g. `SqliteSessionStore(bots.db, 2 open)`.
   */
  toString(): string;

  /**
   * What `JSON.stringify` shows: the kind of store and how many sessions
   * are open (a store adds where it is), never a secret.
   *
   * @returns A redacted summary.
   */
  toJSON(): { kind: string; open: number };
}
