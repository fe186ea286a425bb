// The storage conformance suite: every SessionStorage backend runs it.
// describeSessionStorage("memory", () => new MemoryStorage()) and so on.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type {
  CachedFile,
  PeerRecord,
  SessionStorage,
  UpdateState,
} from "../mod.ts";
import { Session, SessionClosedError } from "../mod.ts";
import { describeWholeSession, type Reopen } from "./_conformance_whole.ts";

const KEY = new Uint8Array(256).map((_, i) => (i * 7 + 3) & 0xff);

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

/**
 * Runs the shared storage contract against a backend. `reopen`, for a
 * backend that persists, closes a storage and opens the same place again:
 * the whole-session cases then read what they wrote after a restart.
 */
export function describeSessionStorage(
  name: string,
  make: () => Promise<SessionStorage> | SessionStorage,
  reopen?: Reopen,
): void {
  describe(`SessionStorage conformance: ${name}`, () => {
    const open: SessionStorage[] = [];
    const fresh = async (): Promise<SessionStorage> => {
      const s = await make();
      open.push(s);
      return s;
    };
    after(async () => {
      for (const s of open) await s.close().catch(() => {});
    });

    describeWholeSession(
      fresh,
      reopen === undefined ? undefined : async (
        closed,
      ) => {
        await closed.close();
        const s = await reopen(closed);
        open.push(s);
        return s;
      },
    );

    it("starts with every auth field null", async () => {
      const s = await fresh();
      assert.deepEqual(await s.getAuth(), {
        dcId: null,
        serverAddress: null,
        port: null,
        authKey: null,
        testMode: null,
        apiId: null,
        userId: null,
        isBot: null,
        date: null,
        takeoutId: null,
      });
    });

    it("round-trips every auth field exactly and patches partially", async () => {
      const s = await fresh();
      await s.setAuth({
        dcId: 4,
        serverAddress: "2001:67c:4e8:f004::a",
        port: 443,
        authKey: KEY,
        testMode: false,
        apiId: 12345,
        userId: 5_123_456_789,
        isBot: true,
        date: 1_700_000_000,
        takeoutId: -(2n ** 63n),
      });
      await s.setAuth({ port: 80, takeoutId: 2n ** 63n - 1n });
      const a = await s.getAuth();
      assert.equal(a.dcId, 4);
      assert.equal(a.serverAddress, "2001:67c:4e8:f004::a");
      assert.equal(a.port, 80);
      assert.deepEqual(a.authKey, KEY);
      assert.equal(a.testMode, false);
      assert.equal(a.apiId, 12345);
      assert.equal(a.userId, 5_123_456_789);
      assert.equal(a.isBot, true);
      assert.equal(a.date, 1_700_000_000);
      assert.equal(a.takeoutId, 2n ** 63n - 1n);
      await s.setAuth({ authKey: null });
      assert.equal((await s.getAuth()).authKey, null);
    });

    it("returns copies: changing a returned key or record changes nothing", async () => {
      const s = await fresh();
      const mine = KEY.slice();
      await s.setAuth({ authKey: mine });
      mine[0] = mine[0]! ^ 0xff;
      const got = (await s.getAuth()).authKey!;
      assert.deepEqual(got, KEY);
      got[1] = got[1]! ^ 0xff;
      assert.deepEqual((await s.getAuth()).authKey, KEY);
      await s.putPeers([peer({ id: 5, usernames: ["five"] })]);
      const p = (await s.findPeer({ by: "id", ids: [5] }))!;
      (p.usernames as string[]).push("hacked");
      p.name = "changed";
      const again = (await s.findPeer({ by: "id", ids: [5] }))!;
      assert.deepEqual(again.usernames, ["five"]);
      assert.equal(again.name, null);
    });

    it("keeps none of the caller's records: changing them after putPeers changes nothing", async () => {
      const s = await fresh();
      const given = peer({
        id: 6,
        usernames: ["six"],
        raw: new Uint8Array([6]),
      });
      const batch = [given, peer({ id: 7, usernames: ["seven", "siete"] })];
      await s.putPeers(batch);
      (given.usernames as string[]).push("hacked");
      (batch[1]!.usernames as string[])[0] = "hacked";
      given.raw![0] = 0;
      given.name = "changed";
      batch.length = 0;
      await s.flush();
      const six = await s.findPeer({ by: "id", ids: [6] });
      assert.deepEqual(six?.usernames, ["six"]);
      assert.equal(six?.name, null);
      assert.deepEqual(six?.raw, new Uint8Array([6]));
      assert.deepEqual(
        (await s.findPeer({ by: "id", ids: [7] }))?.usernames,
        ["seven", "siete"],
      );
      assert.equal(
        await s.findPeer({ by: "username", value: "hacked" }),
        undefined,
      );
    });

    it("keeps 64-bit access hashes and large ids exact", async () => {
      const s = await fresh();
      const cases: Array<[number, bigint]> = [
        [5_223_456_789, -(2n ** 63n)],
        [5_123_456_789, 2n ** 63n - 1n],
        [-1_002_876_543_210, 2n ** 53n + 1n],
        [2 ** 32 + 1, -(2n ** 53n) - 1n],
        [Number.MAX_SAFE_INTEGER - 1_000_000_000_001, -1n],
      ];
      await s.putPeers(
        cases.map(([id, accessHash]) => peer({ id, accessHash })),
      );
      for (const [id, accessHash] of cases) {
        const got = await s.findPeer({ by: "id", ids: [id] });
        assert.equal(got?.accessHash, accessHash, `hash of ${id}`);
        assert.equal(got?.id, id);
      }
      assert.equal(await s.countPeers(), cases.length);
    });

    it("finds by id in order of preference, username, phone and name", async () => {
      const s = await fresh();
      await s.putPeers([
        peer({
          id: 77,
          usernames: ["seven", "seven_alt"],
          phone: "15550001",
          name: "Lucky",
        }),
        peer({
          id: -1_000_000_000_077,
          type: "channel",
          usernames: ["chan"],
          name: "Chan",
        }),
        peer({ id: -77, type: "chat", accessHash: 0n, name: "Group" }),
      ]);
      assert.equal(
        (await s.findPeer({ by: "id", ids: [1, -77, 77] }))?.id,
        -77,
      );
      assert.equal(await s.findPeer({ by: "id", ids: [78, 79] }), undefined);
      assert.equal(
        (await s.findPeer({ by: "username", value: "seven_alt" }))?.id,
        77,
      );
      assert.equal(
        (await s.findPeer({ by: "username", value: "chan" }))?.id,
        -1_000_000_000_077,
      );
      assert.equal(
        (await s.findPeer({ by: "phone", value: "15550001" }))?.id,
        77,
      );
      assert.equal((await s.findPeer({ by: "name", value: "Group" }))?.id, -77);
      assert.equal(await s.findPeer({ by: "name", value: "group" }), undefined);
      assert.equal(
        await s.findPeer({ by: "username", value: "nobody" }),
        undefined,
      );
    });

    it("merges: the latest write wins, null phone and name keep known values", async () => {
      const s = await fresh();
      await s.putPeers([
        peer({
          id: 9,
          accessHash: 1n,
          usernames: ["old"],
          phone: "123",
          name: "Nine",
        }),
      ]);
      await s.putPeers([
        peer({
          id: 9,
          type: "bot",
          accessHash: 2n,
          usernames: ["new"],
          phone: null,
          name: null,
          updatedAt: 1_800_000_000,
        }),
      ]);
      const got = await s.findPeer({ by: "id", ids: [9] });
      assert.deepEqual(got, {
        id: 9,
        type: "bot",
        accessHash: 2n,
        usernames: ["new"],
        phone: "123",
        name: "Nine",
        updatedAt: 1_800_000_000,
      });
      assert.equal(
        await s.findPeer({ by: "username", value: "old" }),
        undefined,
      );
      assert.equal((await s.findPeer({ by: "phone", value: "123" }))?.id, 9);
    });

    it("moves a username or phone to the latest peer that carries it", async () => {
      const s = await fresh();
      await s.putPeers([
        peer({ id: 1, usernames: ["shared", "mine"], phone: "100" }),
        peer({
          id: 2,
          usernames: ["shared"],
          phone: "100",
          updatedAt: 1_700_000_010,
        }),
      ]);
      assert.equal(
        (await s.findPeer({ by: "username", value: "shared" }))?.id,
        2,
      );
      assert.equal((await s.findPeer({ by: "phone", value: "100" }))?.id, 2);
      const first = await s.findPeer({ by: "id", ids: [1] });
      assert.deepEqual(first?.usernames, ["mine"]);
      assert.equal(first?.phone, null);
      assert.equal(
        (await s.findPeer({ by: "username", value: "mine" }))?.id,
        1,
      );
    });

    it("renaming drops the old name from the name index", async () => {
      const s = await fresh();
      await s.putPeers([peer({ id: 3, name: "Before" })]);
      await s.putPeers([peer({ id: 3, name: "After" })]);
      assert.equal(
        await s.findPeer({ by: "name", value: "Before" }),
        undefined,
      );
      assert.equal((await s.findPeer({ by: "name", value: "After" }))?.id, 3);
    });

    it("lists and deletes peers", async () => {
      const s = await fresh();
      await s.putPeers([
        peer({ id: 1, usernames: ["a"] }),
        peer({ id: 2 }),
        peer({ id: 3 }),
      ]);
      await s.deletePeers([1, 3, 999]);
      assert.deepEqual((await s.listPeers()).map((p) => p.id), [2]);
      assert.equal(await s.findPeer({ by: "username", value: "a" }), undefined);
      assert.equal(await s.countPeers(), 1);
    });

    it("stores, replaces and deletes update states", async () => {
      const s = await fresh();
      const states: UpdateState[] = [
        { entityId: 0, pts: 12345, qts: 67, date: 1_699_999_200, seq: 890 },
        {
          entityId: -1_001_876_543_210,
          pts: 4321,
          qts: 0,
          date: 1_699_999_200.5,
          seq: 0,
        },
      ];
      await s.putUpdateStates(states);
      await s.putUpdateStates([{ ...states[0]!, pts: 12346 }]);
      const got = (await s.getUpdateStates()).sort((a, b) =>
        a.entityId - b.entityId
      );
      assert.deepEqual(got, [states[1], { ...states[0]!, pts: 12346 }]);
      await s.deleteUpdateStates([0]);
      assert.deepEqual(await s.getUpdateStates(), [states[1]]);
    });

    it("caches files by md5, size and type", async () => {
      const s = await fresh();
      const md5 = new Uint8Array(16).map((_, i) => 255 - i);
      const photo: CachedFile = {
        md5,
        size: 29,
        type: "photo",
        id: 5_000_000_000_000_000_001n,
        accessHash: -(2n ** 63n),
      };
      const doc: CachedFile = {
        md5,
        size: 29,
        type: "document",
        id: 6n,
        accessHash: 2n ** 63n - 1n,
      };
      await s.putFiles([photo, doc]);
      assert.deepEqual(await s.getFile(md5.slice(), 29, "photo"), photo);
      assert.deepEqual(await s.getFile(md5, 29, "document"), doc);
      assert.equal(await s.getFile(md5, 30, "photo"), undefined);
      assert.equal((await s.listFiles()).length, 2);
      await s.putFiles([{ ...photo, id: 7n }]);
      assert.equal((await s.getFile(md5, 29, "photo"))?.id, 7n);
    });

    it("flushes, then refuses use after close", async () => {
      const s = await make();
      await s.setAuth({ dcId: 2 });
      await s.flush();
      await s.close();
      await assert.rejects(s.getAuth(), SessionClosedError);
      await assert.rejects(s.putPeers([peer({ id: 1 })]), SessionClosedError);
    });

    it("destroy forgets everything", async () => {
      const s = await make();
      await s.setAuth({ dcId: 2, authKey: KEY });
      await s.putPeers([peer({ id: 1 })]);
      await s.destroy();
      await assert.rejects(s.getAuth(), SessionClosedError);
    });

    // Values no backend may choke on. Through a Session, as clients write:
    // what one backend could not hold is normalised the same way for all
    // (README, "What is cached"), so every backend stores every peer.
    describe("odd values: every peer lands, normalised alike", () => {
      const HIGH = "\ud83d"; // a high surrogate with no low one after it
      const LOW = "\ude00"; // a low surrogate with no high one before it
      const odd = [
        { id: 9001, name: "a".repeat(60_000) },
        { id: 9002, name: "b".repeat(100_000) },
        { id: 9003, name: "nul\u0000inside" },
        { id: 9004, name: `lone ${HIGH} high` },
        { id: 9005, name: `lone ${LOW} low` },
        { id: 9006, name: `ends high ${HIGH}` },
        { id: 9007, name: `ends low ${LOW}` },
        { id: 9008, name: `pair \ud83d\ude00 kept` },
      ];
      // The rule, written out here independently of the library's code.
      const expected = (name: string): string => {
        let out = "";
        for (let i = 0; i < name.length; i++) {
          const c = name.charCodeAt(i);
          const next = name.charCodeAt(i + 1);
          if (c === 0) out += "\ufffd";
          else if (c >= 0xd800 && c <= 0xdbff) {
            if (next >= 0xdc00 && next <= 0xdfff) {
              out += name[i]! + name[i + 1]!;
              i++;
            } else out += "\ufffd";
          } else if (c >= 0xdc00 && c <= 0xdfff) out += "\ufffd";
          else out += name[i]!;
        }
        if (out.length <= 256) return out;
        const cut =
          out.charCodeAt(255) >= 0xd800 && out.charCodeAt(255) <= 0xdbff
            ? 255
            : 256;
        return out.slice(0, cut);
      };
      const user = (id: number, over: Record<string, unknown>) => ({
        _: "user",
        id,
        accessHash: BigInt(id) * 7n,
        ...over,
      });

      it("names: NUL and lone surrogates become U+FFFD, long ones are cut", async () => {
        const session = await Session.open(await fresh());
        await session.processEntities([
          user(1, { firstName: "before" }),
          ...odd.map((o) => user(o.id, { firstName: o.name })),
          user(2, { firstName: "after" }),
        ]);
        await session.save();
        for (const o of odd) {
          const got = await session.getPeer(o.id);
          assert.equal(got?.name, expected(o.name), `peer ${o.id}`);
          assert.equal(got?.accessHash, BigInt(o.id) * 7n);
        }
        assert.equal((await session.getPeer(1))?.name, "before");
        assert.equal((await session.getPeer(2))?.name, "after");
        assert.equal(await session.countPeers(), odd.length + 2);
        // Later writes land too.
        await session.processEntities(user(3, { firstName: "later" }));
        await session.save();
        assert.equal((await session.getPeer(3))?.name, "later");
        await session.close();
      });

      it("usernames: odd text normalised, the first 64 kept, none over 64 characters", async () => {
        const session = await Session.open(await fresh());
        const many = Array.from({ length: 5000 }, (_, i) => ({
          _: "username",
          username: `name_${i}`,
        }));
        await session.processEntities([
          user(11, { username: `nul\u0000${HIGH}`, usernames: many }),
          user(12, { username: "x".repeat(65) }),
          user(13, { username: "fine_one" }),
        ]);
        await session.save();
        const p11 = await session.getPeer(11);
        assert.equal(p11?.usernames.length, 64);
        assert.equal(p11?.usernames[0], "nul\ufffd\ufffd");
        assert.equal(p11?.usernames[63], "name_62");
        assert.equal((await session.getPeer("@name_62"))?.id, 11);
        assert.equal(await session.getPeer("@name_63"), undefined);
        assert.deepEqual((await session.getPeer(12))?.usernames, []);
        assert.equal((await session.getPeer("@fine_one"))?.id, 13);
        await session.close();
      });
    });
  });
}
