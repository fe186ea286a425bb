/**
 * A {@linkcode SessionStorage} over any SQLite driver, in mtsession's own
 * schema. Auth changes are written at once; peer writes are batched (one
 * transaction per batch) and flushed after a bounded delay, by `flush()`,
 * by `close()`, and before any read, so reads always see every write.
 *
 * @module
 */

import { unrefTimer } from "../_timer.ts";
import { copyFile } from "../_copy.ts";
import { SessionClosedError, SessionError } from "../errors.ts";
import { denoInspect, nodeInspect } from "../_inspect.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
  PeerType,
  UpdateState,
} from "../types.ts";
import type {
  SqliteDatabase,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "./driver.ts";
import { corruptedFile, isCorrupt } from "./file_check.ts";
import { withTransaction } from "./transaction.ts";

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
}

function num(v: SqlValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  return Number(v);
}

function big(v: SqlValue | undefined): bigint | null {
  if (v === null || v === undefined) return null;
  return typeof v === "bigint" ? v : BigInt(v as number);
}

function flag(v: SqlValue | undefined): boolean | null {
  const n = num(v);
  return n === null ? null : n !== 0;
}

function bytes(v: SqlValue | undefined): Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (!(v instanceof Uint8Array)) return null;
  return v.slice();
}

const AUTH_COLUMNS: Record<keyof AuthState, string> = {
  dcId: "dc_id",
  serverAddress: "server_address",
  port: "port",
  authKey: "auth_key",
  testMode: "test_mode",
  apiId: "api_id",
  userId: "user_id",
  isBot: "is_bot",
  date: "date",
  takeoutId: "takeout_id",
};

function toSql(key: keyof AuthState, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (key === "authKey") return (value as Uint8Array).slice();
  return value as SqlValue;
}

// A peer's row holds its usernames in order as a JSON array (exact for any
// text, unlike a separator), NULL for none; mts_usernames maps each
// username to its peer.
const PEER_COLUMNS =
  "p.id, p.type, p.access_hash, p.usernames, p.phone, p.name, p.updated_at";

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
  dropUsername:
    "DELETE FROM mts_usernames WHERE session_id = ? AND username = ? AND peer_id = ?",
  claimUsername: "INSERT OR REPLACE INTO mts_usernames " +
    "(session_id, username, peer_id) VALUES (?, ?, ?)",
  setUsernames:
    "UPDATE mts_peers SET usernames = ? WHERE session_id = ? AND id = ?",
  claimPhone: "UPDATE mts_peers INDEXED BY mts_peers_phone SET phone = NULL " +
    "WHERE session_id = ? AND phone = ? AND id <> ?",
  upsert: "INSERT INTO mts_peers " +
    "(session_id, id, type, access_hash, usernames, phone, name, updated_at) " +
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, id) DO UPDATE SET " +
    "type = excluded.type, access_hash = excluded.access_hash, " +
    "usernames = excluded.usernames, " +
    "phone = COALESCE(excluded.phone, mts_peers.phone), " +
    "name = COALESCE(excluded.name, mts_peers.name), " +
    "updated_at = excluded.updated_at",
  usernamesOf:
    "SELECT usernames FROM mts_peers WHERE session_id = ? AND id = ?",
  deletePeer: "DELETE FROM mts_peers WHERE session_id = ? AND id = ?",
} as const;

/** What a batch write needs to know of a peer already in the file. */
interface Known {
  phone: string | null;
  usernames: readonly string[];
  /** Its usernames changed (taken by another peer) since its last upsert. */
  dirty: boolean;
}

/** How much of a session file is read through a memory map. */
const MMAP_BYTES = 64 * 1024 * 1024;

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

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function peerOf(row: SqlRow): PeerRecord {
  return {
    id: num(row.id)!,
    type: String(row.type) as PeerType,
    accessHash: big(row.access_hash)!,
    usernames: usernamesOf(row.usernames),
    phone: row.phone === null ? null : String(row.phone),
    name: row.name === null ? null : String(row.name),
    updatedAt: num(row.updated_at)!,
  };
}

/**
 * One session's storage in an open mtsession database. Usually made by
 * `openSession(name)` or a session store, not directly.
 *
 * On a database file it turns on memory-mapped reads (`PRAGMA mmap_size`,
 * up to 64 MiB) unless the connection already has them: lookups then cost
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
  #pending: PeerRecord[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failure: unknown = undefined;
  #closed = false;

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
    try {
      // Read the file through a memory map (up to 64 MiB) unless the
      // connection has one already: a random lookup then costs no read()
      // per page that is not in SQLite's own 2 MiB cache (30-50% more
      // lookups/s on Bun and Deno, 10-20% on Node, at 100k peers). Writes
      // still go through the WAL. Ignored for in-memory databases.
      if (db.path !== "" && db.path !== ":memory:") {
        const mapped = db.prepare("PRAGMA mmap_size").get();
        if (mapped !== undefined && Number(Object.values(mapped)[0]) === 0) {
          db.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
        }
      }
      // Only write when the session is new: opening an existing file then
      // starts no write transaction.
      const exists = this.#stmt(
        "SELECT 1 AS one FROM mts_sessions WHERE session_id = ?",
      ).get(sessionId);
      if (exists === undefined) {
        const now = Math.floor(Date.now() / 1000);
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
    try {
      if (this.#closed) throw new SessionClosedError(what);
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(this.#typed(e));
    }
  }

  // ---- write-behind batch --------------------------------------------------

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const delay = this.#options.flushDelayMs ?? 1000;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.#flushPending();
      } catch (e) {
        this.#failure ??= e;
      }
    }, delay);
    unrefTimer(this.#timer);
  }

  #flushPending(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      withTransaction(this.#db, () => this.#writeBatch(batch));
    } catch (e) {
      this.#pending = batch.concat(this.#pending);
      throw e;
    }
    // A background write that failed is moot once its batch is written.
    this.#failure = undefined;
  }

  #reportFailure(): void {
    if (this.#failure === undefined) return;
    const cause = this.#failure;
    this.#failure = undefined;
    const typed = this.#typed(cause);
    if (typed !== cause) throw typed;
    throw new SessionError(
      "A batched write of peers failed; it is kept and retried",
      { cause },
    );
  }

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
   * Writes a batch with the merge rules of `putPeers`, record by record in
   * order, but reading first what the file knows of the batch (its peers'
   * phones and usernames, who holds the usernames and phones it claims) in
   * a few statements, so that a record only writes what changes: a new peer
   * costs its upsert and its usernames; a known peer whose usernames and
   * phone are unchanged costs the upsert alone. The effect on the file is
   * that of running, for each record, "take each of its usernames and its
   * phone from any other peer, drop the usernames it no longer has, upsert
   * it"; a peer that loses a username to the batch has its row's list
   * rewritten once, at the end.
   */
  #writeBatch(batch: readonly PeerRecord[]): void {
    const sid = this.#sid;
    const known = new Map<number, Known>();
    // username → the peer of `known` holding it
    const owner = new Map<string, number>();
    // phone of the batch → every peer of the file holding it
    const holders = new Map<string, Set<number>>();

    const load = (ids: readonly number[]): void =>
      this.#selectIn(
        (list) =>
          "SELECT id, phone, usernames FROM mts_peers WHERE session_id = ? " +
          `AND id IN ${list}`,
        ids,
        (row) => {
          const id = num(row.id)!;
          const usernames = usernamesOf(row.usernames);
          known.set(id, {
            phone: row.phone === null ? null : String(row.phone),
            usernames,
            dirty: false,
          });
          for (const u of usernames) owner.set(u, id);
        },
      );
    load([...new Set(batch.map((p) => p.id))]);

    // Peers outside the batch that hold a username the batch claims: they
    // lose it, so their rows are read too.
    const claimed = new Set<string>();
    for (const p of batch) {
      for (const u of p.usernames) if (!owner.has(u)) claimed.add(u);
    }
    if (claimed.size > 0) {
      const others = new Set<number>();
      this.#selectIn(
        (list) =>
          "SELECT peer_id FROM mts_usernames WHERE session_id = ? AND " +
          `username IN ${list}`,
        [...claimed],
        (row) => {
          const id = num(row.peer_id)!;
          if (!known.has(id)) others.add(id);
        },
      );
      if (others.size > 0) load([...others]);
    }

    const phones: string[] = [];
    for (const p of batch) {
      if (p.phone !== null && !holders.has(p.phone)) {
        holders.set(p.phone, new Set());
        phones.push(p.phone);
      }
    }
    if (phones.length > 0) {
      this.#selectIn(
        (list) =>
          "SELECT id, phone FROM mts_peers INDEXED BY mts_peers_phone " +
          `WHERE session_id = ? AND phone IN ${list}`,
        phones,
        (row) => holders.get(String(row.phone))?.add(num(row.id)!),
      );
    }

    const claim = this.#stmt(SQL.claimUsername);
    const upsert = this.#stmt(SQL.upsert);
    for (const p of batch) {
      const old = known.get(p.id);
      if (old === undefined || !sameList(old.usernames, p.usernames)) {
        for (const u of old?.usernames ?? []) {
          if (!p.usernames.includes(u) && owner.get(u) === p.id) {
            this.#stmt(SQL.dropUsername).run(sid, u, p.id);
            owner.delete(u);
          }
        }
        for (const u of p.usernames) {
          const previous = owner.get(u);
          if (previous === p.id) continue;
          claim.run(sid, u, p.id);
          owner.set(u, p.id);
          const k = previous === undefined ? undefined : known.get(previous);
          if (k !== undefined) {
            k.usernames = k.usernames.filter((x) => x !== u);
            k.dirty = true;
          }
        }
      }
      let phone = old === undefined ? null : old.phone;
      if (p.phone !== null) {
        const holding = holders.get(p.phone)!;
        let others = false;
        for (const id of holding) {
          if (id !== p.id) {
            others = true;
            const k = known.get(id);
            if (k !== undefined) k.phone = null;
          }
        }
        if (others) {
          this.#stmt(SQL.claimPhone).run(sid, p.phone, p.id);
          holding.clear();
        }
        holding.add(p.id);
        if (phone !== null && phone !== p.phone) {
          holders.get(phone)?.delete(p.id);
        }
        phone = p.phone;
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
      );
      known.set(p.id, { phone, usernames: p.usernames, dirty: false });
    }
    for (const [id, k] of known) {
      if (k.dirty) {
        this.#stmt(SQL.setUsernames).run(usernamesText(k.usernames), sid, id);
      }
    }
  }

  // ---- SessionStorage ------------------------------------------------------

  /** {@inheritDoc SessionStorage.getAuth} */
  getAuth(): Promise<AuthState> {
    return this.#run("read the auth state", () => {
      const r = this.#stmt("SELECT * FROM mts_sessions WHERE session_id = ?")
        .get(this.#sid) ?? {};
      const key = bytes(r.auth_key);
      return {
        dcId: num(r.dc_id),
        serverAddress:
          r.server_address === null || r.server_address === undefined
            ? null
            : String(r.server_address),
        port: num(r.port),
        authKey: key !== null && key.length === 256 ? key : null,
        testMode: flag(r.test_mode),
        apiId: num(r.api_id),
        userId: num(r.user_id),
        isBot: flag(r.is_bot),
        date: num(r.date),
        takeoutId: big(r.takeout_id),
      };
    });
  }

  /** {@inheritDoc SessionStorage.setAuth} */
  setAuth(patch: Partial<AuthState>): Promise<void> {
    return this.#run("change the auth state", () => {
      const keys = (Object.keys(patch) as (keyof AuthState)[]).filter((k) =>
        k in AUTH_COLUMNS
      );
      if (keys.length === 0) return;
      const sql = `UPDATE mts_sessions SET ${
        keys.map((k) => `${AUTH_COLUMNS[k]} = ?`).join(", ")
      }, updated_at = ? WHERE session_id = ?`;
      this.#stmt(sql).run(
        ...keys.map((k) => toSql(k, patch[k])),
        Math.floor(Date.now() / 1000),
        this.#sid,
      );
    });
  }

  /** {@inheritDoc SessionStorage.putPeers} */
  putPeers(records: readonly PeerRecord[]): Promise<void> {
    return this.#run("store peers", () => {
      for (const r of records) this.#pending.push(r);
      if (this.#pending.length >= (this.#options.maxBatch ?? 2000)) {
        this.#flushPending();
      } else if (this.#pending.length > 0) {
        this.#schedule();
      }
    });
  }

  /** {@inheritDoc SessionStorage.findPeer} */
  findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    if (this.#closed) {
      return Promise.reject(new SessionClosedError("look up a peer"));
    }
    try {
      this.#flushPending();
      const sid = this.#sid;
      let row: SqlRow | undefined;
      switch (lookup.by) {
        case "id": {
          const s = this.#stmt(SQL.byId);
          for (const id of lookup.ids) {
            row = s.get(sid, id);
            if (row !== undefined) break;
          }
          break;
        }
        case "username":
          row = this.#stmt(SQL.byUsername).get(sid, sid, lookup.value);
          break;
        case "phone":
          row = this.#stmt(SQL.byPhone).get(sid, lookup.value);
          break;
        case "name":
          row = this.#stmt(SQL.byName).get(sid, lookup.value);
          break;
      }
      return Promise.resolve(row === undefined ? undefined : peerOf(row));
    } catch (e) {
      return Promise.reject(this.#typed(e));
    }
  }

  /** {@inheritDoc SessionStorage.listPeers} */
  listPeers(): Promise<PeerRecord[]> {
    return this.#run("list peers", () => {
      this.#flushPending();
      return this.#stmt(SQL.all).all(this.#sid).map(peerOf);
    });
  }

  /** {@inheritDoc SessionStorage.countPeers} */
  countPeers(): Promise<number> {
    return this.#run("count peers", () => {
      this.#flushPending();
      return num(
        this.#stmt("SELECT count(*) AS n FROM mts_peers WHERE session_id = ?")
          .get(this.#sid)?.n,
      ) ?? 0;
    });
  }

  /** {@inheritDoc SessionStorage.deletePeers} */
  deletePeers(ids: readonly number[]): Promise<void> {
    return this.#run("delete peers", () => {
      this.#flushPending();
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
        entityId: num(r.entity_id)!,
        pts: num(r.pts)!,
        qts: num(r.qts)!,
        date: num(r.date)!,
        seq: num(r.seq)!,
      })));
  }

  /** {@inheritDoc SessionStorage.putUpdateStates} */
  putUpdateStates(states: readonly UpdateState[]): Promise<void> {
    return this.#run("store update states", () => {
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
    return this.#run("delete update states", () => {
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
        id: big(r.id)!,
        accessHash: big(r.access_hash)!,
      });
    });
  }

  /** {@inheritDoc SessionStorage.putFiles} */
  putFiles(files: readonly CachedFile[]): Promise<void> {
    return this.#run("store cached files", () => {
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
        size: num(r.size)!,
        type: String(r.type) as FileType,
        id: big(r.id)!,
        accessHash: big(r.access_hash)!,
      })));
  }

  /** Writes any batched peers; reports a failed background write. */
  flush(): Promise<void> {
    return this.#run("save", () => {
      this.#flushPending();
      this.#reportFailure();
    });
  }

  /** Writes any batched peers and releases the database. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    let failure: unknown;
    try {
      this.#flushPending();
    } catch (e) {
      failure = this.#typed(e);
    }
    // Released even when the last write failed: a session that cannot be
    // used again must not keep the file locked.
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#statements.clear();
    try {
      this.#options.onClose?.();
    } catch (e) {
      failure ??= e;
    }
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  }

  /** Deletes the session's rows (a file session: the file) and closes. */
  destroy(): Promise<void> {
    return this.#run("delete the session", () => {
      this.#pending = [];
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
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

  /**
   * Node's and Bun's inspect hook.
   *
   * @returns The same as `toString()`.
   */
  [nodeInspect](): string {
    return this.toString();
  }

  /**
   * Deno's inspect hook.
   *
   * @returns The same as `toString()`.
   */
  [denoInspect](): string {
    return this.toString();
  }
}

/** Deletes every row of one session of a database, in one transaction. */
export function deleteSessionRows(db: SqliteDatabase, sessionId: string): void {
  withTransaction(db, () => {
    for (
      const table of [
        "mts_usernames",
        "mts_peers",
        "mts_update_states",
        "mts_files",
        "mts_sessions",
      ]
    ) {
      db.prepare(`DELETE FROM ${table} WHERE session_id = ?`).run(sessionId);
    }
  });
}
