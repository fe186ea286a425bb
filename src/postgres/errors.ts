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
