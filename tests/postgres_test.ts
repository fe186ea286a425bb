// PostgreSQL storage: the conformance suite, stores, 64-bit exactness
// through a plain instance, and real processes racing each other.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import postgres from "postgres";
import {
  openPostgresStore,
  PostgresStorage,
  type PostgresStore,
  PostgresStoreError,
  SessionInUseError,
} from "../adapters/postgres.ts";
import { SessionClosedError } from "../mod.ts";
import { redactUrl, urlSecrets } from "../src/postgres/driver.ts";
import { describeSessionStorage } from "./_conformance.ts";
import { runtime } from "./_fixtures.ts";
import { checkAgainstMemory, modelSteps } from "./_pg_model.ts";
import {
  DATABASE_URL,
  dropSchemas,
  PG_SKIP,
  rawSql,
  runChild,
  startChild,
  uniqueSchema,
} from "./_pg_env.ts";
import { HOT_PHONE, HOT_USERNAME, ownId, pgHash } from "./_pg_writes.ts";

/** A suite, or (when skipped) one skipped test that says why. */
function suite(name: string, skip: string | false, fn: () => void): void {
  if (skip) it(name, { skip }, () => {});
  else describe(name, fn);
}

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
  describeSessionStorage(`postgres (${runtime})`, async () => {
    conformance ??= store({ flushDelayMs: 5 });
    const session = await (await conformance).open(`conformance-${n++}`);
    return session.storage;
  });
}

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

suite("PostgreSQL storage", PG_SKIP, () => {
  it("batches give the same result as writing records one by one (model check)", async () => {
    const s = await store({ flushDelayMs: 60_000 });
    for (let seed = 1; seed <= 25; seed++) {
      const session = await s.open(`model-${seed}`);
      await checkAgainstMemory(session.storage, modelSteps(seed));
      await session.close();
    }
  });

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

  it("isolates stores (schemas) and sessions of one store", async () => {
    const a = await store();
    const b = await store();
    const a1 = await a.open("same");
    const b1 = await b.open("same");
    const a2 = await a.open("other");
    await a1.setDc(1, "149.154.175.53", 443);
    await b1.setDc(2, "149.154.167.51", 443);
    await a1.processEntities({
      _: "user",
      id: 10,
      accessHash: 1n,
      username: "shared_name",
      phone: "79990001122",
    });
    await b1.processEntities({
      _: "user",
      id: 20,
      accessHash: 2n,
      username: "shared_name",
      phone: "79990001122",
    });
    await a2.processEntities({
      _: "user",
      id: 30,
      accessHash: 3n,
      username: "shared_name",
      phone: "79990001122",
    });
    assert.equal((await a1.getPeer("@shared_name"))?.id, 10);
    assert.equal((await b1.getPeer("@shared_name"))?.id, 20);
    assert.equal((await a2.getPeer("@shared_name"))?.id, 30);
    assert.equal((await a1.getPeer("+79990001122"))?.id, 10);
    assert.equal(await a1.storage.countPeers(), 1);
    assert.equal(await a2.storage.countPeers(), 1);
    await a1.close();
    await b1.close();
    const a1again = await a.open("same");
    const b1again = await b.open("same");
    assert.equal(a1again.dcId, 1);
    assert.equal(b1again.dcId, 2);
  });

  it("lists, refuses to open twice or delete an open session, deletes everything", async () => {
    const s = await store();
    const sessions = await Promise.all(["b", "a", "c"].map((id) => s.open(id)));
    assert.deepEqual(await s.list(), ["a", "b", "c"]);
    await assert.rejects(s.open("b"), SessionInUseError);
    await assert.rejects(s.delete("b"), SessionInUseError);
    const b = sessions[0]!;
    await b.setAuthKey(KEY);
    await b.processEntities({
      _: "user",
      id: 5,
      accessHash: 5n,
      username: "five",
      phone: "555",
    });
    await b.setUpdateState({ entityId: 0, pts: 1, qts: 2, date: 3, seq: 4 });
    await b.cacheFile({
      md5: new Uint8Array(16),
      size: 1,
      type: "photo",
      id: 1n,
      accessHash: 1n,
    });
    await b.close();
    assert.ok(await rowsOf(schemaOf(s), "b") >= 6);
    await s.delete("b");
    assert.equal(await rowsOf(schemaOf(s), "b"), 0);
    assert.deepEqual(await s.list(), ["a", "c"]);
    const fresh = await s.open("b");
    assert.equal(fresh.authKey, null);
    assert.equal(await fresh.storage.countPeers(), 0);
    await assert.rejects(s.open(""), TypeError);
    await s.close();
    await assert.rejects(sessions[1]!.save(), SessionClosedError);
    await assert.rejects(s.list(), /store is closed/);
  });

  it("session.delete() removes the session's rows", async () => {
    const s = await store();
    const session = await s.open("gone");
    await session.processEntities({
      _: "user",
      id: 5,
      accessHash: 5n,
      username: "five",
    });
    await session.save();
    await session.delete();
    assert.equal(await rowsOf(schemaOf(s), "gone"), 0);
    assert.deepEqual(await s.list(), []);
  });

  it("a second store (another connection) gets SessionInUseError, or waits", async () => {
    const name = schema("inuse");
    const one = await openPostgresStore(DATABASE_URL!, { schema: name });
    const two = await openPostgresStore(DATABASE_URL!, { schema: name });
    stores.push(one, two);
    const held = await one.open("bot");
    const error = await two.open("bot").catch((e) => e);
    assert.ok(error instanceof SessionInUseError, String(error));
    await assert.rejects(two.delete("bot"), SessionInUseError);
    const started = Date.now();
    const waiting = two.open("bot", { wait: 10_000 });
    setTimeout(() => void held.close(), 200);
    const got = await waiting;
    assert.ok(Date.now() - started >= 150);
    await got.close();
  });

  it("a URL's password shows nowhere; connection failures are typed", async () => {
    const u = new URL(DATABASE_URL!);
    u.username = "postgres";
    u.password = "s3cret-Pa55";
    const s = await openPostgresStore(u.href, { schema: schema("pw") });
    stores.push(s);
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
    const keyHex = [...KEY].map((b) => b.toString(16).padStart(2, "0")).join(
      "",
    );
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
      assert.equal(await migratePostgres(sql, { schema: name }), 1);
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

suite("PostgreSQL with several processes", PG_SKIP, () => {
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
      assert.equal(t!.n, 7);
      const [v] = await sql.unsafe(
        `SELECT value FROM "${name}".mtsession_meta WHERE key = 'schema'`,
      );
      assert.equal(v!.value, "1");
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
    const peers = await session.storage.listPeers();
    assert.equal(peers.length, SHARED + WORKERS * OWN);
    const byId = new Map(peers.map((p) => [p.id, p]));
    // Own peers: one writer each, so exactly its last write.
    for (let w = 0; w < WORKERS; w++) {
      for (let k = 0; k < OWN; k++) {
        const p = byId.get(ownId(w, k));
        assert.ok(p, `own peer ${w}/${k}`);
        assert.equal(p.accessHash, pgHash(w, ROUNDS - 1, ownId(w, k)));
        assert.deepEqual(p.usernames, [`w${w}_${k}`]);
        assert.equal(p.phone, `8${w}00${k}`);
        assert.equal(p.name, `Own ${w}/${k}`, "a null name never erased it");
      }
    }
    // Shared peers: the last write of one of the writers wins, whole.
    for (let id = 1; id <= SHARED; id++) {
      const p = byId.get(id)!;
      const last = Array.from(
        { length: WORKERS },
        (_, w) => pgHash(w, ROUNDS - 1, id),
      );
      assert.ok(last.includes(p.accessHash), `hash of shared peer ${id}`);
      assert.match(p.name ?? "", new RegExp(`^Shared ${id} by \\d$`));
      assert.ok(p.usernames.includes(`s${id}`));
      assert.ok([`7000${id}`, HOT_PHONE, null].includes(p.phone));
    }
    // Every username and phone belongs to exactly one peer, which lists it.
    const holders = new Map<string, number>();
    for (const p of peers) {
      for (const u of p.usernames) {
        assert.ok(!holders.has(u), `username ${u} listed twice`);
        holders.set(u, p.id);
        assert.equal(
          (await session.storage.findPeer({ by: "username", value: u }))?.id,
          p.id,
        );
      }
      if (p.phone !== null) {
        assert.equal(
          (await session.storage.findPeer({ by: "phone", value: p.phone }))?.id,
          p.id,
        );
      }
    }
    assert.ok(
      holders.has(HOT_USERNAME),
      "someone holds the contested username",
    );
    assert.equal(peers.filter((p) => p.phone === HOT_PHONE).length <= 1, true);
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
