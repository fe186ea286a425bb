/**
 * Opening sessions: picks the storage from the argument.
 *
 * @module
 */

import type { StringFormat } from "./errors.ts";
import { MemoryStorage } from "./memory/memory_storage.ts";
import { decodedStorage } from "./_string_storage.ts";
import { Session, type SessionOptions } from "./session.ts";
import type { SessionStorage } from "./storage.ts";
import { decodeSessionString } from "./strings/codec.ts";
import type { SqliteSessionOptions } from "./sqlite/session_file.ts";
import type { SqliteSessionStore } from "./sqlite/sqlite_store.ts";

// The SQLite layer loads only when a file is opened, so that memory and
// string sessions run where there is no file system; node:fs loads only
// to create, list, delete or judge a damaged file (see file_probe.ts).
const sqliteFiles = () => import("./sqlite/session_file.ts");

/**
 * Loads the wrapper of the driver the runtime opens files with by default
 * (see _pick_driver.ts) beside the file opener, so that opening a file
 * waits for one round of imports, not two. A failure is left to the
 * opener, which loads the wrapper again and words the error.
 */
function preloadDefaultDriver(
  options: SqliteSessionOptions,
): Promise<unknown> | undefined {
  if (options.driver !== undefined) return undefined;
  const loading = "Bun" in globalThis
    ? import("./sqlite/drivers/bun_sqlite.ts")
    : "Deno" in globalThis
    ? import("./sqlite/drivers/node_sqlite.ts")
    : import("./sqlite/drivers/better_sqlite3.ts");
  return loading.catch(() => undefined);
}

/** Options for opening a session from a session string. */
export interface StringSessionOptions extends SessionOptions {
  /** A session string of any supported format (white space is ignored). */
  string: string;
  /** The passphrase, when the string is an encrypted mtsession string. */
  passphrase?: string;
  /** Read the string as this format only (no detection). */
  format?: StringFormat;
}

const STORAGE_METHODS = [
  "getAuth",
  "setAuth",
  "putPeers",
  "findPeer",
  "listPeers",
  "countPeers",
  "deletePeers",
  "getUpdateStates",
  "putUpdateStates",
  "deleteUpdateStates",
  "getFile",
  "putFiles",
  "listFiles",
  "getDcs",
  "setDcs",
  "getAuthKeys",
  "setAuthKeys",
  "getTempAuthKeys",
  "setTempAuthKeys",
  "getValue",
  "listValues",
  "setValues",
  "putMessageRefs",
  "getMessageRefs",
  "listMessageRefs",
  "deleteMessageRefs",
  "flush",
  "close",
  "destroy",
] as const;

// A storage written against an older contract: most methods are there.
function missingMethods(value: unknown): string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.getAuth !== "function" || typeof o.putPeers !== "function") {
    return undefined;
  }
  return STORAGE_METHODS.filter((m) => typeof o[m] !== "function");
}

/**
 * Whether a value implements {@linkcode SessionStorage} (structurally).
 *
 * @param value Anything.
 * @returns `true` when every storage method is present.
 */
export function isSessionStorage(value: unknown): value is SessionStorage {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Record<string, unknown>;
  return STORAGE_METHODS.every((m) => typeof o[m] === "function");
}

/**
 * Opens a session.
 *
 * - a name: the SQLite file `name.session` (`.session` is added unless
 *   present), created with mode 0600 if missing. The driver is picked per
 *   runtime (Bun: `bun:sqlite`; Deno: `node:sqlite`; Node: `better-sqlite3`
 *   when installed, else `node:sqlite`) unless `driver` says otherwise.
 *   The file is locked while open: a second opener gets
 *   `SessionInUseError` (or waits, with `wait`).
 * - `":memory:"`: a pure-TypeScript session in memory.
 * - `{ string }`: a memory session loaded from a session string of any
 *   format (Telethon, Pyrogram, GramJS, mtcute, MTKruto, mtsession) — the
 *   way to keep a login in an environment variable.
 * - a {@linkcode SessionStorage}: a session over your own storage.
 *
 * A name is refused with a `TypeError` before anything is touched when it
 * is empty, begins or ends with white space (also its last part: `"a/ b"`),
 * ends in a path separator, is `.`, `..` or `.session`, or holds a NUL;
 * a name that is a directory, when no `name.session` exists, with
 * `SessionFileError` (nothing is created).
 *
 * @param target Where the session lives.
 * @param options Session options.
 * @returns The open session.
 * @throws {TypeError} When the target is none of the above, or a name
 * that cannot be a session file's.
 * @throws {SessionFileError} When the file is not an mtsession file, or
 * something beside it is unfit (a link, another database's `-wal`); it is
 * never modified.
 *
 * @example In memory
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * assert.equal(session.storage.kind, "memory");
 * await session.close();
 * ```
 *
 * @example From a session string
 * ```ts
 * import { encodeSessionString, openSession } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const string = await encodeSessionString(
 *   { dcId: 2, authKey: new Uint8Array(256).fill(4), apiId: 1, userId: 42, isBot: true },
 *   "pyrogram",
 * );
 * const session = await openSession({ string });
 * assert.equal(session.userId, 42);
 * assert.equal(session.serverAddress, "149.154.167.51");
 * ```
 */
export async function openSession(
  target: string | SessionStorage | StringSessionOptions,
  options: SqliteSessionOptions = {},
): Promise<Session> {
  if (target === ":memory:") {
    return await Session.open(new MemoryStorage(), options);
  }
  if (
    typeof target === "object" && target !== null && "string" in target &&
    !isSessionStorage(target)
  ) {
    const { string, passphrase, format, ...rest } = target;
    const decoded = await decodeSessionString(string, {
      ...(passphrase === undefined ? {} : { passphrase }),
      ...(format === undefined ? {} : { format }),
    });
    const storage = await decodedStorage(decoded);
    return await Session.open(storage, { ...options, ...rest });
  }
  if (isSessionStorage(target)) return await Session.open(target, options);
  const missing = missingMethods(target);
  if (missing !== undefined && missing.length > 0) {
    throw new TypeError(
      `The storage lacks ${missing.join(", ")}: a SessionStorage keeps the ` +
        "whole session (data centers, every key, client values, message " +
        "references); implement them, or extend MemoryStorage",
    );
  }
  if (typeof target === "string") {
    const [{ openFileStorage }] = await Promise.all([
      sqliteFiles(),
      preloadDefaultDriver(options),
    ]);
    const storage = await openFileStorage(target, options);
    try {
      return await Session.open(storage, options);
    } catch (e) {
      await storage.close();
      throw e;
    }
  }
  throw new TypeError(
    'Expected ":memory:", { string }, or an object implementing SessionStorage',
  );
}

/**
 * Opens (creating if needed) a store of many sessions in one SQLite file,
 * each isolated from the others: a `SessionStore`. The file belongs to
 * one process at a time.
 *
 * @param path The database file (used as given).
 * @param options Driver, waiting and batching options.
 * @returns The store: `open(id)`, `list()`, `delete(id)`, `close()`.
 *
 * @example Usage
 * ```ts
 * import { openSessionStore } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 * import { mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const dir = mkdtempSync(join(tmpdir(), "mts-"));
 * const store = await openSessionStore(join(dir, "bots.db"));
 * const a = await store.open("alice");
 * await a.setDc(2, "149.154.167.51", 443);
 * await store.open("bob");
 * assert.deepEqual(await store.list(), ["alice", "bob"]);
 * await store.close();
 * rmSync(dir, { recursive: true });
 * ```
 */
export async function openSessionStore(
  path: string,
  options: SqliteSessionOptions = {},
): Promise<SqliteSessionStore> {
  const { openSqliteSessionStore } = await import("./sqlite/sqlite_store.ts");
  return await openSqliteSessionStore(path, options);
}

/**
 * Names of the session files in a directory (`name` for `name.session`).
 *
 * @param dir The directory (default: the current one).
 * @returns The names, sorted.
 */
export async function listSessions(dir = "."): Promise<string[]> {
  const { listSessions } = await sqliteFiles();
  return await listSessions(dir);
}
