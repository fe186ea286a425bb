/**
 * A {@linkcode SessionStorage} over any SQLite driver, in mtsession's own
 * schema. Auth, data centers and keys are written at once, each call in
 * its own transaction; peers, client values and message references are
 * batched (one transaction per batch) and flushed after a bounded delay,
 * by `flush()`, by `close()`, and before any read of them, so reads always
 * see every write.
 *
 * @module
 */

import { copyFile, copyPeer } from "../_copy.ts";
import {
  DIRECT_PEERS,
  type DirectPeers,
  type PeerKeyRow,
} from "../backend/_direct_peers.ts";
import { redactInspect } from "../_redacted.ts";
import { checkOpen, runOpen } from "../backend/_lifecycle.ts";
import { mergeNeeds, planMerge, sourceOf } from "../backend/_merge.ts";
import {
  authOf,
  patchedColumns,
  peerOf,
  toBigInt,
  toFlag,
  toNumber,
  toText,
} from "../backend/_rows.ts";
import { reportRefused } from "../backend/_refused.ts";
import {
  batchOptions,
  type Refused,
  WriteBehind,
} from "../backend/_write_behind.ts";
import { SessionError } from "../errors.ts";
import type {
  ClientValueChange,
  DcAuthKeyChange,
  MessageRefFilter,
  PeerLookup,
  SessionStorage,
  TempAuthKeyChange,
} from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  ClientValue,
  DataCenter,
  DcAuthKey,
  FileType,
  MessageRef,
  PeerRecord,
  PeerType,
  TempAuthKey,
  UpdateState,
} from "../types.ts";
import type {
  SqliteDatabase,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "./driver.ts";
import { corruptedFile, isCorrupt } from "./_file_check.ts";
import { withTransaction } from "./transaction.ts";
import { firstValues } from "./drivers/_wrap.ts";
import { WalCheckpointer } from "./_checkpoint.ts";
import { COMMIT_MS, HeldTransaction } from "./_held_transaction.ts";
import { MMAP_BYTES } from "./_mmap.ts";

/** Options for {@linkcode SqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * The longest a batched peer write waits before it is written, in
   * milliseconds (default 1000). This bounds what a crash can lose of what
   * `processEntities` stored and `save()` had not yet acknowledged.
   */
  flushDelayMs?: number;
  /** Write the batch as soon as this many peers wait (default 2000). */
  maxBatch?: number;
  /** Called by `close()` after the last write (e.g. to close the file). */
  onClose?: () => void;
  /** Called by `destroy()` after the session's rows are gone. */
  onDestroy?: () => void;
  /** A label for messages (the file name); never a secret. */
  label?: string;
  /**
   * The connection is the storage's own file (a session file or store):
   * the storage runs the WAL's checkpoints itself, between the time slices
   * of its batched writes, instead of SQLite inside a commit.
   */
  checkpointWal?: boolean;
  /**
   * The connection is this storage's alone (a session file): the time
   * slices of a batched flush then share one transaction, committed when a
   * commit would take about 8 ms, after 50 ms at most, and at the end of
   * the flush. Never for a connection that anything else writes on (a
   * store's sessions share theirs).
   */
  ownConnection?: boolean;
}

/**
 * About how long one slice of batched writes (one transaction) takes, in
 * ms: the event loop turns between slices.
 */
const SLICE_MS = 4;

function bytes(v: SqlValue | undefined): Uint8Array | null {
  return v instanceof Uint8Array ? v.slice() : null;
}

/**
 * A BLOB the driver made for this row, as is when it is alone in its
 * buffer (a driver copies each BLOB out of SQLite into a new array: nobody
 * else holds it), else a copy (a view into a shared pool). Spares the
 * second copy of a peer's raw bytes on every lookup (15-20% of a lookup
 * of a peer with 200 raw bytes).
 */
function ownBytes(v: SqlValue | undefined): Uint8Array | null {
  if (!(v instanceof Uint8Array)) return null;
  return v.byteOffset === 0 && v.byteLength === v.buffer.byteLength
    ? v
    : v.slice();
}

function toSql(field: keyof AuthState, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (field === "authKey") return (value as Uint8Array).slice();
  return value as SqlValue;
}

// A peer's row holds its usernames in order as a JSON array (exact for any
// text, unlike a separator), NULL for none; mts_usernames maps each
// username to its peer. `min` is 0 or 1; `raw` the client's own bytes of
// the peer, NULL for none.
const MERGE_COLUMNS =
  "p.id, p.type, p.access_hash, p.usernames, p.phone, p.name, p.updated_at, p.min";
// What a lookup returns is the whole record, raw bytes included (a NULL
// costs nothing to read). The batch writer reads MERGE_COLUMNS only: the
// raw bytes it keeps are kept by the upsert itself (COALESCE), so a batch
// never reads them back.
const PEER_COLUMNS = `${MERGE_COLUMNS}, p.raw`;
// What an input peer is built from (see PeerKeyRow).
const KEY_COLUMNS = "p.id, p.access_hash, p.min";

/**
 * The statements SqliteStorage runs on peers (exported for the test that
 * checks every lookup is an index search; not part of the public API).
 */
export const SQL = {
  byId: `SELECT ${PEER_COLUMNS} FROM mts_peers p ` +
    "WHERE p.session_id = ? AND p.id = ?",
  // A subquery, not a join: measured 3x faster on every driver.
  byUsername: `SELECT ${PEER_COLUMNS} FROM mts_peers p ` +
    "WHERE p.session_id = ? AND p.id = (SELECT peer_id FROM mts_usernames " +
    "WHERE session_id = ? AND username = ?)",
  // INDEXED BY: without statistics SQLite prefers scanning the session's
  // primary-key range to a partial index (a full scan per lookup).
  byPhone: `SELECT ${PEER_COLUMNS} FROM mts_peers p ` +
    "INDEXED BY mts_peers_phone WHERE p.session_id = ? AND p.phone = ? LIMIT 1",
  byName: `SELECT ${PEER_COLUMNS} FROM mts_peers p ` +
    "INDEXED BY mts_peers_name WHERE p.session_id = ? AND p.name = ? " +
    "ORDER BY p.updated_at DESC LIMIT 1",
  all: `SELECT ${PEER_COLUMNS} FROM mts_peers p WHERE p.session_id = ?`,
  // An input peer's parts (KEY_COLUMNS) from an index alone (schema 4).
  keyById: `SELECT ${KEY_COLUMNS} FROM mts_peers p INDEXED BY mts_peers_key ` +
    "WHERE p.session_id = ? AND p.id = ?",
  keyByUsername: `SELECT ${KEY_COLUMNS} FROM mts_peers p ` +
    "INDEXED BY mts_peers_key WHERE p.session_id = ? AND p.id = " +
    "(SELECT peer_id FROM mts_usernames WHERE session_id = ? AND username = ?)",
  keyByPhone: `SELECT ${KEY_COLUMNS} FROM mts_peers p ` +
    "INDEXED BY mts_peers_phone WHERE p.session_id = ? AND p.phone = ? LIMIT 1",
  dropUsername:
    "DELETE FROM mts_usernames WHERE session_id = ? AND username = ? AND peer_id = ?",
  freeUsername:
    "DELETE FROM mts_usernames WHERE session_id = ? AND username = ?",
  claimUsername: "INSERT OR REPLACE INTO mts_usernames " +
    "(session_id, username, peer_id) VALUES (?, ?, ?)",
  claimPhone: "UPDATE mts_peers INDEXED BY mts_peers_phone SET phone = NULL " +
    "WHERE session_id = ? AND phone = ? AND id <> ?",
  // A merged record is written whole (the merge plan has read the row).
  // raw: a record without bytes keeps the known ones (the merge rule).
  upsert: "INSERT INTO mts_peers " +
    "(session_id, id, type, access_hash, usernames, phone, name, updated_at, " +
    "min, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
    "ON CONFLICT (session_id, id) DO UPDATE SET " +
    "type = excluded.type, access_hash = excluded.access_hash, " +
    "usernames = excluded.usernames, phone = excluded.phone, " +
    "name = excluded.name, updated_at = excluded.updated_at, " +
    "min = excluded.min, raw = coalesce(excluded.raw, mts_peers.raw)",
  touchPeer:
    "UPDATE mts_peers SET updated_at = ? WHERE session_id = ? AND id = ?",
  usernamesOf:
    "SELECT usernames FROM mts_peers WHERE session_id = ? AND id = ?",
  deletePeer: "DELETE FROM mts_peers WHERE session_id = ? AND id = ?",
  // The index on (session_id, peer_id) holds each peer's references in
  // rowid order: oldest first, with no sort.
  refsOf: "SELECT peer_id, chat_id, msg_id FROM mts_message_refs " +
    "WHERE session_id = ? AND peer_id = ? ORDER BY seq",
  dropRefsOf:
    "DELETE FROM mts_message_refs WHERE session_id = ? AND peer_id = ?",
  dropRefsTo: "DELETE FROM mts_message_refs " +
    "WHERE session_id = ? AND chat_id = ? AND msg_id = ?",
  putRef: "INSERT OR IGNORE INTO mts_message_refs " +
    "(session_id, peer_id, chat_id, msg_id) VALUES (?, ?, ?, ?)",
  getValue: "SELECT value FROM mts_values WHERE session_id = ? AND name = ?",
  putValue: "INSERT OR REPLACE INTO mts_values (session_id, name, value) " +
    "VALUES (?, ?, ?)",
  dropValue: "DELETE FROM mts_values WHERE session_id = ? AND name = ?",
} as const;

/** The tables that hold one session's rows (mts_sessions last). */
const SESSION_TABLES: readonly string[] = [
  "mts_usernames",
  "mts_peers",
  "mts_update_states",
  "mts_files",
  "mts_dcs",
  "mts_auth_keys",
  "mts_temp_auth_keys",
  "mts_values",
  "mts_message_refs",
  "mts_sessions",
];

/** A client value change, batched with the peers. */
class ValueWrite {
  readonly name: string;
  readonly value: Uint8Array | null;
  constructor(change: ClientValueChange) {
    this.name = change.name;
    this.value = change.value === null ? null : change.value.slice();
  }
}

/** A message reference, batched with the peers. */
class RefWrite {
  readonly peerId: number;
  readonly chatId: number;
  readonly messageId: number;
  constructor(ref: MessageRef) {
    this.peerId = ref.peerId;
    this.chatId = ref.chatId;
    this.messageId = ref.messageId;
  }
}

/** What the write-behind queue holds: peers, and the other batched writes. */
type Queued = PeerRecord | ValueWrite | RefWrite;

function isPeer(item: Queued): item is PeerRecord {
  return !(item instanceof ValueWrite) && !(item instanceof RefWrite);
}

function byCodeUnits(a: ClientValue, b: ClientValue): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function refOf(row: SqlRow): MessageRef {
  return {
    peerId: toNumber(row.peer_id)!,
    chatId: toNumber(row.chat_id)!,
    messageId: toNumber(row.msg_id)!,
  };
}

/** Ids or phones per IN (…) statement; lists are padded to a power of 2. */
const IN_CHUNK = 256;

function inList(n: number): string {
  return `(${"?, ".repeat(n - 1)}?)`;
}

function usernamesOf(v: SqlValue | undefined): string[] {
  if (typeof v !== "string" || v === "[]") return [];
  // One username with nothing escaped (the usual row): no JSON parser.
  const end = v.length - 2;
  if (
    v.startsWith('["') && v.endsWith('"]') && v.indexOf('"', 2) === end &&
    v.indexOf("\\") === -1
  ) {
    return [v.slice(2, end)];
  }
  return JSON.parse(v) as string[];
}

function usernamesText(usernames: readonly string[]): string | null {
  return usernames.length === 0 ? null : JSON.stringify(usernames);
}

/**
 * Whether a failed peer write is about the data (a value too big, a
 * constraint, a type mismatch): the batch is then split to leave out the
 * peers SQLite refuses. Anything else (a full disk, a locked or damaged
 * file) keeps the batch for the next flush.
 */
function refusedBySqlite(e: unknown): boolean {
  return !isCorrupt(e) &&
    /SQLITE_(TOOBIG|CONSTRAINT|MISMATCH)|too big|constraint failed|datatype mismatch/i
      .test(
        String((e as { code?: unknown })?.code ?? "") + " " +
          String((e as Error)?.message ?? ""),
      );
}

function sqliteCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" ? code : "error";
}

function rowPeer(row: SqlRow): PeerRecord {
  return peerOf(
    row.id,
    row.type,
    row.access_hash,
    usernamesOf(row.usernames),
    row.phone,
    row.name,
    row.updated_at,
    row.min,
    ownBytes(row.raw),
  );
}

/**
 * Bytes a lookup read, as a plain Uint8Array of their own: the driver's
 * array itself when it owns its memory alone (drivers copy each BLOB out
 * of SQLite), a view of it when it is of a subclass (a Buffer), else a
 * copy.
 */
function ownPlain(v: Uint8Array): Uint8Array {
  if (v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength) {
    return new Uint8Array(v);
  }
  return Object.getPrototypeOf(v) === Uint8Array.prototype
    ? v
    : new Uint8Array(v.buffer, 0, v.byteLength);
}

/**
 * A fresh record from a lookup's column values (PEER_COLUMNS' order): the
 * driver's values as they come where they are already what the record
 * holds (a bigint hash, text), converted only where they are not.
 */
function valuesPeer(r: readonly unknown[]): PeerRecord {
  const hash = r[2];
  const type = r[1];
  const phone = r[4];
  const name = r[5];
  const out: PeerRecord = {
    id: Number(r[0]),
    type: (typeof type === "string" ? type : String(type)) as PeerType,
    accessHash: typeof hash === "bigint" ? hash : toBigInt(hash)!,
    usernames: usernamesOf(r[3] as SqlValue),
    phone: typeof phone === "string" || phone === null ? phone : toText(phone),
    name: typeof name === "string" || name === null ? name : toText(name),
    updatedAt: Number(r[6]),
  };
  const min = r[7];
  if (isMin(min)) {
    out.min = true;
  }
  const raw = r[8];
  if (raw instanceof Uint8Array) out.raw = ownPlain(raw);
  return out;
}

/**
 * Whether a peer's row would be written as it is, its time aside (what
 * the batch writer reads of a row: MERGE_COLUMNS; usernames compared by
 * the merge plan).
 */
function sameIndexed(before: PeerRecord, after: PeerRecord): boolean {
  return before.accessHash === after.accessHash &&
    before.type === after.type && before.phone === after.phone &&
    before.name === after.name &&
    (before.min === true) === (after.min === true);
}

/** Whether a row's `min` column says min (0 or 1, as the driver reads it). */
function isMin(v: unknown): boolean {
  return v === 1n || v === 1 || (v !== 0n && toFlag(v) === true);
}

/** An input peer's parts from KEY_COLUMNS' values. */
function keyRow(r: readonly unknown[]): PeerKeyRow {
  const hash = r[1];
  const min = r[2];
  return {
    id: Number(r[0]),
    accessHash: typeof hash === "bigint" ? hash : toBigInt(hash)!,
    min: isMin(min),
  };
}

/** The statements that read whole records, by lookup kind. */
const WHOLE = {
  id: "byId",
  username: "byUsername",
  phone: "byPhone",
  name: "byName",
} as const;

/** The statements that read input peers' parts (by name: none). */
const KEYS = {
  id: "keyById",
  username: "keyByUsername",
  phone: "keyByPhone",
  name: "byName",
} as const;

/** A lookup statement: its one key in, the row's values out. */
type Lookup = (key: SqlValue) => unknown[] | undefined;

/** The lookups of one session, each prepared on first use. */
interface Lookups {
  byId?: Lookup;
  byUsername?: Lookup;
  byPhone?: Lookup;
  byName?: Lookup;
  keyById?: Lookup;
  keyByUsername?: Lookup;
  keyByPhone?: Lookup;
}

/**
 * The session id as an SQL string literal, when it can be one exactly: no
 * NUL (which ends SQL text) and no lone surrogate (which text encoding
 * would change), else undefined (it is then bound).
 */
function sidLiteral(sid: string): string | undefined {
  const paired = /[\ud800-\udbff][\udc00-\udfff]/g;
  if (/[\0\ud800-\udfff]/.test(sid.replace(paired, ""))) return undefined;
  return `'${sid.replaceAll("'", "''")}'`;
}

/**
 * One session's storage in an open mtsession database. Usually made by
 * `openSession(name)` or a session store, not directly.
 *
 * On a database file it turns on memory-mapped reads (`PRAGMA mmap_size`,
 * up to 256 MiB) unless the connection already has them: lookups then cost
 * no `read()` per page. SQLite's "database disk image is malformed" and its
 * kin are thrown as `SessionFileError`.
 *
 * @example Usage
 * ```ts
 * import { migrateSqlite, openSession, SqliteStorage } from "@mtsession/mtsession";
 * import { openNodeSqlite } from "@mtsession/mtsession/node-sqlite";
 * import assert from "node:assert/strict";
 *
 * const db = await openNodeSqlite(":memory:");
 * migrateSqlite(db);
 * const session = await openSession(new SqliteStorage(db, "default"));
 * await session.processEntities({ _: "user", id: 1, accessHash: -(2n ** 63n), username: "one" });
 * assert.equal((await session.getPeer("@one"))?.accessHash, -(2n ** 63n));
 * await session.close();
 * db.close();
 * ```
 */
export class SqliteStorage implements SessionStorage {
  /** Always `"sqlite"`. */
  readonly kind: string = "sqlite";

  #db: SqliteDatabase;
  #sid: string;
  #options: SqliteStorageOptions;
  #statements = new Map<string, SqliteStatement>();
  #lookups: Lookups | undefined;
  #checkpoints: WalCheckpointer | undefined;
  #queue: WriteBehind<Queued>;
  /** Values and references SQLite refused, not yet reported. */
  #refusedOthers = 0;
  #closed = false;

  static {
    redactInspect(this);
    // Lookups at once, for sessions (see backend/_direct_peers.ts): the
    // driver answers synchronously and every record is built fresh. Records
    // a session built for the call are queued as they are (no copy); the
    // queue is still flushed in time slices.
    const direct: DirectPeers = {
      findPeer: this.prototype.findPeer,
      putPeers: this.prototype.putPeers,
      of: (s) =>
        #findNow in s
          ? {
            peek: (lookup) => {
              try {
                return s.#findNow(lookup);
              } catch (e) {
                throw s.#typed(e);
              }
            },
            peekKey: (lookup) => {
              try {
                return s.#findKeyNow(lookup);
              } catch (e) {
                throw s.#typed(e);
              }
            },
            putOwned: (records) => s.#queued("store peers", records),
          }
          : undefined,
    };
    Object.defineProperty(this.prototype, DIRECT_PEERS, { value: direct });
  }

  /**
   * Wraps one session of a migrated database (see `migrateSqlite`).
   *
   * @param db An open connection whose schema is current.
   * @param sessionId Which session of the database this is.
   * @param options Batching and lifecycle hooks.
   */
  constructor(
    db: SqliteDatabase,
    sessionId: string,
    options: SqliteStorageOptions = {},
  ) {
    this.#db = db;
    this.#sid = sessionId;
    this.#options = options;
    // A file of its own: the slices of a flush share one transaction (see
    // _held_transaction.ts). A store's connection serves other sessions
    // too: a transaction per slice there.
    const hold = options.ownConnection === true
      ? new HeldTransaction(
        db,
        () => WalCheckpointer.beforeWrite(db),
        // Every commit's WAL synced soon, as every other write's.
        () => this.#checkpoints?.wrote(),
        COMMIT_MS,
      )
      : undefined;
    this.#queue = new WriteBehind(
      (batch) => {
        WalCheckpointer.beforeWrite(db);
        if (hold?.open === true) {
          // A slice (a savepoint): synced after the commit.
          this.#writeBatch(batch);
          return;
        }
        withTransaction(db, () => this.#writeBatch(batch));
        this.#checkpoints?.wrote();
      },
      batchOptions(options),
      refusedBySqlite,
      {
        budgetMs: SLICE_MS,
        // Not while a transaction is held: a checkpoint cannot run in it.
        between: () =>
          this.#checkpoints?.afterWrite(() =>
            !this.#closed && hold?.open !== true
          ),
        ...(hold === undefined ? {} : { hold }),
      },
    );
    try {
      // Read the file through a memory map (up to 256 MiB) unless the
      // connection has one already: a random lookup then costs no read()
      // per page that is not in SQLite's own 2 MiB cache (30-50% more
      // lookups/s on Bun and Deno, 10-20% on Node, at 100k peers; on Bun at
      // 1M peers 256 MiB gave 25-75% more than 64 MiB, which maps a third
      // of that file). Writes still go through the WAL. Ignored for
      // in-memory databases.
      if (db.path !== "" && db.path !== ":memory:") {
        const mapped = db.prepare("PRAGMA mmap_size").get();
        if (mapped !== undefined && Number(Object.values(mapped)[0]) === 0) {
          db.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
        }
      }
      if (options.checkpointWal === true) {
        this.#checkpoints = WalCheckpointer.of(db);
      }
      // Only write when the session is new: opening an existing file then
      // starts no write transaction.
      const exists = this.#stmt(
        "SELECT 1 AS one FROM mts_sessions WHERE session_id = ?",
      ).get(sessionId);
      if (exists === undefined) {
        const now = Math.floor(Date.now() / 1000);
        WalCheckpointer.beforeWrite(db);
        this.#stmt(
          "INSERT OR IGNORE INTO mts_sessions (session_id, created_at, updated_at) VALUES (?, ?, ?)",
        ).run(sessionId, now, now);
      }
    } catch (e) {
      this.#closed = true;
      this.#statements.clear();
      options.onClose?.();
      throw this.#typed(e);
    }
  }

  /**
   * SQLite's "database disk image is malformed" (and its kin) as the typed
   * SessionFileError; any other error unchanged.
   */
  #typed(e: unknown): unknown {
    if (e instanceof SessionError || !isCorrupt(e)) return e;
    return corruptedFile(this.#options.label ?? this.#db.path, e);
  }

  #stmt(sql: string): SqliteStatement {
    let s = this.#statements.get(sql);
    if (!s) this.#statements.set(sql, s = this.#db.prepare(sql));
    return s;
  }

  #run<T>(what: string, fn: () => T): Promise<T> {
    return runOpen(this.#closed, what, fn, (e) => this.#typed(e));
  }

  /**
   * #run for a write outside the batches: after any checkpoint's pending
   * database sync, and with its WAL synced from the thread pool soon after
   * (see _checkpoint.ts).
   */
  #write<T>(what: string, fn: () => T): Promise<T> {
    return runOpen(this.#closed, what, () => {
      // A flush's held transaction first: this write is its own.
      this.#queue.commitHeld();
      WalCheckpointer.beforeWrite(this.#db);
      const out = fn();
      this.#checkpoints?.wrote();
      return out;
    }, (e) => this.#typed(e));
  }

  // ---- batched peer writes -------------------------------------------------

  /** Runs `sql` (with one `IN (…)` list at its end) over `values`, chunked. */
  #selectIn(
    sql: (list: string) => string,
    values: readonly SqlValue[],
    each: (row: SqlRow) => void,
  ): void {
    for (let i = 0; i < values.length; i += IN_CHUNK) {
      const chunk = values.slice(i, i + IN_CHUNK);
      // Pad to a power of two (repeating a value changes nothing in IN),
      // so that a handful of statements serve every batch size.
      let size = 1;
      while (size < chunk.length) size *= 2;
      while (chunk.length < size) chunk.push(chunk[0]!);
      for (
        const row of this.#stmt(sql(inList(size))).all(this.#sid, ...chunk)
      ) {
        each(row);
      }
    }
  }

  /**
   * Writes one batch: its peers (merged, see #writePeers), then its client
   * values and message references, in order. The caller holds the
   * transaction.
   */
  #writeBatch(batch: readonly Queued[]): void {
    const peers: PeerRecord[] = [];
    let others: (ValueWrite | RefWrite)[] | undefined;
    for (const item of batch) {
      if (isPeer(item)) peers.push(item);
      else (others ??= []).push(item);
    }
    if (peers.length > 0) this.#writePeers(peers);
    if (others === undefined) return;
    const sid = this.#sid;
    for (const w of others) {
      if (w instanceof RefWrite) {
        this.#stmt(SQL.putRef).run(sid, w.peerId, w.chatId, w.messageId);
      } else if (w.value === null) this.#stmt(SQL.dropValue).run(sid, w.name);
      else this.#stmt(SQL.putValue).run(sid, w.name, w.value);
    }
  }

  /**
   * Writes peers with the merge rules of `putPeers` (planned by
   * backend/_merge.ts). It reads what the plan needs in a few statements:
   * the batch's peers, and the peers outside it that hold a username or
   * phone the batch claims (they lose it). Then each changed peer's row is
   * written once, whole, and only the username entries whose holder
   * changes are touched: a known peer whose usernames are unchanged costs
   * its upsert alone.
   */
  #writePeers(batch: readonly PeerRecord[]): void {
    const sid = this.#sid;
    const needs = mergeNeeds(batch);
    const loaded = new Map<number, PeerRecord>();
    const load = (ids: readonly number[]): void =>
      this.#selectIn(
        (list) =>
          `SELECT ${MERGE_COLUMNS} FROM mts_peers p WHERE p.session_id = ? ` +
          `AND p.id IN ${list}`,
        ids,
        (row) => {
          const p = rowPeer(row);
          loaded.set(p.id, p);
        },
      );
    load(needs.ids);

    // Holders outside the batch of what the batch claims: only what no
    // peer of the batch holds already needs looking up.
    const held = new Set<string>();
    for (const p of loaded.values()) {
      for (const u of p.usernames) held.add(u);
      if (p.phone !== null) held.add(`+${p.phone}`);
    }
    const others = new Set<number>();
    const claimed = needs.usernames.filter((u) => !held.has(u));
    if (claimed.length > 0) {
      this.#selectIn(
        (list) =>
          "SELECT peer_id FROM mts_usernames WHERE session_id = ? AND " +
          `username IN ${list}`,
        claimed,
        (row) => others.add(Number(row.peer_id)),
      );
    }
    const phones = needs.phones.filter((f) => !held.has(`+${f}`));
    if (phones.length > 0) {
      this.#selectIn(
        (list) =>
          "SELECT id FROM mts_peers INDEXED BY mts_peers_phone " +
          `WHERE session_id = ? AND phone IN ${list}`,
        phones,
        (row) => others.add(Number(row.id)),
      );
    }
    for (const id of loaded.keys()) others.delete(id);
    if (others.size > 0) load([...others]);

    const plan = planMerge(batch, sourceOf(loaded.values()));
    for (const [u, holder] of plan.usernames) {
      if (holder === null) this.#stmt(SQL.freeUsername).run(sid, u);
      else this.#stmt(SQL.claimUsername).run(sid, u, holder);
    }
    // A phone the batch gives away is cleared from whoever else holds it
    // (rows the plan did not read included).
    for (const [f, holder] of plan.phones) {
      if (holder !== null) this.#stmt(SQL.claimPhone).run(sid, f, holder);
    }
    const upsert = this.#stmt(SQL.upsert);
    for (const { record: p, before, usernamesChanged } of plan.peers) {
      // A known peer seen again as it was (the usual case: every RPC
      // result repeats its peers) changes its time alone: a write of that
      // column touches no index.
      if (
        before !== undefined && !usernamesChanged && p.raw === undefined &&
        sameIndexed(before, p)
      ) {
        if (before.updatedAt !== p.updatedAt) {
          this.#stmt(SQL.touchPeer).run(p.updatedAt, sid, p.id);
        }
        continue;
      }
      upsert.run(
        sid,
        p.id,
        p.type,
        p.accessHash,
        usernamesText(p.usernames),
        p.phone,
        p.name,
        p.updatedAt,
        p.min === true ? 1 : 0,
        p.raw ?? null,
      );
    }
  }

  // ---- SessionStorage ------------------------------------------------------

  /** {@inheritDoc SessionStorage.getAuth} */
  getAuth(): Promise<AuthState> {
    return this.#run("read the auth state", () => {
      const r = this.#stmt("SELECT * FROM mts_sessions WHERE session_id = ?")
        .get(this.#sid) ?? {};
      return authOf((column) => r[column], bytes(r.auth_key));
    });
  }

  /** {@inheritDoc SessionStorage.setAuth} */
  setAuth(patch: Partial<AuthState>): Promise<void> {
    return this.#write("change the auth state", () => {
      const columns = patchedColumns(patch);
      if (columns.length === 0) return;
      const sql = `UPDATE mts_sessions SET ${
        columns.map((c) => `${c.column} = ?`).join(", ")
      }, updated_at = ? WHERE session_id = ?`;
      this.#stmt(sql).run(
        ...columns.map((c) => toSql(c.field, patch[c.field])),
        Math.floor(Date.now() / 1000),
        this.#sid,
      );
    });
  }

  /** {@inheritDoc SessionStorage.putPeers} */
  putPeers(records: readonly PeerRecord[]): Promise<void> {
    // The batch waits: keep none of the caller's arrays or bytes.
    return this.#queued("store peers", records.map(copyPeer));
  }

  /**
   * Queues batched writes; once a batch's worth waits, writes it in time
   * slices (the event loop turning between them) and resolves when done.
   */
  #queued(what: string, items: readonly Queued[]): Promise<void> {
    try {
      checkOpen(this.#closed, what);
      this.#queue.push(items);
      if (!this.#queue.full) return Promise.resolve();
    } catch (e) {
      return Promise.reject(this.#typed(e));
    }
    return this.#queue.flush().catch((e: unknown) => {
      throw this.#typed(e);
    });
  }

  /**
   * One lookup statement, prepared on first use: the session id written
   * into the SQL where it can be (one key to bind per lookup), rows read
   * as arrays of values where the driver can.
   */
  #lookup(kind: keyof Lookups): Lookup {
    const sql = SQL[kind];
    const sid = this.#sid;
    const literal = sidLiteral(sid);
    let lookup: Lookup;
    if (literal !== undefined) {
      lookup = firstValues(
        this.#db,
        // A function: "$&" in an id is no pattern here.
        sql.replaceAll("session_id = ?", () => `session_id = ${literal}`),
      );
    } else {
      const stmt = this.#db.prepare(sql);
      const two = kind === "byUsername" || kind === "keyByUsername";
      lookup = (key) => {
        const row = two ? stmt.get(sid, sid, key) : stmt.get(sid, key);
        return row === undefined ? undefined : Object.values(row);
      };
    }
    (this.#lookups ??= {})[kind] = lookup;
    return lookup;
  }

  /** {@inheritDoc SessionStorage.findPeer} */
  findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    try {
      return Promise.resolve(this.#findNow(lookup));
    } catch (e) {
      return Promise.reject(this.#typed(e));
    }
  }

  /**
   * findPeer at once: a fresh record (the caller's own), after writing
   * what the queue holds.
   */
  #findNow(lookup: PeerLookup): PeerRecord | undefined {
    const r = this.#rowNow(lookup, WHOLE);
    return r === undefined ? undefined : valuesPeer(r);
  }

  /**
   * What an input peer needs of the record #findNow would find, read from
   * an index alone (by name: from the record).
   */
  #findKeyNow(lookup: PeerLookup): PeerKeyRow | undefined {
    if (lookup.by === "name") {
      const record = this.#findNow(lookup);
      return record === undefined ? undefined : {
        id: record.id,
        accessHash: record.accessHash,
        min: record.min === true,
      };
    }
    const r = this.#rowNow(lookup, KEYS);
    return r === undefined ? undefined : keyRow(r);
  }

  /**
   * The first row a lookup finds, through the statement `kinds` names for
   * its kind, after writing what the queue holds.
   */
  #rowNow(
    lookup: PeerLookup,
    kinds: Record<PeerLookup["by"], keyof Lookups>,
  ): unknown[] | undefined {
    checkOpen(this.#closed, "look up a peer");
    if (this.#queue.size > 0) this.#queue.flushSync();
    const kind = kinds[lookup.by];
    const find = this.#lookups?.[kind] ?? this.#lookup(kind);
    if (lookup.by !== "id") return find(lookup.value);
    for (const id of lookup.ids) {
      const r = find(id);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** {@inheritDoc SessionStorage.listPeers} */
  listPeers(): Promise<PeerRecord[]> {
    return this.#run("list peers", () => {
      this.#queue.flushSync();
      return this.#stmt(SQL.all).all(this.#sid).map(rowPeer);
    });
  }

  /** {@inheritDoc SessionStorage.countPeers} */
  countPeers(): Promise<number> {
    return this.#run("count peers", () => {
      this.#queue.flushSync();
      return toNumber(
        this.#stmt("SELECT count(*) AS n FROM mts_peers WHERE session_id = ?")
          .get(this.#sid)?.n,
      ) ?? 0;
    });
  }

  /** {@inheritDoc SessionStorage.deletePeers} */
  deletePeers(ids: readonly number[]): Promise<void> {
    return this.#write("delete peers", () => {
      this.#queue.flushSync();
      withTransaction(this.#db, () => {
        const read = this.#stmt(SQL.usernamesOf);
        const drop = this.#stmt(SQL.dropUsername);
        const remove = this.#stmt(SQL.deletePeer);
        for (const id of ids) {
          const row = read.get(this.#sid, id);
          if (row === undefined) continue;
          for (const u of usernamesOf(row.usernames)) {
            drop.run(this.#sid, u, id);
          }
          remove.run(this.#sid, id);
        }
      });
    });
  }

  /** {@inheritDoc SessionStorage.getUpdateStates} */
  getUpdateStates(): Promise<UpdateState[]> {
    return this.#run("read update states", () =>
      this.#stmt(
        "SELECT entity_id, pts, qts, date, seq FROM mts_update_states WHERE session_id = ?",
      ).all(this.#sid).map((r) => ({
        entityId: toNumber(r.entity_id)!,
        pts: toNumber(r.pts)!,
        qts: toNumber(r.qts)!,
        date: toNumber(r.date)!,
        seq: toNumber(r.seq)!,
      })));
  }

  /** {@inheritDoc SessionStorage.putUpdateStates} */
  putUpdateStates(states: readonly UpdateState[]): Promise<void> {
    return this.#write("store update states", () => {
      withTransaction(this.#db, () => {
        const s = this.#stmt(
          "INSERT OR REPLACE INTO mts_update_states (session_id, entity_id, pts, qts, date, seq) VALUES (?, ?, ?, ?, ?, ?)",
        );
        for (const u of states) {
          s.run(this.#sid, u.entityId, u.pts, u.qts, u.date, u.seq);
        }
      });
    });
  }

  /** {@inheritDoc SessionStorage.deleteUpdateStates} */
  deleteUpdateStates(entityIds: readonly number[]): Promise<void> {
    return this.#write("delete update states", () => {
      const s = this.#stmt(
        "DELETE FROM mts_update_states WHERE session_id = ? AND entity_id = ?",
      );
      for (const id of entityIds) s.run(this.#sid, id);
    });
  }

  /** {@inheritDoc SessionStorage.getFile} */
  getFile(
    md5: Uint8Array,
    size: number,
    type: FileType,
  ): Promise<CachedFile | undefined> {
    return this.#run("read the file cache", () => {
      const r = this.#stmt(
        "SELECT id, access_hash FROM mts_files WHERE session_id = ? AND md5 = ? AND size = ? AND type = ?",
      ).get(this.#sid, md5.slice(), size, type);
      return r === undefined ? undefined : copyFile({
        md5,
        size,
        type,
        id: toBigInt(r.id)!,
        accessHash: toBigInt(r.access_hash)!,
      });
    });
  }

  /** {@inheritDoc SessionStorage.putFiles} */
  putFiles(files: readonly CachedFile[]): Promise<void> {
    return this.#write("store cached files", () => {
      withTransaction(this.#db, () => {
        const s = this.#stmt(
          "INSERT OR REPLACE INTO mts_files (session_id, md5, size, type, id, access_hash) VALUES (?, ?, ?, ?, ?, ?)",
        );
        for (const f of files) {
          s.run(this.#sid, f.md5.slice(), f.size, f.type, f.id, f.accessHash);
        }
      });
    });
  }

  /** {@inheritDoc SessionStorage.listFiles} */
  listFiles(): Promise<CachedFile[]> {
    return this.#run("list cached files", () =>
      this.#stmt(
        "SELECT md5, size, type, id, access_hash FROM mts_files WHERE session_id = ?",
      ).all(this.#sid).map((r) => ({
        md5: bytes(r.md5)!,
        size: toNumber(r.size)!,
        type: String(r.type) as FileType,
        id: toBigInt(r.id)!,
        accessHash: toBigInt(r.access_hash)!,
      })));
  }

  /** {@inheritDoc SessionStorage.getDcs} */
  getDcs(): Promise<DataCenter[]> {
    return this.#run("read the data centers", () =>
      this.#stmt(
        "SELECT id, test_mode, media_only, ipv4, ipv6, port FROM mts_dcs " +
          "WHERE session_id = ? ORDER BY position",
      ).all(this.#sid).map((r) => ({
        id: toNumber(r.id)!,
        testMode: toFlag(r.test_mode)!,
        mediaOnly: toFlag(r.media_only)!,
        ipv4: toText(r.ipv4),
        ipv6: toText(r.ipv6),
        port: toNumber(r.port)!,
      })));
  }

  /**
   * {@inheritDoc SessionStorage.setDcs}
   *
   * Written at once, in its own transaction (never behind the batch).
   */
  setDcs(dcs: readonly DataCenter[]): Promise<void> {
    return this.#write("store the data centers", () => {
      withTransaction(this.#db, () => {
        this.#stmt("DELETE FROM mts_dcs WHERE session_id = ?").run(this.#sid);
        const insert = this.#stmt(
          "INSERT INTO mts_dcs (session_id, position, id, media_only, " +
            "test_mode, ipv4, ipv6, port) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        );
        dcs.forEach((d, i) =>
          insert.run(
            this.#sid,
            i,
            d.id,
            d.mediaOnly ? 1 : 0,
            d.testMode ? 1 : 0,
            d.ipv4,
            d.ipv6,
            d.port,
          )
        );
      });
    });
  }

  /** {@inheritDoc SessionStorage.getAuthKeys} */
  getAuthKeys(): Promise<DcAuthKey[]> {
    return this.#run("read the auth keys", () =>
      this.#stmt(
        "SELECT dc_id, key FROM mts_auth_keys WHERE session_id = ? ORDER BY dc_id",
      ).all(this.#sid).map((r) => ({
        dcId: toNumber(r.dc_id)!,
        key: bytes(r.key)!,
      })));
  }

  /**
   * {@inheritDoc SessionStorage.setAuthKeys}
   *
   * Written at once, in its own transaction (never behind the batch).
   */
  setAuthKeys(changes: readonly DcAuthKeyChange[]): Promise<void> {
    return this.#write("store auth keys", () => {
      withTransaction(this.#db, () => {
        const put = this.#stmt(
          "INSERT OR REPLACE INTO mts_auth_keys (session_id, dc_id, key) VALUES (?, ?, ?)",
        );
        const drop = this.#stmt(
          "DELETE FROM mts_auth_keys WHERE session_id = ? AND dc_id = ?",
        );
        for (const c of changes) {
          if (c.key === null) drop.run(this.#sid, c.dcId);
          else put.run(this.#sid, c.dcId, c.key.slice());
        }
      });
    });
  }

  /** {@inheritDoc SessionStorage.getTempAuthKeys} */
  getTempAuthKeys(now: number): Promise<TempAuthKey[]> {
    return this.#run("read the temporary keys", () =>
      this.#stmt(
        "SELECT dc_id, idx, key, expires_at FROM mts_temp_auth_keys " +
          "WHERE session_id = ? AND expires_at > ? ORDER BY dc_id, idx",
      ).all(this.#sid, now).map((r) => ({
        dcId: toNumber(r.dc_id)!,
        index: toNumber(r.idx)!,
        key: bytes(r.key)!,
        expiresAt: toNumber(r.expires_at)!,
      })));
  }

  /**
   * {@inheritDoc SessionStorage.setTempAuthKeys}
   *
   * Written at once, in its own transaction (never behind the batch).
   */
  setTempAuthKeys(changes: readonly TempAuthKeyChange[]): Promise<void> {
    return this.#write("store temporary keys", () => {
      withTransaction(this.#db, () => {
        const put = this.#stmt(
          "INSERT OR REPLACE INTO mts_temp_auth_keys " +
            "(session_id, dc_id, idx, key, expires_at) VALUES (?, ?, ?, ?, ?)",
        );
        const drop = this.#stmt(
          "DELETE FROM mts_temp_auth_keys WHERE session_id = ? AND dc_id = ? AND idx = ?",
        );
        for (const c of changes) {
          if (c.key === null) drop.run(this.#sid, c.dcId, c.index);
          else put.run(this.#sid, c.dcId, c.index, c.key.slice(), c.expiresAt);
        }
      });
    });
  }

  /** Writes what the queue holds, so that a read sees it. */
  #flushForRead(): void {
    if (this.#queue.size > 0) this.#queue.flushSync();
  }

  /** {@inheritDoc SessionStorage.getValue} */
  getValue(name: string): Promise<Uint8Array | undefined> {
    return this.#run("read a client value", () => {
      this.#flushForRead();
      const r = this.#stmt(SQL.getValue).get(this.#sid, name);
      return r === undefined ? undefined : bytes(r.value)!;
    });
  }

  /** {@inheritDoc SessionStorage.listValues} */
  listValues(): Promise<ClientValue[]> {
    return this.#run("list client values", () => {
      this.#flushForRead();
      // Sorted here: SQLite orders text by UTF-8 bytes, the contract by
      // UTF-16 code units (they differ past U+FFFF).
      return this.#stmt(
        "SELECT name, value FROM mts_values WHERE session_id = ?",
      ).all(this.#sid).map((r) => ({
        name: String(r.name),
        value: bytes(r.value)!,
      })).sort(byCodeUnits);
    });
  }

  /**
   * {@inheritDoc SessionStorage.setValues}
   *
   * Batched with the peers: durable on `flush()`, seen by reads at once.
   */
  setValues(changes: readonly ClientValueChange[]): Promise<void> {
    try {
      return this.#queued(
        "store client values",
        changes.map((c) => new ValueWrite(c)),
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * {@inheritDoc SessionStorage.putMessageRefs}
   *
   * Batched with the peers: durable on `flush()`, seen by reads at once.
   */
  putMessageRefs(refs: readonly MessageRef[]): Promise<void> {
    try {
      return this.#queued(
        "store message references",
        refs.map((r) => new RefWrite(r)),
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** {@inheritDoc SessionStorage.getMessageRefs} */
  getMessageRefs(peerId: number): Promise<MessageRef[]> {
    return this.#run("read message references", () => {
      this.#flushForRead();
      return this.#stmt(SQL.refsOf).all(this.#sid, peerId).map(refOf);
    });
  }

  /** {@inheritDoc SessionStorage.listMessageRefs} */
  listMessageRefs(): Promise<MessageRef[]> {
    return this.#run("list message references", () => {
      this.#flushForRead();
      return this.#stmt(
        "SELECT peer_id, chat_id, msg_id FROM mts_message_refs " +
          "WHERE session_id = ? ORDER BY seq",
      ).all(this.#sid).map(refOf);
    });
  }

  /** {@inheritDoc SessionStorage.deleteMessageRefs} */
  deleteMessageRefs(filter: MessageRefFilter): Promise<void> {
    return this.#write("delete message references", () => {
      this.#flushForRead();
      const sid = this.#sid;
      withTransaction(this.#db, () => {
        if ("all" in filter) {
          this.#stmt("DELETE FROM mts_message_refs WHERE session_id = ?")
            .run(sid);
        } else if ("peerIds" in filter) {
          const drop = this.#stmt(SQL.dropRefsOf);
          for (const id of filter.peerIds) drop.run(sid, id);
        } else {
          const drop = this.#stmt(SQL.dropRefsTo);
          for (const m of filter.messageIds) drop.run(sid, filter.chatId, m);
        }
      });
    });
  }

  /**
   * Writes any batched peers, values and references. A batch whose
   * background write failed was kept: it is written now, or this rejects
   * with the error.
   */
  async flush(): Promise<void> {
    checkOpen(this.#closed, "save");
    try {
      // In time slices: the event loop turns between transactions.
      await this.#queue.flush();
    } catch (e) {
      throw this.#typed(e);
    }
    this.#reportRefused();
  }

  #reportRefused(): void {
    const refused = this.#queue.takeRefused();
    const peers: Refused<PeerRecord>[] = [];
    for (const r of refused) {
      if (isPeer(r.item)) peers.push({ item: r.item, error: r.error });
      else this.#refusedOthers++;
    }
    reportRefused("SQLite", peers, (_record, e) => ({
      field: null,
      reason: `a value SQLite refused (${sqliteCode(e)})`,
    }));
    if (this.#refusedOthers > 0) {
      const n = this.#refusedOthers;
      this.#refusedOthers = 0;
      throw new SessionError(
        `SQLite refused ${n} client value(s) or message reference(s); ` +
          "the other writes were stored",
      );
    }
  }

  /** Writes any batched peers and releases the database. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    let failure: unknown;
    try {
      this.#queue.flushSync();
    } catch (e) {
      failure = this.#typed(e);
    }
    try {
      // What a flush under way wrote (and what flushSync added to it).
      this.#queue.commitHeld();
    } catch (e) {
      failure ??= this.#typed(e);
    }
    // Released even when the last write failed: a session that cannot be
    // used again must not keep the file locked.
    this.#closed = true;
    this.#queue.stop();
    this.#statements.clear();
    this.#lookups = undefined;
    try {
      WalCheckpointer.beforeWrite(this.#db);
      this.#options.onClose?.();
    } catch (e) {
      failure ??= e;
    }
    if (failure === undefined) {
      try {
        this.#reportRefused();
      } catch (e) {
        failure = e;
      }
    }
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  }

  /** Deletes the session's rows (a file session: the file) and closes. */
  destroy(): Promise<void> {
    return this.#write("delete the session", () => {
      void this.#queue.clear();
      deleteSessionRows(this.#db, this.#sid);
      this.#closed = true;
      this.#statements.clear();
      this.#options.onClose?.();
      this.#options.onDestroy?.();
    });
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `SqliteStorage(my.session)`.
   */
  toString(): string {
    return `SqliteStorage(${this.#options.label ?? this.#db.path})`;
  }

  /**
   * What `JSON.stringify` shows: no secret.
   *
   * @returns A redacted summary.
   */
  toJSON(): { kind: string; label: string } {
    return { kind: this.kind, label: this.#options.label ?? this.#db.path };
  }
}

/** Deletes every row of one session of a database, in one transaction. */
export function deleteSessionRows(db: SqliteDatabase, sessionId: string): void {
  WalCheckpointer.beforeWrite(db);
  withTransaction(db, () => {
    for (const table of SESSION_TABLES) {
      db.prepare(`DELETE FROM ${table} WHERE session_id = ?`).run(sessionId);
    }
  });
}
