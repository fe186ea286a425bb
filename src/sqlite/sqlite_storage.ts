/**
 * A {@linkcode SessionStorage} over any SQLite driver, in mtsession's own
 * schema. Auth changes are written at once; peer writes are batched (one
 * transaction per batch) and flushed after a bounded delay, by `flush()`,
 * by `close()`, and before any read, so reads always see every write.
 *
 * @module
 */

import { copyFile } from "../_copy.ts";
import { redactInspect } from "../_redacted.ts";
import { checkOpen, runOpen } from "../backend/_lifecycle.ts";
import { mergeNeeds, planMerge, sourceOf } from "../backend/_merge.ts";
import {
  authOf,
  patchedColumns,
  peerOf,
  toBigInt,
  toNumber,
} from "../backend/_rows.ts";
import { reportRefused } from "../backend/_refused.ts";
import { batchOptions, WriteBehind } from "../backend/_write_behind.ts";
import { SessionError } from "../errors.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
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

function bytes(v: SqlValue | undefined): Uint8Array | null {
  return v instanceof Uint8Array ? v.slice() : null;
}

function toSql(field: keyof AuthState, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (field === "authKey") return (value as Uint8Array).slice();
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
  freeUsername:
    "DELETE FROM mts_usernames WHERE session_id = ? AND username = ?",
  claimUsername: "INSERT OR REPLACE INTO mts_usernames " +
    "(session_id, username, peer_id) VALUES (?, ?, ?)",
  claimPhone: "UPDATE mts_peers INDEXED BY mts_peers_phone SET phone = NULL " +
    "WHERE session_id = ? AND phone = ? AND id <> ?",
  // A merged record is written whole (the merge plan has read the row).
  upsert: "INSERT INTO mts_peers " +
    "(session_id, id, type, access_hash, usernames, phone, name, updated_at) " +
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, id) DO UPDATE SET " +
    "type = excluded.type, access_hash = excluded.access_hash, " +
    "usernames = excluded.usernames, phone = excluded.phone, " +
    "name = excluded.name, updated_at = excluded.updated_at",
  usernamesOf:
    "SELECT usernames FROM mts_peers WHERE session_id = ? AND id = ?",
  deletePeer: "DELETE FROM mts_peers WHERE session_id = ? AND id = ?",
} as const;

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
  );
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
  #queue: WriteBehind<PeerRecord>;
  #closed = false;

  static {
    redactInspect(this);
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
    this.#queue = new WriteBehind(
      (batch) => withTransaction(db, () => this.#writeBatch(batch)),
      batchOptions(options),
      refusedBySqlite,
    );
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
    return runOpen(this.#closed, what, fn, (e) => this.#typed(e));
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
   * Writes a batch with the merge rules of `putPeers` (planned by
   * backend/_merge.ts). It reads what the plan needs in a few statements:
   * the batch's peers, and the peers outside it that hold a username or
   * phone the batch claims (they lose it). Then each changed peer's row is
   * written once, whole, and only the username entries whose holder
   * changes are touched: a known peer whose usernames are unchanged costs
   * its upsert alone.
   */
  #writeBatch(batch: readonly PeerRecord[]): void {
    const sid = this.#sid;
    const needs = mergeNeeds(batch);
    const loaded = new Map<number, PeerRecord>();
    const load = (ids: readonly number[]): void =>
      this.#selectIn(
        (list) =>
          `SELECT ${PEER_COLUMNS} FROM mts_peers p WHERE p.session_id = ? ` +
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
    for (const { record: p } of plan.peers) {
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
    return this.#run("change the auth state", () => {
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
    return this.#run("store peers", () => {
      this.#queue.push(records);
      if (this.#queue.full) this.#queue.flushSync();
    });
  }

  /** {@inheritDoc SessionStorage.findPeer} */
  findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    try {
      checkOpen(this.#closed, "look up a peer");
      if (this.#queue.size > 0) this.#queue.flushSync();
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
      return Promise.resolve(row === undefined ? undefined : rowPeer(row));
    } catch (e) {
      return Promise.reject(this.#typed(e));
    }
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
    return this.#run("delete peers", () => {
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
        id: toBigInt(r.id)!,
        accessHash: toBigInt(r.access_hash)!,
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
        size: toNumber(r.size)!,
        type: String(r.type) as FileType,
        id: toBigInt(r.id)!,
        accessHash: toBigInt(r.access_hash)!,
      })));
  }

  /**
   * Writes any batched peers. A batch whose background write failed was
   * kept: it is written now, or this rejects with the error.
   */
  flush(): Promise<void> {
    return this.#run("save", () => {
      this.#queue.flushSync();
      this.#reportRefused();
    });
  }

  #reportRefused(): void {
    reportRefused("SQLite", this.#queue.takeRefused(), (_record, e) => ({
      field: null,
      reason: `a value SQLite refused (${sqliteCode(e)})`,
    }));
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
    // Released even when the last write failed: a session that cannot be
    // used again must not keep the file locked.
    this.#closed = true;
    this.#queue.stop();
    this.#statements.clear();
    try {
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
    return this.#run("delete the session", () => {
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
