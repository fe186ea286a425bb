/**
 * PostgreSQL storage: many sessions in one database, keyed by id, shared
 * safely by any number of processes. Works on Deno, Bun and Node with the
 * `postgres` package (porsager, ≥ 3.4), which you install; nothing imports
 * it until a store is opened from a URL.
 *
 * - Tables prefixed `mtsession_`, in a schema of your choice, created by
 *   versioned migrations in one transaction under an advisory lock.
 * - 64-bit ids and access hashes are `bigint` columns and come back exact
 *   (±2^63) with any instance: values cross the wire as text.
 * - Auth changes are written at once; peers are batched (one transaction
 *   per batch, after at most `flushDelayMs`, on `save()`, `close()` and
 *   before reads). The merge rules run in SQL as upserts, so concurrent
 *   writers lose nothing.
 * - A session is open in one place at a time (a session-level advisory
 *   lock): elsewhere `open()` throws `SessionInUseError`, or waits with
 *   `{ wait }`.
 *
 * @example Usage
 * ```ts ignore
 * import { openPostgresStore } from "@mtsession/mtsession/postgres";
 *
 * await using store = await openPostgresStore("postgres://bot@127.0.0.1:5432/app");
 * await using session = await store.open("main");
 * await session.setDc(2, "149.154.167.51", 443);
 * await session.processEntities({
 *   _: "user", id: 5123456789, accessHash: -(2n ** 63n), username: "big",
 * });
 * console.log(await session.getInputPeer("@big"));
 * // → { _: "inputPeerUser", userId: 5123456789, accessHash: -9223372036854775808n }
 * ```
 *
 * @module
 */

export {
  openPostgresStore,
  type PostgresOpenOptions,
  PostgresStore,
  type PostgresStoreOptions,
} from "../src/postgres/postgres_store.ts";
export {
  PostgresStorage,
  type PostgresStorageOptions,
} from "../src/postgres/postgres_storage.ts";
export {
  migratePostgres,
  type MigratePostgresOptions,
  POSTGRES_SCHEMA_VERSION,
} from "../src/postgres/schema.ts";
export type {
  PostgresFactory,
  PostgresParameter,
  PostgresQuery,
  PostgresQueryable,
  PostgresReservedSql,
  PostgresSql,
} from "../src/postgres/driver.ts";
export {
  PostgresConnectionLostError,
  PostgresStoreError,
} from "../src/postgres/errors.ts";
export { SessionInUseError } from "../src/errors.ts";
export type { SessionStore, StoreOpenOptions } from "../src/store/store.ts";
