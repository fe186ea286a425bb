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
import { type PeerRecord, SessionInUseError } from "../mod.ts";
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
  describeSessionStorage("deno-kv", async () => {
    conformance ??= store({ flushDelayMs: 5 });
    return (await (await conformance).open(`conformance-${n++}`)).storage;
  });
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
