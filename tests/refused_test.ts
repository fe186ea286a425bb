// A value one backend cannot hold costs only its own peer: the rest of the
// batch and every later write land, and the refusal is reported once, as
// PeerRefusedError, by the next save() (or close()). Odd input gets a typed
// error, never a crash, and errors never quote a phone number or a huge key.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  openSession,
  PeerNotFoundError,
  type PeerRecord,
  PeerRefusedError,
} from "../mod.ts";
import { DenoKvStorage } from "../adapters/deno_kv.ts";
import { openPostgresStore, PostgresStorage } from "../adapters/postgres.ts";
import { describeOrSkip, runtime } from "./_fixtures.ts";
import { KV_SKIP, openKv } from "./_kv_env.ts";
import {
  DATABASE_URL,
  dropSchemas,
  PG_SKIP,
  rawSql,
  uniqueSchema,
} from "./_pg_env.ts";

function peer(id: number, over: Partial<PeerRecord> = {}): PeerRecord {
  return {
    id,
    type: "user",
    accessHash: BigInt(id) * 3n,
    usernames: [],
    phone: null,
    name: `peer ${id}`,
    updatedAt: 1_700_000_000,
    ...over,
  };
}

describeOrSkip(`Deno KV refuses one peer alone (${runtime})`, KV_SKIP, () => {
  it("a name whose index key is over 2 KiB: that peer only, reported once", async () => {
    const kv = await openKv();
    try {
      // A long key prefix leaves room for short names only.
      const storage = new DenoKvStorage(kv, "s", {
        prefix: "p".repeat(1800),
        flushDelayMs: 10_000,
      });
      const session = await openSession(storage);
      await session.processEntities([
        { _: "user", id: 1, accessHash: 3n, firstName: "short" },
        { _: "user", id: 2, accessHash: 6n, firstName: "n".repeat(250) },
        { _: "user", id: 3, accessHash: 9n, firstName: "also short" },
      ]);
      const error = await session.save().catch((e) => e);
      assert.ok(error instanceof PeerRefusedError, String(error));
      assert.deepEqual(error.peers.map((p) => [p.id, p.field]), [[2, "name"]]);
      assert.ok(!error.message.includes("nnnnn"), "no value in the message");
      assert.equal((await session.getPeer(1))?.name, "short");
      assert.equal((await session.getPeer(3))?.name, "also short");
      assert.equal(await session.getPeer(2), undefined);
      // Reported once; later writes land; close() is clean.
      await session.save();
      await session.processEntities({
        _: "user",
        id: 4,
        accessHash: 12n,
        firstName: "later",
      });
      await session.save();
      assert.equal((await session.getPeer(4))?.name, "later");
      await session.close();
    } finally {
      kv.close();
    }
  });

  it("a refusal still pending is reported by close(), which closes", async () => {
    const kv = await openKv();
    try {
      const storage = new DenoKvStorage(kv, "s", {
        prefix: "q".repeat(1800),
        flushDelayMs: 10_000,
      });
      const session = await openSession(storage);
      await session.processEntities([
        { _: "user", id: 5, accessHash: 3n, firstName: "m".repeat(250) },
        { _: "user", id: 6, accessHash: 6n, firstName: "ok" },
      ]);
      await assert.rejects(session.close(), PeerRefusedError);
      assert.equal(session.closed, true);
      const again = await openSession(
        new DenoKvStorage(kv, "s", { prefix: "q".repeat(1800) }),
      );
      assert.equal((await again.getPeer(6))?.name, "ok");
      assert.equal(await again.getPeer(5), undefined);
      await again.close();
    } finally {
      kv.close();
    }
  });
  it("raw bytes that make a record over 64 KiB: that peer only, as PeerRefusedError", async () => {
    const kv = await openKv();
    try {
      const storage = new DenoKvStorage(kv, "s", { flushDelayMs: 60_000 });
      const fits = new Uint8Array(60_000).map((_, i) => i & 0xff);
      await storage.putPeers([
        peer(1, { raw: fits, min: true }),
        peer(2, { raw: new Uint8Array(70_000).fill(0x42) }),
        peer(3, { usernames: ["three"] }),
      ]);
      const error = await storage.flush().catch((e) => e);
      assert.ok(error instanceof PeerRefusedError, String(error));
      assert.deepEqual(error.peers.map((p) => [p.id, p.field]), [[2, "raw"]]);
      await storage.flush(); // reported once
      await storage.putPeers([peer(4)]);
      await storage.close();
      const again = new DenoKvStorage(kv, "s");
      const one = await again.findPeer({ by: "id", ids: [1] });
      assert.deepEqual(one?.raw, fits);
      assert.equal(one?.min, true);
      assert.equal(await again.findPeer({ by: "id", ids: [2] }), undefined);
      assert.equal(
        (await again.findPeer({ by: "username", value: "three" }))?.id,
        3,
      );
      assert.equal((await again.findPeer({ by: "id", ids: [4] }))?.id, 4);
      await again.close();
    } finally {
      kv.close();
    }
  });
});

describeOrSkip(
  `PostgreSQL refuses one peer alone (${runtime})`,
  PG_SKIP,
  () => {
    const schemas: string[] = [];
    after(() => dropSchemas(...schemas));

    it("a NUL the server cannot store, given to the storage directly", async () => {
      // Session normalises NULs away; a storage called directly still must
      // not lose the batch around such a value.
      const schema = uniqueSchema("refused");
      schemas.push(schema);
      const store = await openPostgresStore(DATABASE_URL!, { schema });
      await store.close();
      const sql = rawSql();
      try {
        const storage = new PostgresStorage(sql, "direct", {
          schema,
          flushDelayMs: 10_000,
        });
        await storage.putPeers([
          peer(1),
          peer(2, { name: "bad\u0000name" }),
          peer(3),
          peer(4, { usernames: ["bad\u0000user"] }),
          peer(5),
        ]);
        const error = await storage.flush().catch((e) => e);
        assert.ok(error instanceof PeerRefusedError, String(error));
        assert.deepEqual(error.peers.map((p) => p.id).sort(), [2, 4]);
        assert.deepEqual(
          (await storage.listPeers()).map((p) => p.id).sort(),
          [1, 3, 5],
        );
        await storage.flush(); // reported once
        await storage.putPeers([peer(6)]);
        await storage.flush();
        assert.equal(await storage.countPeers(), 4);
        await storage.close();
      } finally {
        await sql.end();
      }
    });
  },
);

describe(`odd input to a session (${runtime})`, () => {
  it("an object with a class name of no TL constructor is no entity", async () => {
    const session = await openSession(":memory:");
    for (const className of ["", ".", "Api.", "Nothing", "Api.Unknown"]) {
      assert.equal(
        await session.processEntities({ className, id: 1, accessHash: 1n }),
        0,
      );
      assert.equal(
        await session.processEntities({ users: [{ className }], chats: [] }),
        0,
      );
    }
    await session.close();
  });

  it("an access hash as a Long with NaN parts is refused, the rest stored", async () => {
    const session = await openSession(":memory:");
    const nan = { low: Number.NaN, high: Number.NaN, unsigned: false };
    const half = { low: 1.5, high: 0, unsigned: false };
    for (const accessHash of [nan, half]) {
      const error = await session.processEntities([
        { _: "user", id: 10, accessHash: 5n, firstName: "good" },
        { _: "user", id: 11, accessHash, firstName: "bad" },
      ]).catch((e) => e);
      assert.ok(error instanceof TypeError, String(error));
      assert.equal((await session.getPeer(10))?.accessHash, 5n);
      assert.equal(await session.getPeer(11), undefined);
    }
    await session.close();
  });

  it("PeerNotFoundError quotes at most 64 characters and masks digit runs", async () => {
    const session = await openSession(":memory:");
    const huge = "x".repeat(10 * 1024 * 1024);
    const e1 = await session.getInputPeer(huge).catch((e) => e);
    assert.ok(e1 instanceof PeerNotFoundError);
    assert.ok(e1.message.length < 300, `${e1.message.length} characters`);
    assert.ok(e1.key.length < 100);
    for (const key of ["call 447700900123 now", "Bob (+44) 7700-900 123"]) {
      const e = await session.getInputPeer(key).catch((x) => x);
      assert.ok(e instanceof PeerNotFoundError);
      assert.doesNotMatch(e.message, /\d{3}/, e.message);
    }
    // Names with a few digits stay readable.
    const e2 = await session.getInputPeer("Team 42").catch((x) => x);
    assert.match(e2.message, /Team 42/);
    await session.close();
  });

  it("phones with any dash, as tel: links, with slashes", async () => {
    const session = await openSession(":memory:");
    await session.processEntities({
      _: "user",
      id: 77,
      accessHash: 1n,
      phone: "447700900123",
    });
    for (
      const key of [
        "+44\u20137700\u2013900123", // en dashes
        "+44\u20147700\u2014900123", // em dashes
        "+44\u22127700\u2212900123", // minus signs
        "+44\u20107700\u2011900123", // hyphen, non-breaking hyphen
        "tel:+44-7700-900123",
        "TEL:+447700900123;ext=1",
        "+44/7700/900123",
        "+44\u00a07700\u00a0900123", // no-break spaces
      ]
    ) {
      assert.equal((await session.getPeer(key))?.id, 77, key);
    }
    const e = await session.getInputPeer("tel:+15550001111").catch((x) => x);
    assert.ok(e instanceof PeerNotFoundError);
    assert.equal(e.kind, "phone");
    assert.doesNotMatch(e.message, /555/);
    await session.close();
  });

  it("a user with 30,000 usernames keeps the first 64", async () => {
    const session = await openSession(":memory:");
    const usernames = Array.from({ length: 30_000 }, (_, i) => ({
      _: "username",
      username: `u${i}_name`,
    }));
    await session.processEntities({
      _: "user",
      id: 5,
      accessHash: 1n,
      usernames,
    });
    const p = await session.getPeer(5);
    assert.equal(p?.usernames.length, 64);
    assert.equal(p?.usernames[63], "u63_name");
    assert.equal((await session.getPeer("@u0_name"))?.id, 5);
    await session.close();
  });
});
