// The "whole session" part of the storage conformance suite: data centers,
// the keys of other DCs, temporary keys, client values, message references,
// min peers and the client's own peer bytes. Each case writes, then reads
// back from a reopened storage where the backend can reopen (what a client
// gave us to store must survive a restart), else from the same one.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DataCenter, PeerRecord, SessionStorage } from "../mod.ts";

/** Closes a storage and opens the same place again. */
export type Reopen = (closed: SessionStorage) => Promise<SessionStorage>;

const key = (seed: number): Uint8Array =>
  new Uint8Array(256).map((_, i) => (i * 13 + seed) & 0xff);

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

const DCS: DataCenter[] = [
  {
    id: 2,
    testMode: false,
    mediaOnly: false,
    ipv4: "149.154.167.51",
    ipv6: "2001:67c:4e8:f002::a",
    port: 443,
  },
  {
    id: 2,
    testMode: false,
    mediaOnly: true,
    ipv4: "149.154.167.151",
    ipv6: "2001:67c:4e8:f002::b",
    port: 443,
  },
  {
    id: 4,
    testMode: false,
    mediaOnly: false,
    ipv4: "149.154.167.91",
    ipv6: null,
    port: 80,
  },
  {
    id: 1,
    testMode: true,
    mediaOnly: false,
    ipv4: null,
    ipv6: "2001:b28:f23d:f001::e",
    port: 443,
  },
];

/**
 * Runs the whole-session cases; `fresh` opens a new, empty storage (closed
 * by the caller's suite), `reopen` (when the backend persists) closes one
 * and opens the same place.
 */
export function describeWholeSession(
  fresh: () => Promise<SessionStorage>,
  reopen?: Reopen,
): void {
  const again = async (s: SessionStorage): Promise<SessionStorage> => {
    if (reopen === undefined) return s;
    await s.flush();
    return await reopen(s);
  };

  describe("the whole session", () => {
    it("starts with no data center, key, value or reference", async () => {
      const s = await fresh();
      assert.deepEqual(await s.getDcs(), []);
      assert.deepEqual(await s.getAuthKeys(), []);
      assert.deepEqual(await s.getTempAuthKeys(0), []);
      assert.deepEqual(await s.listValues(), []);
      assert.equal(await s.getValue("dc_media"), undefined);
      assert.deepEqual(await s.listMessageRefs(), []);
      assert.deepEqual(await s.getMessageRefs(5), []);
    });

    it("keeps every data center, in order, and replaces the list", async () => {
      let s = await fresh();
      await s.setDcs(DCS);
      s = await again(s);
      assert.deepEqual(await s.getDcs(), DCS);
      const two: DataCenter[] = [DCS[3]!, {
        ...DCS[0]!,
        port: 5222,
        ipv6: null,
      }];
      await s.setDcs(two);
      s = await again(s);
      assert.deepEqual(await s.getDcs(), two);
      await s.setDcs([]);
      assert.deepEqual(await s.getDcs(), []);
    });

    it("keeps the keys of other DCs exactly, by DC, and removes them", async () => {
      let s = await fresh();
      await s.setAuthKeys([
        { dcId: 4, key: key(4) },
        { dcId: 1, key: key(1) },
        { dcId: 5, key: key(5) },
      ]);
      s = await again(s);
      assert.deepEqual(await s.getAuthKeys(), [
        { dcId: 1, key: key(1) },
        { dcId: 4, key: key(4) },
        { dcId: 5, key: key(5) },
      ]);
      await s.setAuthKeys([
        { dcId: 4, key: null },
        { dcId: 1, key: key(9) },
        { dcId: 3, key: null }, // unknown: nothing to remove
      ]);
      s = await again(s);
      assert.deepEqual(await s.getAuthKeys(), [
        { dcId: 1, key: key(9) },
        { dcId: 5, key: key(5) },
      ]);
      // What a caller gets is a copy.
      const [first] = await s.getAuthKeys();
      first!.key.fill(0);
      assert.deepEqual((await s.getAuthKeys())[0]?.key, key(9));
    });

    it("keeps temporary keys per DC and index, and never returns an expired one", async () => {
      let s = await fresh();
      const now = 1_700_000_000_000;
      await s.setTempAuthKeys([
        { dcId: 4, index: 1, key: key(41), expiresAt: now + 86_400_000 },
        { dcId: 2, index: 0, key: key(20), expiresAt: now + 60_000 },
        { dcId: 2, index: 1, key: key(21), expiresAt: now - 1 },
        { dcId: 4, index: 0, key: key(40), expiresAt: now },
      ]);
      s = await again(s);
      assert.deepEqual(await s.getTempAuthKeys(now), [
        { dcId: 2, index: 0, key: key(20), expiresAt: now + 60_000 },
        { dcId: 4, index: 1, key: key(41), expiresAt: now + 86_400_000 },
      ]);
      // Later, the shorter one has expired too; a read with a clock ahead
      // deletes nothing.
      assert.deepEqual(
        (await s.getTempAuthKeys(now + 60_000)).map((k) => k.dcId),
        [4],
      );
      assert.equal((await s.getTempAuthKeys(now)).length, 2);
      await s.setTempAuthKeys([
        { dcId: 4, index: 1, key: null, expiresAt: 0 },
        { dcId: 2, index: 0, key: key(22), expiresAt: now + 120_000 },
      ]);
      s = await again(s);
      assert.deepEqual(await s.getTempAuthKeys(now), [
        { dcId: 2, index: 0, key: key(22), expiresAt: now + 120_000 },
      ]);
    });

    it("keeps client values as bytes, by name, and removes them", async () => {
      let s = await fresh();
      const media = new Uint8Array([1, 0, 255, 7]);
      const salts = new Uint8Array(8 * 64).map((_, i) => i & 0xff);
      await s.setValues([
        { name: "salts:2", value: salts },
        { name: "dc_media", value: media },
        { name: "empty", value: new Uint8Array(0) },
        { name: "ключ 🗝", value: new Uint8Array([42]) },
      ]);
      s = await again(s);
      assert.deepEqual(await s.getValue("dc_media"), media);
      assert.deepEqual(await s.getValue("salts:2"), salts);
      assert.deepEqual(await s.getValue("empty"), new Uint8Array(0));
      assert.deepEqual(await s.getValue("ключ 🗝"), new Uint8Array([42]));
      assert.equal(await s.getValue("salts:4"), undefined);
      assert.deepEqual(
        (await s.listValues()).map((v) => v.name),
        ["dc_media", "empty", "salts:2", "ключ 🗝"],
      );
      await s.setValues([
        { name: "salts:2", value: null },
        { name: "dc_media", value: new Uint8Array([9]) },
      ]);
      s = await again(s);
      assert.equal(await s.getValue("salts:2"), undefined);
      assert.deepEqual(await s.getValue("dc_media"), new Uint8Array([9]));
      const got = await s.getValue("dc_media");
      got!.fill(0);
      assert.deepEqual(await s.getValue("dc_media"), new Uint8Array([9]));
    });

    it("keeps message references, oldest first, and deletes them by peer, message or all", async () => {
      let s = await fresh();
      const channel = -1_002_147_483_650;
      await s.putMessageRefs([
        { peerId: 7, chatId: channel, messageId: 10 },
        { peerId: 7, chatId: -42, messageId: 3 },
        { peerId: 8, chatId: channel, messageId: 10 },
        { peerId: 7, chatId: channel, messageId: 10 }, // already there
        { peerId: 9_000_000_001, chatId: channel, messageId: 2 ** 31 - 1 },
      ]);
      s = await again(s);
      assert.deepEqual(await s.getMessageRefs(7), [
        { peerId: 7, chatId: channel, messageId: 10 },
        { peerId: 7, chatId: -42, messageId: 3 },
      ]);
      assert.deepEqual(await s.getMessageRefs(9_000_000_001), [
        { peerId: 9_000_000_001, chatId: channel, messageId: 2 ** 31 - 1 },
      ]);
      assert.equal((await s.listMessageRefs()).length, 4);
      // The message was deleted: no peer may be reached through it.
      await s.deleteMessageRefs({ chatId: channel, messageIds: [10, 11] });
      s = await again(s);
      assert.deepEqual(await s.getMessageRefs(7), [
        { peerId: 7, chatId: -42, messageId: 3 },
      ]);
      assert.deepEqual(await s.getMessageRefs(8), []);
      await s.deleteMessageRefs({ peerIds: [7] });
      assert.deepEqual(await s.getMessageRefs(7), []);
      assert.equal((await s.listMessageRefs()).length, 1);
      await s.deleteMessageRefs({ all: true });
      s = await again(s);
      assert.deepEqual(await s.listMessageRefs(), []);
    });

    it("a min peer never replaces a full one; a full one replaces a min one", async () => {
      let s = await fresh();
      await s.putPeers([
        peer({ id: 1, accessHash: 11n, name: "Full", usernames: ["full"] }),
        peer({ id: 2, accessHash: 22n, name: "Min", min: true }),
      ]);
      await s.putPeers([
        peer({ id: 1, accessHash: 99n, name: "Other", min: true }),
      ]);
      s = await again(s);
      const one = await s.findPeer({ by: "id", ids: [1] });
      assert.equal(one?.accessHash, 11n);
      assert.equal(one?.name, "Full");
      assert.equal(one?.min, undefined);
      assert.equal(
        (await s.findPeer({ by: "username", value: "full" }))?.id,
        1,
      );
      const two = await s.findPeer({ by: "id", ids: [2] });
      assert.equal(two?.min, true);
      assert.equal(two?.accessHash, 22n);
      await s.putPeers([peer({ id: 2, accessHash: 23n, name: "Now full" })]);
      s = await again(s);
      const full = await s.findPeer({ by: "id", ids: [2] });
      assert.equal(full?.min, undefined);
      assert.equal(full?.accessHash, 23n);
      // A min record of a min peer updates it.
      await s.putPeers([peer({ id: 3, min: true, name: "a" })]);
      await s.putPeers([peer({ id: 3, min: true, name: "b", accessHash: 5n })]);
      s = await again(s);
      const three = await s.findPeer({ by: "id", ids: [3] });
      assert.equal(three?.name, "b");
      assert.equal(three?.min, true);
    });

    it("keeps a client's own peer bytes exactly; a record without them keeps the known ones", async () => {
      let s = await fresh();
      const raw = new Uint8Array(300).map((_, i) => (i * 31) & 0xff);
      await s.putPeers([peer({ id: 5, raw }), peer({ id: 6 })]);
      s = await again(s);
      assert.deepEqual((await s.findPeer({ by: "id", ids: [5] }))?.raw, raw);
      assert.equal((await s.findPeer({ by: "id", ids: [6] }))?.raw, undefined);
      await s.putPeers([peer({ id: 5, accessHash: 2n })]);
      s = await again(s);
      const kept = await s.findPeer({ by: "id", ids: [5] });
      assert.equal(kept?.accessHash, 2n);
      assert.deepEqual(kept?.raw, raw);
      const other = new Uint8Array([1, 2, 3]);
      await s.putPeers([peer({ id: 5, raw: other })]);
      s = await again(s);
      const listed = (await s.listPeers()).find((p) => p.id === 5);
      assert.deepEqual(listed?.raw, other);
      listed!.raw!.fill(0);
      assert.deepEqual((await s.findPeer({ by: "id", ids: [5] }))?.raw, other);
    });

    it("destroy forgets the whole session", async () => {
      const s = await fresh();
      await s.setDcs(DCS);
      await s.setAuthKeys([{ dcId: 4, key: key(4) }]);
      await s.setValues([{ name: "dc_media", value: new Uint8Array([1]) }]);
      await s.destroy();
      await assert.rejects(s.getDcs());
      await assert.rejects(s.getAuthKeys());
    });
  });
}
