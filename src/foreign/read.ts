/**
 * Reading Telethon and Pyrogram session files into mtsession's records.
 * Columns are selected by name, never by position: migrated files append
 * columns (Pyrogram's `api_id`, Kurigram's `server_address`), so the same
 * schema number comes in more than one column order.
 *
 * @module
 */

import { emptyAuth } from "../_copy.ts";
import type {
  AuthState,
  CachedFile,
  PeerRecord,
  PeerType,
  UpdateState,
} from "../types.ts";
import type { SqliteDatabase, SqlRow } from "../sqlite/driver.ts";
import { SessionError } from "../errors.ts";
import { CHANNEL_ID_OFFSET } from "../peers/ids.ts";
import { dcAddress } from "../strings/dc_table.ts";
import { detectForeign, type ForeignKind } from "./detect.ts";
import { hasColumn, readSchema, type SchemaInfo } from "./_schema.ts";
import {
  count,
  idKind,
  listOf,
  oldStyleChannelId,
  toBig,
  toBool,
  toBytes,
  toInt,
  toPhone,
  toReal,
  toText,
} from "./_values.ts";

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
export type { ForeignFlavor, ForeignKind, ForeignLibrary } from "./detect.ts";

/**
 * Everything read from a foreign session file.
 *
 * @example Usage
 * ```ts
 * import type { ForeignSession } from "./read.ts";
 * import assert from "node:assert/strict";
 *
 * const session: ForeignSession = {
 *   kind: {
 *     library: "pyrogram",
 *     flavor: "pyrogram",
 *     schema: 3,
 *     storedVersion: 3,
 *     description: "a Pyrogram session file (schema 3)",
 *   },
 *   auth: {
 *     dcId: 2, serverAddress: "149.154.167.51", port: 443, authKey: null,
 *     testMode: false, apiId: 12345, userId: null, isBot: null, date: 0,
 *     takeoutId: null,
 *   },
 *   peers: [],
 *   updateStates: [],
 *   files: [],
 *   notes: [],
 * };
 * assert.equal(session.auth.dcId, 2);
 * ```
 */
export interface ForeignSession {
  /** What the file is. */
  kind: ForeignKind;
  /** DC, auth key and account. Fields the format lacks are `null`. */
  auth: AuthState;
  /**
   * The cached peers, oldest first: when two peers share a username, the
   * later one is the newer, which is the one that keeps it.
   */
  peers: PeerRecord[];
  /** Update states: the account's (entity 0) first, then by entity id. */
  updateStates: UpdateState[];
  /** Telethon's cache of uploaded files. */
  files: CachedFile[];
  /**
   * What was dropped, guessed or could not be told, one sentence each,
   * for showing to a person. Empty when the file was read as it is.
   */
  notes: string[];
}

/**
 * Reads a Telethon (v1 schemas 1–7, Telethon 2 schema 10) or Pyrogram
 * (upstream 1–3, Kurigram/PyroTGFork 4–7, pyrofork 4) session database.
 * Reads only: nothing is written, so a read-only connection is enough.
 *
 * What is made of each format's quirks:
 *
 * - Telethon's `(0, self id)` row in `entities` is not a peer: its hash is
 *   the account's user id, which becomes `auth.userId`.
 * - Telethon peer types come from the id, as Telethon's own `resolve_id`
 *   does: users are `"user"` (no bot flag is stored), channels `"channel"`
 *   (broadcast or supergroup is not stored).
 * - Channel ids marked the pre-1.18 Telethon / Pyrogram 0.15 way
 *   (`-100` + id, so 9-digit ids fall in the chat range) are turned back
 *   into channels where the row itself proves it; see the notes.
 * - Telethon's `update_state` keys channels by bare id; they come back
 *   marked, `-(10^12 + id)`. REAL dates keep their fraction.
 * - Pyrogram's `type` text maps `group` → `"chat"`, `forum` and `direct` →
 *   `"supergroup"`, `community` → `"channel"`.
 * - Pyrogram users and channels stored with a NULL access hash are skipped
 *   (Telegram would refuse a made-up hash; a lookup miss makes the client
 *   resolve the peer again).
 * - Kurigram's and pyrofork's `usernames` tables give every username.
 *
 * @param db An open database.
 * @returns What the file holds.
 * @throws {SessionError} When the database is not a session file this
 * reader knows.
 *
 * @example Usage
 * ```ts
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import { readForeign } from "./read.ts";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * db.exec(`
 *   CREATE TABLE version (version integer primary key);
 *   CREATE TABLE sessions (dc_id integer primary key, server_address text,
 *     port integer, auth_key blob, takeout_id integer);
 *   CREATE TABLE entities (id integer primary key, hash integer not null,
 *     username text, phone integer, name text, date integer);
 *   CREATE TABLE sent_files (md5_digest blob, file_size integer, type integer,
 *     id integer, hash integer, primary key(md5_digest, file_size, type));
 *   CREATE TABLE update_state (id integer primary key, pts integer,
 *     qts integer, date integer, seq integer);
 *   INSERT INTO version VALUES (7);
 *   INSERT INTO sessions VALUES (2, '149.154.167.51', 443, x'', NULL);
 *   INSERT INTO entities VALUES (0, 1234567890, NULL, NULL, NULL, 1700000030);
 *   INSERT INTO entities VALUES (-1001987654321, -1111111111111111111,
 *     'examplechannel', NULL, 'Example Channel', 1700000000);
 *   INSERT INTO update_state VALUES (1987654321, 4321, 0, 1699999200.5, 0);
 * `);
 * const session = readForeign(db);
 * assert.equal(session.auth.userId, 1234567890);
 * assert.equal(session.auth.authKey, null);
 * assert.deepEqual(session.peers.map((p) => [p.id, p.type, p.accessHash]), [
 *   [-1001987654321, "channel", -1111111111111111111n],
 * ]);
 * assert.deepEqual(session.updateStates, [
 *   { entityId: -1001987654321, pts: 4321, qts: 0, date: 1699999200.5, seq: 0 },
 * ]);
 * db.close();
 * ```
 */
export function readForeign(db: SqliteDatabase): ForeignSession {
  const kind = detectForeign(db);
  if (kind === undefined) {
    throw new SessionError(
      "Cannot read this database as a foreign session: it is not a " +
        "Telethon or Pyrogram session file",
    );
  }
  const schema = readSchema(db);
  const out: ForeignSession = {
    kind,
    auth: emptyAuth(),
    peers: [],
    updateStates: [],
    files: [],
    notes: [],
  };
  switch (kind.flavor) {
    case "telethon":
      readTelethon(db, schema, out);
      break;
    case "telethon2":
      readTelethon2(db, schema, out);
      break;
    default:
      readPyrogram(db, schema, out);
  }
  if (
    kind.schema !== null && kind.storedVersion !== null &&
    kind.storedVersion !== kind.schema
  ) {
    out.notes.push(
      `The version table says ${kind.storedVersion}, but the tables are ` +
        `those of schema ${kind.schema}` +
        (kind.flavor === "kurigram"
          ? " (PyroTGFork's AioSQLiteStorage adds 4 on every open)"
          : ""),
    );
  }
  out.peers = finishPeers(out.peers, out.notes);
  // The account's state first, then channels by id.
  out.updateStates.sort((a, b) =>
    Number(a.entityId !== 0) - Number(b.entityId !== 0) ||
    a.entityId - b.entityId
  );
  return out;
}

// ---------------------------------------------------------------- shared

function positive(
  v: number | null,
  max = Number.MAX_SAFE_INTEGER,
): number | null {
  return v !== null && v >= 1 && v <= max ? v : null;
}

function authKeyOf(
  value: SqlRow[string] | undefined,
  notes: string[],
): Uint8Array | null {
  const key = toBytes(value);
  // Telethon writes an empty blob for "no key"; Pyrogram writes NULL.
  if (key === null || key.length === 0) return null;
  if (key.length !== 256) {
    notes.push(
      `The auth key is ${key.length} bytes instead of 256, so it was not ` +
        `read; the client will have to log in again`,
    );
    return null;
  }
  return key;
}

function dcOf(v: SqlRow[string] | undefined): number | null {
  return positive(toInt(v), 0x7fffffff);
}

function portOf(v: SqlRow[string] | undefined): number | null {
  return positive(toInt(v), 65535);
}

/**
 * Orders peers oldest first (stable), so that among peers sharing a
 * username the newest comes last, and says which username is shared.
 */
function finishPeers(peers: PeerRecord[], notes: string[]): PeerRecord[] {
  const sorted = peers
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.updatedAt - b.p.updatedAt || a.i - b.i)
    .map((x) => x.p);
  const holders = new Map<string, number[]>();
  for (const p of sorted) {
    for (const u of p.usernames) {
      const list = holders.get(u) ?? [];
      list.push(p.id);
      holders.set(u, list);
    }
  }
  for (const [u, ids] of holders) {
    if (ids.length > 1) {
      notes.push(
        `Username @${u} is cached for ${ids.length} peers (${listOf(ids)}); ` +
          `the newest, ${ids[ids.length - 1]}, keeps it`,
      );
    }
  }
  return sorted;
}

function usernameList(...names: (string | null)[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (n === null) continue;
    const u = n.trim().replace(/^@/, "").toLowerCase();
    if (u !== "" && !out.includes(u)) out.push(u);
  }
  return out;
}

// ---------------------------------------------------------------- Telethon

function readTelethon(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  const notes = out.notes;
  const schema = out.kind.schema;

  // sessions: Telethon loads the first row (`select * … fetchone()`).
  const takeout = hasColumn(s, "sessions", "takeout_id");
  const sessions = db.prepare(
    `SELECT dc_id, server_address, port, auth_key${
      takeout ? ", takeout_id" : ""
    } FROM sessions`,
  ).all();
  if (sessions.length > 1) {
    notes.push(
      `The sessions table has ${sessions.length} rows; the first was read, ` +
        `as Telethon does`,
    );
  }
  const row = sessions[0];
  if (row !== undefined) {
    out.auth.dcId = dcOf(row.dc_id);
    out.auth.serverAddress = toText(row.server_address);
    out.auth.port = portOf(row.port);
    out.auth.authKey = authKeyOf(row.auth_key, notes);
    out.auth.takeoutId = takeout ? toBig(row.takeout_id) : null;
  }

  // entities
  const hasDate = hasColumn(s, "entities", "date");
  const rows = db.prepare(
    `SELECT id, hash, username, phone, name${
      hasDate ? ", date" : ""
    } FROM entities ORDER BY id`,
  ).all();
  const byId = new Map<number, { peer: PeerRecord; old: boolean }>();
  const oldStyle: string[] = [];
  const skipped: string[] = [];
  const collisions: number[] = [];
  let selfSeen = false;
  let users = 0;
  let channels = 0;
  for (const r of rows) {
    const raw = toInt(r.id);
    const hash = toBig(r.hash) ?? 0n;
    if (raw === null) {
      skipped.push(String(r.id));
      continue;
    }
    if (raw === 0) {
      // Telethon 1.37's self-id row: (0, own user id). Not a peer.
      selfSeen = true;
      const self = hash > 0n && hash <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(hash)
        : null;
      if (self === null) {
        notes.push("The self-id row (id 0) holds no valid user id");
      } else out.auth.userId = self;
      continue;
    }
    let id = raw;
    let type: PeerType;
    let old = false;
    const k = idKind(raw);
    if (k === "user") type = "user";
    else if (k === "channel") type = "channel";
    else if (hash === 0n) type = "chat"; // Telethon stores 0 for chats
    else {
      // A chat-range id with an access hash is no chat: Telethon writes 0
      // for chats and refuses channels without a hash. It is a channel
      // marked the pre-1.18 way, -(id + 10^(digits+2)) = "-100" + id, which
      // only differs from today's -(10^12 + id) for ids under 10 digits.
      // Telethon 1.17.x wrote such ids into schema-7 files too, so this is
      // not limited to schema ≤ 6. Old Telethon's own resolve_id read them
      // with the rule -100([^0]\d*); the hash check removes the ambiguity
      // that rule had with basic chats whose id starts with 100.
      const bare = oldStyleChannelId(raw);
      if (bare === undefined) {
        skipped.push(String(raw));
        continue;
      }
      id = -(CHANNEL_ID_OFFSET + bare);
      type = "channel";
      old = true;
      oldStyle.push(`${raw} → ${id}`);
    }
    const peer: PeerRecord = {
      id,
      type,
      accessHash: type === "chat" ? 0n : hash,
      usernames: usernameList(toText(r.username)),
      phone: toPhone(r.phone),
      name: toText(r.name),
      updatedAt: hasDate ? toReal(r.date) ?? 0 : 0,
    };
    const seen = byId.get(id);
    if (seen !== undefined) {
      collisions.push(id);
      const newer = peer.updatedAt > seen.peer.updatedAt ||
        (peer.updatedAt === seen.peer.updatedAt && seen.old && !old);
      if (!newer) continue;
      byId.delete(id);
    }
    byId.set(id, { peer, old });
  }
  for (const { peer } of byId.values()) {
    out.peers.push(peer);
    if (peer.type === "user") users++;
    if (peer.type === "channel") channels++;
  }
  if (!selfSeen) {
    notes.push(
      "There is no self-id row (id 0) in entities, so the account's user " +
        "id is not known (Telethon before 1.37 did not write it)",
    );
  }
  if (oldStyle.length > 0) {
    notes.push(
      `${
        count(oldStyle.length, "channel id was", "channel ids were")
      } stored the pre-1.18 way ("-100" + id) and read as channels: ` +
        `${listOf(oldStyle)}; Telethon 1.18 and later would take them for ` +
        `basic chats`,
    );
  }
  if (collisions.length > 0) {
    notes.push(
      `${listOf(collisions)} appeared twice (old and new id form); the ` +
        `newer row was kept`,
    );
  }
  if (skipped.length > 0) {
    notes.push(
      `${count(skipped.length, "entity", "entities")} skipped: ` +
        `${listOf(skipped)} (an id in the basic-chat range with an access ` +
        `hash, or not an integer: neither a chat nor a channel Telethon ` +
        `would write)`,
    );
  }
  if (users > 0) {
    notes.push(
      'Telethon does not store whether a user is a bot: users read as "user"',
    );
  }
  if (channels > 0) {
    notes.push(
      "Telethon does not store whether a channel is a supergroup: channels " +
        'read as "channel"',
    );
  }
  if (schema !== null && schema <= 5 && out.peers.length > 0) {
    notes.push(
      `Schema ${schema} entities may hold unusable access hashes of "min" ` +
        `peers; Telethon 1.10.2 (schema 6) deleted them on upgrade, they ` +
        `were read anyway`,
    );
  }

  // update_state (schema ≥ 4): account = 0, channels by BARE id.
  if (s.tables.has("update_state")) {
    for (
      const r of db.prepare(
        "SELECT id, pts, qts, date, seq FROM update_state",
      ).all()
    ) {
      const raw = toInt(r.id);
      if (raw === null) continue;
      let entityId: number;
      if (raw === 0) entityId = 0;
      else if (raw > 0 && raw < CHANNEL_ID_OFFSET) {
        entityId = -(CHANNEL_ID_OFFSET + raw);
      } else if (raw < -CHANNEL_ID_OFFSET) {
        entityId = raw; // already marked
      } else {
        notes.push(`The update state of id ${raw} is not a channel's; skipped`);
        continue;
      }
      out.updateStates.push({
        entityId,
        pts: toInt(r.pts) ?? 0,
        qts: toInt(r.qts) ?? 0,
        date: toReal(r.date) ?? 0,
        seq: toInt(r.seq) ?? 0,
      });
    }
  }

  // sent_files: schema ≥ 3 keeps (md5, size, type, id, hash).
  if (hasColumn(s, "sent_files", "type")) {
    let bad = 0;
    for (
      const r of db.prepare(
        "SELECT md5_digest, file_size, type, id, hash FROM sent_files",
      ).all()
    ) {
      const md5 = toBytes(r.md5_digest);
      const size = toInt(r.file_size);
      const t = toInt(r.type);
      const id = toBig(r.id);
      const accessHash = toBig(r.hash);
      if (
        md5 === null || md5.length !== 16 || size === null || size < 0 ||
        (t !== 0 && t !== 1) || id === null || accessHash === null
      ) {
        bad++;
        continue;
      }
      out.files.push({
        md5,
        size,
        type: t === 1 ? "photo" : "document",
        id,
        accessHash,
      });
    }
    if (bad > 0) {
      notes.push(`${count(bad, "sent_files row")} could not be read; skipped`);
    }
  } else if (s.tables.has("sent_files")) {
    const n = toInt(
      db.prepare("SELECT count(*) AS n FROM sent_files").get()?.n,
    );
    if (n !== null && n > 0) {
      notes.push(
        `${count(n, "row")} of the schema-2 file cache (upload ids that ` +
          `expire within a day) were not read`,
      );
    }
  }
}

// ---------------------------------------------------------------- Telethon 2

function splitAddress(
  text: string | null,
): { host: string; port: number } | null {
  if (text === null) return null;
  const at = text.lastIndexOf(":");
  if (at <= 0) return null;
  const host = text.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  const port = Number(text.slice(at + 1));
  if (host === "" || !Number.isInteger(port) || port < 1 || port > 65535) {
    return null;
  }
  return { host, port };
}

function readTelethon2(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  const notes = out.notes;
  const user = s.tables.has("user")
    ? db.prepare("SELECT id, dc, bot, username FROM user").get()
    : undefined;
  const dcs = db.prepare(
    "SELECT id, ipv4_addr, ipv6_addr, auth FROM datacenter ORDER BY id",
  ).all().map((r) => ({
    id: toInt(r.id),
    ipv4: toText(r.ipv4_addr),
    ipv6: toText(r.ipv6_addr),
    auth: r.auth,
  }));
  const keyed = dcs.filter((d) => {
    const a = toBytes(d.auth);
    return a !== null && a.length > 0;
  });
  let home: number | null = null;
  if (user !== undefined) {
    home = dcOf(user.dc);
    out.auth.userId = positive(toInt(user.id));
    out.auth.isBot = toBool(user.bot);
  } else if (keyed.length > 0) {
    home = keyed[0]!.id;
    notes.push(
      `No user is logged in; DC ${home} was read as the home DC` +
        (keyed.length > 1 ? ", the first of those with an auth key" : ""),
    );
  }
  out.auth.dcId = home;
  const dc = dcs.find((d) => d.id === home);
  if (dc !== undefined) {
    const addr = splitAddress(dc.ipv4) ?? splitAddress(dc.ipv6);
    out.auth.serverAddress = addr?.host ?? null;
    out.auth.port = addr?.port ?? null;
    out.auth.authKey = authKeyOf(dc.auth, notes);
  } else if (home !== null) {
    notes.push(`There is no datacenter row for the home DC ${home}`);
  }
  const others = keyed.filter((d) => d.id !== home).map((d) => d.id ?? "?");
  if (others.length > 0) {
    notes.push(
      `Telethon 2 keeps one auth key per DC; only the home DC's was read ` +
        `(keys of DC ${listOf(others)} were not)`,
    );
  }

  if (s.tables.has("state")) {
    const st = db.prepare("SELECT pts, qts, date, seq FROM state").get();
    if (st !== undefined) {
      out.updateStates.push({
        entityId: 0,
        pts: toInt(st.pts) ?? 0,
        qts: toInt(st.qts) ?? 0,
        date: toReal(st.date) ?? 0,
        seq: toInt(st.seq) ?? 0,
      });
    }
  }
  if (s.tables.has("channelstate")) {
    let n = 0;
    for (const r of db.prepare("SELECT id, pts FROM channelstate").all()) {
      const id = toInt(r.id);
      if (id === null || id <= 0 || id >= CHANNEL_ID_OFFSET) continue;
      out.updateStates.push({
        entityId: -(CHANNEL_ID_OFFSET + id),
        pts: toInt(r.pts) ?? 0,
        qts: 0,
        date: 0,
        seq: 0,
      });
      n++;
    }
    if (n > 0) {
      notes.push(
        "Telethon 2 stores only pts for channels: their qts, date and seq " +
          "read as 0",
      );
    }
  }
  notes.push(
    "Telethon 2 keeps no peer cache in the file: no peers were read",
  );
}

// ---------------------------------------------------------------- Pyrogram

const PYROGRAM_TYPES: Record<string, PeerType> = {
  user: "user",
  bot: "bot",
  group: "chat",
  channel: "channel",
  supergroup: "supergroup",
  forum: "supergroup", // Kurigram 7: a supergroup with topics
  direct: "supergroup", // Kurigram 7: a channel's direct-messages chat
  community: "channel", // Kurigram 7: addressed as a channel; kind unknown
};

function readPyrogram(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  const notes = out.notes;
  const flavor = out.kind.flavor;

  // sessions
  const cols = s.tables.get("sessions") ?? [];
  const hasApi = cols.includes("api_id");
  const hasAddress = cols.includes("server_address") && cols.includes("port");
  const hasDate = cols.includes("date");
  const select = [
    "dc_id",
    "test_mode",
    "auth_key",
    "user_id",
    "is_bot",
    ...(hasDate ? ["date"] : []),
    ...(hasApi ? ["api_id"] : []),
    ...(hasAddress ? ["server_address", "port"] : []),
  ];
  const rows = db.prepare(`SELECT ${select.join(", ")} FROM sessions`).all();
  if (rows.length > 1) {
    notes.push(
      `The sessions table has ${rows.length} rows; the first was read, as ` +
        `Pyrogram does`,
    );
  }
  const row = rows[0];
  if (row !== undefined) {
    const a = out.auth;
    a.dcId = dcOf(row.dc_id);
    a.testMode = toBool(row.test_mode);
    a.authKey = authKeyOf(row.auth_key, notes);
    a.userId = positive(toInt(row.user_id));
    a.isBot = toBool(row.is_bot);
    a.date = hasDate ? toReal(row.date) : null;
    a.apiId = hasApi ? positive(toInt(row.api_id), 0x7fffffff) : null;
    if (hasAddress) {
      a.serverAddress = toText(row.server_address);
      a.port = portOf(row.port);
    }
    if (a.dcId !== null && (a.serverAddress === null || a.port === null)) {
      // Pyrogram derives the address from (dc_id, test_mode).
      const dc = dcAddress(a.dcId, a.testMode ?? false);
      if (dc === undefined) {
        notes.push(`DC ${a.dcId} is not in Pyrogram's table of DC addresses`);
      } else {
        a.serverAddress = dc.address;
        a.port = dc.port;
      }
    }
  }
  if (!hasApi) {
    notes.push(
      "The file has no api_id column (Pyrogram before 2.0): the API id is " +
        "not known",
    );
  } else if (flavor === "pyrogram" && cols[cols.length - 1] === "api_id") {
    notes.push(
      "api_id is the last column of sessions: the file was migrated from " +
        "schema 2 (Pyrogram 1.x)",
    );
  }

  // usernames
  const usernamesOf = new Map<number, string[]>();
  const addName = (id: number | null, name: string | null): void => {
    if (id === null || name === null) return;
    const list = usernamesOf.get(id) ?? [];
    list.push(name);
    usernamesOf.set(id, list);
  };
  const peerUsername = hasColumn(s, "peers", "username");
  if (flavor === "kurigram") {
    // All of a peer's usernames, in the order Kurigram wrote them; rows
    // (id, NULL) come from PyroTGFork's AioSQLiteStorage.
    for (
      const r of db.prepare(
        "SELECT id, username FROM usernames ORDER BY rowid",
      ).all()
    ) addName(toInt(r.id), toText(r.username));
  } else if (flavor === "pyrofork" && s.tables.has("usernames")) {
    // pyrofork: usernames(id = the username, peer_id), only for peers with
    // more than one; peers.username holds the first.
    for (
      const r of db.prepare(
        "SELECT id, peer_id FROM usernames ORDER BY rowid",
      ).all()
    ) addName(toInt(r.peer_id), toText(r.id));
  }

  // peers
  const useLegacy = peerUsername && flavor !== "kurigram";
  const peerRows = db.prepare(
    `SELECT id, access_hash, type, ${peerUsername ? "username, " : ""}${
      hasColumn(s, "peers", "phone_number") ? "phone_number, " : ""
    }${
      hasColumn(s, "peers", "last_update_on") ? "last_update_on" : "0"
    } AS updated FROM peers ORDER BY id`,
  ).all();
  const noHash: number[] = [];
  const inconsistent: string[] = [];
  const oldStyle: string[] = [];
  const guessed: string[] = [];
  let ignoredLegacy = 0;
  for (const r of peerRows) {
    const raw = toInt(r.id);
    if (raw === null || raw === 0) {
      inconsistent.push(String(r.id));
      continue;
    }
    const text = typeof r.type === "string" ? r.type.trim().toLowerCase() : "";
    let type = PYROGRAM_TYPES[text];
    const k = idKind(raw);
    if (type === undefined) {
      type = k;
      guessed.push(
        `${raw} ("${
          typeof r.type === "string" ? r.type : String(r.type)
        }" → ${k})`,
      );
    } else if (text === "direct" || text === "community") {
      guessed.push(`${raw} ("${text}" → ${type})`);
    }
    let id = raw;
    const wantChannel = type === "channel" || type === "supergroup";
    if (wantChannel && k === "chat") {
      // Pyrogram 0.15 marked channels as int("-100" + str(id)).
      const bare = oldStyleChannelId(raw);
      if (bare === undefined) {
        inconsistent.push(`${raw} (${text})`);
        continue;
      }
      id = -(CHANNEL_ID_OFFSET + bare);
      oldStyle.push(`${raw} → ${id}`);
    } else if (
      (wantChannel && k !== "channel") ||
      ((type === "user" || type === "bot") && k !== "user") ||
      (type === "chat" && k !== "chat")
    ) {
      inconsistent.push(`${raw} (${text})`);
      continue;
    }
    let accessHash = toBig(r.access_hash);
    if (type === "chat") accessHash = 0n;
    if (accessHash === null) {
      noHash.push(id);
      continue;
    }
    const legacy = peerUsername ? toText(r.username) : null;
    if (legacy !== null && !useLegacy) ignoredLegacy++;
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
  if (noHash.length > 0) {
    notes.push(
      `${count(noHash.length, "peer")} stored without an access hash ` +
        `(${listOf(noHash)}) skipped: Telegram would refuse any hash made ` +
        `up for them, and a client resolves a peer it does not find`,
    );
  }
  if (oldStyle.length > 0) {
    notes.push(
      `${
        count(oldStyle.length, "channel id was", "channel ids were")
      } stored the Pyrogram 0.15 way ("-100" + id) and re-marked: ` +
        listOf(oldStyle),
    );
  }
  if (guessed.length > 0) {
    notes.push(
      `Peer types mtsession does not have were mapped: ${listOf(guessed)}`,
    );
  }
  if (inconsistent.length > 0) {
    notes.push(
      `${count(inconsistent.length, "peer")} whose id does not fit its type ` +
        `skipped: ${listOf(inconsistent)}`,
    );
  }
  if (ignoredLegacy > 0) {
    notes.push(
      `${count(ignoredLegacy, "username")} left in the old peers.username ` +
        `column (from before the migration to schema 4) ignored, as ` +
        `Kurigram ignores them`,
    );
  }

  // update_state (forks): ids are already marked.
  if (s.tables.has("update_state")) {
    for (
      const r of db.prepare(
        "SELECT id, pts, qts, date, seq FROM update_state",
      ).all()
    ) {
      const id = toInt(r.id);
      if (id === null || id > 0) {
        notes.push(
          `The update state of id ${String(r.id)} is not a channel's; skipped`,
        );
        continue;
      }
      out.updateStates.push({
        entityId: id,
        pts: toInt(r.pts) ?? 0,
        qts: toInt(r.qts) ?? 0,
        date: toReal(r.date) ?? 0,
        seq: toInt(r.seq) ?? 0,
      });
    }
  }
}
