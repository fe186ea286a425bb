// Reading Telethon and Pyrogram session files into mtsession's records: a
// thin dispatch on the detected flavour to the library's reader
// (telethon/_read_v1.ts, telethon/_read_v2.ts, pyrogram/_read.ts), then
// what every format shares (the version-row note, peers oldest first,
// the account's update state first). Private to src/foreign/.

import { emptyAuth } from "../_copy.ts";
import type { PeerRecord } from "../types.ts";
import type { SqliteDatabase } from "../sqlite/driver.ts";
import { SessionError } from "../errors.ts";
import type { ForeignSession } from "./types.ts";
import type { FileFlavor } from "./_detected.ts";
import { detectForeign, type FileKind } from "./_detect.ts";
import { readSchema, type SchemaInfo } from "./_schema.ts";
import { listOf } from "./_notes.ts";
import { readTelethon } from "./telethon/_read_v1.ts";
import { readTelethon2 } from "./telethon/_read_v2.ts";
import { readPyrogram } from "./pyrogram/_read.ts";

/** A library's reader: fills `out` (whose `kind` is set) from the file. */
type Reader = (db: SqliteDatabase, s: SchemaInfo, out: ForeignSession) => void;

const READERS: Readonly<Record<FileFlavor, Reader>> = {
  telethon: readTelethon,
  telethon2: readTelethon2,
  pyrogram: readPyrogram,
  kurigram: readPyrogram,
  pyrofork: readPyrogram,
};

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
 * import { readForeign } from "./_read.ts";
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
  const out: ForeignSession = {
    kind,
    auth: emptyAuth(),
    dataCenters: [],
    authKeys: [],
    peers: [],
    updateStates: [],
    files: [],
    notes: [],
  };
  READERS[kind.flavor](db, readSchema(db), out);
  noteVersionRow(kind, out.notes);
  out.peers = finishPeers(out.peers, out.notes);
  // The account's state first, then channels by id.
  out.updateStates.sort((a, b) =>
    Number(a.entityId !== 0) - Number(b.entityId !== 0) ||
    a.entityId - b.entityId
  );
  return out;
}

function noteVersionRow(kind: FileKind, notes: string[]): void {
  if (
    kind.schema === null || kind.storedVersion === null ||
    kind.storedVersion === kind.schema
  ) {
    return;
  }
  notes.push(
    `The version table says ${kind.storedVersion}, but the tables are ` +
      `those of schema ${kind.schema}` +
      (kind.flavor === "kurigram"
        ? " (PyroTGFork's AioSQLiteStorage adds 4 on every open)"
        : ""),
  );
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
