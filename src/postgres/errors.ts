/**
 * The error thrown when PostgreSQL cannot be reached or refuses a query.
 *
 * @module
 */

import { SessionError } from "../errors.ts";

/**
 * PostgreSQL could not be used: the `postgres` package is missing, the
 * server cannot be reached or refused the login, or a query failed. `code`
 * is the server's SQLSTATE (e.g. `"28P01"` for a wrong password, `"3D000"`
 * for a missing database), the driver's code (e.g. `"ECONNREFUSED"`,
 * `"CONNECT_TIMEOUT"`), or `"MODULE_UNAVAILABLE"`.
 *
 * The message names the server without the password and never contains a
 * key, a phone number or a query's parameters; `cause` is a copy of the
 * driver's error with only its name, message and code.
 *
 * A session or store in use elsewhere gets `SessionInUseError` instead.
 *
 * @example Usage
 * ```ts
 * import { PostgresStoreError } from "@mtsession/mtsession/postgres";
 * import assert from "node:assert/strict";
 *
 * const error = new PostgresStoreError(
 *   "connect",
 *   "postgres://bot@db.internal:5432/app",
 *   "ECONNREFUSED",
 *   "the connection was refused",
 * );
 * assert.equal(error.code, "ECONNREFUSED");
 * assert.match(error.message, /^Cannot connect: PostgreSQL at postgres:\/\/bot@db/);
 * ```
 */
export class PostgresStoreError extends SessionError {
  /** What was attempted, e.g. `"connect"` or `"store peers"`. */
  readonly operation: string;
  /** SQLSTATE, driver error code, or `"MODULE_UNAVAILABLE"`; `null` if none. */
  readonly code: string | null;
  /** The server, as `postgres://user@host:port/db` (no password). */
  readonly server: string;

  /**
   * Creates the error.
   *
   * @param operation What was attempted (`"connect"`, `"store peers"`, …).
   * @param server The server, without password.
   * @param code SQLSTATE or driver error code, or `null`.
   * @param reason Why it failed (never a secret).
   * @param options Standard error options (a sanitized `cause`).
   */
  constructor(
    operation: string,
    server: string,
    code: string | null,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot ${operation}: PostgreSQL at ${server} ${reason}`, options);
    this.name = "PostgresStoreError";
    this.operation = operation;
    this.code = code;
    this.server = server;
  }
}

/**
 * The connection to PostgreSQL was lost during a call: the server was
 * restarted or stopped (`pg_ctl restart`, a crash, a failover), or the
 * network failed. Nothing of the call was committed (a write that was
 * committed is never reported as failed, and one reported done was
 * committed). The pool reconnects by itself: call again once the server is
 * back; batched peers that could not be written stay queued and are written
 * by the next flush. `code` is the driver's (`"CONNECTION_CLOSED"`,
 * `"ECONNRESET"`, `"ECONNREFUSED"`, …) or the server's SQLSTATE
 * (`"57P01"` for an administrator shutdown, class `08`).
 *
 * @example Usage
 * ```ts
 * import {
 *   PostgresConnectionLostError,
 *   PostgresStoreError,
 * } from "@mtsession/mtsession/postgres";
 * import assert from "node:assert/strict";
 *
 * const error = new PostgresConnectionLostError(
 *   "store peers",
 *   "postgres://bot@db.internal:5432/app",
 *   "CONNECTION_CLOSED",
 *   "write CONNECTION_CLOSED db.internal:5432",
 * );
 * assert.ok(error instanceof PostgresStoreError);
 * assert.match(error.message, /lost the connection/);
 * ```
 */
export class PostgresConnectionLostError extends PostgresStoreError {
  /**
   * Batched peers that were still to be written when the session was
   * closed, and are dropped with it (0 but for `close()`).
   */
  readonly unwritten: number;

  /**
   * Creates the error.
   *
   * @param operation What was attempted (`"store peers"`, …).
   * @param server The server, without password.
   * @param code The driver's error code or the SQLSTATE, or `null`.
   * @param detail The driver's message (scrubbed of secrets).
   * @param options Standard error options (a sanitized `cause`), and
   * `unwritten` for `close()`.
   */
  constructor(
    operation: string,
    server: string,
    code: string | null,
    detail: string,
    options?: ErrorOptions & { unwritten?: number },
  ) {
    const unwritten = options?.unwritten ?? 0;
    super(
      operation,
      server,
      code,
      `lost the connection or cannot be reached (${detail}): the server ` +
        "restarted or stopped, or the network failed; " +
        (unwritten > 0
          ? `${unwritten} batched peer(s) were not written and are dropped ` +
            "with the closed session: open it again and store them again " +
            "once the server is back"
          : "nothing of this call was committed: call again once the " +
            "server is back (the pool reconnects by itself)"),
      options?.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = "PostgresConnectionLostError";
    this.unwritten = unwritten;
  }
}
