/**
 * A {@linkcode SessionStorage} in PostgreSQL, in mtsession's own tables.
 * Auth changes, data centers and the keys of other DCs (permanent and
 * temporary) are written at once; peer writes are batched (one
 * transaction per batch), and so are client values and message references
 * (in a batch of their own), written after a bounded delay, on `flush()`,
 * on `close()` and before any read of them.
 *
 * Several processes may write the same session at once (with a store
 * opened `{ exclusive: false }`): the peer writes of one session are
 * serialized by a transaction advisory lock, under which a batch reads
 * what it touches, plans the merge (the rules every backend shares) and
 * writes the plan, so no update is lost and no username or phone ends up
 * with two peers.
 *
 * @module
 */

import { fromHex, toHex } from "../_hex.ts";
import { copyFile, copyPeer } from "../_copy.ts";
import { redactInspect } from "../_redacted.ts";
import { QueuedLifecycle } from "../backend/_lifecycle.ts";
import {
  mergeNeeds,
  type MergePlan,
  planMerge,
  sourceOf,
} from "../backend/_merge.ts";
import {
  AUTH_COLUMNS,
  type AuthColumnKind,
  authOf,
  patchedColumns,
  peerOf,
  toBigInt,
  toNumber,
} from "../backend/_rows.ts";
import {
  type WholePart,
  WholeSessionMethods,
} from "../backend/whole_methods.ts";
import { batchOptions, WriteBehind } from "../backend/_write_behind.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
  UpdateState,
} from "../types.ts";
import {
  checkSchemaName,
  describeInstance,
  PgClient,
  type PgRow,
  type PostgresParameter,
  type PostgresQueryable,
  type PostgresSql,
} from "./driver.ts";
import { PostgresConnectionLostError, PostgresStoreError } from "./errors.ts";
import { TABLES } from "./schema.ts";
import { PgWholeSession } from "./_whole.ts";

/**
 * Options for {@linkcode PostgresStorage}.
 *
 * @example Usage
 * ```ts
 * import type { PostgresStorageOptions } from "@mtsession/mtsession/postgres";
 *
 * const options: PostgresStorageOptions = { schema: "telegram", flushDelayMs: 250, maxBatch: 500 };
 * void options;
 * ```
 */
export interface PostgresStorageOptions {
  /** The schema of mtsession's tables (default `"public"`). */
  schema?: string;
  /**
   * The longest a batched peer write waits before it is written, in
   * milliseconds (default 1000).
   */
  flushDelayMs?: number;
  /** Write the batch as soon as this many peers wait (default 2000). */
  maxBatch?: number;
  /**
   * Use named prepared statements (default `true`). Turn off behind a
   * pooler in transaction mode (PgBouncer) that cannot keep them.
   */
  prepare?: boolean;
  /** Called by `close()` and `destroy()` once the storage is released. */
  onClose?: () => Promise<void> | void;
  /** A label for messages (never a secret). */
  label?: string;
}

/** Options the store passes: a shared client instead of an instance. */
export interface InternalStorageOptions extends PostgresStorageOptions {
  /** @internal The store's client. */
  client?: PgClient;
}

/** The PostgreSQL type of each kind of auth column. */
const CASTS: Record<AuthColumnKind, string> = {
  int32: "integer",
  int64: "bigint",
  real: "double precision",
  text: "text",
  bool: "boolean",
  bytes: "bytea",
};

/**
 * Whether a failed peer write is about the data (SQLSTATE classes 22 data
 * exception, 23 integrity, 54 limit exceeded): the batch is then split to
 * leave out the peers the server refuses. Anything else (the server gone,
 * a lock timeout) keeps the batch for the next flush.
 */
function refusedByServer(e: unknown): boolean {
  return e instanceof PostgresStoreError && e.code !== null &&
    /^(22|23|54)/.test(e.code);
}

function codeOfError(e: unknown): string {
  return e instanceof PostgresStoreError && e.code !== null ? e.code : "?";
}

/** The auth columns as text (the key as hex), in AUTH_COLUMNS order. */
const AUTH_SELECT = AUTH_COLUMNS.map(({ column, kind }) =>
  kind === "bytes"
    ? `encode(${column}, 'hex')`
    : kind === "text"
    ? column
    : `${column}::text`
).join(", ");

function now(): string {
  return String(Math.floor(Date.now() / 1000));
}

function toParam(field: keyof AuthState, value: unknown): PostgresParameter {
  if (value === null || value === undefined) return null;
  if (field === "authKey") return toHex(value as Uint8Array);
  return String(value);
}

// The columns #peerSelect() returns, in order.
function rowPeer(row: PgRow): PeerRecord {
  const names = row[6];
  const raw = row[8];
  return peerOf(
    row[0],
    row[1],
    row[2],
    typeof names === "string" ? JSON.parse(names) as string[] : [],
    row[3],
    row[4],
    row[5],
    row[7],
    typeof raw === "string" ? fromHex(raw) : null,
  );
}

/** A merge plan as the JSON document the write statement reads. */
function planPayload(plan: MergePlan): string {
  const peers = plan.peers.map((m) => m.record).sort((a, b) => a.id - b.id);
  const held: { u: string; i: number; p: number }[] = [];
  for (const m of plan.peers) {
    if (!m.usernamesChanged) continue;
    m.record.usernames.forEach((u, p) => held.push({ u, i: m.record.id, p }));
  }
  // Rows locked in a stable order: fewer deadlocks between writers.
  held.sort((a, b) => (a.u < b.u ? -1 : a.u > b.u ? 1 : 0));
  const freed: string[] = [];
  for (const [u, holder] of plan.usernames) if (holder === null) freed.push(u);
  const phones: { f: string; i: number }[] = [];
  const dropped: string[] = [];
  for (const [f, holder] of plan.phones) {
    if (holder === null) dropped.push(f);
    else phones.push({ f, i: holder });
  }
  phones.sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  return JSON.stringify({
    peers: peers.map((p) => ({
      id: p.id,
      type: p.type,
      hash: String(p.accessHash),
      name: p.name,
      at: p.updatedAt,
      min: p.min === true,
      // Only new bytes: the merge reads no stored bytes (see #writePeers).
      raw: p.raw === undefined ? null : toHex(p.raw),
    })),
    uh: held,
    ud: freed,
    ph: phones,
    pd: dropped,
  });
}

/**
 * One session's storage in an mtsession PostgreSQL schema. Usually made by
 * {@linkcode PostgresStore.open}, which also holds the session's
 * exclusive lock; one made directly holds none, and its schema must exist
 * (see `migratePostgres`).
 *
 * The instance may have any `types` setting: every 64-bit value crosses
 * the wire as text and is parsed here, so ±2^63 is exact.
 *
 * @example Usage
 * ```ts ignore
 * import postgres from "postgres";
 * import { openSession } from "@mtsession/mtsession";
 * import { migratePostgres, PostgresStorage } from "@mtsession/mtsession/postgres";
 *
 * const sql = postgres(process.env.DATABASE_URL!);
 * await migratePostgres(sql);
 * const session = await openSession(new PostgresStorage(sql, "bot"));
 * await session.processEntities({ _: "user", id: 1, accessHash: -(2n ** 63n), username: "one" });
 * console.log((await session.getPeer("@one"))?.accessHash); // -9223372036854775808n
 * await session.close();
 * await sql.end();
 * ```
 */
export class PostgresStorage extends WholeSessionMethods
  implements SessionStorage {
  /** Always `"postgres"`. */
  readonly kind: string = "postgres";

  #client: PgClient;
  #sid: string;
  #label: string;
  #queue: WriteBehind<PeerRecord>;
  #whole: PgWholeSession;
  #life: QueuedLifecycle;
  #t: Record<string, string>;

  static {
    redactInspect(this);
  }

  /**
   * Wraps one session of a migrated schema.
   *
   * @param sql A `postgres` instance (pool).
   * @param sessionId Which session of the schema this is.
   * @param options Schema, batching and lifecycle hooks.
   */
  constructor(
    sql: PostgresSql,
    sessionId: string,
    options: PostgresStorageOptions = {},
  ) {
    super();
    const internal = (options as InternalStorageOptions).client;
    this.#client = internal ??
      new PgClient(
        sql,
        checkSchemaName(options.schema ?? "public"),
        describeInstance(sql),
        options.prepare ?? true,
      );
    this.#sid = sessionId;
    this.#label = options.label ??
      `${this.#client.server}#${this.#client.schemaName}/${sessionId}`;
    this.#queue = new WriteBehind(
      (batch) => this.#writePeers(batch),
      batchOptions(options),
      refusedByServer,
    );
    const t: Record<string, string> = {};
    for (
      const name of [...TABLES, "meta"]
    ) t[name] = this.#client.table(name);
    this.#t = t;
    this.#whole = new PgWholeSession({
      client: this.#client,
      tables: t,
      rows: (what, query, params, on) => this.#rows(what, query, params, on),
      lockWrites: (tx, what) => this.#lockWrites(tx, what),
      refuses: refusedByServer,
    }, batchOptions(options));
    this.#life = new QueuedLifecycle(
      this.#queues(),
      options.onClose,
      "PostgreSQL",
      (_record, e) => ({
        field: null,
        reason: `a value the server refused (${codeOfError(e)})`,
      }),
    );
  }

  /**
   * Both write-behinds as one queue for the lifecycle: each is written
   * whatever the other did, and the first failure is reported.
   */
  #queues(): {
    flush(): Promise<void>;
    clear(): Promise<void>;
    takeRefused(): ReturnType<WriteBehind<PeerRecord>["takeRefused"]>;
  } {
    return {
      flush: async () => {
        const done = await Promise.allSettled([
          this.#queue.flush(),
          this.#whole.flush(),
        ]);
        for (const d of done) if (d.status === "rejected") throw d.reason;
      },
      clear: async () => {
        await this.#queue.clear();
        await this.#whole.clear();
      },
      takeRefused: () => this.#queue.takeRefused(),
    };
  }

  #check(what: string): void {
    this.#life.check(what);
  }

  /** {@inheritDoc WholeSessionMethods.wholePart} */
  protected wholePart(what: string): WholePart {
    this.#check(what);
    return this.#whole;
  }

  #rows(
    what: string,
    query: string,
    params: PostgresParameter[],
    on?: PostgresQueryable,
  ): Promise<PgRow[]> {
    return this.#client.rows(what, query, [this.#sid, ...params], on);
  }

  // ---- peers --------------------------------------------------------------

  /** The advisory lock that serializes peer writes of this session. */
  async #lockWrites(tx: PostgresQueryable, what: string): Promise<void> {
    await this.#rows(
      what,
      "SELECT pg_advisory_xact_lock(hashtextextended(" +
        "'mtsession:write:' || $2::text || ':' || $1::text, 0))",
      [this.#client.schemaName],
      tx,
    );
  }

  /**
   * Writes a batch under the session's write lock: reads the batch's peers
   * and the holders of the usernames and phones it claims, plans the merge,
   * and writes the plan in one statement. The peers are read without their
   * raw bytes (which may be large): the merge keeps known bytes when a
   * record has none, and so does the write (`coalesce`), since bytes once
   * stored are never removed by a merge.
   */
  async #writePeers(batch: readonly PeerRecord[]): Promise<void> {
    const needs = mergeNeeds(batch);
    const t = this.#t;
    const what = "store peers";
    await this.#client.transaction(what, async (tx) => {
      await this.#lockWrites(tx, what);
      const loaded = (await this.#rows(
        what,
        `WITH b AS MATERIALIZED (SELECT $2::text::jsonb AS j),
ids AS (SELECT v::bigint AS id FROM b, jsonb_array_elements_text(b.j->'ids') v
  UNION SELECT u.peer_id FROM ${t.usernames} u WHERE u.session_id = $1::text
    AND u.username IN (SELECT jsonb_array_elements_text(b.j->'us') FROM b)
  UNION SELECT f.peer_id FROM ${t.phones} f WHERE f.session_id = $1::text
    AND f.phone IN (SELECT jsonb_array_elements_text(b.j->'ps') FROM b))
${
          this.#peerSelect(false)
        } WHERE p.session_id = $1::text AND p.id IN (SELECT id FROM ids)`,
        [JSON.stringify({
          ids: needs.ids,
          us: needs.usernames,
          ps: needs.phones,
        })],
        tx,
      )).map(rowPeer);
      const plan = planMerge(batch, sourceOf(loaded));
      // One statement: its parts touch disjoint rows (a username or phone
      // is either given to a peer or freed, never both).
      await this.#rows(
        what,
        `WITH b AS MATERIALIZED (SELECT $2::text::jsonb AS j),
s AS (INSERT INTO ${t.sessions} (session_id, created_at, updated_at)
  VALUES ($1::text, $3::text::bigint, $3::text::bigint)
  ON CONFLICT (session_id) DO NOTHING),
p AS (INSERT INTO ${t.peers} AS o (session_id, id, type, access_hash, name, updated_at, min, raw)
  SELECT $1::text, x.id, x.type, x.hash, x.name, x.at, x.min, decode(x.raw, 'hex')
  FROM b, jsonb_to_recordset(b.j->'peers') AS x(id bigint, type text, hash bigint, name text, at bigint, min boolean, raw text)
  ON CONFLICT (session_id, id) DO UPDATE SET type = excluded.type,
    access_hash = excluded.access_hash, name = excluded.name,
    updated_at = excluded.updated_at, min = excluded.min,
    raw = coalesce(excluded.raw, o.raw)),
ud AS (DELETE FROM ${t.usernames} d WHERE d.session_id = $1::text AND
  d.username IN (SELECT jsonb_array_elements_text(b.j->'ud') FROM b)),
ui AS (INSERT INTO ${t.usernames} (session_id, username, peer_id, position)
  SELECT $1::text, x.u, x.i, x.p
  FROM b, jsonb_to_recordset(b.j->'uh') AS x(u text, i bigint, p integer)
  ON CONFLICT (session_id, username) DO UPDATE SET peer_id = excluded.peer_id,
    position = excluded.position),
pd AS (DELETE FROM ${t.phones} d WHERE d.session_id = $1::text AND
  d.phone IN (SELECT jsonb_array_elements_text(b.j->'pd') FROM b)),
pi AS (INSERT INTO ${t.phones} (session_id, phone, peer_id)
  SELECT $1::text, x.f, x.i
  FROM b, jsonb_to_recordset(b.j->'ph') AS x(f text, i bigint)
  ON CONFLICT (session_id, phone) DO UPDATE SET peer_id = excluded.peer_id)
SELECT 1`,
        [planPayload(plan), now()],
        tx,
      );
    });
  }

  /** The peers' columns (as rowPeer reads them); `raw`: with the bytes. */
  #peerSelect(raw = true): string {
    const t = this.#t;
    return "SELECT p.id::text, p.type, p.access_hash::text, " +
      `(SELECT f.phone FROM ${t.phones} f WHERE f.session_id = p.session_id ` +
      "AND f.peer_id = p.id LIMIT 1), p.name, p.updated_at::text, " +
      `(SELECT json_agg(u.username ORDER BY u.position)::text FROM ${t.usernames} u ` +
      "WHERE u.session_id = p.session_id AND u.peer_id = p.id), p.min::text, " +
      `${raw ? "encode(p.raw, 'hex')" : "NULL"} FROM ${t.peers} p`;
  }

  // ---- SessionStorage -----------------------------------------------------

  /** {@inheritDoc SessionStorage.getAuth} */
  async getAuth(): Promise<AuthState> {
    this.#check("read the auth state");
    const [r] = await this.#rows(
      "read the auth state",
      `SELECT ${AUTH_SELECT} FROM ${this.#t.sessions} WHERE session_id = $1::text`,
      [],
    );
    const row: PgRow = r ?? [];
    const at = new Map(AUTH_COLUMNS.map((c, i) => [c.column, row[i]]));
    const key = at.get("auth_key");
    return authOf(
      (column) => at.get(column),
      typeof key === "string" ? fromHex(key) : null,
    );
  }

  /** {@inheritDoc SessionStorage.setAuth} */
  async setAuth(patch: Partial<AuthState>): Promise<void> {
    this.#check("change the auth state");
    const cols = patchedColumns(patch);
    if (cols.length === 0) return;
    const values = cols.map(({ kind }, i) =>
      kind === "bytes"
        ? `decode($${i + 3}::text, 'hex')`
        : `$${i + 3}::text::${CASTS[kind]}`
    );
    await this.#rows(
      "change the auth state",
      `INSERT INTO ${this.#t.sessions} (session_id, created_at, updated_at, ${
        cols.map((c) => c.column).join(", ")
      }) VALUES ($1::text, $2::text::bigint, $2::text::bigint, ${
        values.join(", ")
      }) ON CONFLICT (session_id) DO UPDATE SET ${
        cols.map(({ column: c }) => `${c} = excluded.${c}`).join(", ")
      }, updated_at = excluded.updated_at`,
      [now(), ...cols.map((c) => toParam(c.field, patch[c.field]))],
    );
  }

  /** {@inheritDoc SessionStorage.putPeers} */
  async putPeers(records: readonly PeerRecord[]): Promise<void> {
    this.#check("store peers");
    // The batch waits: keep none of the caller's arrays or bytes.
    await this.#queue.add(records.map(copyPeer));
  }

  async #flushForRead(): Promise<void> {
    await this.#queue.flush();
  }

  /** {@inheritDoc SessionStorage.findPeer} */
  async findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    this.#check("look up a peer");
    await this.#flushForRead();
    const what = "look up a peer";
    const select = this.#peerSelect();
    const t = this.#t;
    switch (lookup.by) {
      case "id": {
        if (lookup.ids.length === 0) return undefined;
        const rows = await this.#rows(
          what,
          `${select} WHERE p.session_id = $1::text AND p.id IN ` +
            "(SELECT v::bigint FROM json_array_elements_text($2::text::json) v)",
          [JSON.stringify(lookup.ids)],
        );
        const found = rows.map(rowPeer);
        for (const id of lookup.ids) {
          const p = found.find((x) => x.id === id);
          if (p) return p;
        }
        return undefined;
      }
      case "username": {
        const [row] = await this.#rows(
          what,
          `${select} WHERE p.session_id = $1::text AND p.id = (SELECT peer_id ` +
            `FROM ${t.usernames} WHERE session_id = $1::text AND username = $2::text)`,
          [lookup.value],
        );
        return row && rowPeer(row);
      }
      case "phone": {
        const [row] = await this.#rows(
          what,
          `${select} WHERE p.session_id = $1::text AND p.id = (SELECT peer_id ` +
            `FROM ${t.phones} WHERE session_id = $1::text AND phone = $2::text)`,
          [lookup.value],
        );
        return row && rowPeer(row);
      }
      case "name": {
        const [row] = await this.#rows(
          what,
          `${select} WHERE p.session_id = $1::text AND p.name = $2::text ` +
            "ORDER BY p.updated_at DESC LIMIT 1",
          [lookup.value],
        );
        return row && rowPeer(row);
      }
    }
  }

  /** {@inheritDoc SessionStorage.listPeers} */
  async listPeers(): Promise<PeerRecord[]> {
    this.#check("list peers");
    await this.#flushForRead();
    return (await this.#rows(
      "list peers",
      `${this.#peerSelect()} WHERE p.session_id = $1::text`,
      [],
    )).map(rowPeer);
  }

  /** {@inheritDoc SessionStorage.countPeers} */
  async countPeers(): Promise<number> {
    this.#check("count peers");
    await this.#flushForRead();
    const [row] = await this.#rows(
      "count peers",
      `SELECT count(*)::text FROM ${this.#t.peers} WHERE session_id = $1::text`,
      [],
    );
    return toNumber(row?.[0]) ?? 0;
  }

  /** {@inheritDoc SessionStorage.deletePeers} */
  async deletePeers(ids: readonly number[]): Promise<void> {
    this.#check("delete peers");
    await this.#flushForRead();
    if (ids.length === 0) return;
    const what = "delete peers";
    const list = JSON.stringify(ids);
    const t = this.#t;
    await this.#client.transaction(what, async (tx) => {
      await this.#lockWrites(tx, what);
      await this.#rows(
        what,
        `WITH i AS MATERIALIZED (SELECT v::bigint AS id FROM json_array_elements_text($2::text::json) v),
u AS (DELETE FROM ${t.usernames} WHERE session_id = $1::text AND peer_id IN (SELECT id FROM i)),
f AS (DELETE FROM ${t.phones} WHERE session_id = $1::text AND peer_id IN (SELECT id FROM i))
DELETE FROM ${t.peers} WHERE session_id = $1::text AND id IN (SELECT id FROM i)`,
        [list],
        tx,
      );
    });
  }

  /** {@inheritDoc SessionStorage.getUpdateStates} */
  async getUpdateStates(): Promise<UpdateState[]> {
    this.#check("read update states");
    const rows = await this.#rows(
      "read update states",
      "SELECT entity_id::text, pts::text, qts::text, date::text, seq::text " +
        `FROM ${this.#t.update_states} WHERE session_id = $1::text`,
      [],
    );
    return rows.map((r) => ({
      entityId: toNumber(r[0])!,
      pts: toNumber(r[1])!,
      qts: toNumber(r[2])!,
      date: toNumber(r[3])!,
      seq: toNumber(r[4])!,
    }));
  }

  /** {@inheritDoc SessionStorage.putUpdateStates} */
  async putUpdateStates(states: readonly UpdateState[]): Promise<void> {
    this.#check("store update states");
    if (states.length === 0) return;
    const last = new Map<number, UpdateState>();
    for (const s of states) last.set(s.entityId, s);
    await this.#rows(
      "store update states",
      `INSERT INTO ${this.#t.update_states} (session_id, entity_id, pts, qts, date, seq)
SELECT $1::text, x.e, x.pts, x.qts, x.date, x.seq
FROM json_to_recordset($2::text::json) AS x(e bigint, pts bigint, qts bigint, date double precision, seq bigint)
ON CONFLICT (session_id, entity_id) DO UPDATE SET pts = excluded.pts,
  qts = excluded.qts, date = excluded.date, seq = excluded.seq`,
      [
        JSON.stringify(
          [...last.values()].map((s) => ({
            e: s.entityId,
            pts: s.pts,
            qts: s.qts,
            date: s.date,
            seq: s.seq,
          })),
        ),
      ],
    );
  }

  /** {@inheritDoc SessionStorage.deleteUpdateStates} */
  async deleteUpdateStates(entityIds: readonly number[]): Promise<void> {
    this.#check("delete update states");
    if (entityIds.length === 0) return;
    await this.#rows(
      "delete update states",
      `DELETE FROM ${this.#t.update_states} WHERE session_id = $1::text AND entity_id IN ` +
        "(SELECT v::bigint FROM json_array_elements_text($2::text::json) v)",
      [JSON.stringify(entityIds)],
    );
  }

  /** {@inheritDoc SessionStorage.getFile} */
  async getFile(
    md5: Uint8Array,
    size: number,
    type: FileType,
  ): Promise<CachedFile | undefined> {
    this.#check("read the file cache");
    const [r] = await this.#rows(
      "read the file cache",
      `SELECT id::text, access_hash::text FROM ${this.#t.files} WHERE session_id = $1::text ` +
        "AND md5 = decode($2::text, 'hex') AND size = $3::text::bigint AND type = $4::text",
      [toHex(md5), String(size), type],
    );
    return r === undefined ? undefined : copyFile({
      md5,
      size,
      type,
      id: toBigInt(r[0])!,
      accessHash: toBigInt(r[1])!,
    });
  }

  /** {@inheritDoc SessionStorage.putFiles} */
  async putFiles(files: readonly CachedFile[]): Promise<void> {
    this.#check("store cached files");
    if (files.length === 0) return;
    const last = new Map<string, CachedFile>();
    for (const f of files) last.set(`${toHex(f.md5)}:${f.size}:${f.type}`, f);
    await this.#rows(
      "store cached files",
      `INSERT INTO ${this.#t.files} (session_id, md5, size, type, id, access_hash)
SELECT $1::text, decode(x.md5, 'hex'), x.size, x.type, x.id, x.hash
FROM json_to_recordset($2::text::json) AS x(md5 text, size bigint, type text, id bigint, hash bigint)
ON CONFLICT (session_id, md5, size, type) DO UPDATE SET id = excluded.id,
  access_hash = excluded.access_hash`,
      [
        JSON.stringify(
          [...last.values()].map((f) => ({
            md5: toHex(f.md5),
            size: f.size,
            type: f.type,
            id: String(f.id),
            hash: String(f.accessHash),
          })),
        ),
      ],
    );
  }

  /** {@inheritDoc SessionStorage.listFiles} */
  async listFiles(): Promise<CachedFile[]> {
    this.#check("list cached files");
    const rows = await this.#rows(
      "list cached files",
      "SELECT encode(md5, 'hex'), size::text, type, id::text, access_hash::text " +
        `FROM ${this.#t.files} WHERE session_id = $1::text`,
      [],
    );
    return rows.map((r) => ({
      md5: fromHex(String(r[0])),
      size: toNumber(r[1])!,
      type: String(r[2]) as FileType,
      id: toBigInt(r[3])!,
      accessHash: toBigInt(r[4])!,
    }));
  }

  /**
   * Writes any batched peers, client values and message references. A
   * batch whose background write failed was kept: it is written now, or
   * this rejects with the error.
   */
  flush(): Promise<void> {
    return this.#life.flush();
  }

  /**
   * Writes any batched peers and releases the session. When the server
   * cannot be reached, the session is released all the same and this
   * rejects with a {@linkcode PostgresConnectionLostError} counting the
   * peers that were not written (`unwritten`).
   */
  async close(): Promise<void> {
    try {
      await this.#life.close();
    } catch (e) {
      const unwritten = this.#queue.size;
      if (!(e instanceof PostgresConnectionLostError) || unwritten === 0) {
        throw e;
      }
      throw new PostgresConnectionLostError(
        "close the session",
        this.#client.server,
        e.code,
        e.cause instanceof Error ? e.cause.message : String(e.code),
        { cause: e.cause, unwritten },
      );
    }
  }

  /** Deletes every row of the session, then releases it. */
  destroy(): Promise<void> {
    return this.#life.destroy(() => deleteSessionRows(this.#client, this.#sid));
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `PostgresStorage(postgres://bot@db:5432/app#public/main)`.
   */
  override toString(): string {
    return `PostgresStorage(${this.#label})`;
  }

  /**
   * What `JSON.stringify` shows: no secret.
   *
   * @returns A redacted summary.
   */
  toJSON(): { kind: string; label: string } {
    return { kind: this.kind, label: this.#label };
  }
}

/** Deletes every row of a session, in one transaction. */
export async function deleteSessionRows(
  client: PgClient,
  sessionId: string,
): Promise<void> {
  const what = "delete the session";
  await client.transaction(what, async (tx) => {
    await client.rows(
      what,
      "SELECT pg_advisory_xact_lock(hashtextextended(" +
        "'mtsession:write:' || $2::text || ':' || $1::text, 0))",
      [sessionId, client.schemaName],
      tx,
    );
    for (const table of TABLES) {
      await client.rows(
        what,
        `DELETE FROM ${client.table(table)} WHERE session_id = $1::text`,
        [sessionId],
        tx,
      );
    }
  });
}
