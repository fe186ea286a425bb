// A session file's batched flush keeps one transaction open across its
// time slices (src/sqlite/_held_transaction.ts): reads and direct writes
// between slices see and keep what it wrote, a store's sessions (which
// share one connection) never hold one, a write that fails inside it loses
// nothing that was queued, and closing in the middle of a flush commits
// what the flush wrote. Real SQLite files, on every runtime.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  migrateSqlite,
  openSession,
  openSessionStore,
  type SqliteDatabase,
  SqliteStorage,
} from "../mod.ts";
import { driversHere } from "./_drivers.ts";
import { runtime } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-held-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// Ids scattered over the key space, as a client's are.
const idOf = (i: number): number => 1 + (i * 2_654_435_761) % 4_294_967_291;
const hashOf = (i: number, round = 0): bigint =>
  ((BigInt(i) + BigInt(round) * 7919n) * 0x9e3779b97f4a7c15n) % (2n ** 63n) -
  2n ** 62n;

const user = (i: number, round = 0): Record<string, unknown> => ({
  _: "user",
  id: idOf(i),
  accessHash: hashOf(i, round),
  firstName: `User ${i}`,
  ...(i % 3 === 0 ? {} : { username: `held_${i}` }),
});

const batchOf = (from: number, round = 0): Record<string, unknown>[] => {
  const out = [];
  for (let i = from; i < from + 100; i++) out.push(user(i, round));
  return out;
};

const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe(`a flush's held transaction (${runtime})`, () => {
  it("lookups and direct writes between slices see and keep what the flush wrote", async () => {
    const name = join(dir, "between");
    // A flush every 2000 waiting peers (the default), in slices.
    const s = await openSession(name);
    const N = 12_000;
    for (let i = 0; i < N; i += 100) {
      const writing = s.processEntities({ users: batchOf(i), chats: [] });
      // The batch that fills the queue starts a flush in slices: between
      // them, lookups of the last peer and of them all, and a write of our
      // own.
      if ((i + 100) % 2000 === 0) {
        for (let k = 0; k < 6; k++) {
          await turn();
          const peer = await s.getPeer(idOf(i + 99));
          assert.equal(peer?.accessHash, hashOf(i + 99));
          // Every peer given so far, whether committed, held or waiting.
          assert.equal(await s.countPeers(), i + 100);
          await s.setUpdateState({
            entityId: 0,
            pts: i + k,
            qts: 0,
            date: 1_700_000_000,
            seq: 1,
          });
        }
      }
      await writing;
      await turn();
    }
    await s.close();

    const again = await openSession(name);
    assert.equal(await again.countPeers(), N);
    for (const i of [0, 1, 999, 5000, N - 1]) {
      assert.equal((await again.getPeer(idOf(i)))?.accessHash, hashOf(i));
    }
    assert.equal((await again.getUpdateState(0))?.pts, 11_905);
    await again.close();
  });

  it("a store's sessions, flushing at once on their shared connection, keep every peer", async () => {
    const path = join(dir, "store.db");
    const store = await openSessionStore(path);
    const a = await store.open("a");
    const b = await store.open("b");
    const N = 8_000;
    for (let i = 0; i < N; i += 100) {
      // Both sessions' queues fill at the same pace: their flushes overlap.
      await Promise.all([
        a.processEntities({ users: batchOf(i), chats: [] }),
        b.processEntities({ users: batchOf(i, 1), chats: [] }),
      ]);
      await turn();
    }
    await Promise.all([a.save(), b.save()]);
    await store.close();

    const reopened = await openSessionStore(path);
    const a2 = await reopened.open("a");
    const b2 = await reopened.open("b");
    assert.equal(await a2.countPeers(), N);
    assert.equal(await b2.countPeers(), N);
    for (const i of [0, 2345, N - 1]) {
      assert.equal((await a2.getPeer(idOf(i)))?.accessHash, hashOf(i));
      assert.equal((await b2.getPeer(idOf(i)))?.accessHash, hashOf(i, 1));
    }
    await reopened.close();
  });

  for (const driver of driversHere()) {
    it(`a write that fails inside it (disk full) loses nothing queued, and later values still win (${driver.name})`, async () => {
      const path = join(dir, `full-${driver.name.replace(/\W/g, "_")}.session`);
      const db: SqliteDatabase = await driver.open(path);
      db.exec("PRAGMA journal_mode = WAL");
      migrateSqlite(db);
      const storage = new SqliteStorage(db, "s", {
        checkpointWal: true,
        ownConnection: true,
        onClose: () => db.close(),
      });
      const s = await openSession(storage);
      const pages = (): number =>
        Number(Object.values(db.prepare("PRAGMA page_count").get() ?? {})[0]);
      // Round 0 of the first 3000 peers, written.
      for (let i = 0; i < 3000; i += 100) {
        await s.processEntities({ users: batchOf(i), chats: [] });
      }
      await s.save();
      // The file may grow only a little: the next flush fails part-way, in
      // the middle of its held transaction.
      db.exec(`PRAGMA max_page_count = ${pages() + 8}`);
      // The first 3000 again with new hashes, then 3000 new peers: each
      // call queues its batch, whether or not the flush it starts fails.
      let refused: unknown;
      for (let i = 0; i < 6000; i += 100) {
        await s.processEntities({ users: batchOf(i, 1), chats: [] }).catch(
          (e: unknown) => {
            refused ??= e;
          },
        );
      }
      await s.save().catch((e: unknown) => {
        refused ??= e;
      });
      assert.ok(refused instanceof Error, "the full file refused the flush");
      assert.doesNotMatch(refused.message, /held|savepoint|mts_slice/i);
      // Room again: everything that was queued is still queued, in order.
      db.exec("PRAGMA max_page_count = 1073741823");
      await s.save();
      assert.equal(await s.countPeers(), 6000);
      for (const i of [0, 1500, 2999, 3000, 4500, 5999]) {
        assert.equal(
          (await s.getPeer(idOf(i)))?.accessHash,
          hashOf(i, 1),
          `peer ${i}`,
        );
      }
      await s.close();
      const check = await driver.open(path);
      const ok = check.prepare("PRAGMA integrity_check").get();
      const count = check.prepare("SELECT count(*) AS n FROM mts_peers").get();
      check.close();
      assert.equal(Object.values(ok ?? {})[0], "ok");
      assert.equal(Number(count?.n), 6000);
    });
  }

  it("closing while a flush is under way commits what it wrote and the rest", async () => {
    const name = join(dir, "close");
    const s = await openSession(name, {
      flushDelayMs: 60_000,
      maxBatch: 1_000_000,
    });
    const N = 10_000;
    for (let i = 0; i < N; i += 100) {
      await s.processEntities({ users: batchOf(i), chats: [] });
    }
    // One flush in slices, left running: the storage closes between its
    // slices (a session would wait for its save first).
    const flushing = s.storage.flush();
    for (let k = 0; k < 3; k++) await turn();
    await s.storage.close();
    await flushing.catch(() => {});
    const again = await openSession(name);
    assert.equal(await again.countPeers(), N);
    assert.equal((await again.getPeer(idOf(N - 1)))?.accessHash, hashOf(N - 1));
    await again.close();
  });
});
