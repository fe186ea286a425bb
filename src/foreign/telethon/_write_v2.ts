// Writing a Telethon 2 session file (schema 10, as Telethon 2's
// SqliteSession loads it) in the layout telethon/_layout.ts gives: a row
// per data center with its own key. Private to src/foreign/.

import type { AuthState, DataCenter, UpdateState } from "../../types.ts";
import type { SqliteDatabase, SqlValue } from "../../sqlite/driver.ts";
import { MissingFieldsError } from "../../errors.ts";
import { CHANNEL_ID_OFFSET } from "../../peers/ids.ts";
import { dcAddress } from "../../strings/dc_table.ts";
import { checkUpdateState } from "../../_validate.ts";
import type { ForeignData } from "../types.ts";
import { count, listOf } from "../_notes.ts";
import { idKind } from "../_values.ts";
import {
  fullAuth,
  insertRows,
  int,
  noteDcLosses,
  wholeOf,
  writeFresh,
} from "../_write_common.ts";
import {
  CHANNEL_STATE,
  DATACENTER,
  STATE,
  TELETHON_10_DDL,
  USER,
  VERSION,
} from "./_layout.ts";

type DatacenterRow = Record<(typeof DATACENTER.columns)[number], SqlValue>;

/** One DC as Telethon 2 keeps it: addresses with their port, a key. */
interface Dc {
  id: number;
  ipv4: string | null;
  ipv6: string | null;
  port: number | null;
  key: Uint8Array | null;
}

/**
 * Writes a Telethon 2 session (SQLite schema 10) into an empty database,
 * in one transaction: the `version` row 10; a `datacenter` row per DC
 * (`ip:port`, `[ip]:port`, its own auth key) for the main DC and every
 * other DC the session knows an address or a key of; the account in
 * `user` (with the main DC as its home); the account's update state in
 * `state`, pts per channel (bare id) in `channelstate`.
 *
 * Telethon 2 cannot hold: peers (it keeps no peer cache in the file),
 * cached files, the API id, test mode, date, takeout id, media-only DCs,
 * the qts/date/seq of channels, update states of anything else. The
 * returned notes say which of these were dropped.
 *
 * @param db An open, empty database.
 * @param data What to write.
 * @returns Notes on what Telethon 2's format could not hold.
 * @throws {SessionError} When the database is not empty.
 * @throws {MissingFieldsError} When there is an auth key but no DC.
 * @throws {TypeError | RangeError} When a record is malformed.
 */
export function writeTelethon2(
  db: SqliteDatabase,
  data: ForeignData,
): string[] {
  const notes: string[] = [];
  const auth = fullAuth(data.auth);
  if (auth.dcId === null && auth.authKey !== null) {
    throw new MissingFieldsError("telethon", ["dcId"]);
  }
  const states = (data.updateStates ?? []).map(checkUpdateState);
  const dcs = datacenters(auth, data, notes);
  noteDcLosses("Telethon 2", data, auth.dcId, {
    dcs: "non-media",
    keys: true,
    mainAddress: auth.serverAddress,
  }, notes);
  noteLosses(auth, data, notes);
  const user = userRow(auth, notes);
  const { state, channels } = stateRows(states, notes);

  writeFresh(db, "Telethon 2", TELETHON_10_DDL, () => {
    insertRows(db, "INSERT", VERSION, [{ version: 10n }]);
    insertRows(db, "INSERT", DATACENTER, dcs.map(datacenterRow));
    if (user !== undefined) insertRows(db, "INSERT", USER, [user]);
    if (state !== undefined) insertRows(db, "INSERT", STATE, [state]);
    insertRows(db, "INSERT", CHANNEL_STATE, channels);
  });
  return notes;
}

/**
 * The DCs to write, by id: the main one from the auth state (its other
 * address from its data-center entry), then every other non-media DC and
 * every DC with a key. A key without an address gets Telegram's address
 * of that DC (noted).
 */
function datacenters(
  auth: AuthState,
  data: ForeignData,
  notes: string[],
): Dc[] {
  const { dcs, keys } = wholeOf(data, auth.dcId);
  const byId = new Map<number, Dc>();
  const entry = (d: DataCenter): Dc => ({
    id: d.id,
    ipv4: d.ipv4,
    ipv6: d.ipv6,
    port: d.port,
    key: null,
  });
  for (const d of dcs) if (!d.mediaOnly) byId.set(d.id, entry(d));
  if (auth.dcId !== null) {
    const known = byId.get(auth.dcId);
    const main: Dc = known ?? {
      id: auth.dcId,
      ipv4: null,
      ipv6: null,
      port: null,
      key: null,
    };
    const address = auth.serverAddress;
    if (address !== null) {
      if (address.includes(":")) main.ipv6 = address;
      else main.ipv4 = address;
      main.port = auth.port ?? main.port;
    }
    main.key = auth.authKey;
    byId.set(main.id, main);
  }
  for (const k of keys) {
    const dc = byId.get(k.dcId) ??
      { id: k.dcId, ipv4: null, ipv6: null, port: null, key: null };
    dc.key = k.key;
    byId.set(k.dcId, dc);
  }
  const testMode = auth.testMode ?? false;
  const fromTable: number[] = [];
  for (const dc of byId.values()) {
    if (dc.ipv4 !== null || dc.ipv6 !== null) {
      dc.port ??= 443;
      continue;
    }
    const table = dcAddress(dc.id, testMode);
    if (table === undefined) continue;
    dc.ipv4 = table.address;
    dc.port = table.port;
    fromTable.push(dc.id);
  }
  if (fromTable.length > 0) {
    notes.push(
      `The address of DC ${listOf(fromTable)} was not known; Telegram's ` +
        `address of that DC was written`,
    );
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function datacenterRow(dc: Dc): DatacenterRow {
  return {
    id: int(dc.id),
    ipv4_addr: dc.ipv4 === null ? null : `${dc.ipv4}:${dc.port}`,
    ipv6_addr: dc.ipv6 === null ? null : `[${dc.ipv6}]:${dc.port}`,
    auth: dc.key,
  };
}

function noteLosses(
  auth: AuthState,
  data: ForeignData,
  notes: string[],
): void {
  const unstored: [string, unknown][] = [
    ["apiId", auth.apiId],
    ["testMode", auth.testMode],
    ["date", auth.date],
    ["takeoutId", auth.takeoutId],
  ];
  const dropped = unstored.filter(([, v]) => v !== null).map(([k]) => k);
  if (dropped.length > 0) {
    notes.push(`Telethon 2 files do not store ${listOf(dropped)}`);
  }
  const peers = data.peers?.length ?? 0;
  if (peers > 0) {
    notes.push(
      `Telethon 2 keeps no peer cache in the file: ${
        count(peers, "peer")
      } were not written`,
    );
  }
  const files = data.files?.length ?? 0;
  if (files > 0) {
    notes.push(
      `Telethon 2 keeps no cache of uploaded files: ${
        count(files, "file")
      } were not written`,
    );
  }
}

function userRow(
  auth: AuthState,
  notes: string[],
): Record<(typeof USER.columns)[number], SqlValue> | undefined {
  if (auth.userId === null || auth.dcId === null) {
    notes.push(
      "The account's user id or DC is not known, so no user row was " +
        "written: Telethon 2 will ask Telegram",
    );
    return undefined;
  }
  if (auth.isBot === null) {
    notes.push("Whether the account is a bot was not known: written as not");
  }
  return {
    id: int(auth.userId),
    dc: int(auth.dcId),
    bot: auth.isBot ? 1n : 0n,
    username: null,
  };
}

function stateRows(states: readonly UpdateState[], notes: string[]): {
  state: Record<(typeof STATE.columns)[number], SqlValue> | undefined;
  channels: Record<(typeof CHANNEL_STATE.columns)[number], SqlValue>[];
} {
  let state: Record<(typeof STATE.columns)[number], SqlValue> | undefined;
  const channels: Record<(typeof CHANNEL_STATE.columns)[number], SqlValue>[] =
    [];
  const dropped: number[] = [];
  let partial = 0;
  for (const st of states) {
    if (st.entityId === 0) {
      state = {
        pts: int(st.pts),
        qts: int(st.qts),
        date: int(Math.floor(st.date)),
        seq: int(st.seq),
      };
    } else if (idKind(st.entityId) === "channel") {
      channels.push({
        id: int(-st.entityId - CHANNEL_ID_OFFSET),
        pts: int(st.pts),
      });
      if (st.qts !== 0 || st.date !== 0 || st.seq !== 0) partial++;
    } else dropped.push(st.entityId);
  }
  if (dropped.length > 0) {
    notes.push(
      `Telethon 2 keeps update states of the account and of channels ` +
        `only: those of ${listOf(dropped)} were dropped`,
    );
  }
  if (partial > 0) {
    notes.push(
      `Telethon 2 stores only pts for channels: the qts, date and seq of ` +
        `${count(partial, "channel")} were dropped`,
    );
  }
  return { state, channels };
}
