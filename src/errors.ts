/**
 * Errors callers can branch on. Bad arguments throw the built-in
 * `TypeError` or `RangeError` instead.
 *
 * No message built here ever contains an auth key, a session string or a
 * phone number.
 *
 * @module
 */

/**
 * Base class of every error this library throws for a condition a caller
 * may want to handle.
 *
 * @example Usage
 * ```ts
 * import { openSession, SessionError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * await assert.rejects(session.getInputPeer("nobody_here"), SessionError);
 * ```
 */
export class SessionError extends Error {
  /**
   * Creates the error.
   *
   * @param message What went wrong and what to do.
   * @param options Standard error options, e.g. `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SessionError";
  }
}

/** Which kind of key a failed peer lookup used. */
export type PeerKeyKind =
  | "id"
  | "username"
  | "phone"
  | "name"
  | "invite"
  | "peer";

/**
 * No cached peer matches the key. The message names the key, except for a
 * phone number, which is never shown.
 *
 * @example Usage
 * ```ts
 * import { openSession, PeerNotFoundError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * const error = await session.getInputPeer("@durov").catch((e) => e);
 * assert.ok(error instanceof PeerNotFoundError);
 * assert.equal(error.kind, "username");
 * ```
 */
export class PeerNotFoundError extends SessionError {
  /** What the key was read as. */
  readonly kind: PeerKeyKind;
  /** A printable form of the key (`"<phone number>"` for phones). */
  readonly key: string;

  /**
   * Creates the error.
   *
   * @param kind What the key was read as.
   * @param key A printable, non-secret form of the key.
   */
  constructor(kind: PeerKeyKind, key: string) {
    super(
      `No cached peer for ${kind} ${key}: the client must see this peer ` +
        `(or resolve it on Telegram) before it can be addressed`,
    );
    this.name = "PeerNotFoundError";
    this.kind = kind;
    this.key = key;
  }
}

/**
 * The session was used after `close()` or `delete()`.
 *
 * @example Usage
 * ```ts
 * import { openSession, SessionClosedError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * await session.close();
 * await assert.rejects(session.save(), SessionClosedError);
 * ```
 */
export class SessionClosedError extends SessionError {
  /**
   * Creates the error.
   *
   * @param what What was attempted.
   */
  constructor(what: string) {
    super(`Cannot ${what}: the session is closed; open it again`);
    this.name = "SessionClosedError";
  }
}
