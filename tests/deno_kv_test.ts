// Deno KV storage: the storage and store conformance suites and what only
// Deno KV does, on Deno (temporary KV files). Node and Bun have no
// Deno.openKv: there the tests are skipped, and opening a store must fail
// with a typed error. The model check runs in
// tests/reliability_storage_test.ts.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DenoKvLike,
  type DenoKvStore,
  DenoKvUnavailableError,
  openDenoKvStore,
} from "../adapters/deno_kv.ts";
import {
  type DataCenter,
  type PeerRecord,
  SessionError,
  SessionInUseError,
  type SessionStorage,
  ValueRefusedError,
} from "../mod.ts";
import { describeSessionStorage } from "./_conformance.ts";
import { describeOrSkip, runtime } from "./_fixtures.ts";
import { describeSessionStore } from "./_store_conformance.ts";
import { assertMergedWrites, pgWorkerRecords } from "./_pg_writes.ts";
import { countingKv, KV_SKIP, openKv } from "./_kv_env.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-kv-"));
const stores: DenoKvStore[] = [];
after(async () => {
  for (const s of stores) await s.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
const freshPath = (): string => join(dir, `kv${files++}.sqlite3`);
const KEY = new Uint8Array(256).map((_, i) => (i * 13 + 5) & 0xff);

async function store(
  options: Parameters<typeof openDenoKvStore>[1] = {},
  path: string = freshPath(),
): Promise<DenoKvStore> {
  const s = await openDenoKvStore(path, options);
  stores.push(s);
  return s;
}

if (KV_SKIP) {
  it(
    `SessionStorage conformance: deno-kv (${runtime})`,
    { skip: KV_SKIP },
    () => {},
  );
} else {
  let conformance: Promise<DenoKvStore> | undefined;
  let n = 0;
  const path = freshPath();
  const ids = new Map<SessionStorage, string>();
  const openOn = async (
    s: DenoKvStore,
    id: string,
  ): Promise<SessionStorage> => {
    const storage = (await s.open(id)).storage;
    ids.set(storage, id);
    return storage;
  };
  describeSessionStorage(
    "deno-kv",
    async () => {
      conformance ??= store({ flushDelayMs: 5 }, path);
      return await openOn(await conformance, `conformance-${n++}`);
    },
    // A restart: another store, on its own handle of the same file.
    async (closed) =>
      await openOn(await store({ flushDelayMs: 5 }, path), ids.get(closed)!),
  );
}

/** Keys a session has in the KV file at `path` (its registry entry too). */
async function keysOf(path: string, id: string): Promise<number> {
  const kv = await openKv(path);
  try {
    let n = 0;
    for await (const _ of kv.list({ prefix: ["mtsession", id] })) n++;
    const registry = await kv.get(["mtsession:sessions", id]);
    return n + (registry.value === null ? 0 : 1);
  } finally {
    kv.close();
  }
}

describeSessionStore(`deno-kv (${runtime})`, () => {
  const path = freshPath();
  return {
    open: () => store({}, path),
    stored: (id) => keysOf(path, id),
  };
}, { skip: KV_SKIP, shared: true });

describeOrSkip("Deno KV stores", KV_SKIP, () => {
  it("stores bigint and bytes as such: exact at ±2^63", async () => {
    // Deno.Kv itself fits the structural type (checked by deno check).
    const kv: DenoKvLike = await Deno.openKv(":memory:");
    const s = await openDenoKvStore(kv);
    const session = await s.open("exact");
    session.takeoutId = -(2n ** 63n);
    await session.setAuthKey(KEY);
    await session.processEntities({
      _: "user",
      id: 5_123_456_789,
      accessHash: 2n ** 63n - 1n,
      username: "biggest",
    });
    await session.save();
    const raw = await kv.get(["mtsession", "exact", "peer", 5_123_456_789]);
    assert.equal(
      (raw.value as { accessHash: unknown }).accessHash,
      2n ** 63n - 1n,
    );
    const auth = (await kv.get(["mtsession", "exact", "auth"])).value as Record<
      string,
      unknown
    >;
    assert.ok(auth.authKey instanceof Uint8Array);
    assert.equal(auth.takeoutId, -(2n ** 63n));
    await s.close();
    // The Kv was ours: the store left it open.
    assert.equal(
      (await kv.get(["mtsession:sessions", "exact"])).value !== null,
      true,
    );
    const again = await openDenoKvStore(kv);
    const reopened = await again.open("exact");
    assert.equal(reopened.takeoutId, -(2n ** 63n));
    assert.deepEqual(reopened.authKey, KEY);
    assert.equal(
      (await reopened.getPeer("@biggest"))?.accessHash,
      2n ** 63n - 1n,
    );
    await again.close();
    kv.close();
  });

  it("writes thousands of peers in atomic chunks of at most 1000 mutations", async () => {
    const kv = await openKv();
    const counting = countingKv(kv);
    const s = await openDenoKvStore(counting.kv, {
      maxBatch: 100_000,
      flushDelayMs: 60_000,
    });
    const session = await s.open("many");
    const N = 3000;
    const records: PeerRecord[] = Array.from({ length: N }, (_, i) => ({
      id: i + 1,
      type: "user",
      accessHash: -(2n ** 63n) + BigInt(i),
      usernames: [`user_${i}`, `alias_${i}`],
      phone: `7${String(i).padStart(10, "0")}`,
      name: `Name ${i % 50}`,
      updatedAt: 1_700_000_000 + i,
    }));
    await session.storage.putPeers(records);
    await session.save();
    assert.ok(counting.commits() >= 2, `${counting.commits()} commits`);
    assert.ok(
      counting.maxMutations() <= 1000,
      `${counting.maxMutations()} mutations`,
    );
    assert.equal(await session.storage.countPeers(), N);
    for (const i of [0, 1, 999, 1000, 2999]) {
      const p = await session.storage.findPeer({
        by: "username",
        value: `alias_${i}`,
      });
      assert.equal(p?.accessHash, -(2n ** 63n) + BigInt(i));
      assert.equal(
        (await session.storage.findPeer({
          by: "phone",
          value: records[i]!.phone!,
        }))?.id,
        i + 1,
      );
    }
    assert.equal(
      (await session.storage.findPeer({ by: "name", value: "Name 7" }))?.id,
      2958,
    );
    await s.close();
    kv.close();
  });

  it("a lease is renewed while its session is open, and lapses when its holder died", async () => {
    // Being in use in another store, and waiting: the store conformance
    // suite. Here: a lease outlives leaseMs while renewed.
    const path = freshPath();
    const one = await store({ leaseMs: 1000 }, path);
    const two = await store({ leaseMs: 1000 }, path);
    const held = await one.open("bot");
    await assert.rejects(two.open("bot"), SessionInUseError);
    await new Promise((r) => setTimeout(r, 1500)); // renewed meanwhile
    await assert.rejects(two.open("bot"), SessionInUseError);
    await assert.rejects(two.delete("bot"), SessionInUseError);
    const waiting = two.open("bot", { wait: 5000 });
    setTimeout(() => void held.close(), 100);
    await (await waiting).close();

    // A holder that died without releasing: its lease lapses.
    const kv = await openKv(path);
    await kv.atomic().set(["mtsession", "crashed", "lock"], {
      owner: "dead",
      until: Date.now() + 700,
    }).commit();
    await assert.rejects(one.open("crashed"), SessionInUseError);
    const taken = await one.open("crashed", { wait: 5000 });
    await taken.close();
    kv.close();
  });

  it("concurrent writers of one session (exclusive: false) lose nothing and keep the merge rules", async () => {
    const path = freshPath();
    const WORKERS = 3;
    const ROUNDS = 12;
    const SHARED = 6;
    const OWN = 10;
    const handles = await Promise.all(
      Array.from(
        { length: WORKERS },
        async () => countingKv(await openKv(path)),
      ),
    );
    const writers = await Promise.all(
      handles.map((h) =>
        openDenoKvStore(h.kv, {
          exclusive: false,
          flushDelayMs: 1,
          maxBatch: 20,
        })
      ),
    );
    await Promise.all(writers.map(async (w, worker) => {
      const session = await w.open("shared");
      for (let r = 0; r < ROUNDS; r++) {
        await session.storage.putPeers(pgWorkerRecords(worker, r, SHARED, OWN));
        if (r % 4 === 0) await session.save();
      }
      await session.close();
    }));
    const reader = await (await store({ exclusive: false }, path)).open(
      "shared",
    );
    await assertMergedWrites(reader.storage, {
      workers: WORKERS,
      rounds: ROUNDS,
      shared: SHARED,
      own: OWN,
    });
    await reader.close();
    for (const w of writers) await w.close();
    for (const h of handles) h.kv.close();
    // The writers did race: some version checks failed, and the losers
    // read again and wrote again.
    assert.ok(handles.reduce((n, h) => n + h.conflicts(), 0) > 0);
  });
});

describeOrSkip("Deno KV keeps the whole session", KV_SKIP, () => {
  /** All keys of a session, as `kind/rest` strings, read on a new handle. */
  async function keysIn(path: string, id: string): Promise<string[]> {
    const kv = await openKv(path);
    try {
      const out: string[] = [];
      for await (const e of kv.list({ prefix: ["mtsession", id] })) {
        out.push(e.key.slice(2).map(String).join("/"));
      }
      return out;
    } finally {
      kv.close();
    }
  }

  it("data centers and keys are durable when set: another handle reads them before any save", async () => {
    const path = freshPath();
    const s = await store({ flushDelayMs: 60_000 }, path);
    const session = await s.open("durable");
    const dc = {
      id: 2,
      testMode: false,
      mediaOnly: false,
      ipv4: "149.154.167.51",
      ipv6: null,
      port: 443,
    };
    await session.storage.setDcs([dc]);
    await session.storage.setAuthKeys([{ dcId: 4, key: KEY }]);
    await session.storage.setTempAuthKeys([
      { dcId: 2, index: 1, key: KEY, expiresAt: 2 ** 52 },
    ]);
    await session.storage.setValues([{ name: "salts:2", value: KEY }]);
    const kv = await openKv(path);
    try {
      const get = async (...k: (string | number)[]): Promise<unknown> =>
        (await kv.get(["mtsession", "durable", ...k])).value;
      assert.deepEqual(await get("dcs"), [dc]);
      assert.deepEqual(await get("dckey", 4), KEY);
      assert.deepEqual(await get("tempkey", 2, 1), {
        key: KEY,
        expiresAt: 2 ** 52,
      });
      assert.deepEqual(await get("value", "salts:2"), KEY);
    } finally {
      kv.close();
    }
    await s.close();
  });

  it("a list of data centers over 64 KiB is a SessionError; the known list stays", async () => {
    const s = await store();
    const session = await s.open("dcs");
    const dc = (id: number, ipv4: string | null): DataCenter => ({
      id,
      testMode: false,
      mediaOnly: false,
      ipv4,
      ipv6: null,
      port: 443,
    });
    await session.storage.setDcs([dc(2, "149.154.167.51")]);
    const huge = Array.from({ length: 100 }, (_, i) => dc(i, "h".repeat(1000)));
    const error = await session.storage.setDcs(huge).catch((e) => e);
    assert.ok(error instanceof SessionError, String(error));
    assert.match(error.message, /100 data centers/);
    assert.deepEqual(await session.storage.getDcs(), [dc(2, "149.154.167.51")]);
    await s.close();
  });

  it("reading temporary keys deletes none, expired or not", async () => {
    const path = freshPath();
    const s = await store({}, path);
    const session = await s.open("temp");
    await session.storage.setTempAuthKeys([
      { dcId: 2, index: 0, key: KEY, expiresAt: 100 },
      { dcId: 2, index: 1, key: KEY, expiresAt: 200 },
      { dcId: 4, index: 0, key: KEY, expiresAt: 300 },
    ]);
    assert.deepEqual(
      (await session.storage.getTempAuthKeys(200)).map((k) => k.dcId),
      [4],
    );
    // The reader's clock may run ahead: nothing is lost by a read.
    assert.deepEqual(
      (await keysIn(path, "temp")).filter((k) => k.startsWith("tempkey")),
      ["tempkey/2/0", "tempkey/2/1", "tempkey/4/0"],
    );
    assert.equal((await session.storage.getTempAuthKeys(50)).length, 3);
    await s.close();
  });

  it("a reference stored again keeps its place across saves and restarts", async () => {
    const path = freshPath();
    let s = await store({}, path);
    let session = await s.open("refs");
    const ref = (messageId: number) => ({ peerId: 7, chatId: -42, messageId });
    await session.storage.putMessageRefs([ref(1), ref(2)]);
    await session.save();
    await session.storage.putMessageRefs([ref(3), ref(1), ref(2)]);
    await s.close();
    s = await store({}, path);
    session = await s.open("refs");
    assert.deepEqual(await session.storage.getMessageRefs(7), [
      ref(1),
      ref(2),
      ref(3),
    ]);
    await session.storage.putMessageRefs([ref(4)]);
    assert.deepEqual(
      (await session.storage.getMessageRefs(7)).map((r) => r.messageId),
      [1, 2, 3, 4],
    );
    await s.close();
  });

  it("deleting a chat's messages reads only their index entries, and removes both entries of each", async () => {
    const kv = await openKv();
    const prefixes: string[] = [];
    const watched: DenoKvLike = {
      get: (key) => kv.get(key),
      getMany: (keys) => kv.getMany(keys),
      list: (selector) => {
        prefixes.push(selector.prefix.slice(2).map(String).join("/"));
        return kv.list(selector);
      },
      atomic: () => kv.atomic(),
      close: () => kv.close(),
    };
    const s = await openDenoKvStore(watched);
    const session = await s.open("index");
    const refs = [];
    for (let peerId = 1; peerId <= 50; peerId++) {
      for (let m = 1; m <= 20; m++) {
        refs.push({ peerId, chatId: peerId % 2 === 0 ? -2 : -3, messageId: m });
      }
    }
    await session.storage.putMessageRefs(refs);
    await session.save();
    prefixes.length = 0;
    await session.storage.deleteMessageRefs({ chatId: -2, messageIds: [5, 6] });
    assert.deepEqual(prefixes, ["refmsg/-2/5", "refmsg/-2/6"]);
    const left = await session.storage.listMessageRefs();
    assert.equal(left.length, 1000 - 2 * 25);
    assert.ok(
      !left.some((r) =>
        r.chatId === -2 && (r.messageId === 5 || r.messageId === 6)
      ),
    );
    // The index of what is left is whole: deleting the rest by message
    // leaves no entry of either kind.
    await session.storage.deleteMessageRefs({
      chatId: -2,
      messageIds: Array.from({ length: 20 }, (_, i) => i + 1),
    });
    await session.storage.deleteMessageRefs({ peerIds: [1, 3] });
    await session.storage.deleteMessageRefs({
      chatId: -3,
      messageIds: Array.from({ length: 20 }, (_, i) => i + 1),
    });
    assert.deepEqual(await session.storage.listMessageRefs(), []);
    let entries = 0;
    for await (const e of kv.list({ prefix: ["mtsession", "index"] })) {
      if (e.key[2] === "ref" || e.key[2] === "refmsg") entries++;
    }
    assert.equal(entries, 0);
    await s.close();
    kv.close();
  });

  it("a client value over 64 KiB, or a name over the key limit, is refused alone", async () => {
    const path = freshPath();
    let s = await store({}, path);
    let session = await s.open("values");
    const longName = "n".repeat(2100);
    const error = await session.storage.setValues([
      { name: "small", value: new Uint8Array([1]) },
      { name: "big", value: new Uint8Array(65537).fill(0x41) },
      { name: longName, value: new Uint8Array([2]) },
      { name: "largest", value: new Uint8Array(65536).fill(7) },
    ]).catch((e) => e);
    assert.ok(error instanceof ValueRefusedError, String(error));
    assert.deepEqual(error.values.map((v) => v.name.slice(0, 5)), [
      "big",
      "nnnnn",
    ]);
    assert.ok(error.values[1]!.name.length <= 65, "a long name is shortened");
    assert.ok(!error.message.includes("n".repeat(100)));
    assert.match(error.message, /"big" \(its bytes are over 65536 bytes\)/);
    // The rest was stored; the long name was never; removing it is a no-op.
    assert.deepEqual(
      await session.storage.getValue("small"),
      new Uint8Array([1]),
    );
    assert.equal(await session.storage.getValue("big"), undefined);
    assert.equal(await session.storage.getValue(longName), undefined);
    await session.storage.setValues([{ name: longName, value: null }]);
    // Later writes and saves are not affected.
    await session.storage.setValues([
      { name: "later", value: new Uint8Array([3]) },
    ]);
    await session.save();
    await s.close();
    s = await store({}, path);
    session = await s.open("values");
    assert.deepEqual(
      (await session.storage.listValues()).map((v) => [v.name, v.value.length]),
      [["largest", 65536], ["later", 1], ["small", 1]],
    );
    await s.close();
  });

  it("a session stored before the whole session was kept opens with its data", async () => {
    // What an earlier version wrote: auth and a peer record without the
    // min and raw fields; no data center, key, value or reference.
    const path = freshPath();
    const kv = await openKv(path);
    await kv.atomic()
      .set(["mtsession", "old", "auth"], { dcId: 2, authKey: KEY })
      .set(["mtsession", "old", "peer", 9], {
        id: 9,
        type: "user",
        accessHash: 27n,
        usernames: ["nine"],
        phone: null,
        name: "Nine",
        updatedAt: 1_700_000_000,
      })
      .set(["mtsession", "old", "username", "nine"], 9)
      .set(["mtsession:sessions", "old"], { createdAt: 1_700_000_000 })
      .commit();
    kv.close();
    const s = await store({}, path);
    const session = await s.open("old");
    assert.deepEqual(session.authKey, KEY);
    assert.deepEqual(await session.storage.getDcs(), []);
    assert.deepEqual(await session.storage.listValues(), []);
    const nine = await session.storage.findPeer({
      by: "username",
      value: "nine",
    });
    assert.equal(nine?.accessHash, 27n);
    assert.equal("min" in nine!, false);
    assert.equal("raw" in nine!, false);
    await s.close();
  });
});

describe("Deno KV elsewhere", () => {
  it("openDenoKvStore() without Deno.openKv throws DenoKvUnavailableError", {
    skip: KV_SKIP ? false : "this runtime has Deno.openKv",
  }, async () => {
    const error = await openDenoKvStore(":memory:").catch((e) => e);
    assert.ok(error instanceof DenoKvUnavailableError, String(error));
    assert.equal(error.runtime, runtime);
    await assert.rejects(openDenoKvStore({} as DenoKvLike), TypeError);
  });
});
