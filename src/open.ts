/**
 * Opening sessions: picks the storage from the argument.
 *
 * @module
 */

import { MemoryStorage } from "./memory/memory_storage.ts";
import { Session, type SessionOptions } from "./session.ts";
import type { SessionStorage } from "./storage.ts";

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
 */
export async function openSession(
  target: string | SessionStorage,
  options: SessionOptions = {},
): Promise<Session> {
  if (target === ":memory:") {
    return await Session.open(new MemoryStorage(), options);
  }
  if (isSessionStorage(target)) return await Session.open(target, options);
  if (typeof target === "string") {
    throw new TypeError(
      `Cannot open session "${target}": only ":memory:" or a SessionStorage ` +
        `is supported by this version`,
    );
  }
  throw new TypeError(
    'Expected ":memory:" or an object implementing SessionStorage',
  );
}
