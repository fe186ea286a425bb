// Writing a Telethon v1 session file (schema 7, as Telethon 1.17–1.37
// reads it) in the layout telethon/_layout.ts gives. Private to
// src/foreign/.

import type {
  AuthState,
  CachedFile,
  PeerRecord,
  UpdateState,
} from "../../types.ts";
import type { SqliteDatabase, SqlValue } from "../../sqlite/driver.ts";
import { MissingFieldsError } from "../../errors.ts";
import { CHANNEL_ID_OFFSET } from "../../peers/ids.ts";
import { dcAddress } from "../../strings/dc_table.ts";
import { checkFile, checkPeer, checkUpdateState } from "../../_validate.ts";
import type { ForeignData } from "../types.ts";
import { count, listOf } from "../_notes.ts";
import { idKind } from "../_values.ts";
import {
  fullAuth,
  insertRows,
  int,
  intOrReal,
  noteDcLosses,
  writeFresh,
} from "../_write_common.ts";
import {
  type EntityColumn,
  type SentFileColumn,
  type SessionColumn,
  type StateColumn,
  TELETHON_7,
} from "./_layout.ts";

/** Where the sessions row points: a DC and its address, or nothing. */
interface Home {
  dcId: number | null;
  address: string | null;
  port: number | null;
}

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
 * import { writeTelethon } from "./_write_v1.ts";
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

  const home = homeOf(auth, notes);
  noteAuthLosses(auth, notes);
  noteDcLosses("Telethon", data, auth.dcId, {
    dcs: "none",
    keys: false,
    mainAddress: home.address,
  }, notes);
  notePeerLosses(peers, notes);
  const stateRows = bareStates(states, notes);

  const layout = TELETHON_7;
  writeFresh(db, "Telethon", layout.ddl, () => {
    insertRows(db, "INSERT", layout.version, [{
      version: int(layout.schema),
    }]);
    if (home.dcId !== null) {
      insertRows(db, "INSERT", layout.sessions, [sessionRow(auth, home)]);
    }
    insertRows(db, "INSERT OR REPLACE", layout.entities, [
      ...(auth.userId === null ? [] : [selfRow(auth.userId)]),
      ...peers.map(entityRow),
    ]);
    insertRows(db, "INSERT OR REPLACE", layout.sentFiles, files.map(fileRow));
    insertRows(db, "INSERT OR REPLACE", layout.updateState, stateRows);
  });
  return notes;
}

/**
 * The DC of the sessions row and its address: the one given, else
 * Pyrogram's address of that DC (noted).
 *
 * @throws {MissingFieldsError} When there is a key but no DC, or a DC whose
 * address is neither given nor known.
 */
function homeOf(auth: AuthState, notes: string[]): Home {
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
  return { dcId, address, port };
}

function noteAuthLosses(auth: AuthState, notes: string[]): void {
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
  if (auth.userId === null) {
    notes.push(
      "The account's user id is not known, so no self-id row (0, user id) " +
        "was written; Telethon will ask Telegram for it",
    );
  }
}

function notePeerLosses(peers: readonly PeerRecord[], notes: string[]): void {
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
}

/** The rows of update_state: the account as 0, channels by BARE id. */
function bareStates(
  states: readonly UpdateState[],
  notes: string[],
): Record<StateColumn, SqlValue>[] {
  const rows: Record<StateColumn, SqlValue>[] = [];
  const dropped: number[] = [];
  for (const st of states) {
    if (st.entityId === 0) rows.push(stateRow(0, st));
    else if (idKind(st.entityId) === "channel") {
      rows.push(stateRow(-st.entityId - CHANNEL_ID_OFFSET, st));
    } else dropped.push(st.entityId);
  }
  if (dropped.length > 0) {
    notes.push(
      `Telethon keeps update states of the account and of channels only: ` +
        `those of ${listOf(dropped)} were dropped`,
    );
  }
  return rows;
}

function sessionRow(
  auth: AuthState,
  home: Home,
): Record<SessionColumn, SqlValue> {
  return {
    dc_id: int(home.dcId!),
    server_address: home.address,
    port: home.port === null ? null : int(home.port),
    // An empty blob, not NULL, for "no key", as Telethon writes it.
    auth_key: auth.authKey ?? new Uint8Array(0),
    takeout_id: auth.takeoutId,
  };
}

/**
 * Telethon 1.37's self-id row: get_input_entity(0).access_hash is read
 * back as the account's id on connect.
 */
function selfRow(userId: number): Record<EntityColumn, SqlValue> {
  return {
    id: 0n,
    hash: int(userId),
    username: null,
    phone: null,
    name: null,
    date: int(Math.floor(Date.now() / 1000)),
  };
}

function entityRow(p: PeerRecord): Record<EntityColumn, SqlValue> {
  return {
    id: int(p.id),
    hash: p.type === "chat" ? 0n : p.accessHash,
    username: p.usernames[0] ?? null,
    // Text into an INTEGER column: stored as INTEGER, as Telethon does.
    phone: p.phone,
    name: p.name,
    date: intOrReal(p.updatedAt),
  };
}

function fileRow(f: CachedFile): Record<SentFileColumn, SqlValue> {
  return {
    md5_digest: f.md5,
    file_size: int(f.size),
    type: f.type === "photo" ? 1n : 0n,
    id: f.id,
    hash: f.accessHash,
  };
}

function stateRow(id: number, st: UpdateState): Record<StateColumn, SqlValue> {
  return {
    id: int(id),
    pts: int(st.pts),
    qts: int(st.qts),
    date: intOrReal(st.date),
    seq: int(st.seq),
  };
}
