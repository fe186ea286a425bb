// Telethon's session-file layouts, the one place the detector, the readers
// and the writer take table and column names from: v1 (SQLite schemas 1–7)
// and the Telethon 2 rewrite (schema 10). A writer's layout is data (its
// DDL and each table's columns in order), so another schema is another
// constant, not another branch. Private to src/foreign/.

import type { Table } from "../_schema.ts";

// ------------------------------------------------------------------- v1

/** `version(version)`, the schema number (no primary key in schema 1). */
export const VERSION: Table<"version"> = {
  name: "version",
  columns: ["version"],
};

/** The columns of `sessions` in every v1 schema (Telethon reads row 1). */
export const SESSIONS: Table<
  "dc_id" | "server_address" | "port" | "auth_key"
> = {
  name: "sessions",
  columns: ["dc_id", "server_address", "port", "auth_key"],
};

/** The column schema 5 added to `sessions`. */
export const TAKEOUT_ID = "takeout_id";

/** The columns of `entities` in every v1 schema. */
export const ENTITIES: Table<"id" | "hash" | "username" | "phone" | "name"> = {
  name: "entities",
  columns: ["id", "hash", "username", "phone", "name"],
};

/** The column schema 7 added to `entities` (and schema 6 only emptied it). */
export const ENTITY_DATE = "date";

/** The columns of `sent_files`. */
export type SentFileColumn =
  | "md5_digest"
  | "file_size"
  | "type"
  | "id"
  | "hash";

/** `sent_files` since schema 3: (md5, size, type) → (id, hash). */
export const SENT_FILES: Table<SentFileColumn> = {
  name: "sent_files",
  columns: ["md5_digest", "file_size", "type", "id", "hash"],
};

/** The column of schema 2's `sent_files` (upload ids, not kept since 3). */
export const SENT_FILES_2 = "file_id";

/** The columns of `update_state`. */
export type StateColumn = "id" | "pts" | "qts" | "date" | "seq";

/** `update_state` since schema 4: the account as 0, channels by BARE id. */
export const UPDATE_STATE: Table<StateColumn> = {
  name: "update_state",
  columns: ["id", "pts", "qts", "date", "seq"],
};

/** The columns of schema 7's `sessions`. */
export type SessionColumn =
  | (typeof SESSIONS.columns)[number]
  | typeof TAKEOUT_ID;

/** The columns of schema 7's `entities`. */
export type EntityColumn =
  | (typeof ENTITIES.columns)[number]
  | typeof ENTITY_DATE;

/** What a writer makes: the DDL, then a row per table in these columns. */
export interface TelethonLayout {
  /** The number written into `version`. */
  readonly schema: number;
  /** The statements that create the tables, in order. */
  readonly ddl: readonly string[];
  /** `version`. */
  readonly version: Table<"version">;
  /** `sessions`, in the order `select *` unpacks it. */
  readonly sessions: Table<SessionColumn>;
  /** `entities`. */
  readonly entities: Table<EntityColumn>;
  /** `sent_files`. */
  readonly sentFiles: Table<SentFileColumn>;
  /** `update_state`. */
  readonly updateState: Table<StateColumn>;
}

/**
 * Schema 7 exactly as Telethon 1.37 creates it (sqlite.py), whitespace
 * included, so sqlite_master reads the same as in a file Telethon made.
 * Telethon loads `sessions` with `select *` and unpacks five columns by
 * position, so the column order is part of the format.
 */
export const TELETHON_7: TelethonLayout = {
  schema: 7,
  ddl: [
    "create table version (version integer primary key)",
    `create table sessions (
                    dc_id integer primary key,
                    server_address text,
                    port integer,
                    auth_key blob,
                    takeout_id integer
                )`,
    `create table entities (
                    id integer primary key,
                    hash integer not null,
                    username text,
                    phone integer,
                    name text,
                    date integer
                )`,
    `create table sent_files (
                    md5_digest blob,
                    file_size integer,
                    type integer,
                    id integer,
                    hash integer,
                    primary key(md5_digest, file_size, type)
                )`,
    `create table update_state (
                    id integer primary key,
                    pts integer,
                    qts integer,
                    date integer,
                    seq integer
                )`,
  ],
  version: VERSION,
  sessions: {
    name: SESSIONS.name,
    columns: [...SESSIONS.columns, TAKEOUT_ID],
  },
  entities: {
    name: ENTITIES.name,
    columns: [...ENTITIES.columns, ENTITY_DATE],
  },
  sentFiles: SENT_FILES,
  updateState: UPDATE_STATE,
};

// ------------------------------------------------------ Telethon 2 (10)

/**
 * Schema 10 as Telethon 2 creates it (session/storage/sqlite.py), for the
 * writer: a row per DC in `datacenter`, the account in `user`, its update
 * state in `state`, pts per channel (bare id) in `channelstate`.
 */
export const TELETHON_10_DDL: readonly string[] = [
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

/** `datacenter`: one row per DC, each with its own auth key. */
export const DATACENTER: Table<"id" | "ipv4_addr" | "ipv6_addr" | "auth"> = {
  name: "datacenter",
  columns: ["id", "ipv4_addr", "ipv6_addr", "auth"],
};

/** `user`: the account, with its home DC (`dc`). */
export const USER: Table<"id" | "dc" | "bot" | "username"> = {
  name: "user",
  columns: ["id", "dc", "bot", "username"],
};

/** `state`: the account's update state. */
export const STATE: Table<"pts" | "qts" | "date" | "seq"> = {
  name: "state",
  columns: ["pts", "qts", "date", "seq"],
};

/** `channelstate`: pts per channel, by bare id. */
export const CHANNEL_STATE: Table<"id" | "pts"> = {
  name: "channelstate",
  columns: ["id", "pts"],
};
