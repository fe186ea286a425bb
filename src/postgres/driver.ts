/**
 * The part of the `postgres` package (porsager, ≥ 3.4) mtsession uses,
 * typed structurally so that nothing here imports it, and the small client
 * every PostgreSQL storage shares: text-only parameters and results (so
 * 64-bit integers are exact whatever the instance's `types` say), error
 * wrapping without secrets, retries of transactions PostgreSQL aborted.
 *
 * @module
 */

import { unrefTimer } from "../_timer.ts";
import { PostgresConnectionLostError, PostgresStoreError } from "./errors.ts";

/**
 * A query parameter. mtsession sends every value as text (or `null`) and
 * casts it in SQL, so the driver's type inference never matters.
 *
 * @example Usage
 * ```ts
 * import type { PostgresParameter } from "@mtsession/mtsession/postgres";
 * import assert from "node:assert/strict";
 *
 * const accessHash: PostgresParameter = String(-(2n ** 63n)); // sent as text, cast to bigint in SQL
 * assert.equal(accessHash, "-9223372036854775808");
 * ```
 */
export type PostgresParameter = string | null;

/**
 * A pending query of the `postgres` package: a promise of the rows, with
 * `values()` for rows as arrays (mtsession reads positions, never column
 * names, so a column `transform` of the instance changes nothing).
 *
 * @example A stand-in that answers every query with one row
 * ```ts
 * import type { PostgresQuery } from "@mtsession/mtsession/postgres";
 * import assert from "node:assert/strict";
 *
 * const query: PostgresQuery = Object.assign(Promise.resolve([{ n: "1" }]), {
 *   values: () => Promise.resolve([["1"]]),
 * });
 * assert.deepEqual(await query.values(), [["1"]]);
 * ```
 */
export interface PostgresQuery extends PromiseLike<unknown> {
  /** The same query, resolving to rows as arrays of column values. */
  values(): PromiseLike<unknown>;
}

/**
 * What runs queries: a `postgres` pool, a transaction (the `sql` that
 * `sql.begin` hands over) or a reserved connection.
 *
 * @example Usage
 * ```ts
 * import type { PostgresQueryable } from "@mtsession/mtsession/postgres";
 * import postgres from "postgres";
 *
 * const sql = postgres("postgres://bot@127.0.0.1:5432/app"); // connects on first query
 * const queryable: PostgresQueryable = sql;
 * void queryable;
 * await sql.end();
 * ```
 */
export interface PostgresQueryable {
  /**
   * Runs one query with `$1`… parameters (or several statements without
   * parameters).
   *
   * @param query The SQL.
   * @param parameters Its parameters.
   * @param options `prepare` to use a named prepared statement.
   */
  unsafe(
    query: string,
    parameters?: PostgresParameter[],
    options?: { prepare?: boolean },
  ): PostgresQuery;
}

/**
 * A `postgres` instance (pool): the methods mtsession calls. The instance
 * from `postgres(url)` fits as is, with or without a
 * `types: { bigint: postgres.BigInt }` setting: every 64-bit value is cast
 * to text in SQL and parsed here.
 *
 * @example Usage
 * ```ts
 * import type { PostgresSql } from "@mtsession/mtsession/postgres";
 * import postgres from "postgres";
 *
 * // No bigint setting needed: mtsession never reads a bigint column as a number.
 * const sql: PostgresSql = postgres("postgres://bot@127.0.0.1:5432/app", { max: 5 });
 * await sql.end?.();
 * ```
 */
export interface PostgresSql extends PostgresQueryable {
  /**
   * Runs `fn` in a transaction on one connection: committed when `fn`
   * resolves, rolled back when it throws.
   *
   * @param fn The work; it must use the `sql` it is given.
   */
  begin(fn: (sql: PostgresQueryable) => Promise<unknown>): Promise<unknown>;
  /**
   * Takes one connection out of the pool until `release()` (postgres ≥
   * 3.4). Needed for exclusive sessions: the session locks live on it.
   */
  reserve?(): Promise<PostgresReservedSql>;
  /**
   * Closes the pool.
   *
   * @param options `timeout` in seconds for running queries.
   */
  end?(options?: { timeout?: number }): Promise<void>;
}

/**
 * A connection reserved with `sql.reserve()`.
 *
 * @example Usage
 * ```ts ignore
 * import type { PostgresReservedSql } from "@mtsession/mtsession/postgres";
 * import postgres from "postgres";
 *
 * const sql = postgres(process.env.DATABASE_URL!);
 * const conn: PostgresReservedSql = await sql.reserve();
 * await conn.unsafe("SELECT 1").values();
 * conn.release();
 * await sql.end();
 * ```
 */
export interface PostgresReservedSql extends PostgresQueryable {
  /** Gives the connection back to the pool. */
  release(): void;
}

/**
 * The `postgres` package's default export: makes a pool from a connection
 * URL. Pass it as `{ postgres }` where the package cannot be imported by
 * name.
 *
 * @example Usage
 * ```ts
 * import type { PostgresFactory } from "@mtsession/mtsession/postgres";
 * import postgres from "postgres";
 * import assert from "node:assert/strict";
 *
 * const factory: PostgresFactory = postgres;
 * assert.equal(typeof factory, "function");
 * ```
 *
 * @param url `postgres://user:password@host:port/database`.
 * @param options Pool options (`max`, `connect_timeout`, `onnotice`, …).
 */
export type PostgresFactory = (
  url: string,
  options?: Record<string, unknown>,
) => PostgresSql;

/** Every driver error code that means "could not connect". */
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "SASL_SIGNATURE_MISMATCH",
]);

/**
 * The user and password of a connection URL read as text, not through
 * `URL`: they hold what `URL` rejects (an unencoded "/" or "#" in the
 * password, several hosts), which the driver may still accept.
 */
function userInfo(url: string): { user: string; password: string } {
  const start = url.indexOf("://");
  const at = url.lastIndexOf("@");
  if (start === -1 || at < start) return { user: "", password: "" };
  const info = url.slice(start + 3, at);
  const colon = info.indexOf(":");
  return colon === -1
    ? { user: info, password: "" }
    : { user: info.slice(0, colon), password: info.slice(colon + 1) };
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `postgres://user@host:port/db` from a connection URL: no password, no
 * query (which may hold one).
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username === "" ? "" : `${decoded(u.username)}@`;
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    // Hosts and database after the last "@", up to any query.
    const start = url.indexOf("://");
    const at = url.lastIndexOf("@");
    const { user } = userInfo(url);
    const rest = url.slice(Math.max(at + 1, start === -1 ? 0 : start + 3))
      .replace(/[?#].*$/, "");
    return `${start === -1 ? "postgres:" : url.slice(0, start + 1)}//${
      user === "" ? "" : `${decoded(user)}@`
    }${rest}`;
  }
}

/**
 * Everything of a connection URL to scrub from driver messages: its
 * password, as written and decoded, read both by `URL` and as text (the
 * driver may quote a URL that `URL` rejects), and `?password=`.
 */
export function urlSecrets(url: string): string[] {
  const out: string[] = [];
  const { password } = userInfo(url);
  out.push(password, decoded(password));
  try {
    const u = new URL(url);
    out.push(u.password, decoded(u.password));
    const p = u.searchParams.get("password");
    if (p) out.push(p);
  } catch {
    const query = /[?&]password=([^&#]*)/.exec(url);
    if (query) out.push(query[1]!, decoded(query[1]!));
  }
  // Longest first, so that no shorter secret splits a longer one.
  return [...new Set(out.filter((s) => s.length > 0))]
    .sort((a, b) => b.length - a.length);
}

/** A label for an instance the caller made: its host, port and database. */
export function describeInstance(sql: unknown): string {
  const o = (sql as { options?: Record<string, unknown> }).options;
  if (typeof o !== "object" || o === null) return "postgres://(your instance)";
  const first = (v: unknown): unknown => Array.isArray(v) ? v[0] : v;
  const host = first(o.host);
  const port = first(o.port);
  const user = typeof o.user === "string" ? `${o.user}@` : "";
  const db = typeof o.database === "string" ? `/${o.database}` : "";
  if (typeof host !== "string") return "postgres://(your instance)";
  return `postgres://${user}${host}${
    typeof port === "number" ? `:${port}` : ""
  }${db}`;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("<password>");
  return out;
}

function codeOf(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : null;
}

/**
 * A copy of a driver error with only name, message (scrubbed) and code:
 * the driver's own error carries the query's parameters (keys, phones).
 */
function sanitized(e: unknown, secrets: readonly string[]): Error {
  const src = e as { name?: unknown; message?: unknown } | null;
  const message = typeof src?.message === "string" ? src.message : String(e);
  const out = new Error(scrub(message, secrets)) as Error & {
    code?: string;
  };
  if (typeof src?.name === "string") out.name = src.name;
  const code = codeOf(e);
  if (code !== null) out.code = code;
  return out;
}

/** Whether PostgreSQL aborted a transaction that may simply be retried. */
export function isRetryable(e: unknown): boolean {
  const code = codeOf(e);
  return code === "40P01" || code === "40001";
}

/** Whether an error means the server could not be reached or logged in to. */
export function isConnectFailure(e: unknown): boolean {
  const code = codeOf(e);
  return code !== null &&
    (CONNECT_CODES.has(code) || code.startsWith("08") ||
      code.startsWith("28") || code === "3D000" || code === "57P03");
}

/** Driver codes of a connection that ended, or of a server that went away. */
const LOST_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
]);

/**
 * Whether an error means the connection was lost (or the server is down or
 * restarting) rather than refused the query: the server restarted, stopped
 * or crashed, an administrator ended the backend (57P01, 57P02), it is
 * starting up or shutting down (57P03), or the network failed (class 08).
 * Nothing of the statement or transaction that got it was committed, except
 * possibly a `COMMIT` itself, which is why only idempotent work is retried.
 */
export function isConnectionLost(e: unknown): boolean {
  const code = codeOf(e);
  return code !== null &&
    (LOST_CODES.has(code) || code.startsWith("08") || code === "57P01" ||
      code === "57P02" || code === "57P03");
}

/**
 * Whether a call that lost its connection is worth sending again: not when
 * the pool itself is being ended (`sql.end()`, or `close()` past its bound).
 */
function retriesAfter(e: unknown): boolean {
  const code = codeOf(e);
  return isConnectionLost(e) && code !== "CONNECTION_ENDED" &&
    code !== "CONNECTION_DESTROYED";
}

/**
 * Turns a driver error into a {@linkcode PostgresStoreError} that shows no
 * secret (a {@linkcode PostgresConnectionLostError} when the connection was
 * lost after the store was opened); our own errors pass through.
 */
export function wrapError(
  e: unknown,
  operation: string,
  server: string,
  secrets: readonly string[],
): Error {
  if (e instanceof PostgresStoreError) return e;
  if (e instanceof Error && e.name === "SessionInUseError") return e;
  const code = codeOf(e);
  const cause = sanitized(e, secrets);
  let reason: string;
  if (operation !== "connect" && isConnectionLost(e)) {
    return new PostgresConnectionLostError(
      operation,
      server,
      code,
      cause.message,
      { cause },
    );
  }
  if (isConnectFailure(e)) {
    reason = code?.startsWith("28")
      ? `refused the login (${cause.message})`
      : code === "3D000"
      ? `has no such database (${cause.message})`
      : `cannot be reached (${cause.message})`;
    return new PostgresStoreError(operation, server, code, reason, { cause });
  }
  reason = `failed: ${cause.message}${code === null ? "" : ` (${code})`}`;
  return new PostgresStoreError(operation, server, code, reason, { cause });
}

/** A result row as an array of column values. */
export type PgRow = readonly unknown[];

/**
 * The client every PostgreSQL storage of one store shares: one pool, the
 * schema, and how to talk about the server in messages.
 */
export class PgClient {
  /** The pool (or the caller's instance). */
  readonly sql: PostgresSql;
  /** The schema, quoted, ready to prefix table names. */
  readonly schema: string;
  /** The schema's plain name. */
  readonly schemaName: string;
  /** The server, without password, for messages. */
  readonly server: string;
  /** Whether to use named prepared statements. */
  readonly prepare: boolean;
  #secrets: readonly string[];

  /**
   * @param sql The pool.
   * @param schemaName The schema of the tables (validated).
   * @param server The server for messages.
   * @param prepare Use prepared statements.
   * @param secrets Strings to scrub from driver messages.
   */
  constructor(
    sql: PostgresSql,
    schemaName: string,
    server: string,
    prepare: boolean,
    secrets: readonly string[] = [],
  ) {
    this.sql = sql;
    this.schemaName = checkSchemaName(schemaName);
    this.schema = `"${this.schemaName}"`;
    this.server = server;
    this.prepare = prepare;
    this.#secrets = secrets;
  }

  /** A table of ours, schema-qualified. */
  table(name: string): string {
    return `${this.schema}.mtsession_${name}`;
  }

  /** Wraps a driver error for `operation`. */
  wrap(e: unknown, operation: string): Error {
    return wrapError(e, operation, this.server, this.#secrets);
  }

  /**
   * Runs a query on `on` (default: the pool); rows as arrays. A query on
   * the pool that lost its connection is sent once more (the pool
   * reconnects): every statement mtsession sends on its own is idempotent
   * (an upsert, a delete, a read).
   */
  async rows(
    operation: string,
    query: string,
    params: PostgresParameter[] = [],
    on: PostgresQueryable = this.sql,
  ): Promise<PgRow[]> {
    for (let attempt = 1;; attempt++) {
      try {
        const result = await on.unsafe(query, params, {
          prepare: this.prepare && params.length > 0,
        }).values();
        return result as PgRow[];
      } catch (e) {
        if (on === this.sql && attempt < LOST_ATTEMPTS && retriesAfter(e)) {
          await sleep(LOST_DELAY_MS * attempt);
          continue;
        }
        throw this.wrap(e, operation);
      }
    }
  }

  /**
   * Runs `fn` in a transaction, retried (up to 5 times) when PostgreSQL
   * aborts it for a deadlock or a serialization failure, and (up to
   * {@linkcode LOST_ATTEMPTS} times in all) when the connection was lost:
   * every transaction of mtsession re-reads what it merges, so running it
   * again whole is safe. It resolves only once `COMMIT` succeeded.
   */
  async transaction<T>(
    operation: string,
    fn: (tx: PostgresQueryable) => Promise<T>,
  ): Promise<T> {
    let lost = 0;
    for (let attempt = 1;; attempt++) {
      try {
        return await this.#begin(fn);
      } catch (e) {
        if (attempt < 5 && isRetryable(e)) {
          await sleep(5 * attempt);
          continue;
        }
        if (++lost < LOST_ATTEMPTS && retriesAfter(e)) {
          await sleep(LOST_DELAY_MS * lost);
          continue;
        }
        throw this.wrap(e, operation);
      }
    }
  }

  /**
   * `sql.begin(fn)`, made safe against a connection that ends inside the
   * transaction. When a query of the transaction fails because its
   * connection closed, the driver (postgres 3.4) would send `ROLLBACK` on
   * that connection, whose socket is gone: a `TypeError` ("Cannot read
   * properties of null (reading 'write')") thrown from a timer, which no
   * caller can catch and which ends the process. So `fn` never settles
   * then: no `ROLLBACK` (the server rolls back a transaction whose
   * connection ended) and no `COMMIT` is sent, and `begin` rejects by
   * itself when the connection reports it closed. Should that report not
   * come, the transaction fails after {@linkcode LOST_WAIT_MS}.
   */
  #begin<T>(fn: (tx: PostgresQueryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
      };
      this.sql.begin(async (tx) => {
        try {
          return await fn(tx);
        } catch (e) {
          if (!isConnectionLost(e)) throw e;
          timer = setTimeout(() => reject(e), LOST_WAIT_MS);
          unrefTimer(timer);
          return await new Promise<never>(() => {});
        }
      }).then(
        (value) => {
          done();
          resolve(value as T);
        },
        (e: unknown) => {
          done();
          reject(e);
        },
      );
    });
  }
}

/** How many times in all a call that lost its connection is tried. */
const LOST_ATTEMPTS = 3;
/** The pause before trying again, times the attempt (ms). */
const LOST_DELAY_MS = 100;
/**
 * How long a transaction whose connection was lost waits for the driver to
 * report the connection closed before it fails by itself (ms).
 */
const LOST_WAIT_MS = 2000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Checks a schema name: a plain identifier, so it can be quoted as is. */
export function checkSchemaName(name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new TypeError(
      "Expected a schema name: letters, digits and _ (not first), at most 63",
    );
  }
  return name;
}

const POSTGRES_SPECIFIERS = ["postgres", "npm:postgres@^3.4.0"];

/**
 * Imports the `postgres` package, through a variable specifier so that
 * nothing resolves it before it is needed (and nobody who does not use
 * PostgreSQL has to install it).
 */
export async function loadPostgres(server: string): Promise<PostgresFactory> {
  const isDeno = "Deno" in globalThis;
  let last: unknown;
  for (const spec of POSTGRES_SPECIFIERS) {
    if (spec.startsWith("npm:") && !isDeno) continue;
    try {
      const mod = await import(spec) as {
        default?: unknown;
      };
      const factory = typeof mod.default === "function" ? mod.default : mod;
      if (typeof factory === "function") return factory as PostgresFactory;
    } catch (e) {
      last = e;
    }
  }
  throw new PostgresStoreError(
    "connect",
    server,
    "MODULE_UNAVAILABLE",
    `needs the "postgres" package (porsager, ≥ 3.4), which cannot be ` +
      `imported here: install it (npm i postgres, deno add npm:postgres, ` +
      `bun add postgres) or pass it as { postgres }`,
    { cause: sanitized(last, []) },
  );
}
