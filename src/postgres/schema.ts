/**
 * mtsession's PostgreSQL schema: tables prefixed `mtsession_` in one schema
 * (default `public`), created and upgraded by numbered migrations that run
 * in one transaction under an advisory lock, so that processes starting
 * together never race to create them. The version is kept in
 * `mtsession_meta`.
 *
 * 64-bit values (ids, access hashes, takeout id, expiry times) are
 * `bigint`; keys, MD5 digests, client values and raw peer bytes are
 * `bytea`. Every table is keyed by `session_id`.
 *
 * @module
 */

import { PostgresStoreError } from "./errors.ts";
import {
  checkSchemaName,
  describeInstance,
  PgClient,
  type PostgresQueryable,
  type PostgresSql,
} from "./driver.ts";

/**
 * The PostgreSQL schema version this code writes (kept in
 * `mtsession_meta`).
 *
 * @example Usage
 * ```ts
 * import { POSTGRES_SCHEMA_VERSION } from "@mtsession/mtsession/postgres";
 * import assert from "node:assert/strict";
 *
 * assert.ok(POSTGRES_SCHEMA_VERSION >= 1);
 * ```
 */
export const POSTGRES_SCHEMA_VERSION = 2;

/** Migration `n` (1-based) as SQL, for the quoted schema `s`. */
const MIGRATIONS: readonly ((s: string) => string)[] = [
  // 1: the first schema.
  (s) => `
  CREATE TABLE ${s}.mtsession_sessions (
    session_id text PRIMARY KEY,
    dc_id integer,
    server_address text,
    port integer,
    auth_key bytea,
    test_mode boolean,
    api_id bigint,
    user_id bigint,
    is_bot boolean,
    date double precision,
    takeout_id bigint,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  );
  CREATE TABLE ${s}.mtsession_peers (
    session_id text NOT NULL,
    id bigint NOT NULL,
    type text NOT NULL
      CHECK (type IN ('user', 'bot', 'chat', 'channel', 'supergroup')),
    access_hash bigint NOT NULL,
    name text,
    updated_at bigint NOT NULL,
    PRIMARY KEY (session_id, id)
  );
  CREATE INDEX mtsession_peers_name ON ${s}.mtsession_peers (session_id, name)
    WHERE name IS NOT NULL;
  CREATE TABLE ${s}.mtsession_usernames (
    session_id text NOT NULL,
    username text NOT NULL,
    peer_id bigint NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (session_id, username)
  );
  CREATE INDEX mtsession_usernames_peer
    ON ${s}.mtsession_usernames (session_id, peer_id);
  CREATE TABLE ${s}.mtsession_phones (
    session_id text NOT NULL,
    phone text NOT NULL,
    peer_id bigint NOT NULL,
    PRIMARY KEY (session_id, phone)
  );
  CREATE INDEX mtsession_phones_peer
    ON ${s}.mtsession_phones (session_id, peer_id);
  CREATE TABLE ${s}.mtsession_update_states (
    session_id text NOT NULL,
    entity_id bigint NOT NULL,
    pts bigint NOT NULL,
    qts bigint NOT NULL,
    date double precision NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (session_id, entity_id)
  );
  CREATE TABLE ${s}.mtsession_files (
    session_id text NOT NULL,
    md5 bytea NOT NULL,
    size bigint NOT NULL,
    type text NOT NULL,
    id bigint NOT NULL,
    access_hash bigint NOT NULL,
    PRIMARY KEY (session_id, md5, size, type)
  );
  `,
  // 2: the whole session: data centers, the keys of other DCs, temporary
  // keys, client values, message references; min peers and raw peer bytes.
  (s) => `
  ALTER TABLE ${s}.mtsession_peers
    ADD COLUMN min boolean NOT NULL DEFAULT false,
    ADD COLUMN raw bytea;
  CREATE TABLE ${s}.mtsession_dcs (
    session_id text NOT NULL,
    position integer NOT NULL,
    id integer NOT NULL,
    test_mode boolean NOT NULL,
    media_only boolean NOT NULL,
    ipv4 text,
    ipv6 text,
    port integer NOT NULL,
    PRIMARY KEY (session_id, position)
  );
  CREATE TABLE ${s}.mtsession_auth_keys (
    session_id text NOT NULL,
    dc_id integer NOT NULL,
    auth_key bytea NOT NULL,
    PRIMARY KEY (session_id, dc_id)
  );
  CREATE TABLE ${s}.mtsession_temp_auth_keys (
    session_id text NOT NULL,
    dc_id integer NOT NULL,
    key_index integer NOT NULL,
    auth_key bytea NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (session_id, dc_id, key_index)
  );
  CREATE TABLE ${s}.mtsession_values (
    session_id text NOT NULL,
    name text NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (session_id, name)
  );
  CREATE TABLE ${s}.mtsession_message_refs (
    session_id text NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    peer_id bigint NOT NULL,
    chat_id bigint NOT NULL,
    msg_id bigint NOT NULL,
    PRIMARY KEY (session_id, peer_id, chat_id, msg_id)
  );
  CREATE INDEX mtsession_message_refs_peer
    ON ${s}.mtsession_message_refs (session_id, peer_id, seq);
  CREATE INDEX mtsession_message_refs_message
    ON ${s}.mtsession_message_refs (session_id, chat_id, msg_id);
  `,
];

/** Our tables, children first (the order `destroy` deletes in). */
export const TABLES: readonly string[] = [
  "usernames",
  "phones",
  "peers",
  "update_states",
  "files",
  "dcs",
  "auth_keys",
  "temp_auth_keys",
  "values",
  "message_refs",
  "sessions",
];

async function readVersion(
  client: PgClient,
  on: PostgresQueryable,
): Promise<number> {
  const [exists] = await client.rows(
    "read the schema version",
    "SELECT (to_regclass($1::text) IS NOT NULL)::text",
    [`${client.schema}.mtsession_meta`],
    on,
  );
  if (exists?.[0] !== "true") return 0;
  const [row] = await client.rows(
    "read the schema version",
    `SELECT value FROM ${client.table("meta")} WHERE key = 'schema'`,
    [],
    on,
  );
  return row === undefined ? 0 : Number(row[0]);
}

/**
 * Creates or upgrades the schema. Cheap when it is current (one query);
 * otherwise every migration runs in one transaction, under a transaction
 * advisory lock on the schema's name, and the version is read again under
 * the lock, so concurrent callers wait for each other and the losers find
 * the work done. Returns the version found before.
 */
export async function migrate(client: PgClient): Promise<number> {
  const now = await readVersion(client, client.sql);
  if (now === POSTGRES_SCHEMA_VERSION) return now;
  if (now > POSTGRES_SCHEMA_VERSION) return tooNew(client, now);
  const from = await client.transaction(
    "create the mtsession schema",
    async (tx) => {
      await client.rows(
        "create the mtsession schema",
        "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))",
        [`mtsession:schema:${client.schemaName}`],
        tx,
      );
      const [ns] = await client.rows(
        "create the mtsession schema",
        "SELECT count(*)::text FROM pg_namespace WHERE nspname = $1::text",
        [client.schemaName],
        tx,
      );
      if (ns?.[0] === "0") {
        await client.rows(
          "create the mtsession schema",
          `CREATE SCHEMA ${client.schema}`,
          [],
          tx,
        );
      }
      const found = await readVersion(client, tx);
      if (found >= POSTGRES_SCHEMA_VERSION) return found;
      if (found === 0) {
        await client.rows(
          "create the mtsession schema",
          `CREATE TABLE ${
            client.table("meta")
          } (key text PRIMARY KEY, value text NOT NULL)`,
          [],
          tx,
        );
      }
      for (let v = found; v < POSTGRES_SCHEMA_VERSION; v++) {
        await client.rows(
          `migrate the mtsession schema to version ${v + 1}`,
          MIGRATIONS[v]!(client.schema),
          [],
          tx,
        );
      }
      await client.rows(
        "create the mtsession schema",
        `INSERT INTO ${client.table("meta")} (key, value) ` +
          "VALUES ('schema', $1::text), ('application', 'mtsession') " +
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [String(POSTGRES_SCHEMA_VERSION)],
        tx,
      );
      return found;
    },
  );
  if (from > POSTGRES_SCHEMA_VERSION) return tooNew(client, from);
  return from;
}

function tooNew(client: PgClient, version: number): never {
  throw new PostgresStoreError(
    "use the mtsession schema",
    client.server,
    null,
    `has mtsession schema ${version} in ${client.schemaName}, newer than ` +
      `this version (${POSTGRES_SCHEMA_VERSION}): upgrade mtsession`,
  );
}

/**
 * Options for {@linkcode migratePostgres}.
 *
 * @example Usage
 * ```ts
 * import type { MigratePostgresOptions } from "@mtsession/mtsession/postgres";
 *
 * const options: MigratePostgresOptions = { schema: "telegram" };
 * void options;
 * ```
 */
export interface MigratePostgresOptions {
  /** The schema of mtsession's tables (default `"public"`). */
  schema?: string;
}

/**
 * Creates or upgrades mtsession's tables (`mtsession_*`) in a database,
 * for deployments that set up the schema ahead of time, or for
 * `new PostgresStorage(sql, id)`. `openPostgresStore` does it for you.
 * Safe to run from several processes at once.
 *
 * @param sql A `postgres` instance (any `types` setting).
 * @param options The schema to use.
 * @returns The schema version found before (0 for a new database).
 * @throws {PostgresStoreError} When the server fails, or has a schema
 * written by a newer mtsession.
 *
 * @example Usage
 * ```ts ignore
 * import postgres from "postgres";
 * import { migratePostgres } from "@mtsession/mtsession/postgres";
 *
 * const sql = postgres(process.env.DATABASE_URL!);
 * await migratePostgres(sql, { schema: "telegram" });
 * await sql.end();
 * ```
 */
export async function migratePostgres(
  sql: PostgresSql,
  options: MigratePostgresOptions = {},
): Promise<number> {
  const schema = checkSchemaName(options.schema ?? "public");
  return await migrate(
    new PgClient(sql, schema, describeInstance(sql), true),
  );
}
