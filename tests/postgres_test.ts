// PostgreSQL storage: the storage and store conformance suites, batching,
// 64-bit exactness through a plain instance, pools, URLs and errors, and
// real processes racing each other. The model check runs in
// tests/reliability_storage_test.ts.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { inspect } from "node:util";
import postgres from "postgres";
import {
  openPostgresStore,
  POSTGRES_SCHEMA_VERSION,
  PostgresStorage,
  type PostgresStore,
  PostgresStoreError,
  SessionInUseError,
} from "../adapters/postgres.ts";
import { redactUrl, urlSecrets } from "../src/postgres/driver.ts";
import type { SessionStorage } from "../mod.ts";
import { describeSessionStorage } from "./_conformance.ts";
import {
  describeOrSkip,
  fixturePath,
  hex,
  runtime,
  toHex,
} from "./_fixtures.ts";
import { describeSessionStore } from "./_store_conformance.ts";
import {
  DATABASE_URL,
  dropSchemas,
  PG_SKIP,
  rawSql,
  runChild,
  startChild,
  uniqueSchema,
} from "./_pg_env.ts";
import { assertMergedWrites } from "./_pg_writes.ts";

const schemas: string[] = [];
const stores: PostgresStore[] = [];
after(async () => {
  for (const s of stores) await s.close().catch(() => {});
  await dropSchemas(...schemas);
});

function schema(tag: string): string {
  const s = uniqueSchema(tag);
  schemas.push(s);
  return s;
}

async function store(
  options: Parameters<typeof openPostgresStore>[1] = {},
): Promise<PostgresStore> {
  const s = await openPostgresStore(DATABASE_URL!, {
    schema: schema("t"),
    ...options,
  });
  stores.push(s);
  return s;
}

if (PG_SKIP) {
  it(
    `SessionStorage conformance: postgres (${runtime})`,
    { skip: PG_SKIP },
    () => {},
  );
} else {
  let conformance: Promise<PostgresStore> | undefined;
  let n = 0;
  // Which session each storage is, to open it again after a close.
  const ids = new WeakMap<object, string>();
  const openId = async (id: string): Promise<SessionStorage> => {
    conformance ??= store({ flushDelayMs: 5 });
    const { storage } = await (await conformance).open(id);
    ids.set(storage, id);
    return storage;
  };
  describeSessionStorage(
    `postgres (${runtime})`,
    () => openId(`conformance-${n++}`),
    (closed) => openId(ids.get(closed)!),
  );
}

/** The server's URL with a password (the test server trusts any). */
function urlWithPassword(password: string): string {
  const u = new URL(DATABASE_URL!);
  u.username = "postgres";
  u.password = password;
  return u.href;
}

describeSessionStore(`postgres (${runtime})`, () => {
  const name = schema("conf");
  return {
    open: async () => {
      const s = await openPostgresStore(urlWithPassword("s3cret-Pa55"), {
        schema: name,
      });
      stores.push(s);
      return s;
    },
    stored: (id) => rowsOf(name, id),
    secrets: ["s3cret-Pa55"],
  };
}, { skip: PG_SKIP, shared: true });

const KEY = new Uint8Array(256).map((_, i) => (i * 13 + 5) & 0xff);

/** Rows of a session in every table, counted by hand. */
async function rowsOf(schemaName: string, id: string): Promise<number> {
  const sql = rawSql();
  try {
    let n = 0;
    for (
      const t of [
        "sessions",
        "peers",
        "usernames",
        "phones",
        "update_states",
        "files",
        "dcs",
        "auth_keys",
        "temp_auth_keys",
        "values",
        "message_refs",
      ]
    ) {
      const [r] = await sql.unsafe(
        `SELECT count(*)::int AS n FROM "${schemaName}".mtsession_${t} WHERE session_id = $1`,
        [id],
      );
      n += r!.n as number;
    }
    return n;
  } finally {
    await sql.end();
  }
}

function schemaOf(s: PostgresStore): string {
  return (s.toJSON() as { schema: string }).schema;
}

describeOrSkip("PostgreSQL storage", PG_SKIP, () => {
  it("writes auth at once, peers after the delay, on save() and on close()", async () => {
    const s = await store({ flushDelayMs: 60_000 });
    const schemaName = schemaOf(s);
    const sql = rawSql();
    try {
      const count = async (): Promise<number> =>
        (await sql.unsafe(
          `SELECT count(*)::int AS n FROM "${schemaName}".mtsession_peers`,
        ))[0]!.n as number;
      const session = await s.open("batching");
      await session.setDc(2, "149.154.167.51", 443);
      const [auth] = await sql.unsafe(
        `SELECT dc_id FROM "${schemaName}".mtsession_sessions WHERE session_id = 'batching'`,
      );
      assert.equal(auth!.dc_id, 2);
      await session.processEntities({ _: "user", id: 1, accessHash: 5n });
      assert.equal(await count(), 0, "waits in the batch");
      await session.save();
      assert.equal(await count(), 1);
      await session.processEntities({ _: "user", id: 2, accessHash: 6n });
      await session.close();
      assert.equal(await count(), 2, "close() writes the batch");

      const quick = await store({ flushDelayMs: 30 });
      const q = await quick.open("delay");
      await q.processEntities({ _: "user", id: 3, accessHash: 7n });
      const deadline = Date.now() + 5000;
      const quickSchema = schemaOf(quick);
      while (Date.now() < deadline) {
        const [r] = await sql.unsafe(
          `SELECT count(*)::int AS n FROM "${quickSchema}".mtsession_peers`,
        );
        if (r!.n === 1) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const [r] = await sql.unsafe(
        `SELECT count(*)::int AS n FROM "${quickSchema}".mtsession_peers`,
      );
      assert.equal(r!.n, 1, "written after flushDelayMs without save()");
      await q.close();
    } finally {
      await sql.end();
    }
  });

  it("keeps ±2^63 exact through a plain postgres() instance without bigint types", async () => {
    const name = schema("plain");
    for (
      const options of [
        {},
        { types: { bigint: postgres.BigInt } },
        { transform: postgres.camel },
      ]
    ) {
      const sql = postgres(DATABASE_URL!, { ...options, onnotice: () => {} });
      const s = await openPostgresStore(sql, { schema: name });
      const session = await s.open(`plain-${Object.keys(options).join()}`);
      session.takeoutId = -(2n ** 63n);
      await session.setAuthKey(KEY);
      await session.storage.putPeers([
        {
          id: 1,
          type: "user",
          accessHash: -(2n ** 63n),
          usernames: ["min"],
          phone: null,
          name: null,
          updatedAt: 1,
        },
        {
          id: 5_123_456_789,
          type: "user",
          accessHash: 2n ** 63n - 1n,
          usernames: [],
          phone: null,
          name: null,
          updatedAt: 1,
        },
        {
          id: -1_000_000_000_001,
          type: "channel",
          accessHash: 2n ** 53n + 1n,
          usernames: [],
          phone: null,
          name: null,
          updatedAt: 1,
        },
      ]);
      const md5 = new Uint8Array(16).map((_, i) => 255 - i);
      await session.cacheFile({
        md5,
        size: 2 ** 40,
        type: "document",
        id: 2n ** 63n - 1n,
        accessHash: -(2n ** 63n),
      });
      await session.close();
      const again = await s.open(`plain-${Object.keys(options).join()}`);
      assert.equal(again.takeoutId, -(2n ** 63n));
      assert.deepEqual(again.authKey, KEY);
      assert.equal((await again.getPeer("@min"))?.accessHash, -(2n ** 63n));
      assert.equal(
        (await again.getPeer(5_123_456_789))?.accessHash,
        2n ** 63n - 1n,
      );
      assert.equal(
        (await again.getPeer(-1_000_000_000_001))?.accessHash,
        2n ** 53n + 1n,
      );
      assert.deepEqual(await again.getCachedFile(md5, 2 ** 40, "document"), {
        md5,
        size: 2 ** 40,
        type: "document",
        id: 2n ** 63n - 1n,
        accessHash: -(2n ** 63n),
      });
      await s.close();
      // The instance is the caller's: still open, and still unconfigured.
      const [row] = await sql.unsafe(
        `SELECT access_hash FROM "${name}".mtsession_peers WHERE id = 1 LIMIT 1`,
      );
      const raw = Object.values(row!)[0];
      if (Object.keys(options).length === 0) {
        assert.equal(
          raw,
          "-9223372036854775808",
          "a plain instance reads text",
        );
      }
      await sql.end();
    }
  });

  it("a pool of one connection: exclusive sessions refused with a reason, shared ones work", async () => {
    const name = schema("max1");
    const sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      const exclusive = await openPostgresStore(sql, { schema: name });
      const error = await exclusive.open("a").catch((e) => e);
      assert.ok(error instanceof PostgresStoreError, String(error));
      assert.match(error.message, /max ≥ 2|exclusive: false/);
      await exclusive.close();
      const shared = await openPostgresStore(sql, {
        schema: name,
        exclusive: false,
      });
      const session = await shared.open("a");
      await session.setDc(2, "149.154.167.51", 443);
      await session.close();
      await shared.close();
    } finally {
      await sql.end();
    }
  });

  it("a URL's password shows nowhere; connection failures are typed", async () => {
    const u = new URL(urlWithPassword("s3cret-Pa55"));
    const s = await openPostgresStore(u.href, { schema: schema("pw") });
    stores.push(s);
    // The label keeps the user and the server (what the store conformance
    // suite checks: without the password).
    for (const text of [String(s), JSON.stringify(s), inspect(s)]) {
      assert.ok(!text.includes("s3cret-Pa55"), text);
      assert.match(text, /postgres:\/\/postgres@127\.0\.0\.1/);
    }
    const session = await s.open("x");
    assert.ok(!String(session.storage).includes("s3cret"));

    const refused = new URL(u.href);
    refused.port = "1";
    const e1 = await openPostgresStore(refused.href, { connectTimeout: 5 })
      .catch((e) => e);
    assert.ok(e1 instanceof PostgresStoreError, String(e1));
    assert.equal(e1.code, "ECONNREFUSED");
    assert.equal(e1.operation, "connect");
    for (const text of [e1.message, String(e1.cause), inspect(e1)]) {
      assert.ok(!text.includes("s3cret-Pa55"), text);
    }
    const nodb = new URL(u.href);
    nodb.pathname = "/no_such_database_here";
    const e2 = await openPostgresStore(nodb.href).catch((e) => e);
    assert.ok(e2 instanceof PostgresStoreError, String(e2));
    assert.equal(e2.code, "3D000");
    assert.ok(!e2.message.includes("s3cret-Pa55"));
    await assert.rejects(
      openPostgresStore(DATABASE_URL!, { schema: "bad-name;" }),
      TypeError,
    );
  });

  it("query errors carry no key, phone or parameter", async () => {
    const name = schema("broken");
    const s = await openPostgresStore(DATABASE_URL!, { schema: name });
    stores.push(s);
    const session = await s.open("x");
    await dropSchemas(name);
    const error = await session.setAuthKey(KEY).catch((e) => e);
    assert.ok(error instanceof PostgresStoreError, String(error));
    assert.equal(error.code, "42P01");
    const keyHex = toHex(KEY);
    for (const text of [error.message, inspect(error), inspect(error.cause)]) {
      assert.ok(!text.includes(keyHex.slice(0, 32)), "no key");
    }
    assert.equal(
      (error.cause as { parameters?: unknown }).parameters,
      undefined,
    );
  });

  it("a storage made directly over an instance works once migrated", async () => {
    const name = schema("direct");
    const sql = postgres(DATABASE_URL!, { onnotice: () => {} });
    try {
      const { migratePostgres } = await import("../adapters/postgres.ts");
      assert.equal(await migratePostgres(sql, { schema: name }), 0);
      assert.equal(
        await migratePostgres(sql, { schema: name }),
        POSTGRES_SCHEMA_VERSION,
      );
      const storage = new PostgresStorage(sql, "direct", {
        schema: name,
        flushDelayMs: 1,
      });
      await storage.putPeers([{
        id: 7,
        type: "bot",
        accessHash: -7n,
        usernames: ["seven"],
        phone: null,
        name: "Seven",
        updatedAt: 1,
      }]);
      assert.equal(
        (await storage.findPeer({ by: "username", value: "seven" }))
          ?.accessHash,
        -7n,
      );
      await storage.close();
    } finally {
      await sql.end();
    }
  });
});

/** Makes a schema of version 1, with one session "old", as that code did. */
async function schemaV1(tag: string): Promise<string> {
  const name = schema(tag);
  const ddl = (await readFile(fixturePath("postgres/schema_v1.sql"), "utf8"))
    .replaceAll('"SCHEMA"', `"${name}"`);
  const sql = rawSql();
  try {
    await sql.unsafe(ddl);
  } finally {
    await sql.end();
  }
  return name;
}

/** The schema version, tables and peer columns a schema has. */
async function layoutOf(
  name: string,
): Promise<{ version: string; tables: number; peerColumns: string[] }> {
  const sql = rawSql();
  try {
    const [v] = await sql.unsafe(
      `SELECT value FROM "${name}".mtsession_meta WHERE key = 'schema'`,
    );
    const [t] = await sql.unsafe(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1",
      [name],
    );
    const columns = await sql.unsafe(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 " +
        "AND table_name = 'mtsession_peers' ORDER BY ordinal_position",
      [name],
    );
    return {
      version: String(v!.value),
      tables: t!.n as number,
      peerColumns: columns.map((c) => String(c.column_name)),
    };
  } finally {
    await sql.end();
  }
}

const OLD_KEY = hex("0123456789abcdef".repeat(32));

describeOrSkip("PostgreSQL schema upgrades", PG_SKIP, () => {
  it("upgrades a version 1 schema in place, keeping its sessions, and stores the whole session in it", async () => {
    const name = await schemaV1("v1");
    assert.equal((await layoutOf(name)).version, "1");
    const s = await openPostgresStore(DATABASE_URL!, { schema: name });
    stores.push(s);
    const layout = await layoutOf(name);
    assert.equal(layout.version, String(POSTGRES_SCHEMA_VERSION));
    assert.equal(layout.tables, 12);
    assert.deepEqual(layout.peerColumns.slice(-2), ["min", "raw"]);
    assert.deepEqual(await s.list(), ["old"]);
    const old = await s.open("old");
    assert.deepEqual(old.authKey, OLD_KEY);
    assert.equal(old.dcId, 2);
    assert.equal(old.takeoutId, -(2n ** 63n));
    const ann = await old.storage.findPeer({ by: "username", value: "ann" });
    assert.deepEqual(ann, {
      id: 777,
      type: "user",
      accessHash: -(2n ** 63n),
      usernames: ["ann"],
      phone: "79990001122",
      name: "Ann",
      updatedAt: 1_700_000_000,
    });
    const group = await old.storage.findPeer({
      by: "id",
      ids: [-1_002_147_483_650],
    });
    assert.equal(group?.accessHash, 2n ** 63n - 1n);
    assert.equal(group?.min, undefined);
    assert.equal(group?.raw, undefined);
    // The old rows take the new fields.
    const raw = new Uint8Array([0, 1, 254, 255]);
    await old.storage.putPeers([{ ...ann!, raw }, {
      id: 5,
      type: "user",
      accessHash: 5n,
      usernames: [],
      phone: null,
      name: "Min",
      updatedAt: 1,
      min: true,
    }]);
    await old.storage.setDcs([{
      id: 2,
      testMode: false,
      mediaOnly: false,
      ipv4: "149.154.167.51",
      ipv6: null,
      port: 443,
    }]);
    await old.storage.setValues([{ name: "dc_media", value: raw }]);
    await old.storage.putMessageRefs([{
      peerId: 5,
      chatId: 777,
      messageId: 1,
    }]);
    await old.close();
    const again = await s.open("old");
    const annAgain = await again.storage.findPeer({ by: "id", ids: [777] });
    assert.deepEqual(annAgain?.raw, raw);
    assert.equal(annAgain?.accessHash, -(2n ** 63n));
    assert.equal(
      (await again.storage.findPeer({ by: "id", ids: [5] }))?.min,
      true,
    );
    assert.equal((await again.storage.getDcs()).length, 1);
    assert.deepEqual(await again.storage.getValue("dc_media"), raw);
    assert.deepEqual(await again.storage.getMessageRefs(5), [
      { peerId: 5, chatId: 777, messageId: 1 },
    ]);
    await again.close();
  });

  it("an upgrade that fails changes nothing: it runs in one transaction", async () => {
    const name = await schemaV1("v1fail");
    const sql = rawSql();
    try {
      // A table in the way of the last step of the upgrade.
      await sql.unsafe(
        `CREATE TABLE "${name}".mtsession_message_refs (x integer)`,
      );
      const error = await openPostgresStore(DATABASE_URL!, { schema: name })
        .catch((e) => e);
      assert.ok(error instanceof PostgresStoreError, String(error));
      assert.equal(error.code, "42P07");
      const layout = await layoutOf(name);
      assert.equal(layout.version, "1");
      assert.equal(layout.tables, 8, "the v1 tables and the blocker only");
      assert.ok(!layout.peerColumns.includes("min"));
      await sql.unsafe(`DROP TABLE "${name}".mtsession_message_refs`);
    } finally {
      await sql.end();
    }
    const s = await openPostgresStore(DATABASE_URL!, { schema: name });
    stores.push(s);
    assert.equal(
      (await layoutOf(name)).version,
      String(POSTGRES_SCHEMA_VERSION),
    );
    const old = await s.open("old");
    assert.deepEqual(old.authKey, OLD_KEY);
    await old.close();
  });

  it("several processes upgrading one schema at once: all succeed, once", async () => {
    const name = await schemaV1("v1race");
    const results = await Promise.all(
      Array.from({ length: 3 }, () => runChild("migrate", name)),
    );
    for (const r of results) assert.equal(r.code, 0, r.output);
    const layout = await layoutOf(name);
    assert.equal(layout.version, String(POSTGRES_SCHEMA_VERSION));
    assert.equal(layout.tables, 12);
  });
});

describeOrSkip("PostgreSQL whole session", PG_SKIP, () => {
  it("keys are durable at once; values and references wait for the batch, reads see them", async () => {
    const s = await store({ flushDelayMs: 60_000 });
    const name = schemaOf(s);
    const sql = rawSql();
    const count = async (table: string): Promise<number> =>
      (await sql.unsafe(
        `SELECT count(*)::int AS n FROM "${name}".mtsession_${table} WHERE session_id = 'w'`,
      ))[0]!.n as number;
    try {
      const session = await s.open("w");
      const st = session.storage;
      await st.setAuthKeys([{ dcId: 4, key: KEY }]);
      await st.setTempAuthKeys([{
        dcId: 4,
        index: 0,
        key: KEY,
        expiresAt: Number.MAX_SAFE_INTEGER,
      }]);
      await st.setDcs([{
        id: 4,
        testMode: true,
        mediaOnly: true,
        ipv4: null,
        ipv6: "2001:b28:f23d:f001::e",
        port: 443,
      }]);
      assert.equal(await count("auth_keys"), 1);
      assert.equal(await count("temp_auth_keys"), 1);
      assert.equal(await count("dcs"), 1);
      const [stored] = await sql.unsafe(
        `SELECT expires_at::text AS e FROM "${name}".mtsession_temp_auth_keys`,
      );
      assert.equal(stored!.e, String(Number.MAX_SAFE_INTEGER));
      await st.setValues([{ name: "v", value: new Uint8Array([1]) }]);
      // Many references in one batch, and in another: kept in the order
      // first stored.
      const refs = Array.from({ length: 600 }, (_, i) => ({
        peerId: 9,
        chatId: -1_000_000_000_000 - (i % 7),
        messageId: 600 - i,
      }));
      await st.putMessageRefs(refs.slice(0, 400));
      assert.equal(await count("values"), 0, "waits in the batch");
      assert.equal(await count("message_refs"), 0, "waits in the batch");
      assert.deepEqual(await st.getValue("v"), new Uint8Array([1]));
      assert.equal(await count("values"), 1, "a read writes what waits");
      await st.putMessageRefs([...refs.slice(350, 600), refs[0]!]);
      await session.save();
      assert.equal(await count("message_refs"), 600);
      assert.deepEqual(await st.getMessageRefs(9), refs);
      assert.deepEqual(await st.getTempAuthKeys(Number.MAX_SAFE_INTEGER - 1), [
        { dcId: 4, index: 0, key: KEY, expiresAt: Number.MAX_SAFE_INTEGER },
      ]);
      assert.deepEqual(await st.getTempAuthKeys(Number.MAX_SAFE_INTEGER), []);
      await session.close();

      // Every row of the session goes with it.
      assert.ok(await rowsOf(name, "w") >= 1 + 3 + 1 + 600);
      await s.delete("w");
      assert.equal(await rowsOf(name, "w"), 0);
    } finally {
      await sql.end();
    }
  });

  it("a client value name PostgreSQL text cannot hold is refused alone, with a typed error", async () => {
    const s = await store({ flushDelayMs: 5 });
    const session = await s.open("names");
    const st = session.storage;
    const error = await st.setValues([
      { name: "nul\0inside", value: new Uint8Array([1]) },
      { name: "kept", value: new Uint8Array([2]) },
      { name: "lone \ud800 surrogate", value: new Uint8Array([3]) },
    ]).catch((e) => e);
    assert.ok(error instanceof PostgresStoreError, String(error));
    assert.equal(error.code, "22021");
    assert.match(error.message, /2 client value names/);
    assert.ok(!error.message.includes("nul"), "no name in the message");
    assert.deepEqual(await st.getValue("kept"), new Uint8Array([2]));
    assert.equal(await st.getValue("nul\0inside"), undefined);
    assert.equal(await st.getValue("lone \ud800 surrogate"), undefined);
    // Later writes and saves are not broken by it.
    await st.setValues([{ name: "after", value: new Uint8Array([4]) }]);
    await session.save();
    assert.deepEqual(
      (await st.listValues()).map((v) => v.name),
      ["after", "kept"],
    );
    // A name over the server's index limit (an index row of at most 2704
    // bytes; random, so that it does not compress): refused alone by the
    // server, reported once by the next save, which stores the rest.
    let seed = 7;
    const huge = Array.from({ length: 3000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return String.fromCharCode(0x21 + (seed % 90));
    }).join("");
    await st.setValues([
      { name: huge, value: new Uint8Array([5]) },
      { name: "beside", value: new Uint8Array([6]) },
    ]);
    const late = await session.save().catch((e) => e);
    assert.ok(late instanceof PostgresStoreError, String(late));
    assert.match(late.message, /refused 1 client value \(54000\)/);
    assert.ok(!late.message.includes(huge.slice(0, 40)), "no name");
    assert.deepEqual(await st.getValue("beside"), new Uint8Array([6]));
    assert.equal(await st.getValue(huge), undefined);
    await session.save();
    await st.setValues([{ name: "beside", value: null }]);
    // Code-unit order, whatever the server's collation.
    await st.setValues([
      { name: "\uff01", value: new Uint8Array(0) },
      { name: "🗝", value: new Uint8Array(0) },
      { name: "B", value: new Uint8Array(0) },
      { name: "a", value: new Uint8Array(0) },
    ]);
    assert.deepEqual(
      (await st.listValues()).map((v) => v.name),
      ["B", "a", "after", "kept", "🗝", "\uff01"],
    );
    await session.close();
  });
});

describeOrSkip("PostgreSQL with several processes", PG_SKIP, () => {
  it("creating the schema from several processes at once: all succeed, once", async () => {
    const name = schema("race");
    const results = await Promise.all(
      Array.from({ length: 4 }, () => runChild("migrate", name)),
    );
    for (const r of results) assert.equal(r.code, 0, r.output);
    const sql = rawSql();
    try {
      const [t] = await sql.unsafe(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1",
        [name],
      );
      assert.equal(t!.n, 12);
      const [v] = await sql.unsafe(
        `SELECT value FROM "${name}".mtsession_meta WHERE key = 'schema'`,
      );
      assert.equal(v!.value, String(POSTGRES_SCHEMA_VERSION));
    } finally {
      await sql.end();
    }
  });

  it("a session open in one process is in use in another, until closed or crashed", async () => {
    const s = await store();
    const name = schemaOf(s);
    const held = await s.open("bot");
    await held.setDc(4, "149.154.167.91", 443);
    const busy = await runChild("open", name, "bot");
    assert.equal(busy.code, 3, busy.output);
    assert.match(busy.output, /SessionInUseError/);

    const waiting = runChild("open", name, "bot", "15000");
    await new Promise((r) => setTimeout(r, 300));
    await held.close();
    const after = await waiting;
    assert.equal(after.code, 0, after.output);
    assert.match(after.output, /opened dc=4/);

    const holder = startChild("hold", name, "crash");
    await holder.printed("holding");
    await assert.rejects(s.open("crash"), SessionInUseError);
    await assert.rejects(s.delete("crash"), SessionInUseError);
    holder.kill();
    await holder.result;
    const taken = await s.open("crash", { wait: 15_000 });
    await taken.close();
  });

  it("concurrent writers of one session (exclusive: false) lose nothing and keep the merge rules", async () => {
    const s = await store({ exclusive: false });
    const name = schemaOf(s);
    const WORKERS = 4;
    const ROUNDS = 30;
    const SHARED = 8;
    const OWN = 15;
    const results = await Promise.all(
      Array.from(
        { length: WORKERS },
        (_, w) =>
          runChild(
            "write",
            name,
            "shared",
            String(w),
            String(ROUNDS),
            String(SHARED),
            String(OWN),
          ),
      ),
    );
    for (const r of results) {
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /done/);
    }
    const session = await s.open("shared");
    const holders = await assertMergedWrites(session.storage, {
      workers: WORKERS,
      rounds: ROUNDS,
      shared: SHARED,
      own: OWN,
    });
    const sql = rawSql();
    try {
      const [u] = await sql.unsafe(
        `SELECT count(*)::int AS n FROM "${name}".mtsession_usernames WHERE session_id = 'shared'`,
      );
      assert.equal(u!.n, holders.size, "no username row without its peer");
      const twice = await sql.unsafe(
        `SELECT peer_id FROM "${name}".mtsession_phones WHERE session_id = 'shared' GROUP BY peer_id HAVING count(*) > 1`,
      );
      assert.equal(twice.length, 0, "no peer with two phones");
    } finally {
      await sql.end();
    }
    await session.close();
  });
});

describe(`PostgreSQL URLs keep their password out of messages (${runtime}, no server needed)`, () => {
  // URLs the WHATWG parser rejects but a user may well write (an unencoded
  // "/" or "#" in the password, several hosts): the driver may quote them.
  const cases = [
    ["postgres://bot:s3cr/et-Pw@127.0.0.1:1/db", "s3cr/et-Pw"],
    ["postgres://bot:s3cr#et-Pw@127.0.0.1:1/db", "s3cr#et-Pw"],
    ["postgres://bot@127.0.0.1:1/db?password=Qu3ry-Pw", "Qu3ry-Pw"],
  ] as const;
  it("labels and scrub lists, several hosts too", () => {
    const url = "postgres://bot:Mult1/h0st-Pw@db1:5432,db2:5432/app?x=1";
    assert.equal(redactUrl(url), "postgres://bot@db1:5432,db2:5432/app");
    const secrets = urlSecrets(url);
    assert.ok(secrets.includes("Mult1/h0st-Pw"), String(secrets.length));
    assert.ok(!redactUrl("postgres://bot:p%2Fw@h/db").includes("p%2Fw"));
    assert.ok(urlSecrets("postgres://bot:p%2Fw@h/db").includes("p/w"));
  });

  for (const [url, password] of cases) {
    it(url.replace(password, "<password>"), async () => {
      const error = await openPostgresStore(url, { connectTimeout: 2 })
        .then((s) => s.close().then(() => undefined))
        .catch((e) => e);
      assert.ok(error instanceof Error, "connecting to port 1 must fail");
      for (
        const text of [
          error.message,
          String(error),
          String((error as { cause?: unknown }).cause),
          inspect(error, { depth: 10 }),
        ]
      ) {
        assert.ok(!text.includes(password), text);
        assert.ok(!text.includes(password.slice(0, 5)), text);
      }
    });
  }
});
