/**
 * Many sessions in one PostgreSQL database, keyed by id: a
 * {@linkcode SessionStore}. A session is open in one place at a time: the
 * store takes a session-level advisory lock for it on a connection of its
 * own (reserved from the pool), held until the session is closed, so a
 * second process (or store) gets {@linkcode SessionInUseError}; the server
 * drops the lock when the holder's connection ends, so a crashed process
 * leaves no stale lock behind.
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
  checkSchemaName,
  describeInstance,
  loadPostgres,
  PgClient,
  type PostgresFactory,
  type PostgresReservedSql,
  type PostgresSql,
  redactUrl,
  urlSecrets,
  wrapError,
} from "./driver.ts";
import { PostgresStoreError } from "./errors.ts";
import {
  deleteSessionRows,
  type InternalStorageOptions,
  PostgresStorage,
} from "./postgres_storage.ts";
import { migrate } from "./schema.ts";

/**
 * Options for {@linkcode openPostgresStore}.
 *
 * @example Usage
 * ```ts
 * import type { PostgresStoreOptions } from "@mtsession/mtsession/postgres";
 *
 * const options: PostgresStoreOptions = {
 *   schema: "telegram", // tables telegram.mtsession_*
 *   wait: 10_000, // wait up to 10 s for a session open elsewhere
 *   flushDelayMs: 200, // peers reach the database within 200 ms
 *   max: 5, // pool size (URL form)
 * };
 * void options;
 * ```
 */
export interface PostgresStoreOptions extends SessionOptions {
  /** The schema of mtsession's tables (default `"public"`); created if missing. */
  schema?: string;
  /**
   * Whether a session may be open in one place only (default `true`). With
   * `false` no lock is taken: several processes may write one session at
   * once (their writes merge safely), for read replicas of a bot's cache.
   * Never run one Telegram login in two places: Telegram revokes an auth
   * key used from two connections at once.
   */
  exclusive?: boolean;
  /**
   * When a session is open elsewhere: `false` (default) fails at once with
   * `SessionInUseError`; `true` waits up to 30 s; a number waits that many
   * milliseconds.
   */
  wait?: boolean | number;
  /** Longest delay before batched peer writes are written (ms, default 1000). */
  flushDelayMs?: number;
  /** Write the batch once this many peers wait (default 2000). */
  maxBatch?: number;
  /**
   * Use named prepared statements (default `true`). Turn off behind a
   * pooler in transaction mode (PgBouncer).
   */
  prepare?: boolean;
  /**
   * The `postgres` package's default export, for the URL form when it
   * cannot be imported by name (e.g. on Deno without an import map entry).
   */
  postgres?: PostgresFactory;
  /** URL form: the pool's size (default 10), plus one connection for locks. */
  max?: number;
  /** URL form: seconds to wait for a connection (default 10). */
  connectTimeout?: number;
  /**
   * URL form: the longest `close()` takes, in seconds (default 5). Writing
   * what waits and unlocking the sessions get this long; then the pool's
   * connections are ended by force (the server down or unreachable) and
   * what could not be written is reported by `close()`'s rejection.
   */
  closeTimeout?: number;
}

/**
 * Options for one session of a store.
 *
 * @example Usage
 * ```ts
 * import type { PostgresOpenOptions } from "@mtsession/mtsession/postgres";
 *
 * const options: PostgresOpenOptions = { wait: true, saveEntities: false };
 * void options;
 * ```
 */
export interface PostgresOpenOptions extends StoreOpenOptions {
  /** Overrides the store's `wait` for this session. */
  wait?: boolean | number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The reserved connection the locks live on, and its backend. */
interface LockConnection {
  conn: PostgresReservedSql;
  /** `pg_backend_pid()` of the connection's backend. */
  pid: string;
  /** Its `backend_start`: a pid may be reused after a restart. */
  start: string;
}

/**
 * Session-level advisory locks, all held on one reserved connection (a
 * backend may hold many); polled with `pg_try_advisory_lock` so that the
 * connection never blocks and other sessions' locks are not held up.
 *
 * The connection may end while the store is idle (the server restarted).
 * The `postgres` driver (3.4) then crashes the process on the next query
 * sent through the reserved handle (it writes to a socket it has dropped),
 * and `release()` would hand the dead connection to the pool as if open.
 * So before each use the backend is looked up, through the pool (which
 * reconnects), in `pg_stat_activity`: when it is gone, the handle is
 * dropped unused (the server released its locks with it), a new connection
 * is reserved, and the locks of the sessions still open here are taken
 * again on it where nobody else took them meanwhile.
 */
class SessionLocks {
  #client: PgClient;
  #conn: Promise<LockConnection> | undefined;
  /** Keys of the locks held (or to be taken again after a restart). */
  #held = new Set<string>();

  constructor(client: PgClient) {
    this.#client = client;
  }

  #reserve(): Promise<LockConnection> {
    const sql = this.#client.sql;
    if (typeof sql.reserve !== "function") {
      throw new PostgresStoreError(
        "lock a session",
        this.#client.server,
        null,
        "is used through an instance without reserve() (postgres ≥ 3.4 " +
          "has it): upgrade postgres, or open the store with " +
          "{ exclusive: false }",
      );
    }
    const max = (sql as { options?: { max?: unknown } }).options?.max;
    if (typeof max === "number" && max < 2) {
      throw new PostgresStoreError(
        "lock a session",
        this.#client.server,
        null,
        "is used through a pool of one connection: exclusive sessions " +
          "keep one connection for their locks, so give the instance " +
          "max ≥ 2, or open the store with { exclusive: false }",
      );
    }
    const reserve = sql.reserve.bind(sql);
    return (async (): Promise<LockConnection> => {
      const conn = await reserve();
      const [row] = await this.#client.rows(
        "lock a session",
        "SELECT pg_backend_pid()::text, backend_start::text FROM " +
          "pg_stat_activity WHERE pid = pg_backend_pid()",
        [],
        conn,
      );
      const lock = { conn, pid: String(row?.[0]), start: String(row?.[1]) };
      // Locks held on a connection that ended: take them again.
      for (const key of [...this.#held]) {
        const [r] = await this.#client.rows(
          "lock a session",
          "SELECT pg_try_advisory_lock(hashtextextended($1::text, 0))::text",
          [key],
          conn,
        );
        if (r?.[0] !== "true") this.#held.delete(key);
      }
      return lock;
    })();
  }

  /** Whether the connection's backend still runs (asked through the pool). */
  async #alive(lock: LockConnection): Promise<boolean> {
    const rows = await this.#client.rows(
      "lock a session",
      "SELECT 1 FROM pg_stat_activity WHERE pid = $1::text::integer " +
        "AND backend_start = $2::text::timestamptz",
      [lock.pid, lock.start],
    );
    return rows.length > 0;
  }

  /**
   * The lock connection, reserved if needed, checked alive; `undefined`
   * when `reserveIfNone` is false and there is none (or it ended).
   */
  async #connection(
    what: string,
    reserveIfNone = true,
  ): Promise<PostgresReservedSql | undefined> {
    for (let attempt = 0;; attempt++) {
      if (this.#conn === undefined) {
        if (!reserveIfNone) return undefined;
        const pending = this.#reserve();
        this.#conn = pending;
        pending.catch(() => {
          if (this.#conn === pending) this.#conn = undefined;
        });
      }
      const pending = this.#conn;
      let lock: LockConnection;
      try {
        lock = await pending;
      } catch (e) {
        throw this.#client.wrap(e, what);
      }
      if (await this.#alive(lock)) return lock.conn;
      // Gone with the server (never released: the pool has it back).
      if (this.#conn === pending) this.#conn = undefined;
      if (attempt > 0) {
        throw this.#client.wrap(
          Object.assign(new Error("the lock connection ended"), {
            code: "CONNECTION_CLOSED",
          }),
          what,
        );
      }
    }
  }

  #key(id: string): string {
    return `mtsession:session:${this.#client.schemaName}:${id}`;
  }

  /** Takes the lock, waiting up to `ms`; SessionInUseError if it cannot. */
  async acquire(id: string, ms: number, label: string): Promise<void> {
    const key = this.#key(id);
    const deadline = Date.now() + ms;
    for (let delay = 20;; delay = Math.min(delay * 2, 250)) {
      const conn = (await this.#connection("lock a session"))!;
      const [row] = await this.#client.rows(
        "lock a session",
        "SELECT pg_try_advisory_lock(hashtextextended($1::text, 0))::text",
        [key],
        conn,
      );
      if (row?.[0] === "true") {
        this.#held.add(key);
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new SessionInUseError(label);
      await sleep(Math.min(delay, left));
    }
  }

  /** Releases the lock (nothing to do if the connection is gone). */
  async release(id: string): Promise<void> {
    const key = this.#key(id);
    this.#held.delete(key);
    try {
      const conn = await this.#connection("unlock a session", false);
      if (conn === undefined) return;
      await this.#client.rows(
        "unlock a session",
        "SELECT pg_advisory_unlock(hashtextextended($1::text, 0))::text",
        [key],
        conn,
      );
    } catch {
      // A lost connection has released every lock it held.
    }
  }

  /** Gives the lock connection back (releasing any lock left on it). */
  async close(): Promise<void> {
    this.#held.clear();
    try {
      const conn = await this.#connection("unlock a session", false);
      this.#conn = undefined;
      if (conn === undefined) return;
      await conn.unsafe("SELECT pg_advisory_unlock_all()").values();
      conn.release();
    } catch {
      // Gone already (never released: the pool has it back).
      this.#conn = undefined;
    }
  }
}

/**
 * Many sessions in one PostgreSQL schema, each isolated from the others
 * (a {@linkcode SessionStore}: the guarantees listed there hold).
 * Open it with {@linkcode openPostgresStore}. Any number of processes may
 * use the same store; each session is open in one of them at a time
 * (unless the store is opened with `{ exclusive: false }`).
 *
 * @example Usage
 * ```ts ignore
 * import { openPostgresStore } from "@mtsession/mtsession/postgres";
 *
 * await using store = await openPostgresStore(process.env.DATABASE_URL!);
 * const alice = await store.open("alice");
 * await alice.setDc(2, "149.154.167.51", 443);
 * console.log(await store.list()); // ["alice"]
 * await alice.close();
 * await store.delete("alice");
 * ```
 */
export class PostgresStore implements SessionStore {
  #client: PgClient;
  #owned: boolean;
  #options: PostgresStoreOptions;
  #locks: SessionLocks;
  #sessions: OpenSessions;

  static {
    redactInspect(this);
  }

  /**
   * Wraps a connected, migrated store; use {@linkcode openPostgresStore}.
   *
   * @param client The shared client.
   * @param owned Whether closing the store ends the pool.
   * @param options Options every session opened from it gets.
   */
  constructor(
    client: PgClient,
    owned: boolean,
    options: PostgresStoreOptions,
  ) {
    this.#client = client;
    this.#owned = owned;
    this.#options = options;
    const locks = this.#locks = new SessionLocks(client);
    const label = (id: string): string =>
      `${client.server}#${client.schemaName}/${id}`;
    this.#sessions = new OpenSessions({
      lock: (options.exclusive ?? true) ? locks : undefined,
      label,
      register: async (id) => {
        await client.rows(
          "open a session",
          `INSERT INTO ${
            client.table("sessions")
          } (session_id, created_at, updated_at) ` +
            "VALUES ($1::text, $2::text::bigint, $2::text::bigint) " +
            "ON CONFLICT (session_id) DO NOTHING",
          [id, String(Math.floor(Date.now() / 1000))],
        );
      },
      storage: (id, onClose) => {
        const storageOptions: InternalStorageOptions = {
          client,
          label: label(id),
          onClose,
          ...batchOptions(options),
        };
        return new PostgresStorage(client.sql, id, storageOptions);
      },
      remove: (id) => deleteSessionRows(client, id),
    });
  }

  /**
   * Opens (creating if needed) one session of the store.
   *
   * @param id The session's id: any non-empty text up to 255 characters.
   * @param options Session options, and `wait` for this session.
   * @returns The session.
   * @throws {SessionInUseError} When the session is open here or in
   * another process (and `wait` ran out).
   * @throws {PostgresStoreError} When the server fails.
   */
  async open(id: string, options: PostgresOpenOptions = {}): Promise<Session> {
    return await this.#sessions.open(id, options, this.#options);
  }

  /**
   * Ids of every session in the store, sorted.
   *
   * @returns The ids.
   */
  async list(): Promise<string[]> {
    this.#sessions.check("list sessions");
    const rows = await this.#client.rows(
      "list sessions",
      `SELECT session_id FROM ${
        this.#client.table("sessions")
      } ORDER BY session_id COLLATE "C"`,
    );
    return rows.map((r) => String(r[0]));
  }

  /**
   * Deletes a session and everything it stored.
   *
   * @param id The session's id.
   * @throws {SessionInUseError} When the session is open, here or in
   * another process.
   */
  async delete(id: string): Promise<void> {
    await this.#sessions.delete(id);
  }

  /**
   * Closes every open session of the store, then its lock connection, and
   * the pool when the store made it from a URL (an instance you passed is
   * left open).
   */
  async close(): Promise<void> {
    const sql = this.#client.sql;
    const ms = Math.max(0, (this.#options.closeTimeout ?? 5) * 1000);
    // Past the bound, the pool is ended by force: every query still
    // waiting (a write, an unlock) fails, and so closing goes on.
    const timer = this.#owned
      ? setTimeout(() => void sql.end?.({ timeout: 0 }).catch(() => {}), ms)
      : undefined;
    unrefTimer(timer);
    let errors: unknown[] | undefined;
    try {
      errors = await this.#sessions.closeAll();
      if (errors === undefined) return;
      await this.#locks.close();
    } finally {
      clearTimeout(timer);
    }
    // Nothing of ours runs any more: no grace period. (One would not end
    // early anyway: the driver keeps a connection that ended during a
    // query waiting for that query until the grace period is over.)
    if (this.#owned) await sql.end?.({ timeout: 0 }).catch(() => {});
    reportFirst(errors);
  }

  /** Closes the store (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `PostgresStore(postgres://bot@db:5432/app, public, 2 open)`.
   */
  toString(): string {
    return `PostgresStore(${this.#client.server}, ${this.#client.schemaName}, ${this.#sessions.size} open)`;
  }

  /**
   * What `JSON.stringify` shows: no secret.
   *
   * @returns A redacted summary.
   */
  toJSON(): { kind: string; server: string; schema: string; open: number } {
    return {
      kind: "postgres",
      server: this.#client.server,
      schema: this.#client.schemaName,
      open: this.#sessions.size,
    };
  }
}

/**
 * Opens a store of many sessions in PostgreSQL, creating or upgrading
 * mtsession's tables (`mtsession_*`, in one transaction under an advisory
 * lock: safe when several processes start at once).
 *
 * - a connection URL: the `postgres` package (porsager, ≥ 3.4; install it
 *   yourself) is imported when this is called, and the store owns the pool
 *   (`max` connections, plus one for the session locks) and ends it on
 *   `close()`;
 * - a `postgres` instance you made: it is used as is, whatever its
 *   `types` (every 64-bit value crosses the wire as text, so ±2^63 is
 *   exact), and left open on `close()`. Exclusive sessions reserve one of
 *   its connections (`sql.reserve()`) for their locks.
 *
 * @param target A connection URL, or a `postgres` instance.
 * @param options Schema, locking, batching and pool options.
 * @returns The store.
 * @throws {PostgresStoreError} When the package is missing, the server
 * cannot be reached or refuses the login (the message names the server,
 * never the password), or the schema is newer than this version.
 *
 * @example With a connection URL
 * ```ts ignore
 * import { openPostgresStore } from "@mtsession/mtsession/postgres";
 *
 * await using store = await openPostgresStore(process.env.DATABASE_URL!, {
 *   schema: "telegram",
 * });
 * await using session = await store.open("my_bot");
 * await session.processEntities({ _: "user", id: 42, accessHash: -(2n ** 63n), username: "answer" });
 * console.log(await session.getInputPeer("@answer"));
 * ```
 *
 * @example With your own instance
 * ```ts ignore
 * import postgres from "postgres";
 * import { openPostgresStore } from "@mtsession/mtsession/postgres";
 *
 * const sql = postgres(process.env.DATABASE_URL!, { max: 20 });
 * const store = await openPostgresStore(sql);
 * // … store.open(id) …
 * await store.close();
 * await sql.end();
 * ```
 */
export async function openPostgresStore(
  target: string | PostgresSql,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const schema = checkSchemaName(options.schema ?? "public");
  const prepare = options.prepare ?? true;
  let client: PgClient;
  let owned = false;
  if (typeof target === "string") {
    const server = redactUrl(target);
    const secrets = urlSecrets(target);
    const factory = options.postgres ?? await loadPostgres(server);
    let sql: PostgresSql;
    try {
      sql = factory(target, {
        max: (options.max ?? 10) + 1, // one more for the session locks
        connect_timeout: options.connectTimeout ?? 10,
        prepare,
        onnotice: () => {},
        // The driver's reconnect delay grows to 20 s in an outage, which a
        // call would wait once the server is back: 2 s at most here.
        backoff: (retries: number) =>
          (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 2),
      });
    } catch (e) {
      throw wrapError(e, "connect", server, secrets);
    }
    client = new PgClient(sql, schema, server, prepare, secrets);
    owned = true;
  } else if (
    (typeof target === "function" || typeof target === "object") &&
    target !== null && typeof target.unsafe === "function"
  ) {
    client = new PgClient(target, schema, describeInstance(target), prepare);
  } else {
    throw new TypeError(
      "Expected a PostgreSQL connection URL or a postgres instance",
    );
  }
  try {
    await client.rows("connect", "SELECT 1");
    await migrate(client);
  } catch (e) {
    if (owned) await client.sql.end?.({ timeout: 0 }).catch(() => {});
    throw e;
  }
  return new PostgresStore(client, owned, options);
}
