import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MemoryStorage,
  openSession,
  type PeerLookup,
  type PeerRecord,
  SessionClosedError,
} from "../mod.ts";
import { PeerIndex } from "../src/peers/_peer_index.ts";
import { describeSessionStorage } from "./_conformance.ts";
import { int, pick, seeded } from "./_random.ts";

describeSessionStorage("memory", () => new MemoryStorage());

function peer(over: Partial<PeerRecord> & { id: number }): PeerRecord {
  return {
    type: "user",
    accessHash: 1n,
    usernames: [],
    phone: null,
    name: null,
    updatedAt: 1_700_000_000,
    ...over,
  };
}

describe("MemoryStorage", () => {
  it("keeps nothing of the caller's records: changing one after putPeers changes nothing", async () => {
    const s = new MemoryStorage();
    const mine = peer({ id: 5, usernames: ["five"] });
    const bytes = peer({ id: 6, raw: new Uint8Array([1]) });
    await s.putPeers([mine, bytes]);
    (mine.usernames as string[]).push("hacked");
    bytes.raw![0] = 9;
    mine.name = "changed";
    const got = await s.findPeer({ by: "id", ids: [5] });
    assert.deepEqual(got?.usernames, ["five"]);
    assert.equal(got?.name, null);
    assert.deepEqual(
      (await s.findPeer({ by: "id", ids: [6] }))?.raw,
      new Uint8Array([1]),
    );
    assert.equal(
      await s.findPeer({ by: "username", value: "hacked" }),
      undefined,
    );
  });

  it("hands a session copies: changing what getPeer returns changes nothing", async () => {
    const session = await openSession(new MemoryStorage());
    await session.processEntities({
      _: "user",
      id: 7,
      accessHash: 3n,
      username: "seven",
      firstName: "Sev",
    });
    const got = (await session.getPeer(7))!;
    (got.usernames as string[]).push("hacked");
    got.accessHash = 99n;
    assert.deepEqual(await session.getInputPeer(7), {
      _: "inputPeerUser",
      userId: 7,
      accessHash: 3n,
    });
    assert.deepEqual((await session.getPeer("@seven"))?.usernames, ["seven"]);
    await session.close();
  });

  it("a subclass that changes findPeer or putPeers is asked through them", async () => {
    const calls: string[] = [];
    class Logged extends MemoryStorage {
      override findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
        calls.push(`find ${lookup.by}`);
        return super.findPeer(lookup);
      }
      override putPeers(records: readonly PeerRecord[]): Promise<void> {
        calls.push(`put ${records.length}`);
        return super.putPeers(records);
      }
    }
    const session = await openSession(new Logged());
    await session.processEntities({ _: "user", id: 1, accessHash: 1n });
    assert.equal((await session.getInputPeer(1))._, "inputPeerUser");
    assert.equal(await session.getPeer("@nobody_here"), undefined);
    assert.deepEqual(calls, [
      "put 1",
      "find id",
      "find username",
      "find name",
    ]);
  });

  it("a session over a closed storage rejects lookups and writes", async () => {
    const storage = new MemoryStorage();
    const session = await openSession(storage);
    await session.processEntities({ _: "user", id: 1, accessHash: 1n });
    await storage.close();
    await assert.rejects(session.getInputPeer(1), SessionClosedError);
    await assert.rejects(session.getPeer(1), SessionClosedError);
    await assert.rejects(
      session.processEntities({ _: "user", id: 2, accessHash: 1n }),
      SessionClosedError,
    );
    // Rejections, never throws.
    const p = session.getInputPeer("@x");
    assert.ok(p instanceof Promise);
    await assert.rejects(p, SessionClosedError);
  });

  it("finds by name the latest peer written with it, however writes, rewrites and deletes interleave with lookups", async () => {
    const ids = [1, 2, 3, 4, -5, -1_000_000_000_006];
    const names = ["Ann", "Bob", "Team"];
    for (let seed = 1; seed <= 40; seed++) {
      const rand = seeded(seed);
      const s = new MemoryStorage();
      // The model: each peer's name, in order of last write.
      let order: Array<{ id: number; name: string | null }> = [];
      const nameOf = (id: number) => order.find((p) => p.id === id)?.name;
      for (let step = 0; step < 60; step++) {
        const what = rand();
        if (what < 0.6) {
          const id = pick(rand, ids);
          // Few times and names: the same record comes again, unchanged.
          const name = rand() < 0.2 ? null : pick(rand, names);
          await s.putPeers([
            peer({ id, name, updatedAt: int(rand, 1, 2) }),
          ]);
          const kept = name ?? nameOf(id) ?? null;
          order = order.filter((p) => p.id !== id);
          order.push({ id, name: kept });
        } else if (what < 0.75) {
          const id = pick(rand, ids);
          await s.deletePeers([id]);
          order = order.filter((p) => p.id !== id);
        } else {
          const name = pick(rand, names);
          const want = order.filter((p) => p.name === name).at(-1)?.id;
          const got = await s.findPeer({ by: "name", value: name });
          assert.equal(got?.id, want, `seed ${seed}, step ${step}: ${name}`);
          if (got !== undefined) assert.equal(got.name, name);
        }
      }
      for (const name of names) {
        const want = order.filter((p) => p.name === name).at(-1)?.id;
        assert.equal(
          (await s.findPeer({ by: "name", value: name }))?.id,
          want,
          `seed ${seed}: ${name} at the end`,
        );
      }
    }
  });

  it("stores owned records (processEntities' way, a fast path for new peers) as the merge rules store copies", () => {
    // Few ids, usernames and phones: new peers, known ones, and peers that
    // take a username or phone from another, in every order.
    const ids = [1, 2, 3, -4, -1_000_000_000_005, 6];
    const usernames = ["a", "b", "c", "d"];
    const phones = ["1", "2", "3"];
    const names = ["Ann", "Bob"];
    for (let seed = 1; seed <= 60; seed++) {
      const rand = seeded(seed);
      const owned = new PeerIndex();
      const copied = new PeerIndex();
      for (let step = 0; step < 80; step++) {
        const what = rand();
        if (what < 0.1) {
          const id = pick(rand, ids);
          owned.delete([id]);
          copied.delete([id]);
          continue;
        }
        if (what < 0.15) {
          // The name index built midway, and kept from then on.
          const name = pick(rand, names);
          assert.deepEqual(owned.byName(name), copied.byName(name));
          continue;
        }
        const list: string[] = [];
        for (let i = int(rand, 0, 2); i > 0; i--) {
          list.push(pick(rand, usernames));
        }
        const make = (): PeerRecord =>
          peer({
            id: pick(rand, ids),
            accessHash: BigInt(int(rand, 1, 3)),
            usernames: [...list],
            phone: rand() < 0.5 ? pick(rand, phones) : null,
            name: rand() < 0.3 ? null : pick(rand, names),
            updatedAt: int(rand, 1, 2),
            ...(rand() < 0.1 ? { min: true } : {}),
          });
        const record = make();
        owned.putOne({ ...record, usernames: [...record.usernames] }, true);
        copied.putOne(record);
      }
      const at = `seed ${seed}`;
      assert.deepEqual([...owned.values()], [...copied.values()], at);
      for (const u of usernames) {
        assert.deepEqual(owned.byUsername(u), copied.byUsername(u), at);
      }
      for (const p of phones) {
        assert.deepEqual(owned.byPhone(p), copied.byPhone(p), at);
      }
      for (const n of names) {
        assert.deepEqual(owned.byName(n), copied.byName(n), at);
      }
    }
  });
});
