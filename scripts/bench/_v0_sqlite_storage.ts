// The SqliteStorage of commit 03d858e, before the performance work of
// issue 5, kept unchanged (only its imports re-pointed) so that the
// benchmark can measure before and after side by side in the same run
// (subject "ours-v0"). Not part of the library.

/**
 * A {@linkcode SessionStorage} over any SQLite driver, in mtsession's own
 * schema. Auth changes are written at once; peer writes are batched (one
 * transaction per batch) and flushed after a bounded delay, by `flush()`,
 * by `close()`, and before any read, so reads always see every write.
 *
 * @module
 */

import { copyFile } from "../../src/_copy.ts";
import { SessionClosedError, SessionError } from "../../src/errors.ts";
import { denoInspect, nodeInspect } from "../../src/_inspect.ts";
import type { PeerLookup, SessionStorage } from "../../src/storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
  PeerType,
  UpdateState,
} from "../../src/types.ts";
import type {
  SqliteDatabase,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "../../src/sqlite/driver.ts";
import { withTransaction } from "../../src/sqlite/transaction.ts";

/** Options for {@linkcode SqliteStorage}. */
export interface SqliteStorageV0Options {
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

const PEER_SELECT =
  "SELECT p.id, p.type, p.access_hash, p.phone, p.name, p.updated_at, " +
  "(SELECT group_concat(username, ' ') FROM (SELECT username FROM mts_usernames u " +
  "WHERE u.session_id = p.session_id AND u.peer_id = p.id ORDER BY position)) AS usernames " +
  "FROM mts_peers p";

function peerOf(row: SqlRow): PeerRecord {
  const names = row.usernames;
  return {
    id: num(row.id)!,
    type: String(row.type) as PeerType,
    accessHash: big(row.access_hash)!,
    usernames: typeof names === "string" && names !== ""
      ? names.split(" ")
      : [],
    phone: row.phone === null ? null : String(row.phone),
    name: row.name === null ? null : String(row.name),
    updatedAt: num(row.updated_at)!,
  };
}

/**
 * One session's storage in an open mtsession database. Usually made by
 * `openSession(name)` or a session store, not directly.
 */
export class SqliteStorageV0 implements SessionStorage {
  /** Always `"sqlite"`. */
  readonly kind: string = "sqlite";

  #db: SqliteDatabase;
  #sid: string;
  #options: SqliteStorageV0Options;
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
    options: SqliteStorageV0Options = {},
  ) {
    this.#db = db;
    this.#sid = sessionId;
    this.#options = options;
    const now = Math.floor(Date.now() / 1000);
    this.#stmt(
      "INSERT OR IGNORE INTO mts_sessions (session_id, created_at, updated_at) VALUES (?, ?, ?)",
    ).run(sessionId, now, now);
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
      return Promise.reject(e);
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
      withTransaction(this.#db, () => {
        for (const p of batch) this.#writePeer(p);
      });
    } catch (e) {
      this.#pending = batch.concat(this.#pending);
      throw e;
    }
  }

  #reportFailure(): void {
    if (this.#failure === undefined) return;
    const cause = this.#failure;
    this.#failure = undefined;
    throw new SessionError(
      "A batched write of peers failed; it is kept and retried",
      { cause },
    );
  }

  #writePeer(p: PeerRecord): void {
    const sid = this.#sid;
    this.#stmt("DELETE FROM mts_usernames WHERE session_id = ? AND peer_id = ?")
      .run(sid, p.id);
    const claim = this.#stmt(
      "INSERT OR REPLACE INTO mts_usernames (session_id, username, peer_id, position) VALUES (?, ?, ?, ?)",
    );
    p.usernames.forEach((u, i) => claim.run(sid, u, p.id, i));
    if (p.phone !== null) {
      this.#stmt(
        "UPDATE mts_peers SET phone = NULL WHERE session_id = ? AND phone = ? AND id <> ?",
      ).run(sid, p.phone, p.id);
    }
    this.#stmt(
      "INSERT INTO mts_peers (session_id, id, type, access_hash, phone, name, updated_at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, id) DO UPDATE SET " +
        "type = excluded.type, access_hash = excluded.access_hash, " +
        "phone = COALESCE(excluded.phone, mts_peers.phone), " +
        "name = COALESCE(excluded.name, mts_peers.name), updated_at = excluded.updated_at",
    ).run(sid, p.id, p.type, p.accessHash, p.phone, p.name, p.updatedAt);
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
    return this.#run("look up a peer", () => {
      this.#flushPending();
      const sid = this.#sid;
      let row: SqlRow | undefined;
      switch (lookup.by) {
        case "id": {
          const s = this.#stmt(
            `${PEER_SELECT} WHERE p.session_id = ? AND p.id = ?`,
          );
          for (const id of lookup.ids) {
            row = s.get(sid, id);
            if (row) break;
          }
          break;
        }
        case "username":
          row = this.#stmt(
            `${PEER_SELECT} WHERE p.session_id = ? AND p.id = ` +
              "(SELECT peer_id FROM mts_usernames WHERE session_id = ? AND username = ?)",
          ).get(sid, sid, lookup.value);
          break;
        case "phone":
          row = this.#stmt(
            `${PEER_SELECT} WHERE p.session_id = ? AND p.phone = ? LIMIT 1`,
          ).get(sid, lookup.value);
          break;
        case "name":
          row = this.#stmt(
            `${PEER_SELECT} WHERE p.session_id = ? AND p.name = ? ORDER BY p.updated_at DESC LIMIT 1`,
          ).get(sid, lookup.value);
          break;
      }
      return row && peerOf(row);
    });
  }

  /** {@inheritDoc SessionStorage.listPeers} */
  listPeers(): Promise<PeerRecord[]> {
    return this.#run("list peers", () => {
      this.#flushPending();
      return this.#stmt(`${PEER_SELECT} WHERE p.session_id = ?`).all(this.#sid)
        .map(peerOf);
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
        for (const id of ids) {
          this.#stmt(
            "DELETE FROM mts_usernames WHERE session_id = ? AND peer_id = ?",
          )
            .run(this.#sid, id);
          this.#stmt("DELETE FROM mts_peers WHERE session_id = ? AND id = ?")
            .run(this.#sid, id);
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
    try {
      this.#flushPending();
    } catch (e) {
      return Promise.reject(e);
    } finally {
      this.#closed = true;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
    }
    this.#statements.clear();
    this.#options.onClose?.();
    return Promise.resolve();
  }

  /** Deletes the session's rows (a file session: the file) and closes. */
  destroy(): Promise<void> {
    return this.#run("delete the session", () => {
      this.#pending = [];
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      withTransaction(this.#db, () => {
        for (
          const table of [
            "mts_usernames",
            "mts_peers",
            "mts_update_states",
            "mts_files",
            "mts_sessions",
          ]
        ) {
          this.#db.prepare(`DELETE FROM ${table} WHERE session_id = ?`).run(
            this.#sid,
          );
        }
      });
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

/** Lets a timer not keep the process alive, on every runtime. */
function unrefTimer(timer: unknown): void {
  if (typeof timer === "object" && timer !== null && "unref" in timer) {
    (timer as { unref(): void }).unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } })
    .Deno;
  if (typeof timer === "number") deno?.unrefTimer?.(timer);
}
