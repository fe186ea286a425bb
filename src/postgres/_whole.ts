// The parts of a PostgreSQL session beside auth and peers: data centers,
// the keys of other DCs, temporary keys, client values and message
// references. Data centers and keys are written at once (one statement or
// one transaction each, durable when it resolves); client values and
// message references wait in a write-behind of their own, written one
// batch per transaction, and every read of them writes what waits first.
// Every parameter crosses the wire as text: bytes as hex, 64-bit values as
// decimal. Private to the library.

import type { WholePart } from "../backend/whole_methods.ts";
import { fromHex, toHex } from "../_hex.ts";
import { toNumber } from "../backend/_rows.ts";
import {
  WriteBehind,
  type WriteBehindOptions,
} from "../backend/_write_behind.ts";
import { storableText } from "../peers/_text.ts";
import type {
  ClientValueChange,
  DcAuthKeyChange,
  MessageRefFilter,
  TempAuthKeyChange,
} from "../storage.ts";
import type {
  ClientValue,
  DataCenter,
  DcAuthKey,
  MessageRef,
  TempAuthKey,
} from "../types.ts";
import type {
  PgClient,
  PgRow,
  PostgresParameter,
  PostgresQueryable,
} from "./driver.ts";
import { PostgresStoreError } from "./errors.ts";

/** A batched write: a client value change or a message reference. */
type Extra =
  | { readonly name: string; readonly hex: string | null }
  | { readonly ref: readonly [number, number, number] };

/** What the session's part needs from its storage. */
export interface WholeHost {
  /** The shared client. */
  readonly client: PgClient;
  /** Our tables by short name, schema-qualified. */
  readonly tables: Readonly<Record<string, string>>;
  /** Runs a query with the session id as `$1`. */
  rows(
    what: string,
    query: string,
    params: PostgresParameter[],
    on?: PostgresQueryable,
  ): Promise<PgRow[]>;
  /** Takes the session's write lock in a transaction. */
  lockWrites(tx: PostgresQueryable, what: string): Promise<void>;
  /** Whether a failed write is about the data (see `refusedByServer`). */
  refuses(e: unknown): boolean;
}

function now(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** Whether PostgreSQL text can hold a name exactly (no NUL, no lone surrogate). */
function storableName(name: string): boolean {
  return storableText(name) === name;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The last change of each key, in the order of their last change (a later
 * change of a key replaces an earlier one).
 */
function lastOf<T>(changes: readonly T[], key: (c: T) => string): T[] {
  const last = new Map<string, T>();
  for (const c of changes) {
    const k = key(c);
    last.delete(k);
    last.set(k, c);
  }
  return [...last.values()];
}

/** Data centers, keys, client values and message references of a session. */
export class PgWholeSession implements WholePart {
  #host: WholeHost;
  #queue: WriteBehind<Extra>;

  /**
   * @param host The storage's client, tables, queries and write lock.
   * @param options Batching limits for values and references.
   */
  constructor(host: WholeHost, options: WriteBehindOptions) {
    this.#host = host;
    this.#queue = new WriteBehind(
      (batch) => this.#writeBatch(batch),
      options,
      host.refuses,
    );
  }

  /** The `sessions` row, registered if missing: a CTE for `$n` = now. */
  #register(n: number): string {
    return `s AS (INSERT INTO ${this.#host.tables.sessions} ` +
      "(session_id, created_at, updated_at) " +
      `VALUES ($1::text, $${n}::text::bigint, $${n}::text::bigint) ` +
      "ON CONFLICT (session_id) DO NOTHING)";
  }

  // ---- the write-behind -------------------------------------------------

  /**
   * Writes what waits. Values and references the server refused are left
   * out (every other one is written) and reported here, once.
   */
  async flush(): Promise<void> {
    await this.#queue.flush();
    this.#report();
  }

  /** Writes what waits, for a read (refusals wait for the next flush). */
  #write(): Promise<void> {
    return this.#queue.flush();
  }

  #report(): void {
    const refused = this.#queue.takeRefused();
    if (refused.length === 0) return;
    const values = refused.filter(({ item }) => "name" in item).length;
    const refs = refused.length - values;
    const first = refused[0]!.error;
    const code = first instanceof PostgresStoreError ? first.code : null;
    const what = [
      values > 0 ? `${values} client value${values === 1 ? "" : "s"}` : "",
      refs > 0 ? `${refs} message reference${refs === 1 ? "" : "s"}` : "",
    ].filter((x) => x !== "").join(" and ");
    throw new PostgresStoreError(
      "store client values and message references",
      this.#host.client.server,
      code,
      `refused ${what} (${code ?? "?"}); every other write was stored`,
      { cause: first },
    );
  }

  /** Drops what waits (the session is being deleted). */
  clear(): Promise<void> {
    return this.#queue.clear();
  }

  async #writeBatch(batch: readonly Extra[]): Promise<void> {
    const values: { n: string; v: string }[] = [];
    const deleted: string[] = [];
    const refs: [string, string, string][] = [];
    const seen = new Set<string>();
    const changes: { name: string; hex: string | null }[] = [];
    for (const e of batch) {
      if ("name" in e) changes.push(e);
      else {
        const k = e.ref.join(":");
        if (seen.has(k)) continue;
        seen.add(k);
        refs.push([String(e.ref[0]), String(e.ref[1]), String(e.ref[2])]);
      }
    }
    // Rows locked in a stable order: fewer deadlocks between writers.
    for (const c of lastOf(changes, (c) => c.name).sort(byName)) {
      if (c.hex === null) deleted.push(c.name);
      else values.push({ n: c.name, v: c.hex });
    }
    const t = this.#host.tables;
    const what = "store client values and message references";
    await this.#host.client.transaction(what, async (tx) => {
      // One statement: its parts touch disjoint rows (a name is either
      // deleted or written). References keep the batch's order: their
      // sequence numbers are taken in it.
      await this.#host.rows(
        what,
        `WITH b AS MATERIALIZED (SELECT $2::text::jsonb AS j),
${this.#register(3)},
vd AS (DELETE FROM ${t.values} d WHERE d.session_id = $1::text AND
  d.name IN (SELECT jsonb_array_elements_text(b.j->'vd') FROM b)),
vi AS (INSERT INTO ${t.values} (session_id, name, value)
  SELECT $1::text, x.n, decode(x.v, 'hex')
  FROM b, jsonb_to_recordset(b.j->'vi') AS x(n text, v text)
  ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value)
INSERT INTO ${t.message_refs} (session_id, peer_id, chat_id, msg_id)
  SELECT $1::text, (e.v->>0)::bigint, (e.v->>1)::bigint, (e.v->>2)::bigint
  FROM b, jsonb_array_elements(b.j->'r') WITH ORDINALITY AS e(v, n)
  ORDER BY e.n
  ON CONFLICT (session_id, peer_id, chat_id, msg_id) DO NOTHING`,
        [JSON.stringify({ vd: deleted, vi: values, r: refs }), now()],
        tx,
      );
    });
  }

  // ---- data centers ------------------------------------------------------

  /** {@inheritDoc SessionStorage.getDcs} */
  async dcs(): Promise<DataCenter[]> {
    const rows = await this.#host.rows(
      "read the data centers",
      "SELECT id::text, test_mode::text, media_only::text, ipv4, ipv6, " +
        `port::text FROM ${this.#host.tables.dcs} WHERE session_id = $1::text ` +
        "ORDER BY position",
      [],
    );
    return rows.map((r) => ({
      id: toNumber(r[0])!,
      testMode: r[1] === "true",
      mediaOnly: r[2] === "true",
      ipv4: r[3] === null ? null : String(r[3]),
      ipv6: r[4] === null ? null : String(r[4]),
      port: toNumber(r[5])!,
    }));
  }

  /** {@inheritDoc SessionStorage.setDcs} */
  async setDcs(dcs: readonly DataCenter[]): Promise<void> {
    const what = "store the data centers";
    const t = this.#host.tables;
    const list = JSON.stringify(dcs.map((d) => ({
      id: d.id,
      t: d.testMode,
      m: d.mediaOnly,
      v4: d.ipv4,
      v6: d.ipv6,
      port: d.port,
    })));
    await this.#host.client.transaction(what, async (tx) => {
      // The lock keeps two writers' lists from mixing.
      await this.#host.lockWrites(tx, what);
      await this.#host.rows(
        what,
        `DELETE FROM ${t.dcs} WHERE session_id = $1::text`,
        [],
        tx,
      );
      await this.#host.rows(
        what,
        `WITH ${this.#register(3)}
INSERT INTO ${t.dcs} (session_id, position, id, test_mode, media_only, ipv4, ipv6, port)
SELECT $1::text, e.n, (e.v->>'id')::integer, (e.v->>'t')::boolean,
  (e.v->>'m')::boolean, e.v->>'v4', e.v->>'v6', (e.v->>'port')::integer
FROM jsonb_array_elements($2::text::jsonb) WITH ORDINALITY AS e(v, n)`,
        [list, now()],
        tx,
      );
    });
  }

  // ---- keys --------------------------------------------------------------

  /** {@inheritDoc SessionStorage.getAuthKeys} */
  async authKeys(): Promise<DcAuthKey[]> {
    const rows = await this.#host.rows(
      "read the auth keys",
      `SELECT dc_id::text, encode(auth_key, 'hex') FROM ${this.#host.tables.auth_keys} ` +
        "WHERE session_id = $1::text ORDER BY dc_id",
      [],
    );
    return rows.map((r) => ({
      dcId: toNumber(r[0])!,
      key: fromHex(String(r[1])),
    }));
  }

  /** {@inheritDoc SessionStorage.setAuthKeys} */
  async setAuthKeys(changes: readonly DcAuthKeyChange[]): Promise<void> {
    if (changes.length === 0) return;
    const last = lastOf(changes, (c) => String(c.dcId));
    const t = this.#host.tables;
    // One statement, one transaction: durable when it resolves.
    await this.#host.rows(
      "store auth keys",
      `WITH x AS MATERIALIZED (SELECT * FROM
  json_to_recordset($2::text::json) AS x(dc integer, k text)),
${this.#register(3)},
d AS (DELETE FROM ${t.auth_keys} WHERE session_id = $1::text AND
  dc_id IN (SELECT dc FROM x WHERE k IS NULL))
INSERT INTO ${t.auth_keys} (session_id, dc_id, auth_key)
SELECT $1::text, x.dc, decode(x.k, 'hex') FROM x WHERE x.k IS NOT NULL
ON CONFLICT (session_id, dc_id) DO UPDATE SET auth_key = excluded.auth_key`,
      [
        JSON.stringify(last.map((c) => ({
          dc: c.dcId,
          k: c.key === null ? null : toHex(c.key),
        }))),
        now(),
      ],
    );
  }

  /** {@inheritDoc SessionStorage.getTempAuthKeys} */
  async tempAuthKeys(at: number): Promise<TempAuthKey[]> {
    const rows = await this.#host.rows(
      "read the temporary keys",
      "SELECT dc_id::text, key_index::text, encode(auth_key, 'hex'), " +
        `expires_at::text FROM ${this.#host.tables.temp_auth_keys} ` +
        "WHERE session_id = $1::text AND expires_at > $2::text::numeric " +
        "ORDER BY dc_id, key_index",
      [String(at)],
    );
    return rows.map((r) => ({
      dcId: toNumber(r[0])!,
      index: toNumber(r[1])!,
      key: fromHex(String(r[2])),
      expiresAt: toNumber(r[3])!,
    }));
  }

  /** {@inheritDoc SessionStorage.setTempAuthKeys} */
  async setTempAuthKeys(changes: readonly TempAuthKeyChange[]): Promise<void> {
    if (changes.length === 0) return;
    const last = lastOf(changes, (c) => `${c.dcId}:${c.index}`);
    const t = this.#host.tables;
    await this.#host.rows(
      "store temporary keys",
      `WITH x AS MATERIALIZED (SELECT * FROM
  json_to_recordset($2::text::json) AS x(dc integer, i integer, k text, e text)),
${this.#register(3)},
d AS (DELETE FROM ${t.temp_auth_keys} o WHERE o.session_id = $1::text AND
  (o.dc_id, o.key_index) IN (SELECT dc, i FROM x WHERE k IS NULL))
INSERT INTO ${t.temp_auth_keys} (session_id, dc_id, key_index, auth_key, expires_at)
SELECT $1::text, x.dc, x.i, decode(x.k, 'hex'), x.e::bigint FROM x
WHERE x.k IS NOT NULL
ON CONFLICT (session_id, dc_id, key_index) DO UPDATE SET
  auth_key = excluded.auth_key, expires_at = excluded.expires_at`,
      [
        JSON.stringify(last.map((c) => ({
          dc: c.dcId,
          i: c.index,
          k: c.key === null ? null : toHex(c.key),
          e: String(c.expiresAt),
        }))),
        now(),
      ],
    );
  }

  // ---- client values -----------------------------------------------------

  /** {@inheritDoc SessionStorage.getValue} */
  async value(name: string): Promise<Uint8Array | undefined> {
    // A name PostgreSQL cannot hold was never stored.
    if (!storableName(name)) return undefined;
    await this.#write();
    const [r] = await this.#host.rows(
      "read a client value",
      `SELECT encode(value, 'hex') FROM ${this.#host.tables.values} ` +
        "WHERE session_id = $1::text AND name = $2::text",
      [name],
    );
    return r === undefined ? undefined : fromHex(String(r[0]));
  }

  /** {@inheritDoc SessionStorage.listValues} */
  async values(): Promise<ClientValue[]> {
    await this.#write();
    const rows = await this.#host.rows(
      "list client values",
      `SELECT name, encode(value, 'hex') FROM ${this.#host.tables.values} ` +
        "WHERE session_id = $1::text",
      [],
    );
    // Code-unit order, which no collation of the server's gives.
    return rows.map((r) => ({
      name: String(r[0]),
      value: fromHex(String(r[1])),
    })).sort(byName);
  }

  /**
   * Queues value changes. A name with a NUL or a lone surrogate cannot be
   * held in PostgreSQL text: it is refused alone (the other changes are
   * queued) with a {@linkcode PostgresStoreError} of code `22021`.
   */
  async setValues(changes: readonly ClientValueChange[]): Promise<void> {
    const items: Extra[] = [];
    let refused = 0;
    for (const c of changes) {
      if (!storableName(c.name)) refused++;
      else {
        items.push({
          name: c.name,
          hex: c.value === null ? null : toHex(c.value),
        });
      }
    }
    await this.#queue.add(items);
    if (refused > 0) {
      throw new PostgresStoreError(
        "store client values",
        this.#host.client.server,
        "22021",
        `cannot hold ${refused} client value name${
          refused === 1 ? "" : "s"
        } with a NUL or a lone surrogate; every other value was stored`,
      );
    }
  }

  // ---- message references ------------------------------------------------

  /** {@inheritDoc SessionStorage.putMessageRefs} */
  async putRefs(refs: readonly MessageRef[]): Promise<void> {
    await this.#queue.add(
      refs.map((r) => ({ ref: [r.peerId, r.chatId, r.messageId] as const })),
    );
  }

  /** References of the session (`where`: more conditions), oldest first. */
  async #refs(
    what: string,
    where: string,
    params: PostgresParameter[],
  ): Promise<MessageRef[]> {
    await this.#write();
    const rows = await this.#host.rows(
      what,
      "SELECT peer_id::text, chat_id::text, msg_id::text " +
        `FROM ${this.#host.tables.message_refs} WHERE session_id = $1::text ` +
        `${where} ORDER BY seq`,
      params,
    );
    return rows.map((r) => ({
      peerId: toNumber(r[0])!,
      chatId: toNumber(r[1])!,
      messageId: toNumber(r[2])!,
    }));
  }

  /** {@inheritDoc SessionStorage.getMessageRefs} */
  refsOf(peerId: number): Promise<MessageRef[]> {
    return this.#refs(
      "read message references",
      "AND peer_id = $2::text::bigint",
      [String(peerId)],
    );
  }

  /** {@inheritDoc SessionStorage.listMessageRefs} */
  refs(): Promise<MessageRef[]> {
    return this.#refs("list message references", "", []);
  }

  /** {@inheritDoc SessionStorage.deleteMessageRefs} */
  async deleteRefs(filter: MessageRefFilter): Promise<void> {
    // What waits is written first: a later delete removes it too.
    await this.#write();
    const t = this.#host.tables;
    const what = "delete message references";
    if ("all" in filter) {
      await this.#host.rows(
        what,
        `DELETE FROM ${t.message_refs} WHERE session_id = $1::text`,
        [],
      );
    } else if ("peerIds" in filter) {
      if (filter.peerIds.length === 0) return;
      await this.#host.rows(
        what,
        `DELETE FROM ${t.message_refs} WHERE session_id = $1::text AND peer_id IN ` +
          "(SELECT v::bigint FROM json_array_elements_text($2::text::json) v)",
        [JSON.stringify(filter.peerIds.map(String))],
      );
    } else {
      if (filter.messageIds.length === 0) return;
      await this.#host.rows(
        what,
        `DELETE FROM ${t.message_refs} WHERE session_id = $1::text ` +
          "AND chat_id = $2::text::bigint AND msg_id IN " +
          "(SELECT v::bigint FROM json_array_elements_text($3::text::json) v)",
        [String(filter.chatId), JSON.stringify(filter.messageIds.map(String))],
      );
    }
  }
}
