// DDL of every Telethon and Pyrogram session schema, as the libraries ran
// it (see shared/reference/formats-python.md; Telethon's old schemas were
// checked against its git history: v0.16 for 1, v0.16.1 for 2, v0.17 for
// 3, v0.19.1 for 4, v1.6 for 5), to build synthetic files in tests.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SqliteDatabase } from "../src/sqlite/driver.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";

/** A 256-byte auth key as an SQL blob literal. */
export function keyLiteral(byte: number): string {
  return `x'${byte.toString(16).padStart(2, "0").repeat(256)}'`;
}

// ------------------------------------------------------------ Telethon v1

/** Schema 1 (v0.16): PK-less version table, WITHOUT ROWID tables. */
export const TELETHON_V1: readonly string[] = [
  "create table version (version integer)",
  `create table sessions (
                    dc_id integer primary key,
                    server_address text,
                    port integer,
                    auth_key blob
                ) without rowid`,
  `create table entities (
                    id integer primary key,
                    hash integer not null,
                    username text,
                    phone integer,
                    name text
                ) without rowid`,
];

const T_SESSIONS_4 = `sessions (
                    dc_id integer primary key,
                    server_address text,
                    port integer,
                    auth_key blob
                )`;
const T_ENTITIES_5 = `entities (
                    id integer primary key,
                    hash integer not null,
                    username text,
                    phone integer,
                    name text
                )`;
const T_SENT_FILES_2 = `sent_files (
                    md5_digest blob,
                    file_size integer,
                    file_id integer,
                    part_count integer,
                    primary key(md5_digest, file_size)
                )`;
const T_SENT_FILES_3 = `sent_files (
                    md5_digest blob,
                    file_size integer,
                    type integer,
                    id integer,
                    hash integer,
                    primary key(md5_digest, file_size, type)
                )`;
const T_UPDATE_STATE = `update_state (
                    id integer primary key,
                    pts integer,
                    qts integer,
                    date integer,
                    seq integer
                )`;

/** Schema 2 (v0.16.1), fresh: every table WITHOUT ROWID. */
export const TELETHON_V2: readonly string[] = [
  "version (version integer primary key)",
  T_SESSIONS_4,
  T_ENTITIES_5,
  T_SENT_FILES_2,
].map((d) => `create table ${d} without rowid`);

/** Schema 3 (v0.17), fresh: every table WITHOUT ROWID. */
export const TELETHON_V3: readonly string[] = [
  "version (version integer primary key)",
  T_SESSIONS_4,
  T_ENTITIES_5,
  T_SENT_FILES_3,
].map((d) => `create table ${d} without rowid`);

/** Schema 4 (v0.19.1 – 1.5), fresh: no more WITHOUT ROWID. */
export const TELETHON_V4: readonly string[] = [
  "version (version integer primary key)",
  T_SESSIONS_4,
  T_ENTITIES_5,
  T_SENT_FILES_3,
  T_UPDATE_STATE,
].map((d) => `create table ${d}`);

/** Schema 5 and 6 (1.6 – 1.16), fresh. */
export const TELETHON_V5: readonly string[] = [
  "version (version integer primary key)",
  `sessions (
                    dc_id integer primary key,
                    server_address text,
                    port integer,
                    auth_key blob,
                    takeout_id integer
                )`,
  T_ENTITIES_5,
  T_SENT_FILES_3,
  T_UPDATE_STATE,
].map((d) => `create table ${d}`);

/**
 * A schema-1 file upgraded by Telethon 0.17 … 1.16 up to 6: the PK-less
 * version table and the WITHOUT ROWID tables stay.
 */
export const TELETHON_V1_UPGRADED_TO_6: readonly string[] = [
  ...TELETHON_V1,
  `create table ${T_SENT_FILES_3}`,
  `create table ${T_UPDATE_STATE}`,
  "alter table sessions add column takeout_id integer",
];

/** Schema 7 (1.17 – 1.37), fresh. */
export const TELETHON_V7: readonly string[] = [
  ...TELETHON_V5.filter((d) => !d.includes("entities (")),
  `create table entities (
                    id integer primary key,
                    hash integer not null,
                    username text,
                    phone integer,
                    name text,
                    date integer
                )`,
];

/** Telethon 2, schema 10. */
export const TELETHON_V10: readonly string[] = [
  `create table version (
                version integer primary key
            )`,
  `create table datacenter(
                id integer primary key,
                ipv4_addr text,
                ipv6_addr text,
                auth blob
            )`,
  `create table user(
                id integer primary key,
                dc integer not null,
                bot integer not null,
                username text
            )`,
  `create table state(
                pts integer not null,
                qts integer not null,
                date integer not null,
                seq integer not null
            )`,
  `create table channelstate(
                id integer primary key,
                pts integer not null
            )`,
];

// ------------------------------------------------------------ Pyrogram

const P_PEERS_WITH_USERNAME = `CREATE TABLE peers
(
    id             INTEGER PRIMARY KEY,
    access_hash    INTEGER,
    type           INTEGER NOT NULL,
    username       TEXT,
    phone_number   TEXT,
    last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER))
)`;
const P_PEERS_NO_USERNAME = `CREATE TABLE peers
(
    id             INTEGER PRIMARY KEY,
    access_hash    INTEGER,
    type           INTEGER NOT NULL,
    phone_number   TEXT,
    last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER))
)`;
const P_VERSION = `CREATE TABLE version
(
    number INTEGER PRIMARY KEY
)`;
const P_TRIGGER = `CREATE TRIGGER trg_peers_last_update_on
    AFTER UPDATE
    ON peers
BEGIN
    UPDATE peers
    SET last_update_on = CAST(STRFTIME('%s', 'now') AS INTEGER)
    WHERE id = NEW.id;
END`;
const P_UPDATE_STATE = `CREATE TABLE update_state
(
    id   INTEGER PRIMARY KEY,
    pts  INTEGER,
    qts  INTEGER,
    date INTEGER,
    seq  INTEGER
)`;
const K_USERNAMES = `CREATE TABLE usernames
(
    id       INTEGER,
    username TEXT,
    FOREIGN KEY (id) REFERENCES peers(id)
)`;

/** Pyrogram schemas 1 and 2 (0.15 – 1.4): no api_id. */
export const PYROGRAM_V1: readonly string[] = [
  `CREATE TABLE sessions
(
    dc_id     INTEGER PRIMARY KEY,
    test_mode INTEGER,
    auth_key  BLOB,
    date      INTEGER NOT NULL,
    user_id   INTEGER,
    is_bot    INTEGER
)`,
  P_PEERS_WITH_USERNAME,
  P_VERSION,
  "CREATE INDEX idx_peers_id ON peers (id)",
  "CREATE INDEX idx_peers_username ON peers (username)",
  "CREATE INDEX idx_peers_phone_number ON peers (phone_number)",
  P_TRIGGER,
];

/** A schema-2 file migrated to 3 by Pyrogram 2.0: api_id is LAST. */
export const PYROGRAM_V3_MIGRATED: readonly string[] = [
  ...PYROGRAM_V1,
  "ALTER TABLE sessions ADD api_id INTEGER",
];

const P_SESSIONS_3 = `CREATE TABLE sessions
(
    dc_id     INTEGER PRIMARY KEY,
    api_id    INTEGER,
    test_mode INTEGER,
    auth_key  BLOB,
    date      INTEGER NOT NULL,
    user_id   INTEGER,
    is_bot    INTEGER
)`;

/** Upstream Pyrogram schema 3 (2.0 – 2.0.106), fresh. */
export const PYROGRAM_V3: readonly string[] = [
  P_SESSIONS_3,
  ...PYROGRAM_V1.slice(1),
];

/** Kurigram schema 4, fresh: peers without username, usernames table. */
export const KURIGRAM_V4: readonly string[] = [
  P_SESSIONS_3,
  P_PEERS_NO_USERNAME,
  K_USERNAMES,
  P_VERSION,
  "CREATE INDEX idx_peers_id ON peers (id)",
  "CREATE INDEX idx_peers_phone_number ON peers (phone_number)",
  "CREATE INDEX idx_usernames_username ON usernames (username)",
  P_TRIGGER,
];

/** Kurigram schema 5 (and PyroTGFork's AioSQLiteStorage): + update_state. */
export const KURIGRAM_V5: readonly string[] = [...KURIGRAM_V4, P_UPDATE_STATE];

/** Kurigram schema 6: + idx_usernames_id. */
export const KURIGRAM_V6: readonly string[] = [
  ...KURIGRAM_V5,
  "CREATE INDEX idx_usernames_id ON usernames (id)",
];

/**
 * An upstream schema-3 file opened by Kurigram 2.1 (→ 6): peers.username
 * stays, the usernames table is added but not filled from it.
 */
export const KURIGRAM_V6_FROM_3: readonly string[] = [
  ...PYROGRAM_V3,
  K_USERNAMES,
  "CREATE INDEX idx_usernames_username ON usernames (username)",
  P_UPDATE_STATE,
  "CREATE INDEX idx_usernames_id ON usernames (id)",
];

/** Kurigram schema 7, fresh: server_address and port after dc_id. */
export const KURIGRAM_V7: readonly string[] = [
  `CREATE TABLE sessions
(
    dc_id          INTEGER PRIMARY KEY,
    server_address TEXT,
    port           INTEGER,
    api_id         INTEGER,
    test_mode      INTEGER,
    auth_key       BLOB,
    date           INTEGER NOT NULL,
    user_id        INTEGER,
    is_bot         INTEGER
)`,
  ...KURIGRAM_V6.slice(1),
];

/** A Kurigram 6 file migrated to 7: server_address and port appended. */
export const KURIGRAM_V7_MIGRATED: readonly string[] = [
  ...KURIGRAM_V6,
  "ALTER TABLE sessions ADD server_address TEXT",
  "ALTER TABLE sessions ADD port INTEGER",
];

/** pyrofork's own schema 4: peers.username kept, update_state. */
export const PYROFORK_V4_BASE: readonly string[] = [
  P_SESSIONS_3,
  P_PEERS_WITH_USERNAME,
  P_UPDATE_STATE,
  P_VERSION,
  "CREATE INDEX idx_peers_id ON peers (id)",
  "CREATE INDEX idx_peers_username ON peers (username)",
  "CREATE INDEX idx_peers_phone_number ON peers (phone_number)",
  P_TRIGGER,
];

/** pyrofork 4 with its (unversioned) usernames table. */
export const PYROFORK_V4: readonly string[] = [
  ...PYROFORK_V4_BASE,
  `CREATE TABLE IF NOT EXISTS usernames
(
    id             TEXT PRIMARY KEY,
    peer_id        INTEGER NOT NULL,
    last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER))
)`,
  `CREATE TRIGGER IF NOT EXISTS trg_usernames_last_update_on
    AFTER UPDATE
    ON usernames
BEGIN
    UPDATE usernames
    SET last_update_on = CAST(STRFTIME('%s', 'now') AS INTEGER)
    WHERE id = NEW.id;
END`,
];

// ------------------------------------------------------------ builders

/** Runs each statement on the database. */
export function run(db: SqliteDatabase, statements: readonly string[]): void {
  for (const sql of statements) db.exec(sql);
}

/** An in-memory database holding the statements' result. */
export async function memoryDb(
  statements: readonly string[],
): Promise<SqliteDatabase> {
  const db = await openDefaultDatabase(":memory:");
  run(db, statements);
  return db;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
