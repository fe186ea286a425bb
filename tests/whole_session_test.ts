// The whole session through the Session API: data centers, every DC's key,
// switching DCs, temporary keys, client values, message references and min
// peers, on a memory session (every storage runs the storage-level cases
// in the conformance suite).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  type DataCenter,
  MemoryStorage,
  openSession,
  PeerNotFoundError,
  Session,
} from "../mod.ts";

const key = (seed: number): Uint8Array =>
  new Uint8Array(256).map((_, i) => (i * 17 + seed) & 0xff);
const hex = (b: Uint8Array): string =>
  [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

const DC4: DataCenter = {
  id: 4,
  testMode: false,
  mediaOnly: false,
  ipv4: "149.154.167.91",
  ipv6: "2001:67c:4e8:f004::a",
  port: 443,
};

describe("Session: the whole session", () => {
  it("keeps every DC's key; the main DC's is authKey", async () => {
    await using s = await openSession(":memory:");
    await s.setDc(2, "149.154.167.51", 443);
    await s.setAuthKeyFor(2, key(2));
    await s.setAuthKeyFor(4, key(4));
    await s.setAuthKeyFor(1, key(1));
    assert.deepEqual(s.authKey, key(2));
    assert.deepEqual(s.authKeyFor(4), key(4));
    assert.equal(s.authKeyFor(5), null);
    assert.deepEqual(s.authKeys().map((k) => k.dcId), [1, 2, 4]);
    await s.setAuthKeyFor(1, null);
    assert.deepEqual(s.authKeys().map((k) => k.dcId), [2, 4]);
    // The storage holds the other DCs' keys only.
    assert.deepEqual(
      (await s.storage.getAuthKeys()).map((k) => k.dcId),
      [4],
    );
  });

  it("switchDc makes another DC the main one and keeps the old key", async () => {
    await using s = await openSession(":memory:");
    await s.putDataCenter(DC4);
    await s.setDc(2, "149.154.167.51", 443);
    await s.setAuthKey(key(2));
    await s.setAuthKeyFor(4, key(4));
    await s.switchDc(4);
    assert.equal(s.dcId, 4);
    assert.equal(s.serverAddress, "149.154.167.91");
    assert.equal(s.port, 443);
    assert.deepEqual(s.authKey, key(4));
    assert.deepEqual(s.authKeyFor(2), key(2));
    assert.deepEqual(
      (await s.storage.getAuthKeys()).map((k) => k.dcId),
      [2],
    );
    // A DC with no key and no entry: the address comes from the table.
    await s.switchDc(5);
    assert.equal(s.dcId, 5);
    assert.equal(s.authKey, null);
    assert.equal(typeof s.serverAddress, "string");
    assert.deepEqual(s.authKeys().map((k) => k.dcId), [2, 4]);
  });

  it("checks data centers: one per id and kind, real ports and addresses", async () => {
    await using s = await openSession(":memory:");
    await assert.rejects(s.setDataCenters([DC4, { ...DC4 }]), RangeError);
    await assert.rejects(s.putDataCenter({ ...DC4, port: 0 }), RangeError);
    await assert.rejects(s.putDataCenter({ ...DC4, id: 0 }), RangeError);
    await assert.rejects(
      s.putDataCenter({ ...DC4, ipv4: "a b" }),
      TypeError,
    );
    await s.putDataCenter(DC4);
    await s.putDataCenter({ ...DC4, mediaOnly: true, port: 80 });
    await s.putDataCenter({ ...DC4, port: 5222 });
    assert.deepEqual(s.dataCenters.map((d) => [d.mediaOnly, d.port]), [
      [false, 5222],
      [true, 80],
    ]);
  });

  it("temporary keys expire; the default clock is Date.now()", async () => {
    await using s = await openSession(":memory:");
    await s.setTempAuthKey(2, 0, key(20), Date.now() + 60_000);
    await s.setTempAuthKey(2, 1, key(21), Date.now() - 1);
    await s.setTempAuthKey(4, 0, key(40), Date.now() + 60_000);
    assert.deepEqual(await s.getTempAuthKey(2, 0), key(20));
    assert.equal(await s.getTempAuthKey(2, 1), null);
    assert.equal(await s.getTempAuthKey(2, 0, Date.now() + 120_000), null);
    await s.deleteTempAuthKeys(2);
    assert.deepEqual((await s.tempAuthKeys()).map((k) => k.dcId), [4]);
    await assert.rejects(s.setTempAuthKey(2, -1, key(1), 5), RangeError);
    await assert.rejects(
      s.setTempAuthKey(2, 0, new Uint8Array(10), 5),
      RangeError,
    );
  });

  it("client values: bytes by name, names checked, size bounded", async () => {
    await using s = await openSession(":memory:");
    await s.setValue("dc_media", new Uint8Array([4, 1]));
    assert.deepEqual(await s.getValue("dc_media"), new Uint8Array([4, 1]));
    await s.setValue("dc_media", null);
    assert.equal(await s.getValue("dc_media"), undefined);
    await assert.rejects(s.setValue("", new Uint8Array(1)), RangeError);
    await assert.rejects(s.setValue("a\u0000b", new Uint8Array(1)), TypeError);
    await assert.rejects(s.setValue("\ud800", new Uint8Array(1)), TypeError);
    await assert.rejects(
      s.setValue("big", new Uint8Array((1 << 20) + 1)),
      RangeError,
    );
    // @ts-expect-error: a string is not bytes
    await assert.rejects(s.setValue("text", "abc"), TypeError);
  });

  it("a min peer is addressed through the message it was seen in", async () => {
    await using s = await openSession(":memory:");
    const channel = -1_001_234_567_890;
    await s.putPeers([
      {
        id: channel,
        type: "supergroup",
        accessHash: 77n,
        usernames: [],
        phone: null,
        name: "Group",
        updatedAt: 1,
      },
      {
        id: 555,
        type: "user",
        accessHash: 9n,
        usernames: ["minnie"],
        phone: null,
        name: "Min",
        updatedAt: 1,
        min: true,
      },
    ]);
    await assert.rejects(s.getInputPeer(555), PeerNotFoundError);
    await s.putMessageRef({ peerId: 555, chatId: channel, messageId: 42 });
    assert.deepEqual(await s.getInputPeer("@minnie"), {
      _: "inputPeerUserFromMessage",
      peer: {
        _: "inputPeerChannel",
        channelId: 1_234_567_890,
        accessHash: 77n,
      },
      msgId: 42,
      userId: 555,
    });
    assert.deepEqual(await s.getMessageRef(555), {
      peerId: 555,
      chatId: channel,
      messageId: 42,
    });
    // Once the peer is seen in full, its own hash is used.
    await s.putPeers([{
      id: 555,
      type: "user",
      accessHash: 10n,
      usernames: ["minnie"],
      phone: null,
      name: "Min",
      updatedAt: 2,
    }]);
    assert.deepEqual(await s.getInputPeer(555), {
      _: "inputPeerUser",
      userId: 555,
      accessHash: 10n,
    });
    await s.deleteMessageRefs({ chatId: channel, messageIds: [42] });
    assert.equal(await s.getMessageRef(555), undefined);
    await assert.rejects(
      s.putMessageRef({ peerId: 555, chatId: channel, messageId: 0 }),
      RangeError,
    );
  });

  it("clone copies every DC, key, value and reference", async () => {
    await using s = await openSession(":memory:");
    await s.setDc(2, "149.154.167.51", 443);
    await s.setAuthKey(key(2));
    await s.setAuthKeyFor(4, key(4));
    await s.putDataCenter(DC4);
    await s.setTempAuthKey(4, 0, key(40), Date.now() + 60_000);
    await s.setValue("salts:4", new Uint8Array([1, 2]));
    await s.putMessageRef({ peerId: 5, chatId: -7, messageId: 3 });
    await using copy = await s.clone(new MemoryStorage());
    assert.deepEqual(copy.authKeys(), s.authKeys());
    assert.deepEqual(copy.dataCenters, [DC4]);
    assert.deepEqual(await copy.getTempAuthKey(4, 0), key(40));
    assert.deepEqual(await copy.getValue("salts:4"), new Uint8Array([1, 2]));
    assert.equal((await copy.listMessageRefs()).length, 1);
  });

  it("reopening the storage brings every DC and key back", async () => {
    const storage = new MemoryStorage();
    const s = await Session.open(storage);
    await s.setDc(2, "149.154.167.51", 443);
    await s.setAuthKeyFor(4, key(4));
    await s.putDataCenter(DC4);
    const again = await Session.open(storage);
    assert.deepEqual(again.authKeyFor(4), key(4));
    assert.deepEqual(again.dataCenters, [DC4]);
  });

  it("shows no key of any DC in toString, JSON or inspect", async () => {
    await using s = await openSession(":memory:");
    await s.setDc(2, "149.154.167.51", 443);
    await s.setAuthKey(key(2));
    await s.setAuthKeyFor(4, key(4));
    await s.setTempAuthKey(4, 0, key(40), Date.now() + 60_000);
    const shown = [String(s), JSON.stringify(s), inspect(s, { depth: 9 })]
      .join("\n");
    for (const k of [key(2), key(4), key(40)]) {
      assert.ok(!shown.includes(hex(k).slice(0, 16)));
      assert.ok(!shown.includes(String(k.slice(0, 8))));
    }
  });
});
