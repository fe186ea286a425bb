// The session-file layouts of Pyrogram and its forks (Kurigram, PyroTGFork,
// pyrofork), the one place the detector, the reader and the writer take
// table and column names from. A writer's layout is data (its DDL and each
// table's columns in order), so a fork's layout is another constant chosen
// by its flavour, not another branch. Private to src/foreign/.

import type { PeerType } from "../../types.ts";
import type { Table } from "../_schema.ts";

/** `version(number)`, the schema number (PyroTGFork's drifts, see detect). */
export const VERSION: Table<"number"> = {
  name: "version",
  columns: ["number"],
};

/**
 * The columns of `sessions` in every schema; Pyrogram takes a session
 * missing any of test_mode, auth_key, user_id, is_bot for an empty one.
 */
export const SESSIONS: Table<
  "dc_id" | "test_mode" | "auth_key" | "user_id" | "is_bot"
> = {
  name: "sessions",
  columns: ["dc_id", "test_mode", "auth_key", "user_id", "is_bot"],
};

/** The columns some schemas add to `sessions`. */
export const SESSION_DATE = "date";
/** Added by schema 3 (last in files migrated from 2). */
export const SESSION_API_ID = "api_id";
/** Added by Kurigram's schema 7. */
export const SESSION_ADDRESS: readonly ["server_address", "port"] = [
  "server_address",
  "port",
];

/** The columns of `peers` in every schema. */
export const PEERS: Table<"id" | "access_hash" | "type"> = {
  name: "peers",
  columns: ["id", "access_hash", "type"],
};

/** The peers' first username, dropped by Kurigram's fresh schema 4. */
export const PEER_USERNAME = "username";
/** The peers' phone, as text. */
export const PEER_PHONE = "phone_number";
/** When the row was written (unix seconds). */
export const PEER_UPDATED = "last_update_on";

/** Kurigram's (and PyroTGFork's) every username: `usernames(id, username)`. */
export const KURIGRAM_USERNAMES: Table<"id" | "username"> = {
  name: "usernames",
  columns: ["id", "username"],
};

/** The index Kurigram's schema 6 added. */
export const KURIGRAM_USERNAMES_INDEX = "idx_usernames_id";

/**
 * pyrofork's extra usernames: `usernames(id = the username, peer_id)`,
 * only for peers with more than one.
 */
export const PYROFORK_USERNAMES: Table<"id" | "peer_id"> = {
  name: "usernames",
  columns: ["id", "peer_id"],
};

/** The forks' `update_state`: the account as 0, channels by marked id. */
export const UPDATE_STATE: Table = {
  name: "update_state",
  columns: ["id", "pts", "qts", "date", "seq"],
};

/** Pyrogram's peer type text (in an INTEGER column) → mtsession's type. */
export const PEER_TYPES_READ: Readonly<Record<string, PeerType>> = {
  user: "user",
  bot: "bot",
  group: "chat",
  channel: "channel",
  supergroup: "supergroup",
  forum: "supergroup", // Kurigram 7: a supergroup with topics
  direct: "supergroup", // Kurigram 7: a channel's direct-messages chat
  community: "channel", // Kurigram 7: addressed as a channel; kind unknown
};

/** mtsession's peer type → the text upstream Pyrogram writes. */
export const PEER_TYPES_WRITTEN: Readonly<Record<PeerType, string>> = {
  user: "user",
  bot: "bot",
  chat: "group",
  channel: "channel",
  supergroup: "supergroup",
};

/** The columns a writer may put in `sessions`. */
export type SessionColumn =
  | (typeof SESSIONS.columns)[number]
  | typeof SESSION_DATE
  | typeof SESSION_API_ID;

/** The columns a writer may put in `peers`. */
export type PeerColumn =
  | (typeof PEERS.columns)[number]
  | typeof PEER_USERNAME
  | typeof PEER_PHONE
  | typeof PEER_UPDATED;

/** What a writer makes: the DDL, then a row per table in these columns. */
export interface PyrogramLayout {
  /** The number written into `version`. */
  readonly schema: number;
  /** The statements that create the tables, indexes and trigger, in order. */
  readonly ddl: readonly string[];
  /** `sessions`, one row. */
  readonly sessions: Table<SessionColumn>;
  /** `peers`, a row per peer. */
  readonly peers: Table<PeerColumn>;
}

/**
 * Upstream Pyrogram 2.0.106's SCHEMA (sqlite_storage.py), statement by
 * statement, whitespace included: schema 3, which the forks migrate.
 */
export const PYROGRAM_3: PyrogramLayout = {
  schema: 3,
  ddl: [
    `CREATE TABLE sessions
(
    dc_id     INTEGER PRIMARY KEY,
    api_id    INTEGER,
    test_mode INTEGER,
    auth_key  BLOB,
    date      INTEGER NOT NULL,
    user_id   INTEGER,
    is_bot    INTEGER
)`,
    `CREATE TABLE peers
(
    id             INTEGER PRIMARY KEY,
    access_hash    INTEGER,
    type           INTEGER NOT NULL,
    username       TEXT,
    phone_number   TEXT,
    last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER))
)`,
    `CREATE TABLE version
(
    number INTEGER PRIMARY KEY
)`,
    "CREATE INDEX idx_peers_id ON peers (id)",
    "CREATE INDEX idx_peers_username ON peers (username)",
    "CREATE INDEX idx_peers_phone_number ON peers (phone_number)",
    `CREATE TRIGGER trg_peers_last_update_on
    AFTER UPDATE
    ON peers
BEGIN
    UPDATE peers
    SET last_update_on = CAST(STRFTIME('%s', 'now') AS INTEGER)
    WHERE id = NEW.id;
END`,
  ],
  sessions: {
    name: SESSIONS.name,
    columns: [
      "dc_id",
      SESSION_API_ID,
      "test_mode",
      "auth_key",
      SESSION_DATE,
      "user_id",
      "is_bot",
    ],
  },
  peers: {
    name: PEERS.name,
    columns: [
      "id",
      "access_hash",
      "type",
      PEER_USERNAME,
      PEER_PHONE,
      PEER_UPDATED,
    ],
  },
};

/** The layout each flavour is written in (the forks' own to come). */
export const WRITE_LAYOUTS: Readonly<Record<"pyrogram", PyrogramLayout>> = {
  pyrogram: PYROGRAM_3,
};
