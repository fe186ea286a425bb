// Writing a Pyrogram session file in a layout of pyrogram/_layout.ts
// (today upstream's schema 3, which the forks migrate on open). Private
// to src/foreign/.

import type { AuthState, PeerRecord } from "../../types.ts";
import type { SqliteDatabase, SqlValue } from "../../sqlite/driver.ts";
import { MissingFieldsError } from "../../errors.ts";
import { dcAddress, findDcByAddress } from "../../strings/dc_table.ts";
import { canonicalAddress } from "../../strings/_ip.ts";
import { checkPeer } from "../../_validate.ts";
import type { ForeignData } from "../types.ts";
import { count, listOf } from "../_notes.ts";
import {
  fullAuth,
  insertRows,
  int,
  intOrReal,
  noteDcLosses,
  writeFresh,
} from "../_write_common.ts";
import {
  PEER_TYPES_WRITTEN,
  type PeerColumn,
  type PyrogramLayout,
  type SessionColumn,
  VERSION,
  WRITE_LAYOUTS,
} from "./_layout.ts";

/** The fields Pyrogram cannot do without, all known. */
interface Login {
  dcId: number;
  apiId: number;
  testMode: boolean;
  authKey: Uint8Array;
  userId: number;
  isBot: boolean;
}

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
 * import { writePyrogram } from "./_write.ts";
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
  const layout = WRITE_LAYOUTS.pyrogram;
  const notes: string[] = [];
  const auth = fullAuth(data.auth);
  const peers = (data.peers ?? []).map(checkPeer);

  const login = loginOf(auth, testModeOf(auth, notes));
  noteAddress(auth, login, notes);
  noteLosses(auth, peers, data, layout, notes);
  noteDcLosses("Pyrogram", data, login.dcId, {
    dcs: "none",
    keys: false,
    mainAddress: dcAddress(login.dcId, login.testMode)?.address ?? null,
  }, notes);

  writeFresh(db, "Pyrogram", layout.ddl, () => {
    insertRows(db, "INSERT", VERSION, [{ number: int(layout.schema) }]);
    insertRows(db, "INSERT", layout.sessions, [sessionRow(auth, login)]);
    // REPLACE, as Pyrogram's update_peers: the AFTER UPDATE trigger does
    // not fire, so last_update_on keeps the value given here.
    insertRows(db, "INSERT OR REPLACE", layout.peers, peers.map(peerRow));
  });
  return notes;
}

/** The test mode given, else the one of a known DC address (noted). */
function testModeOf(auth: AuthState, notes: string[]): boolean | null {
  if (auth.testMode !== null || auth.serverAddress === null) {
    return auth.testMode;
  }
  const dc = findDcByAddress(auth.serverAddress);
  if (
    dc === undefined || (auth.dcId !== null && auth.dcId !== dc.dcId) ||
    (auth.port !== null && auth.port !== dc.port)
  ) {
    return null;
  }
  notes.push(
    `Test mode was not known; ${auth.serverAddress} is a ` +
      `${dc.testMode ? "test" : "production"} DC, so test_mode is ` +
      `${dc.testMode ? 1 : 0}`,
  );
  return dc.testMode;
}

/**
 * @throws {MissingFieldsError} When a field Pyrogram needs is missing.
 */
function loginOf(auth: AuthState, testMode: boolean | null): Login {
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
  return {
    dcId: auth.dcId!,
    apiId: auth.apiId!,
    testMode: testMode!,
    authKey: auth.authKey!,
    userId: auth.userId!,
    isBot: auth.isBot!,
  };
}

/** Pyrogram stores no address: say so when it would connect elsewhere. */
function noteAddress(auth: AuthState, login: Login, notes: string[]): void {
  const given = auth.serverAddress;
  if (given === null) return;
  const v4 = dcAddress(login.dcId, login.testMode);
  const v6 = dcAddress(login.dcId, login.testMode, true);
  const same = [v4, v6].some((d) =>
    d !== undefined && d.address === canonicalAddress(given) &&
    (auth.port === null || auth.port === d.port)
  );
  if (same) return;
  notes.push(
    `Pyrogram stores no server address: it will connect to ${
      v4 === undefined ? `DC ${login.dcId}` : `${v4.address}:${v4.port}`
    } instead of ${given}${auth.port === null ? "" : `:${auth.port}`}`,
  );
}

function noteLosses(
  auth: AuthState,
  peers: readonly PeerRecord[],
  data: ForeignData,
  layout: PyrogramLayout,
  notes: string[],
): void {
  const states = data.updateStates ?? [];
  const files = data.files ?? [];
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
      `Pyrogram schema ${layout.schema} keeps one username per peer: the ` +
        `other usernames of ${count(extra.length, "peer")} (${
          listOf(extra.map((p) => p.id))
        }) were dropped`,
    );
  }
  if (states.length > 0) {
    notes.push(
      `Pyrogram schema ${layout.schema} has no update state: ${
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
}

function sessionRow(
  auth: AuthState,
  login: Login,
): Record<SessionColumn, SqlValue> {
  return {
    dc_id: int(login.dcId),
    api_id: int(login.apiId),
    test_mode: login.testMode ? 1n : 0n,
    auth_key: login.authKey,
    date: intOrReal(auth.date ?? Math.floor(Date.now() / 1000)),
    user_id: int(login.userId),
    is_bot: login.isBot ? 1n : 0n,
  };
}

function peerRow(p: PeerRecord): Record<PeerColumn, SqlValue> {
  return {
    id: int(p.id),
    access_hash: p.type === "chat" ? 0n : p.accessHash,
    type: PEER_TYPES_WRITTEN[p.type],
    username: p.usernames[0] ?? null,
    phone_number: p.phone,
    last_update_on: int(Math.floor(p.updatedAt)),
  };
}
