// Reading a Telethon v1 session file (schemas 1–7): the `sessions` row,
// the peers in `entities`, `update_state` and `sent_files`. Columns are
// selected by name. Private to src/foreign/.

import type { CachedFile, PeerRecord, PeerType } from "../../types.ts";
import type { SqliteDatabase, SqlRow } from "../../sqlite/driver.ts";
import { CHANNEL_ID_OFFSET } from "../../peers/ids.ts";
import type { ForeignSession } from "../types.ts";
import { hasColumn, type SchemaInfo, selectRows } from "../_schema.ts";
import { count, listOf } from "../_notes.ts";
import {
  authKeyOf,
  dcOf,
  idKind,
  oldStyleChannelId,
  portOf,
  stateOf,
  toBig,
  toBytes,
  toInt,
  toPhone,
  toReal,
  toText,
  usernameList,
} from "../_values.ts";
import {
  ENTITIES,
  ENTITY_DATE,
  SENT_FILES,
  SESSIONS,
  TAKEOUT_ID,
  UPDATE_STATE,
} from "./_layout.ts";

/**
 * Reads a Telethon v1 file into `out` (whose `kind` is set), adding notes
 * on what was read specially.
 *
 * @param db The connection.
 * @param s Its schema.
 * @param out Where to put what is read.
 */
export function readTelethon(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  readSessionRow(db, s, out);
  readEntities(db, s, out);
  readUpdateStates(db, s, out);
  readSentFiles(db, s, out);
}

// ---------------------------------------------------------------- sessions

/** Telethon loads the first row (`select * … fetchone()`). */
function readSessionRow(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  const takeout = hasColumn(s, SESSIONS.name, TAKEOUT_ID);
  const sessions = selectRows(db, SESSIONS.name, [
    ...SESSIONS.columns,
    ...(takeout ? [TAKEOUT_ID] : []),
  ]);
  if (sessions.length > 1) {
    out.notes.push(
      `The sessions table has ${sessions.length} rows; the first was read, ` +
        `as Telethon does`,
    );
  }
  const row = sessions[0];
  if (row === undefined) return;
  out.auth.dcId = dcOf(row.dc_id);
  out.auth.serverAddress = toText(row.server_address);
  out.auth.port = portOf(row.port);
  out.auth.authKey = authKeyOf(row.auth_key, out.notes);
  out.auth.takeoutId = takeout ? toBig(row.takeout_id) : null;
}

// ---------------------------------------------------------------- entities

/** What reading `entities` met, for the notes. */
interface EntityTally {
  selfSeen: boolean;
  oldStyle: string[];
  skipped: string[];
  collisions: number[];
}

/** A peer as read, and whether its id was stored the pre-1.18 way. */
interface ReadPeer {
  peer: PeerRecord;
  old: boolean;
}

function readEntities(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  const hasDate = hasColumn(s, ENTITIES.name, ENTITY_DATE);
  const rows = selectRows(
    db,
    ENTITIES.name,
    [...ENTITIES.columns, ...(hasDate ? [ENTITY_DATE] : [])],
    " ORDER BY id",
  );
  const tally: EntityTally = {
    selfSeen: false,
    oldStyle: [],
    skipped: [],
    collisions: [],
  };
  const byId = new Map<number, ReadPeer>();
  for (const r of rows) {
    const raw = toInt(r.id);
    const hash = toBig(r.hash) ?? 0n;
    if (raw === null) {
      tally.skipped.push(String(r.id));
      continue;
    }
    if (raw === 0) {
      tally.selfSeen = true;
      readSelfRow(hash, out);
      continue;
    }
    const marked = entityIdOf(raw, hash);
    if (marked === undefined) {
      tally.skipped.push(String(raw));
      continue;
    }
    if (marked.old) tally.oldStyle.push(`${raw} → ${marked.id}`);
    const peer: PeerRecord = {
      id: marked.id,
      type: marked.type,
      accessHash: marked.type === "chat" ? 0n : hash,
      usernames: usernameList(toText(r.username)),
      phone: toPhone(r.phone),
      name: toText(r.name),
      updatedAt: hasDate ? toReal(r.date) ?? 0 : 0,
    };
    keepNewer(byId, { peer, old: marked.old }, tally.collisions);
  }
  for (const { peer } of byId.values()) out.peers.push(peer);
  noteEntities(out, tally);
}

/** Telethon 1.37's self-id row: (0, own user id). Not a peer. */
function readSelfRow(hash: bigint, out: ForeignSession): void {
  const self = hash > 0n && hash <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(hash)
    : null;
  if (self === null) {
    out.notes.push("The self-id row (id 0) holds no valid user id");
  } else out.auth.userId = self;
}

/**
 * The marked id and type of an entity row, as Telethon's own `resolve_id`
 * tells them from the id (users are "user", channels "channel"), or
 * undefined for a row that is neither a chat nor a channel.
 */
function entityIdOf(
  raw: number,
  hash: bigint,
): { id: number; type: PeerType; old: boolean } | undefined {
  const k = idKind(raw);
  if (k === "user") return { id: raw, type: "user", old: false };
  if (k === "channel") return { id: raw, type: "channel", old: false };
  // Telethon stores 0 for chats.
  if (hash === 0n) return { id: raw, type: "chat", old: false };
  // A chat-range id with an access hash is no chat: Telethon writes 0
  // for chats and refuses channels without a hash. It is a channel
  // marked the pre-1.18 way, -(id + 10^(digits+2)) = "-100" + id, which
  // only differs from today's -(10^12 + id) for ids under 10 digits.
  // Telethon 1.17.x wrote such ids into schema-7 files too, so this is
  // not limited to schema ≤ 6. Old Telethon's own resolve_id read them
  // with the rule -100([^0]\d*); the hash check removes the ambiguity
  // that rule had with basic chats whose id starts with 100.
  const bare = oldStyleChannelId(raw);
  if (bare === undefined) return undefined;
  return { id: -(CHANNEL_ID_OFFSET + bare), type: "channel", old: true };
}

/**
 * Keeps one peer per id: an id met twice (old and new form) keeps the
 * newer row, and on a tie the one stored the new way.
 */
function keepNewer(
  byId: Map<number, ReadPeer>,
  read: ReadPeer,
  collisions: number[],
): void {
  const id = read.peer.id;
  const seen = byId.get(id);
  if (seen !== undefined) {
    collisions.push(id);
    const newer = read.peer.updatedAt > seen.peer.updatedAt ||
      (read.peer.updatedAt === seen.peer.updatedAt && seen.old && !read.old);
    if (!newer) return;
    byId.delete(id);
  }
  byId.set(id, read);
}

function noteEntities(out: ForeignSession, tally: EntityTally): void {
  const notes = out.notes;
  const schema = out.kind.schema;
  const users = out.peers.filter((p) => p.type === "user").length;
  const channels = out.peers.filter((p) => p.type === "channel").length;
  if (!tally.selfSeen) {
    notes.push(
      "There is no self-id row (id 0) in entities, so the account's user " +
        "id is not known (Telethon before 1.37 did not write it)",
    );
  }
  if (tally.oldStyle.length > 0) {
    notes.push(
      `${
        count(tally.oldStyle.length, "channel id was", "channel ids were")
      } stored the pre-1.18 way ("-100" + id) and read as channels: ` +
        `${listOf(tally.oldStyle)}; Telethon 1.18 and later would take ` +
        `them for basic chats`,
    );
  }
  if (tally.collisions.length > 0) {
    notes.push(
      `${listOf(tally.collisions)} appeared twice (old and new id form); ` +
        `the newer row was kept`,
    );
  }
  if (tally.skipped.length > 0) {
    notes.push(
      `${count(tally.skipped.length, "entity", "entities")} skipped: ` +
        `${listOf(tally.skipped)} (an id in the basic-chat range with an ` +
        `access hash, or not an integer: neither a chat nor a channel ` +
        `Telethon would write)`,
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
}

// ---------------------------------------------------------- update_state

/** Schema ≥ 4: the account as 0, channels by BARE id (marked on read). */
function readUpdateStates(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  if (!s.tables.has(UPDATE_STATE.name)) return;
  for (const r of selectRows(db, UPDATE_STATE.name, UPDATE_STATE.columns)) {
    const raw = toInt(r.id);
    if (raw === null) continue;
    const entityId = stateEntityOf(raw);
    if (entityId === undefined) {
      out.notes.push(
        `The update state of id ${raw} is not a channel's; skipped`,
      );
      continue;
    }
    out.updateStates.push(stateOf(entityId, r));
  }
}

function stateEntityOf(raw: number): number | undefined {
  if (raw === 0) return 0;
  if (raw > 0 && raw < CHANNEL_ID_OFFSET) return -(CHANNEL_ID_OFFSET + raw);
  if (raw < -CHANNEL_ID_OFFSET) return raw; // already marked
  return undefined;
}

// ------------------------------------------------------------ sent_files

/** Schema ≥ 3 keeps (md5, size, type, id, hash); schema 2 is only counted. */
function readSentFiles(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  if (!hasColumn(s, SENT_FILES.name, "type")) {
    noteOldSentFiles(db, s, out.notes);
    return;
  }
  let bad = 0;
  for (const r of selectRows(db, SENT_FILES.name, SENT_FILES.columns)) {
    const file = fileOf(r);
    if (file === undefined) bad++;
    else out.files.push(file);
  }
  if (bad > 0) {
    out.notes.push(
      `${count(bad, "sent_files row")} could not be read; skipped`,
    );
  }
}

function fileOf(r: SqlRow): CachedFile | undefined {
  const md5 = toBytes(r.md5_digest);
  const size = toInt(r.file_size);
  const t = toInt(r.type);
  const id = toBig(r.id);
  const accessHash = toBig(r.hash);
  if (
    md5 === null || md5.length !== 16 || size === null || size < 0 ||
    (t !== 0 && t !== 1) || id === null || accessHash === null
  ) {
    return undefined;
  }
  return { md5, size, type: t === 1 ? "photo" : "document", id, accessHash };
}

function noteOldSentFiles(
  db: SqliteDatabase,
  s: SchemaInfo,
  notes: string[],
): void {
  if (!s.tables.has(SENT_FILES.name)) return;
  const n = toInt(
    db.prepare(`SELECT count(*) AS n FROM ${SENT_FILES.name}`).get()?.n,
  );
  if (n !== null && n > 0) {
    notes.push(
      `${count(n, "row")} of the schema-2 file cache (upload ids that ` +
        `expire within a day) were not read`,
    );
  }
}
