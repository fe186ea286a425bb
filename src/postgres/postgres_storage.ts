/**
 * A {@linkcode SessionStorage} in PostgreSQL, in mtsession's own tables.
 * Auth changes are written at once; peer writes are batched (one
 * transaction per batch) and written after a bounded delay, on `flush()`,
 * on `close()` and before any read.
 *
 * Several processes may write the same session at once (with a store
 * opened `{ exclusive: false }`): every write is an upsert, the merge rules
 * run in SQL, and the peer writes of one session are serialized by a
 * transaction advisory lock, so no update is lost and no username or
 * phone ends up with two peers.
 *
 * @module
 */

import { fromHex, toHex } from "../_hex.ts";
import { copyFile } from "../_copy.ts";
import { denoInspect, nodeInspect } from "../_inspect.ts";
import { SessionClosedError } from "../errors.ts";
import type { PeerLookup, SessionStorage } from "../storage.ts";
import type {
  AuthState,
  CachedFile,
  FileType,
  PeerRecord,
  PeerType,
  UpdateState,
} from "../types.ts";
import { planPeers } from "./_merge.ts";
import { WriteBehind } from "./_write_behind.ts";
import {
  checkSchemaName,
  describeInstance,
  PgClient,
  type PgRow,
  type PostgresParameter,
  type PostgresQueryable,
  type PostgresSql,
} from "./driver.ts";
import { TABLES } from "./schema.ts";

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

const AUTH_COLUMNS: Record<keyof AuthState, [column: string, cast: string]> = {
  dcId: ["dc_id", "integer"],
  serverAddress: ["server_address", "text"],
  port: ["port", "integer"],
  authKey: ["auth_key", "bytea"],
  testMode: ["test_mode", "boolean"],
  apiId: ["api_id", "bigint"],
  userId: ["user_id", "bigint"],
  isBot: ["is_bot", "boolean"],
  date: ["date", "double precision"],
  takeoutId: ["takeout_id", "bigint"],
};

function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function big(v: unknown): bigint | null {
  return v === null || v === undefined ? null : BigInt(String(v));
}

function flag(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  return v === true || v === "true" || v === "t";
}

function now(): string {
  return String(Math.floor(Date.now() / 1000));
}

function toParam(key: keyof AuthState, value: unknown): PostgresParameter {
  if (value === null || value === undefined) return null;
  if (key === "authKey") return toHex(value as Uint8Array);
  return String(value);
}

function peerOf(row: PgRow): PeerRecord {
  const names = row[6];
  return {
    id: num(row[0])!,
    type: String(row[1]) as PeerType,
    accessHash: big(row[2])!,
    usernames: typeof names === "string" ? JSON.parse(names) as string[] : [],
    phone: text(row[3]),
    name: text(row[4]),
    updatedAt: num(row[5])!,
  };
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
export class PostgresStorage implements SessionStorage {
  /** Always `"postgres"`. */
  readonly kind: string = "postgres";

  #client: PgClient;
  #sid: string;
  #label: string;
  #onClose: (() => Promise<void> | void) | undefined;
  #queue: WriteBehind<PeerRecord>;
  #closed = false;
  #t: Record<string, string>;

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
    this.#onClose = options.onClose;
    this.#queue = new WriteBehind((batch) => this.#writePeers(batch), {
      ...(options.flushDelayMs === undefined
        ? {}
        : { flushDelayMs: options.flushDelayMs }),
      ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    });
    const t: Record<string, string> = {};
    for (
      const name of [...TABLES, "meta"]
    ) t[name] = this.#client.table(name);
    this.#t = t;
  }

  #check(what: string): void {
    if (this.#closed) throw new SessionClosedError(what);
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

  async #writePeers(batch: readonly PeerRecord[]): Promise<void> {
    const plan = planPeers(batch);
    const t = this.#t;
    const payload = JSON.stringify({
      peers: plan.peers.map((p) => ({
        id: p.id,
        type: p.type,
        hash: p.hash,
        name: p.name,
        at: p.updatedAt,
      })),
      ids: plan.ids,
      us: plan.usernamesSettled,
      uh: plan.usernamesHeld,
      ud: plan.usernamesDropped,
      pi: plan.phoneIds,
      ps: plan.phonesSettled,
      ph: plan.phonesHeld,
      pd: plan.phonesDropped,
    });
    const what = "store peers";
    await this.#client.transaction(what, async (tx) => {
      await this.#lockWrites(tx, what);
      // One statement: its parts touch disjoint rows (see _merge.ts).
      await this.#rows(
        what,
        `WITH b AS MATERIALIZED (SELECT $2::text::jsonb AS j),
ids AS MATERIALIZED (SELECT v::bigint AS id FROM b, jsonb_array_elements_text(b.j->'ids') v),
us AS MATERIALIZED (SELECT v AS u FROM b, jsonb_array_elements_text(b.j->'us') v),
ux AS MATERIALIZED (SELECT v AS u FROM b, jsonb_array_elements_text(b.j->'ud') v),
pis AS MATERIALIZED (SELECT v::bigint AS id FROM b, jsonb_array_elements_text(b.j->'pi') v),
ps AS MATERIALIZED (SELECT v AS f FROM b, jsonb_array_elements_text(b.j->'ps') v),
px AS MATERIALIZED (SELECT v AS f FROM b, jsonb_array_elements_text(b.j->'pd') v),
s AS (INSERT INTO ${t.sessions} (session_id, created_at, updated_at)
  VALUES ($1::text, $3::text::bigint, $3::text::bigint)
  ON CONFLICT (session_id) DO NOTHING),
p AS (INSERT INTO ${t.peers} AS o (session_id, id, type, access_hash, name, updated_at)
  SELECT $1::text, x.id, x.type, x.hash, x.name, x.at
  FROM b, jsonb_to_recordset(b.j->'peers') AS x(id bigint, type text, hash bigint, name text, at bigint)
  ON CONFLICT (session_id, id) DO UPDATE SET type = excluded.type,
    access_hash = excluded.access_hash, name = COALESCE(excluded.name, o.name),
    updated_at = excluded.updated_at),
ud AS (DELETE FROM ${t.usernames} d WHERE d.session_id = $1::text AND (
  (d.peer_id = ANY ((SELECT array_agg(id) FROM ids)::bigint[])
    AND d.username NOT IN (SELECT u FROM us))
  OR d.username = ANY ((SELECT array_agg(u) FROM ux)::text[]))),
ui AS (INSERT INTO ${t.usernames} (session_id, username, peer_id, position)
  SELECT $1::text, x.u, x.i, x.p
  FROM b, jsonb_to_recordset(b.j->'uh') AS x(u text, i bigint, p integer)
  ON CONFLICT (session_id, username) DO UPDATE SET peer_id = excluded.peer_id,
    position = excluded.position),
pd AS (DELETE FROM ${t.phones} d WHERE d.session_id = $1::text AND (
  (d.peer_id = ANY ((SELECT array_agg(id) FROM pis)::bigint[])
    AND d.phone NOT IN (SELECT f FROM ps))
  OR d.phone = ANY ((SELECT array_agg(f) FROM px)::text[]))),
pi AS (INSERT INTO ${t.phones} (session_id, phone, peer_id)
  SELECT $1::text, x.f, x.p
  FROM b, jsonb_to_recordset(b.j->'ph') AS x(f text, p bigint)
  ON CONFLICT (session_id, phone) DO UPDATE SET peer_id = excluded.peer_id)
SELECT 1`,
        [payload, now()],
        tx,
      );
    });
  }

  #peerSelect(): string {
    const t = this.#t;
    return "SELECT p.id::text, p.type, p.access_hash::text, " +
      `(SELECT f.phone FROM ${t.phones} f WHERE f.session_id = p.session_id ` +
      "AND f.peer_id = p.id LIMIT 1), p.name, p.updated_at::text, " +
      `(SELECT json_agg(u.username ORDER BY u.position)::text FROM ${t.usernames} u ` +
      "WHERE u.session_id = p.session_id AND u.peer_id = p.id) " +
      `FROM ${t.peers} p`;
  }

  // ---- SessionStorage -----------------------------------------------------

  /** {@inheritDoc SessionStorage.getAuth} */
  async getAuth(): Promise<AuthState> {
    this.#check("read the auth state");
    const [r] = await this.#rows(
      "read the auth state",
      "SELECT dc_id::text, server_address, port::text, encode(auth_key, 'hex'), " +
        "test_mode::text, api_id::text, user_id::text, is_bot::text, " +
        `date::text, takeout_id::text FROM ${this.#t.sessions} WHERE session_id = $1::text`,
      [],
    );
    const row: PgRow = r ?? [];
    const key = typeof row[3] === "string" ? fromHex(row[3]) : null;
    return {
      dcId: num(row[0]),
      serverAddress: text(row[1]),
      port: num(row[2]),
      authKey: key !== null && key.length === 256 ? key : null,
      testMode: flag(row[4]),
      apiId: num(row[5]),
      userId: num(row[6]),
      isBot: flag(row[7]),
      date: num(row[8]),
      takeoutId: big(row[9]),
    };
  }

  /** {@inheritDoc SessionStorage.setAuth} */
  async setAuth(patch: Partial<AuthState>): Promise<void> {
    this.#check("change the auth state");
    const keys = (Object.keys(AUTH_COLUMNS) as (keyof AuthState)[]).filter((
      k,
    ) => k in patch);
    if (keys.length === 0) return;
    const cols = keys.map((k) => AUTH_COLUMNS[k]);
    const values = cols.map(([, cast], i) =>
      cast === "bytea"
        ? `decode($${i + 3}::text, 'hex')`
        : `$${i + 3}::text::${cast}`
    );
    await this.#rows(
      "change the auth state",
      `INSERT INTO ${this.#t.sessions} (session_id, created_at, updated_at, ${
        cols.map(([c]) => c).join(", ")
      }) VALUES ($1::text, $2::text::bigint, $2::text::bigint, ${
        values.join(", ")
      }) ON CONFLICT (session_id) DO UPDATE SET ${
        cols.map(([c]) => `${c} = excluded.${c}`).join(", ")
      }, updated_at = excluded.updated_at`,
      [now(), ...keys.map((k) => toParam(k, patch[k]))],
    );
  }

  /** {@inheritDoc SessionStorage.putPeers} */
  async putPeers(records: readonly PeerRecord[]): Promise<void> {
    this.#check("store peers");
    await this.#queue.add(records);
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
        const found = rows.map(peerOf);
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
        return row && peerOf(row);
      }
      case "phone": {
        const [row] = await this.#rows(
          what,
          `${select} WHERE p.session_id = $1::text AND p.id = (SELECT peer_id ` +
            `FROM ${t.phones} WHERE session_id = $1::text AND phone = $2::text)`,
          [lookup.value],
        );
        return row && peerOf(row);
      }
      case "name": {
        const [row] = await this.#rows(
          what,
          `${select} WHERE p.session_id = $1::text AND p.name = $2::text ` +
            "ORDER BY p.updated_at DESC LIMIT 1",
          [lookup.value],
        );
        return row && peerOf(row);
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
    )).map(peerOf);
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
    return num(row?.[0]) ?? 0;
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
      entityId: num(r[0])!,
      pts: num(r[1])!,
      qts: num(r[2])!,
      date: num(r[3])!,
      seq: num(r[4])!,
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
      id: big(r[0])!,
      accessHash: big(r[1])!,
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
      size: num(r[1])!,
      type: String(r[2]) as FileType,
      id: big(r[3])!,
      accessHash: big(r[4])!,
    }));
  }

  /**
   * Writes any batched peers. A batch whose background write failed was
   * kept: it is written now, or this rejects with the error.
   */
  async flush(): Promise<void> {
    this.#check("save");
    await this.#queue.flush();
    this.#queue.takeFailure(); // written now: the earlier failure is moot
  }

  /** Writes any batched peers and releases the session. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#queue.flush();
    } finally {
      await this.#onClose?.();
    }
  }

  /** Deletes every row of the session, then releases it. */
  async destroy(): Promise<void> {
    this.#check("delete the session");
    this.#closed = true;
    try {
      await this.#queue.clear();
      await deleteSessionRows(this.#client, this.#sid);
    } finally {
      await this.#onClose?.();
    }
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `PostgresStorage(postgres://bot@db:5432/app#public/main)`.
   */
  toString(): string {
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
