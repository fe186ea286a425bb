/**
 * mtsession's own SQLite schema: numbered migrations, run in one
 * transaction, recorded in `mts_meta`. Every table is keyed by
 * `session_id`, so one file can hold one session (a `.session` file) or
 * many (a session store). Only syntax SQLite 3.24 understands is used (the
 * upsert is the newest), and nothing a reader needs is newer than 3.8.
 *
 * @module
 */

import { SessionError } from "../errors.ts";
import type { SqliteDatabase } from "./driver.ts";
import { withTransaction } from "./transaction.ts";

/** The schema version this code writes. */
export const SCHEMA_VERSION = 4;

const MIGRATIONS: readonly string[] = [
  // 1: the first schema.
  `
  CREATE TABLE mts_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE mts_sessions (
    session_id TEXT PRIMARY KEY,
    dc_id INTEGER,
    server_address TEXT,
    port INTEGER,
    auth_key BLOB,
    test_mode INTEGER,
    api_id INTEGER,
    user_id INTEGER,
    is_bot INTEGER,
    date REAL,
    takeout_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE mts_peers (
    session_id TEXT NOT NULL,
    id INTEGER NOT NULL,
    type TEXT NOT NULL,
    access_hash INTEGER NOT NULL,
    phone TEXT,
    name TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, id)
  );
  CREATE INDEX mts_peers_phone ON mts_peers (session_id, phone)
    WHERE phone IS NOT NULL;
  CREATE INDEX mts_peers_name ON mts_peers (session_id, name)
    WHERE name IS NOT NULL;
  CREATE TABLE mts_usernames (
    session_id TEXT NOT NULL,
    username TEXT NOT NULL,
    peer_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (session_id, username)
  );
  CREATE INDEX mts_usernames_peer ON mts_usernames (session_id, peer_id);
  CREATE TABLE mts_update_states (
    session_id TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    pts INTEGER NOT NULL,
    qts INTEGER NOT NULL,
    date REAL NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (session_id, entity_id)
  );
  CREATE TABLE mts_files (
    session_id TEXT NOT NULL,
    md5 BLOB NOT NULL,
    size INTEGER NOT NULL,
    type TEXT NOT NULL,
    id INTEGER NOT NULL,
    access_hash INTEGER NOT NULL,
    PRIMARY KEY (session_id, md5, size, type)
  );
  `,
  // 2: lookups in as few B-tree searches as the raw table needs. Peers and
  // usernames become WITHOUT ROWID tables (a lookup by key is one search,
  // not an index search and then a row search), and a peer's usernames are
  // kept in order in its own row as a JSON array (NULL for none), so that
  // reading a peer no longer walks mts_usernames. mts_usernames is now only
  // the index from username to peer: the writer keeps both in step.
  `
  CREATE TABLE mts_peers_2 (
    session_id TEXT NOT NULL,
    id INTEGER NOT NULL,
    type TEXT NOT NULL,
    access_hash INTEGER NOT NULL,
    usernames TEXT,
    phone TEXT,
    name TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, id)
  ) WITHOUT ROWID;
  INSERT INTO mts_peers_2
    (session_id, id, type, access_hash, usernames, phone, name, updated_at)
  SELECT p.session_id, p.id, p.type, p.access_hash,
    (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(username) END
       FROM (SELECT username FROM mts_usernames u
             WHERE u.session_id = p.session_id AND u.peer_id = p.id
             ORDER BY position)),
    p.phone, p.name, p.updated_at
  FROM mts_peers p;
  CREATE TABLE mts_usernames_2 (
    session_id TEXT NOT NULL,
    username TEXT NOT NULL,
    peer_id INTEGER NOT NULL,
    PRIMARY KEY (session_id, username)
  ) WITHOUT ROWID;
  INSERT INTO mts_usernames_2 (session_id, username, peer_id)
  SELECT u.session_id, u.username, u.peer_id FROM mts_usernames u
  WHERE EXISTS (SELECT 1 FROM mts_peers p
                WHERE p.session_id = u.session_id AND p.id = u.peer_id);
  DROP TABLE mts_usernames;
  DROP TABLE mts_peers;
  ALTER TABLE mts_peers_2 RENAME TO mts_peers;
  ALTER TABLE mts_usernames_2 RENAME TO mts_usernames;
  CREATE INDEX mts_peers_phone ON mts_peers (session_id, phone)
    WHERE phone IS NOT NULL;
  CREATE INDEX mts_peers_name ON mts_peers (session_id, name)
    WHERE name IS NOT NULL;
  `,
  // 3: the whole session. The data centers (in the order set: `position`),
  // the permanent keys of the other DCs, temporary keys (`expires_at` in
  // the caller's unit, milliseconds: an INTEGER, exact), the client's own
  // values, and the messages through which a min peer can be reached (in
  // the order first stored: the rowid; the index on the peer keeps its
  // references in rowid order, so reading them needs no sort). A peer
  // row gains its min flag and the client's own bytes of it (NULL: none).
  `
  CREATE TABLE mts_dcs (
    session_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    id INTEGER NOT NULL,
    media_only INTEGER NOT NULL,
    test_mode INTEGER NOT NULL,
    ipv4 TEXT,
    ipv6 TEXT,
    port INTEGER NOT NULL,
    PRIMARY KEY (session_id, position)
  ) WITHOUT ROWID;
  CREATE TABLE mts_auth_keys (
    session_id TEXT NOT NULL,
    dc_id INTEGER NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (session_id, dc_id)
  ) WITHOUT ROWID;
  CREATE TABLE mts_temp_auth_keys (
    session_id TEXT NOT NULL,
    dc_id INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    key BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, dc_id, idx)
  ) WITHOUT ROWID;
  CREATE TABLE mts_values (
    session_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (session_id, name)
  ) WITHOUT ROWID;
  CREATE TABLE mts_message_refs (
    seq INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    peer_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    msg_id INTEGER NOT NULL,
    UNIQUE (session_id, peer_id, chat_id, msg_id)
  );
  CREATE INDEX mts_message_refs_peer ON mts_message_refs (session_id, peer_id);
  CREATE INDEX mts_message_refs_msg
    ON mts_message_refs (session_id, chat_id, msg_id);
  ALTER TABLE mts_peers ADD COLUMN min INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE mts_peers ADD COLUMN raw BLOB;
  `,
  // 4: an input peer from one search of a small index. What an input peer
  // needs (the marked id, the hash, the min flag) is kept in an index led
  // by the id (integer comparisons first; the session id only breaks
  // ties), and in the phone index: a lookup by id or phone then reads no
  // row, and one by username one row of mts_usernames and one index entry.
  // Whole records are still read from the table (its primary key).
  `
  CREATE INDEX mts_peers_key ON mts_peers (id, session_id, access_hash, min);
  DROP INDEX mts_peers_phone;
  CREATE INDEX mts_peers_phone ON mts_peers (phone, session_id, access_hash, min)
    WHERE phone IS NOT NULL;
  `,
];

/** Table names that mark a database as ours. */
export const OUR_TABLE = "mts_meta";

/** Names of the tables in a database (sqlite_master), sorted. */
export function tableNames(db: SqliteDatabase): string[] {
  return db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all().map((r) => String(r.name));
}

/** The schema version recorded in an mtsession database. */
export function schemaVersion(db: SqliteDatabase): number {
  const row = db.prepare("SELECT value FROM mts_meta WHERE key = 'schema'")
    .get();
  return row === undefined ? 0 : Number(row.value);
}

/**
 * Creates or upgrades the schema in one transaction: every step from the
 * version found to the current one (1 → 2 → 3 → 4) commits together, or none
 * does and the database is as it was. Returns the version found before (0
 * for a new database). A current file is not written: its
 * `BEGIN IMMEDIATE` alone takes the lock that exclusive locking mode then
 * keeps.
 */
export function migrate(
  db: SqliteDatabase,
  kind: "file" | "store",
  ours = false,
): number {
  return withTransaction(db, () => {
    // `ours`: the caller has seen mts_meta on this connection (and it is
    // never dropped), so it is not looked for again.
    const fresh = !ours && !tableNames(db).includes(OUR_TABLE);
    const from = fresh ? 0 : schemaVersion(db);
    if (from > SCHEMA_VERSION) return from; // the caller refuses it
    if (from === SCHEMA_VERSION) return from; // nothing to write
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    const set = db.prepare(
      "INSERT INTO mts_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    set.run("schema", String(SCHEMA_VERSION));
    if (fresh) {
      set.run("application", "mtsession");
      set.run("kind", kind);
    }
    return from;
  });
}

/**
 * Creates or upgrades mtsession's schema in a database you opened yourself
 * (for `new SqliteStorage(db, id)`). `openSession(name)` and
 * `openSessionStore(path)` do this for you, together with WAL, the
 * exclusive lock and the checks that keep foreign files untouched.
 *
 * @param db An open connection (see the `adapters/` entry points).
 * @throws {SessionError} When the database is another program's, or was
 * written by a newer mtsession.
 *
 * @example Usage
 * ```ts
 * import { migrateSqlite, openSession, SqliteStorage } from "@mtsession/mtsession";
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * migrateSqlite(db);
 * const session = await openSession(new SqliteStorage(db, "main"));
 * await session.setDc(2, "149.154.167.51", 443);
 * assert.equal(session.dcId, 2);
 * await session.close();
 * ```
 */
export function migrateSqlite(db: SqliteDatabase): void {
  const tables = tableNames(db);
  if (tables.length > 0 && !tables.includes(OUR_TABLE)) {
    throw new SessionError(
      `Cannot use this database: it has tables of another program (${
        tables.slice(0, 5).join(", ")
      }); mtsession only writes its own databases`,
    );
  }
  const from = migrate(db, "file");
  if (from > SCHEMA_VERSION) {
    throw new SessionError(
      `Cannot use this database: its mtsession schema ${from} is newer than ${SCHEMA_VERSION}; upgrade mtsession`,
    );
  }
}
