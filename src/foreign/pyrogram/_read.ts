// Reading a session file of Pyrogram (schemas 1–3) or a fork (Kurigram and
// PyroTGFork 4–7, pyrofork 4): the `sessions` row, every username, the
// peers, and the forks' `update_state`. Columns are selected by name:
// migrated files append columns (`api_id`, Kurigram's `server_address`),
// so one schema comes in more than one column order. Private to
// src/foreign/.

import type { AuthState, PeerType } from "../../types.ts";
import type { SqliteDatabase, SqlRow } from "../../sqlite/driver.ts";
import { CHANNEL_ID_OFFSET } from "../../peers/ids.ts";
import { dcAddress } from "../../strings/dc_table.ts";
import type { ForeignFlavor, ForeignSession } from "../types.ts";
import { hasColumn, type SchemaInfo, selectRows } from "../_schema.ts";
import { count, listOf } from "../_notes.ts";
import {
  authKeyOf,
  dcOf,
  idKind,
  oldStyleChannelId,
  portOf,
  positive,
  stateOf,
  toBig,
  toBool,
  toInt,
  toPhone,
  toReal,
  toText,
  usernameList,
} from "../_values.ts";
import {
  KURIGRAM_USERNAMES,
  PEER_PHONE,
  PEER_TYPES_READ,
  PEER_UPDATED,
  PEER_USERNAME,
  PEERS,
  PYROFORK_USERNAMES,
  SESSION_ADDRESS,
  SESSION_API_ID,
  SESSION_DATE,
  SESSIONS,
  UPDATE_STATE,
} from "./_layout.ts";

/**
 * Reads a Pyrogram or fork file into `out` (whose `kind` is set), adding
 * notes on what was read specially.
 *
 * @param db The connection.
 * @param s Its schema.
 * @param out Where to put what is read.
 */
export function readPyrogram(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  readSessionRow(db, s, out);
  readPeers(db, s, out, readUsernames(db, s, out.kind.flavor));
  readUpdateStates(db, s, out);
}

// ---------------------------------------------------------------- sessions

/** Pyrogram loads the first row. */
function readSessionRow(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  const cols = s.tables.get(SESSIONS.name) ?? [];
  const hasApi = cols.includes(SESSION_API_ID);
  const hasAddress = SESSION_ADDRESS.every((c) => cols.includes(c));
  const hasDate = cols.includes(SESSION_DATE);
  const rows = selectRows(db, SESSIONS.name, [
    ...SESSIONS.columns,
    ...(hasDate ? [SESSION_DATE] : []),
    ...(hasApi ? [SESSION_API_ID] : []),
    ...(hasAddress ? SESSION_ADDRESS : []),
  ]);
  if (rows.length > 1) {
    out.notes.push(
      `The sessions table has ${rows.length} rows; the first was read, as ` +
        `Pyrogram does`,
    );
  }
  const row = rows[0];
  if (row !== undefined) {
    const a = out.auth;
    a.dcId = dcOf(row.dc_id);
    a.testMode = toBool(row.test_mode);
    a.authKey = authKeyOf(row.auth_key, out.notes);
    a.userId = positive(toInt(row.user_id));
    a.isBot = toBool(row.is_bot);
    a.date = hasDate ? toReal(row.date) : null;
    a.apiId = hasApi ? positive(toInt(row.api_id), 0x7fffffff) : null;
    if (hasAddress) {
      a.serverAddress = toText(row.server_address);
      a.port = portOf(row.port);
    }
    addressFromDc(a, out.notes);
  }
  noteApiId(cols, out);
}

/** Pyrogram derives the address from (dc_id, test_mode). */
function addressFromDc(a: AuthState, notes: string[]): void {
  if (a.dcId === null || (a.serverAddress !== null && a.port !== null)) {
    return;
  }
  const dc = dcAddress(a.dcId, a.testMode ?? false);
  if (dc === undefined) {
    notes.push(`DC ${a.dcId} is not in Pyrogram's table of DC addresses`);
  } else {
    a.serverAddress = dc.address;
    a.port = dc.port;
  }
}

function noteApiId(cols: readonly string[], out: ForeignSession): void {
  if (!cols.includes(SESSION_API_ID)) {
    out.notes.push(
      "The file has no api_id column (Pyrogram before 2.0): the API id is " +
        "not known",
    );
  } else if (
    out.kind.flavor === "pyrogram" && cols[cols.length - 1] === SESSION_API_ID
  ) {
    out.notes.push(
      "api_id is the last column of sessions: the file was migrated from " +
        "schema 2 (Pyrogram 1.x)",
    );
  }
}

// ---------------------------------------------------------------- usernames

/** The usernames of the forks' `usernames` table, by the peer's raw id. */
function readUsernames(
  db: SqliteDatabase,
  s: SchemaInfo,
  flavor: ForeignFlavor,
): Map<number, string[]> {
  const usernamesOf = new Map<number, string[]>();
  const add = (id: number | null, name: string | null): void => {
    if (id === null || name === null) return;
    const list = usernamesOf.get(id) ?? [];
    list.push(name);
    usernamesOf.set(id, list);
  };
  if (flavor === "kurigram") {
    // All of a peer's usernames, in the order Kurigram wrote them; rows
    // (id, NULL) come from PyroTGFork's AioSQLiteStorage.
    const t = KURIGRAM_USERNAMES;
    for (const r of selectRows(db, t.name, t.columns, " ORDER BY rowid")) {
      add(toInt(r.id), toText(r.username));
    }
  } else if (flavor === "pyrofork" && s.tables.has(PYROFORK_USERNAMES.name)) {
    // pyrofork: usernames(id = the username, peer_id), only for peers with
    // more than one; peers.username holds the first.
    const t = PYROFORK_USERNAMES;
    for (const r of selectRows(db, t.name, t.columns, " ORDER BY rowid")) {
      add(toInt(r.peer_id), toText(r.id));
    }
  }
  return usernamesOf;
}

// ---------------------------------------------------------------- peers

/** What reading `peers` met, for the notes. */
interface PeerTally {
  noHash: number[];
  inconsistent: string[];
  oldStyle: string[];
  guessed: string[];
  ignoredLegacy: number;
}

function readPeers(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
  usernamesOf: ReadonlyMap<number, readonly string[]>,
): void {
  const peerUsername = hasColumn(s, PEERS.name, PEER_USERNAME);
  // Kurigram ignores a peers.username left over from schema 3.
  const useLegacy = peerUsername && out.kind.flavor !== "kurigram";
  const tally: PeerTally = {
    noHash: [],
    inconsistent: [],
    oldStyle: [],
    guessed: [],
    ignoredLegacy: 0,
  };
  for (const r of selectPeers(db, s, peerUsername)) {
    const raw = toInt(r.id);
    if (raw === null || raw === 0) {
      tally.inconsistent.push(String(r.id));
      continue;
    }
    const text = typeof r.type === "string" ? r.type.trim().toLowerCase() : "";
    const type = peerTypeOf(raw, r, text, tally.guessed);
    const id = markedIdOf(raw, type, text, tally);
    if (id === undefined) continue;
    const accessHash = type === "chat" ? 0n : toBig(r.access_hash);
    if (accessHash === null) {
      tally.noHash.push(id);
      continue;
    }
    const legacy = peerUsername ? toText(r.username) : null;
    if (legacy !== null && !useLegacy) tally.ignoredLegacy++;
    out.peers.push({
      id,
      type,
      accessHash,
      usernames: usernameList(
        useLegacy ? legacy : null,
        ...(usernamesOf.get(raw) ?? []),
      ),
      phone: toPhone(r.phone_number),
      name: null,
      updatedAt: toReal(r.updated) ?? 0,
    });
  }
  notePeers(out.notes, tally);
}

function selectPeers(
  db: SqliteDatabase,
  s: SchemaInfo,
  peerUsername: boolean,
): SqlRow[] {
  const updated = hasColumn(s, PEERS.name, PEER_UPDATED) ? PEER_UPDATED : "0";
  return selectRows(db, PEERS.name, [
    ...PEERS.columns,
    ...(peerUsername ? [PEER_USERNAME] : []),
    ...(hasColumn(s, PEERS.name, PEER_PHONE) ? [PEER_PHONE] : []),
    `${updated} AS updated`,
  ], " ORDER BY id");
}

/**
 * The type of a peer row from Pyrogram's type text, or from its id when
 * the text is none Pyrogram writes; types mtsession does not have are
 * noted in `guessed`.
 */
function peerTypeOf(
  raw: number,
  r: SqlRow,
  text: string,
  guessed: string[],
): PeerType {
  const type = PEER_TYPES_READ[text];
  if (type === undefined) {
    const k = idKind(raw);
    guessed.push(
      `${raw} ("${
        typeof r.type === "string" ? r.type : String(r.type)
      }" → ${k})`,
    );
    return k;
  }
  if (text === "direct" || text === "community") {
    guessed.push(`${raw} ("${text}" → ${type})`);
  }
  return type;
}

/**
 * The marked id of a peer row, re-marking a channel stored the Pyrogram
 * 0.15 way (int("-100" + str(id))), or undefined (noted) when the id does
 * not fit the type.
 */
function markedIdOf(
  raw: number,
  type: PeerType,
  text: string,
  tally: PeerTally,
): number | undefined {
  const k = idKind(raw);
  const wantChannel = type === "channel" || type === "supergroup";
  if (wantChannel && k === "chat") {
    const bare = oldStyleChannelId(raw);
    if (bare === undefined) {
      tally.inconsistent.push(`${raw} (${text})`);
      return undefined;
    }
    const id = -(CHANNEL_ID_OFFSET + bare);
    tally.oldStyle.push(`${raw} → ${id}`);
    return id;
  }
  if (
    (wantChannel && k !== "channel") ||
    ((type === "user" || type === "bot") && k !== "user") ||
    (type === "chat" && k !== "chat")
  ) {
    tally.inconsistent.push(`${raw} (${text})`);
    return undefined;
  }
  return raw;
}

function notePeers(notes: string[], tally: PeerTally): void {
  if (tally.noHash.length > 0) {
    notes.push(
      `${count(tally.noHash.length, "peer")} stored without an access hash ` +
        `(${listOf(tally.noHash)}) skipped: Telegram would refuse any hash ` +
        `made up for them, and a client resolves a peer it does not find`,
    );
  }
  if (tally.oldStyle.length > 0) {
    notes.push(
      `${
        count(tally.oldStyle.length, "channel id was", "channel ids were")
      } stored the Pyrogram 0.15 way ("-100" + id) and re-marked: ` +
        listOf(tally.oldStyle),
    );
  }
  if (tally.guessed.length > 0) {
    notes.push(
      `Peer types mtsession does not have were mapped: ${
        listOf(tally.guessed)
      }`,
    );
  }
  if (tally.inconsistent.length > 0) {
    notes.push(
      `${
        count(tally.inconsistent.length, "peer")
      } whose id does not fit its type skipped: ${listOf(tally.inconsistent)}`,
    );
  }
  if (tally.ignoredLegacy > 0) {
    notes.push(
      `${count(tally.ignoredLegacy, "username")} left in the old ` +
        `peers.username column (from before the migration to schema 4) ` +
        `ignored, as Kurigram ignores them`,
    );
  }
}

// ------------------------------------------------------------ update_state

/** The forks' update states: ids are already marked. */
function readUpdateStates(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  if (!s.tables.has(UPDATE_STATE.name)) return;
  for (const r of selectRows(db, UPDATE_STATE.name, UPDATE_STATE.columns)) {
    const id = toInt(r.id);
    if (id === null || id > 0) {
      out.notes.push(
        `The update state of id ${String(r.id)} is not a channel's; skipped`,
      );
      continue;
    }
    out.updateStates.push(stateOf(id, r));
  }
}
