/**
 * Opening sessions: picks the storage from the argument.
 *
 * @module
 */

import type { StringFormat } from "./errors.ts";
import { MemoryStorage } from "./memory/memory_storage.ts";
import { Session, type SessionOptions } from "./session.ts";
import type { SessionStorage } from "./storage.ts";
import { decodeSessionString } from "./strings/codec.ts";

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
  "flush",
  "close",
  "destroy",
] as const;

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
 * - `":memory:"`: a pure-TypeScript session in memory.
 * - `{ string }`: a memory session loaded from a session string of any
 *   format (Telethon, Pyrogram, GramJS, mtcute, MTKruto, mtsession) — the
 *   way to keep a login in an environment variable.
 * - a {@linkcode SessionStorage}: a session over your own storage.
 *
 * @param target Where the session lives.
 * @param options Session options.
 * @returns The open session.
 * @throws {TypeError} When the target is none of the above.
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
  options: SessionOptions = {},
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
    const storage = new MemoryStorage();
    await storage.setAuth(decoded.auth);
    return await Session.open(storage, { ...options, ...rest });
  }
  if (isSessionStorage(target)) return await Session.open(target, options);
  if (typeof target === "string") {
    throw new TypeError(
      `Cannot open session "${target}": only ":memory:" or a SessionStorage ` +
        `is supported by this version`,
    );
  }
  throw new TypeError(
    'Expected ":memory:", { string }, or an object implementing SessionStorage',
  );
}
