/**
 * Writing Telethon (v1, schema 7) and upstream Pyrogram (schema 3) session
 * databases, with the exact DDL those libraries execute, so that they open
 * the result as one of their own. Telethon loads `sessions` with
 * `select *` and unpacks five columns by position, so the column order is
 * part of the format.
 *
 * @module
 */

import { canonicalAddress } from "../strings/_ip.ts";
import type {
  AuthState,
  CachedFile,
  PeerRecord,
  PeerType,
  UpdateState,
} from "../types.ts";
import type { SqliteDatabase, SqlValue } from "../sqlite/driver.ts";
import { withTransaction } from "../sqlite/transaction.ts";
import { MissingFieldsError, SessionError } from "../errors.ts";
import { CHANNEL_ID_OFFSET } from "../peers/ids.ts";
import { dcAddress, findDcByAddress } from "../strings/dc_table.ts";
import {
  checkAuthPatch,
  checkFile,
  checkPeer,
  checkUpdateState,
} from "../_validate.ts";
import { count, idKind, listOf } from "./_values.ts";

export type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
  PeerType,
  UpdateState,
} from "../types.ts";
export type {
  SqliteDatabase,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "../sqlite/driver.ts";

/**
 * What a writer takes: the auth state (any field may be missing) and the
 * caches. The `ForeignSession` that `readForeign` returns fits as is.
 *
 * @example Usage
 * ```ts
 * import type { ForeignData } from "./write.ts";
 * import assert from "node:assert/strict";
 *
 * const data: ForeignData = {
 *   auth: { dcId: 2, authKey: new Uint8Array(256).fill(7), userId: 1234567890 },
 *   peers: [{
 *     id: 111111111, type: "user", accessHash: -8601234567890123456n,
 *     usernames: ["alice_l"], phone: "447700900123", name: "Alice Liddell",
 *     updatedAt: 1700000000,
 *   }],
 * };
 * assert.equal(data.peers?.length, 1);
 * ```
 */
export interface ForeignData {
  /** DC, auth key and account; missing fields count as unknown. */
  auth: Partial<AuthState>;
  /** Cached peers. When two share a username, the later one keeps it. */
  peers?: readonly PeerRecord[];
  /** Update states: entity 0 and channels (marked ids). */
  updateStates?: readonly UpdateState[];
  /** Cached uploaded files (Telethon only). */
  files?: readonly CachedFile[];
}

/** SQLite's INTEGER for whole numbers (drivers bind JS numbers as REAL). */
function int(n: number): bigint {
  return BigInt(n);
}

/** An INTEGER when whole, else the REAL (Telethon's float dates). */
function intOrReal(n: number): SqlValue {
  return Number.isInteger(n) ? BigInt(n) : n;
}

/** Every field of a checked auth patch, `null` where missing. */
function fullAuth(patch: Partial<AuthState>): AuthState {
  const a = checkAuthPatch(patch ?? {});
  return {
    dcId: a.dcId ?? null,
    serverAddress: a.serverAddress ?? null,
    port: a.port ?? null,
    authKey: a.authKey ?? null,
    testMode: a.testMode ?? null,
    apiId: a.apiId ?? null,
    userId: a.userId ?? null,
    isBot: a.isBot ?? null,
    date: a.date ?? null,
    takeoutId: a.takeoutId ?? null,
  };
}

function ensureEmpty(db: SqliteDatabase, what: string): void {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master").get();
  if (Number(row?.n ?? 0) !== 0) {
    throw new SessionError(
      `Cannot write a ${what} session into this database: it is not empty; ` +
        `write into a new database`,
    );
  }
}

// ---------------------------------------------------------------- Telethon

// Schema 7 exactly as Telethon 1.37 creates it (sqlite.py), whitespace
// included, so sqlite_master reads the same as in a file Telethon made.
const TELETHON_DDL: readonly string[] = [
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
];

/**
 * Writes a Telethon v1 session (SQLite schema 7, as Telethon 1.17–1.37
 * reads it) into an empty database, in one transaction: the `version` row
 * 7, one `sessions` row (`dc_id, server_address, port, auth_key,
 * takeout_id`, an empty blob when there is no key), the peers in
 * `entities` with their date, the self-id row `(0, user id)` Telethon 1.37
 * reads the account's id from, `update_state` with channels under their
 * BARE id, and `sent_files`.
 *
 * Telethon cannot hold: the API id, test mode, bot flag of the account or
 * of users, supergroup-ness, more than one username per peer, update
 * states of anything but the account and channels. The returned notes say
 * which of these were dropped.
 *
 * @param db An open, empty database.
 * @param data What to write.
 * @returns Notes on what Telethon's format could not hold.
 * @throws {SessionError} When the database is not empty.
 * @throws {MissingFieldsError} When there is an auth key but no DC, or a
 * DC whose address is neither given nor known.
 * @throws {TypeError | RangeError} When a record is malformed.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import { writeTelethon } from "./write.ts";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * writeTelethon(db, {
 *   auth: { dcId: 2, serverAddress: "149.154.167.51", port: 443, userId: 1234567890 },
 *   updateStates: [{ entityId: -1001876543210, pts: 4321, qts: 0, date: 1699999200.5, seq: 0 }],
 * });
 * assert.deepEqual(db.prepare("SELECT * FROM sessions").get(), {
 *   dc_id: 2n, server_address: "149.154.167.51", port: 443n,
 *   auth_key: new Uint8Array(0), takeout_id: null,
 * });
 * assert.deepEqual(db.prepare("SELECT id, date FROM update_state").get(), {
 *   id: 1876543210n, date: 1699999200.5,
 * });
 * db.close();
 * ```
 */
export function writeTelethon(db: SqliteDatabase, data: ForeignData): string[] {
  const notes: string[] = [];
  const auth = fullAuth(data.auth);
  const peers = (data.peers ?? []).map(checkPeer);
  const states = (data.updateStates ?? []).map(checkUpdateState);
  const files = (data.files ?? []).map(checkFile);

  const dcId = auth.dcId;
  let address = auth.serverAddress;
  let port = auth.port;
  if (dcId === null && auth.authKey !== null) {
    throw new MissingFieldsError("telethon", ["dcId"]);
  }
  if (dcId !== null && (address === null || port === null)) {
    const dc = dcAddress(dcId, auth.testMode ?? false);
    if (dc === undefined) {
      throw new MissingFieldsError(
        "telethon",
        [
          ...(address === null ? ["serverAddress"] : []),
          ...(port === null ? ["port"] : []),
        ],
      );
    }
    address ??= dc.address;
    port ??= dc.port;
    notes.push(
      `The DC address was not known; Pyrogram's address of DC ${dcId} ` +
        `(${address}:${port}) was written`,
    );
  }
  if (dcId === null) {
    notes.push(
      "No DC is known, so no sessions row was written: Telethon will start " +
        "on its default DC and log in anew",
    );
  }
  const unstored: [string, unknown][] = [
    ["apiId", auth.apiId],
    ["testMode", auth.testMode],
    ["isBot", auth.isBot],
    ["date", auth.date],
  ];
  const dropped = unstored.filter(([, v]) => v !== null).map(([k]) => k);
  if (dropped.length > 0) {
    notes.push(`Telethon files do not store ${listOf(dropped)}`);
  }
  const userId = auth.userId;
  if (userId === null) {
    notes.push(
      "The account's user id is not known, so no self-id row (0, user id) " +
        "was written; Telethon will ask Telegram for it",
    );
  }

  const bots = peers.filter((p) => p.type === "bot").length;
  const supergroups = peers.filter((p) => p.type === "supergroup").length;
  const extra = peers.filter((p) => p.usernames.length > 1);
  if (bots > 0) {
    notes.push(
      `Telethon does not store the bot flag: ${
        count(bots, "bot")
      } will read as users`,
    );
  }
  if (supergroups > 0) {
    notes.push(
      `Telethon does not store supergroup-ness: ${
        count(supergroups, "supergroup")
      } will read as channels`,
    );
  }
  if (extra.length > 0) {
    notes.push(
      `Telethon keeps one username per peer: the other usernames of ` +
        `${count(extra.length, "peer")} (${
          listOf(extra.map((p) => p.id))
        }) were dropped`,
    );
  }
  const stateRows: [number, UpdateState][] = [];
  const badStates: number[] = [];
  for (const st of states) {
    if (st.entityId === 0) stateRows.push([0, st]);
    else if (idKind(st.entityId) === "channel") {
      stateRows.push([-st.entityId - CHANNEL_ID_OFFSET, st]);
    } else badStates.push(st.entityId);
  }
  if (badStates.length > 0) {
    notes.push(
      `Telethon keeps update states of the account and of channels only: ` +
        `those of ${listOf(badStates)} were dropped`,
    );
  }

  ensureEmpty(db, "Telethon");
  withTransaction(db, () => {
    for (const ddl of TELETHON_DDL) db.exec(ddl);
    db.prepare("insert into version values (?)").run(7n);
    if (dcId !== null) {
      db.prepare(
        "insert into sessions (dc_id, server_address, port, auth_key, " +
          "takeout_id) values (?, ?, ?, ?, ?)",
      ).run(
        int(dcId),
        address,
        port === null ? null : int(port),
        auth.authKey ?? new Uint8Array(0),
        auth.takeoutId,
      );
    }
    const entity = db.prepare(
      "insert or replace into entities (id, hash, username, phone, name, " +
        "date) values (?, ?, ?, ?, ?, ?)",
    );
    if (userId !== null) {
      // Telethon 1.37's self-id row: get_input_entity(0).access_hash is
      // read back as the account's id on connect.
      entity.run(
        0n,
        int(userId),
        null,
        null,
        null,
        int(Math.floor(Date.now() / 1000)),
      );
    }
    for (const p of peers) {
      entity.run(
        int(p.id),
        p.type === "chat" ? 0n : p.accessHash,
        p.usernames[0] ?? null,
        p.phone, // text into an INTEGER column: stored as INTEGER, as Telethon does
        p.name,
        intOrReal(p.updatedAt),
      );
    }
    const file = db.prepare(
      "insert or replace into sent_files (md5_digest, file_size, type, id, " +
        "hash) values (?, ?, ?, ?, ?)",
    );
    for (const f of files) {
      file.run(
        f.md5,
        int(f.size),
        f.type === "photo" ? 1n : 0n,
        f.id,
        f.accessHash,
      );
    }
    const state = db.prepare(
      "insert or replace into update_state (id, pts, qts, date, seq) " +
        "values (?, ?, ?, ?, ?)",
    );
    for (const [id, st] of stateRows) {
      state.run(
        int(id),
        int(st.pts),
        int(st.qts),
        intOrReal(st.date),
        int(st.seq),
      );
    }
  });
  return notes;
}

// ---------------------------------------------------------------- Pyrogram

// Upstream Pyrogram 2.0.106's SCHEMA (sqlite_storage.py), statement by
// statement, whitespace included.
const PYROGRAM_DDL: readonly string[] = [
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
];

const PYROGRAM_TYPE: Record<PeerType, string> = {
  user: "user",
  bot: "bot",
  chat: "group",
  channel: "channel",
  supergroup: "supergroup",
};

/**
 * Writes an upstream Pyrogram session (SQLite schema 3, Pyrogram 2.0 –
 * 2.0.106; the forks migrate it on open) into an empty database, in one
 * transaction: the exact DDL with its indexes and trigger, the `version`
 * row 3, one `sessions` row, and the peers with their Pyrogram type text
 * (`"group"` for basic chats), first username and phone as text.
 *
 * Pyrogram treats a session without `test_mode`, `auth_key`, `user_id` or
 * `is_bot` as empty, and prompts for a missing `api_id`, so those (and the
 * DC) are required. When `testMode` is unknown but the server address is
 * one of Telegram's known DC addresses, it is taken from there.
 *
 * Schema 3 cannot hold: the server address (Pyrogram derives it from the
 * DC), the takeout id, names, more than one username per peer, update
 * states and the file cache. The returned notes say which were dropped.
 *
 * @param db An open, empty database.
 * @param data What to write.
 * @returns Notes on what Pyrogram's format could not hold.
 * @throws {MissingFieldsError} When a field Pyrogram needs is missing
 * (format `"pyrogram"`; `fields` names them).
 * @throws {SessionError} When the database is not empty.
 * @throws {TypeError | RangeError} When a record is malformed.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import { writePyrogram } from "./write.ts";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * writePyrogram(db, {
 *   auth: {
 *     dcId: 2, apiId: 12345, testMode: false, authKey: new Uint8Array(256),
 *     userId: 1234567890, isBot: false, date: 1700000000,
 *   },
 *   peers: [{
 *     id: -987654321, type: "chat", accessHash: 0n, usernames: [],
 *     phone: null, name: "Basic Group", updatedAt: 1700000000,
 *   }],
 * });
 * assert.deepEqual(db.prepare("SELECT number FROM version").get(), { number: 3n });
 * assert.deepEqual(db.prepare("SELECT type FROM peers").get(), { type: "group" });
 * db.close();
 * ```
 */
export function writePyrogram(db: SqliteDatabase, data: ForeignData): string[] {
  const notes: string[] = [];
  const auth = fullAuth(data.auth);
  const peers = (data.peers ?? []).map(checkPeer);
  const states = data.updateStates ?? [];
  const files = data.files ?? [];

  let testMode = auth.testMode;
  if (testMode === null && auth.serverAddress !== null) {
    const dc = findDcByAddress(auth.serverAddress);
    if (
      dc !== undefined && (auth.dcId === null || auth.dcId === dc.dcId) &&
      (auth.port === null || auth.port === dc.port)
    ) {
      testMode = dc.testMode;
      notes.push(
        `Test mode was not known; ${auth.serverAddress} is a ` +
          `${dc.testMode ? "test" : "production"} DC, so test_mode is ` +
          `${dc.testMode ? 1 : 0}`,
      );
    }
  }
  const required: [string, unknown][] = [
    ["dcId", auth.dcId],
    ["apiId", auth.apiId],
    ["testMode", testMode],
    ["authKey", auth.authKey],
    ["userId", auth.userId],
    ["isBot", auth.isBot],
  ];
  const missing = required.filter(([, v]) => v === null).map(([k]) => k);
  if (missing.length > 0) throw new MissingFieldsError("pyrogram", missing);
  const dcId = auth.dcId!;

  if (auth.serverAddress !== null) {
    const v4 = dcAddress(dcId, testMode!);
    const v6 = dcAddress(dcId, testMode!, true);
    const same = [v4, v6].some((d) =>
      d !== undefined && d.address === canonicalAddress(auth.serverAddress!) &&
      (auth.port === null || auth.port === d.port)
    );
    if (!same) {
      notes.push(
        `Pyrogram stores no server address: it will connect to ${
          v4 === undefined ? `DC ${dcId}` : `${v4.address}:${v4.port}`
        } instead of ${auth.serverAddress}${
          auth.port === null ? "" : `:${auth.port}`
        }`,
      );
    }
  }
  if (auth.takeoutId !== null) {
    notes.push("Pyrogram does not store a takeout id");
  }
  const withName = peers.filter((p) => p.name !== null).length;
  if (withName > 0) {
    notes.push(
      `Pyrogram does not store names: those of ${
        count(withName, "peer")
      } were dropped`,
    );
  }
  const extra = peers.filter((p) => p.usernames.length > 1);
  if (extra.length > 0) {
    notes.push(
      `Pyrogram schema 3 keeps one username per peer: the other usernames ` +
        `of ${count(extra.length, "peer")} (${
          listOf(extra.map((p) => p.id))
        }) were dropped`,
    );
  }
  if (states.length > 0) {
    notes.push(
      `Pyrogram schema 3 has no update state: ${
        count(states.length, "state was", "states were")
      } dropped`,
    );
  }
  if (files.length > 0) {
    notes.push(
      `Pyrogram has no file cache: ${
        count(files.length, "cached file was", "cached files were")
      } dropped`,
    );
  }

  ensureEmpty(db, "Pyrogram");
  withTransaction(db, () => {
    for (const ddl of PYROGRAM_DDL) db.exec(ddl);
    db.prepare("INSERT INTO version VALUES (?)").run(3n);
    db.prepare(
      "INSERT INTO sessions (dc_id, api_id, test_mode, auth_key, date, " +
        "user_id, is_bot) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).run(
      int(dcId),
      int(auth.apiId!),
      testMode ? 1n : 0n,
      auth.authKey!,
      intOrReal(auth.date ?? Math.floor(Date.now() / 1000)),
      int(auth.userId!),
      auth.isBot ? 1n : 0n,
    );
    // REPLACE, as Pyrogram's update_peers: the AFTER UPDATE trigger does
    // not fire, so last_update_on keeps the value given here.
    const peer = db.prepare(
      "REPLACE INTO peers (id, access_hash, type, username, phone_number, " +
        "last_update_on) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const p of peers) {
      peer.run(
        int(p.id),
        p.type === "chat" ? 0n : p.accessHash,
        PYROGRAM_TYPE[p.type],
        p.usernames[0] ?? null,
        p.phone,
        int(Math.floor(p.updatedAt)),
      );
    }
  });
  return notes;
}
