// The mtcute binding with the real @mtcute/core (0.30.3): mtcute's own
// TelegramClient over mtsession sessions (memory, strings, SQLite files),
// its string-session import/export, its peer service and its update-state
// service. No test connects anywhere.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeSessionString,
  encodeSessionString,
  openSession,
  type Session,
} from "../mod.ts";
import type { tl } from "@mtcute/core";
import { mtcuteStorage } from "../adapters/mtcute.ts";
import { hex, loadFixtureJson, toHex } from "./_fixtures.ts";
import {
  big,
  long,
  mtBaseClient,
  mtChannel,
  mtChat,
  mtClient,
  mtUser,
} from "./_clients_mtcute.ts";

const vectors = loadFixtureJson("mtcute/manifest.json");
const telethon = loadFixtureJson("telethon/manifest.json");
const PROD = vectors.string_sessions.find((
  s: { name: string },
) => s.name === "prod-default-user-self");
const TEST = vectors.string_sessions.find((
  s: { name: string },
) => s.name === "test-mode-default");

const ALICE = 5123456789;
const NEWS = 1987654321;
const GROUP = 987654321;
const MIN64 = -(2n ** 63n);
const MAX64 = 2n ** 63n - 1n;

function peersResult(): tl.contacts.RawResolvedPeer {
  return {
    _: "contacts.resolvedPeer",
    peer: { _: "peerUser", userId: ALICE },
    users: [
      mtUser({
        id: ALICE,
        hash: MIN64,
        first: "Alice",
        last: "L",
        username: "Alice_L",
        usernames: ["Alice_L", "alice_alt"],
        phone: "447700900123",
      }),
      mtUser({ id: 42, hash: -8601234567890123456n, first: "Bot", bot: true }),
    ],
    chats: [
      mtChannel({
        id: NEWS,
        hash: MAX64,
        title: "News",
        username: "NewsChan",
        megagroup: true,
      }),
      mtChannel({ id: 1122334455, hash: 5n, title: "Broadcast" }),
      mtChat(GROUP, "Basic Group"),
    ],
  };
}

async function importProd(session: Session): Promise<void> {
  const tg = mtClient(mtcuteStorage(session));
  await tg.importSession(PROD.string);
  await tg.destroy();
}

describe("mtcuteStorage() with mtcute's TelegramClient", () => {
  it("the client accepts the storage and prepares on an empty session", async () => {
    const session = await openSession(":memory:");
    const storage = mtcuteStorage(session);
    const tg = mtClient(storage);
    await tg.prepare();
    assert.equal(await tg.storage.self.fetch(), null);
    assert.equal(await tg.storage.updates.getState(), null);
    await assert.rejects(tg.exportSession(), /Auth key is not ready/);
    await tg.destroy();
    assert.ok(!session.closed, "the session stays the caller's to close");
  });

  it("importSession() fills the session: DC, key, self user", async () => {
    const session = await openSession(":memory:");
    const tg = mtClient(mtcuteStorage(session));
    await tg.importSession(PROD.string);
    assert.equal(session.dcId, 2);
    assert.equal(session.serverAddress, "149.154.167.50");
    assert.equal(session.port, 443);
    assert.equal(session.testMode, false);
    assert.equal(toHex(session.authKey!), PROD.expect.auth_key_hex);
    assert.equal(session.userId, 123456789);
    assert.equal(session.isBot, false);
    // exportSession() gives back the same string (media DC included).
    assert.equal(await tg.exportSession(), PROD.string);
    await tg.destroy();
  });

  it("a test-mode string keeps its test flag", async () => {
    const session = await openSession(":memory:");
    const tg = mtClient(mtcuteStorage(session), { testMode: true });
    await tg.importSession(TEST.string);
    assert.equal(session.testMode, true);
    assert.equal(session.serverAddress, "149.154.167.40");
    assert.equal(session.userId, TEST.expect.self.userId);
    await tg.destroy();
    const again = mtClient(mtcuteStorage(session), { testMode: true });
    const back = await decodeSessionString(await again.exportSession());
    assert.equal(back.auth.testMode, true);
    assert.equal(toHex(back.auth.authKey!), TEST.expect.auth_key_hex);
  });

  it("a new client on the same session exports a string with the same values", async () => {
    const session = await openSession(":memory:");
    await importProd(session);
    const tg = mtClient(mtcuteStorage(session));
    const exported = await tg.exportSession();
    const back = await decodeSessionString(exported);
    assert.equal(back.format, "mtcute");
    assert.equal(back.auth.dcId, 2);
    assert.equal(back.auth.serverAddress, "149.154.167.50");
    assert.equal(back.auth.port, 443);
    assert.equal(toHex(back.auth.authKey!), PROD.expect.auth_key_hex);
    assert.equal(back.auth.userId, 123456789);
    assert.equal(back.auth.isBot, false);
    // The media DC persists too: the session's media-only data center.
    assert.equal(back.mediaDc?.address, "149.154.167.222");
    assert.equal(back.mediaDc?.mediaOnly, true);
    assert.deepEqual(session.dataCenters.map((d) => [d.id, d.mediaOnly]), [
      [2, false],
      [2, true],
    ]);
    // importSession() is ignored once a key exists, as in mtcute.
    await tg.importSession(TEST.string);
    assert.equal(session.serverAddress, "149.154.167.50");
  });

  it("mtcute runs on a session that came from a Telethon string", async () => {
    const v = telethon.string_sessions.find((
      s: { name: string },
    ) => s.name === "dc2-ipv4");
    const session = await openSession({ string: v.string });
    const tg = mtClient(mtcuteStorage(session));
    await tg.prepare();
    const back = await decodeSessionString(await tg.exportSession());
    assert.equal(back.auth.dcId, 2);
    assert.equal(back.auth.serverAddress, "149.154.167.51");
    assert.deepEqual(back.auth.authKey, hex(v.expect.auth_key_hex));
    assert.equal(back.auth.userId, null);
  });

  it("current user: the session's userId and isBot, premium and usernames in a client value; cleared on logout", async () => {
    const session = await openSession(":memory:");
    await importProd(session);
    const tg = mtClient(mtcuteStorage(session));
    await tg.prepare();
    await tg.storage.self.store({
      userId: 777000111,
      isBot: true,
      isPremium: true,
      usernames: ["robot"],
    });
    assert.equal(session.userId, 777000111);
    assert.equal(session.isBot, true);
    // A new storage knows it all: nothing was kept in memory only.
    const other = mtClient(mtcuteStorage(session));
    assert.deepEqual(await other.storage.self.fetch(), {
      userId: 777000111,
      isBot: true,
      isPremium: true,
      usernames: ["robot"],
    });
    assert.ok(await session.getValue("mtcute:current_user"));
    // Another account's extras are not this one's.
    await session.setAuth({ userId: 5, isBot: false });
    assert.deepEqual(
      await mtClient(mtcuteStorage(session)).storage.self.fetch(),
      {
        userId: 5,
        isBot: false,
        isPremium: false,
        usernames: [],
      },
    );
    // What notifyLoggedOut() does to the storage (it also needs a network).
    await tg.storage.self.store(null);
    assert.equal(session.userId, null);
    assert.equal(session.isBot, null);
    assert.equal(await session.getValue("mtcute:current_user"), undefined);
    assert.equal(toHex(session.authKey!), PROD.expect.auth_key_hex);
  });
});

describe("mtcute auth keys", () => {
  it("the main DC's key is the session's; other DCs' and temp keys are the session's too", async () => {
    const session = await openSession(":memory:");
    await importProd(session);
    const storage = mtcuteStorage(session);
    const tg = mtBaseClient(storage);
    await tg.prepare();
    const main = session.authKey!;
    const four = new Uint8Array(256).fill(4);
    await storage.authKeys.set(4, four);
    assert.deepEqual(session.authKey, main);
    assert.deepEqual(await storage.authKeys.get(4), four);
    assert.deepEqual(session.authKeyFor(4), four);
    await storage.authKeys.setTemp(2, 0, new Uint8Array(256).fill(9), 1000);
    assert.deepEqual(
      await storage.authKeys.getTemp(2, 0, 999),
      new Uint8Array(256).fill(9),
    );
    assert.deepEqual(
      await session.getTempAuthKey(2, 0, 999),
      new Uint8Array(256).fill(9),
    );
    // Valid while expires > now, as in mtcute's SQLite storage.
    assert.equal(await storage.authKeys.getTemp(2, 0, 1000), null);
    assert.equal(await storage.authKeys.getTemp(2, 0, 1001), null);
    // Changing the primary DC (mtcute's dcs.store) moves the session there,
    // with that DC's key; the old key is kept as its DC's.
    await tg.mt.storage.dcs.store({
      main: { id: 4, ipAddress: "149.154.167.91", port: 443 },
      media: { id: 4, ipAddress: "149.154.167.91", port: 443 },
    });
    assert.equal(session.dcId, 4);
    assert.equal(session.serverAddress, "149.154.167.91");
    assert.deepEqual(session.authKey, four);
    assert.deepEqual(await storage.authKeys.get(2), main);
    assert.deepEqual(session.authKeyFor(2), main);
    await storage.authKeys.setTemp(4, 0, new Uint8Array(256).fill(8), 5000);
    await storage.authKeys.deleteByDc(4);
    assert.equal(session.authKey, null);
    assert.equal(await session.getTempAuthKey(4, 0, 0), null);
    assert.deepEqual(
      await session.getTempAuthKey(2, 0, 0),
      new Uint8Array(256).fill(9),
    );
    await storage.authKeys.deleteAll();
    assert.equal(await storage.authKeys.get(2), null);
    assert.deepEqual(session.authKeys(), []);
    assert.deepEqual(await session.tempAuthKeys(0), []);
  });

  it("a session without a DC takes the first DC that gets a key", async () => {
    const session = await openSession(":memory:");
    const storage = mtcuteStorage(session);
    const tg = mtClient(storage);
    await tg.prepare();
    const key = new Uint8Array(256).fill(0x21);
    // What mtcute's network layer does after generating the first key.
    await storage.authKeys.set(2, key);
    assert.equal(session.dcId, 2);
    assert.equal(session.serverAddress, "149.154.167.51");
    assert.equal(session.port, 443);
    assert.deepEqual(session.authKey, key);
    const back = await decodeSessionString(
      await mtClient(mtcuteStorage(session)).exportSession(),
    );
    assert.deepEqual(back.auth.authKey, key);
  });
});

describe("mtcute peers", () => {
  it("peers from mtcute's own path are found through mtcute and the session, hashes exact", async () => {
    const session = await openSession(":memory:");
    await importProd(session);
    const storage = mtcuteStorage(session);
    const tg = mtClient(storage);
    await tg.prepare();
    assert.equal(await tg.storage.peers.updatePeersFrom(peersResult()), true);
    assert.equal(await session.countPeers(), 5);

    // Through our session: indexed, typed and named from the TL bytes.
    assert.deepEqual(await session.getInputPeer("@alice_alt"), {
      _: "inputPeerUser",
      userId: ALICE,
      accessHash: MIN64,
    });
    assert.deepEqual(await session.getInputPeer("+44 7700 900-123"), {
      _: "inputPeerUser",
      userId: ALICE,
      accessHash: MIN64,
    });
    assert.deepEqual(await session.getInputPeer("t.me/newschan"), {
      _: "inputPeerChannel",
      channelId: NEWS,
      accessHash: MAX64,
    });
    const alice = await session.getPeer(ALICE);
    assert.equal(alice?.type, "user");
    assert.equal(alice?.name, "Alice L");
    assert.deepEqual(alice?.usernames, ["alice_l", "alice_alt"]);
    assert.equal(alice?.phone, "447700900123");
    assert.equal((await session.getPeer(42))?.type, "bot");
    assert.equal(
      (await session.getPeer(42))?.accessHash,
      -8601234567890123456n,
    );
    assert.equal((await session.getPeer(-1001987654321))?.type, "supergroup");
    assert.equal((await session.getPeer(-1001987654321))?.name, "News");
    assert.equal((await session.getPeer(-1001122334455))?.type, "channel");
    assert.equal((await session.getPeer(-GROUP))?.type, "chat");
    assert.equal((await session.getPeer(-GROUP))?.name, "Basic Group");

    // Through a fresh mtcute client (its LRU is empty: it asks the storage).
    const fresh = mtClient(mtcuteStorage(session));
    await fresh.prepare();
    const byId = await fresh.storage.peers.getById(ALICE);
    assert.equal(byId?._, "inputPeerUser");
    assert.equal(
      big(byId && "accessHash" in byId ? byId.accessHash : undefined),
      MIN64,
    );
    const byName = await fresh.storage.peers.getByUsername("ALICE_ALT");
    assert.equal(byName?._, "inputPeerUser");
    const byPhone = await fresh.storage.peers.getByPhone("447700900123");
    assert.equal(byPhone?._, "inputPeerUser");
    const chan = await fresh.storage.peers.getById(-1001987654321);
    assert.equal(chan?._, "inputPeerChannel");
    assert.equal(
      big(chan && "accessHash" in chan ? chan.accessHash : undefined),
      MAX64,
    );
    // mtcute's high-level methods answer from the storage, offline.
    const resolved = await fresh.resolvePeer("alice_l");
    assert.equal(resolved._, "inputPeerUser");
    const byPhoneHigh = await fresh.resolvePhoneNumber("+44 7700 900123");
    assert.equal(byPhoneHigh._, "inputPeerUser");
    const chat = await fresh.resolvePeer(-GROUP);
    assert.deepEqual(chat, { _: "inputPeerChat", chatId: GROUP });
    // Full objects: from the TL bytes the session keeps as the raw bytes,
    // for any storage over it.
    const complete = await fresh.storage.peers.getCompleteById(ALICE);
    assert.equal(complete?._, "user");
    assert.equal(complete?._ === "user" ? complete.firstName : "", "Alice");
    assert.ok(((await session.getPeer(ALICE))?.raw?.length ?? 0) > 0);
  });

  it("reads kind and name from mtcute's TL bytes for every chat constructor", async () => {
    const session = await openSession(":memory:");
    const tg = mtClient(mtcuteStorage(session));
    await tg.prepare();
    await tg.storage.peers.updatePeersFrom({
      _: "messages.chats",
      chats: [
        { _: "chatForbidden", id: 11, title: "Gone Group" },
        {
          _: "channelForbidden",
          id: 12,
          accessHash: long(MIN64 + 1n),
          title: "Gone Super",
          megagroup: true,
        },
        {
          _: "channelForbidden",
          id: 13,
          accessHash: long(-1n),
          title: "Gone Channel",
          broadcast: true,
        },
      ],
    });
    assert.deepEqual(await session.getPeer(-11), {
      id: -11,
      type: "chat",
      accessHash: 0n,
      usernames: [],
      phone: null,
      name: "Gone Group",
      updatedAt: (await session.getPeer(-11))!.updatedAt,
      raw: (await session.getPeer(-11))!.raw,
    });
    // The raw bytes are mtcute's own TL serialization of the chat.
    const gone = await mtClient(mtcuteStorage(session)).storage.peers
      .getCompleteById(-11);
    assert.equal(gone?._, "chatForbidden");
    const sup = await session.getPeer(-1000000000012);
    assert.equal(sup?.type, "supergroup");
    assert.equal(sup?.name, "Gone Super");
    assert.equal(sup?.accessHash, MIN64 + 1n);
    const chan = await session.getPeer(-1000000000013);
    assert.equal(chan?.type, "channel");
    assert.equal(chan?.accessHash, -1n);
    assert.equal((await session.getPeer("Gone Channel"))?.id, -1000000000013);
    assert.equal((await session.getPeer("Gone Super"))?.id, -1000000000012);
  });

  it("a min peer never replaces a full one; a new hash does", async () => {
    const session = await openSession(":memory:");
    const storage = mtcuteStorage(session);
    const tg = mtClient(storage, {});
    await tg.prepare();
    await tg.storage.peers.updatePeersFrom({
      _: "contacts.resolvedPeer",
      peer: { _: "peerUser", userId: ALICE },
      users: [mtUser({ id: ALICE, hash: 111n, username: "alice_l" })],
      chats: [mtChannel({ id: 55, hash: 5n, title: "Min Only", min: true })],
    });
    await storage.peers.store({
      id: ALICE,
      accessHash: "999|0",
      isMin: true,
      usernames: ["alice_l"],
      updated: Date.now(),
      complete: new Uint8Array(0),
    });
    assert.equal((await session.getPeer(ALICE))?.accessHash, 111n);
    assert.equal((await storage.peers.getById(ALICE))?.accessHash, "111|0");
    // A min-only peer is the session's too, as a min record with mtcute's
    // TL bytes; found by id (as mtcute's storages find it), not by name.
    const min = await storage.peers.getById(-1000000000055);
    assert.equal(min?.isMin, true);
    assert.equal(min?.accessHash, "5|0");
    assert.ok((min?.complete.length ?? 0) > 0);
    assert.equal((await session.getPeer(-1000000000055))?.min, true);
    assert.equal(
      (await mtcuteStorage(session).peers.getById(-1000000000055))?.isMin,
      true,
    );
    assert.equal(await storage.peers.getByUsername("min only"), null);
    // mtcute addresses it through a message it was seen in.
    await storage.refMessages.store(-1000000000055, -GROUP, 9);
    await storage.peers.store({
      id: -GROUP,
      accessHash: "",
      isMin: false,
      usernames: [],
      updated: Date.now(),
      complete: new Uint8Array(0),
    });
    assert.deepEqual(
      await mtClient(mtcuteStorage(session)).storage.peers.getById(
        -1000000000055,
      ),
      {
        _: "inputPeerChannelFromMessage",
        peer: { _: "inputPeerChat", chatId: GROUP },
        msgId: 9,
        channelId: 55,
      },
    );
    // A full peer with a new hash replaces the old one.
    await storage.peers.store({
      id: ALICE,
      accessHash: "-1|-1",
      isMin: false,
      usernames: ["alice_l"],
      updated: Date.now(),
      complete: new Uint8Array(0),
    });
    assert.equal((await session.getPeer(ALICE))?.accessHash, -1n);
  });

  it("username lookups honour mtcute's one-day freshness", async () => {
    const session = await openSession(":memory:");
    await session.putPeers([{
      id: ALICE,
      type: "user",
      accessHash: 5n,
      usernames: ["old_name"],
      phone: null,
      name: null,
      updatedAt: Math.floor(Date.now() / 1000) - 2 * 86400,
    }]);
    const tg = mtClient(mtcuteStorage(session));
    await tg.prepare();
    // The repository finds it; mtcute's service treats it as stale.
    assert.equal(
      (await mtcuteStorage(session).peers.getByUsername("old_name"))?.id,
      ALICE,
    );
    assert.equal(await tg.storage.peers.getByUsername("old_name"), null);
    assert.equal((await tg.storage.peers.getById(ALICE))?._, "inputPeerUser");
  });

  it("storage.clear() empties peers, user and states but keeps the login", async () => {
    const session = await openSession(":memory:");
    await importProd(session);
    const tg = mtClient(mtcuteStorage(session));
    await tg.prepare();
    await tg.storage.peers.updatePeersFrom(peersResult());
    await tg.storage.updates.setPts(5);
    await tg.storage.clear();
    assert.equal(await session.countPeers(), 0);
    assert.equal(session.userId, null);
    assert.equal(toHex(session.authKey!), PROD.expect.auth_key_hex);
    assert.equal(session.dcId, 2);
  });

  it("reference messages are the session's message references, first stored first", async () => {
    const session = await openSession(":memory:");
    const storage = mtcuteStorage(session);
    await storage.refMessages.store(ALICE, -GROUP, 10);
    await storage.refMessages.store(ALICE, -GROUP, 12);
    await storage.refMessages.store(42, -GROUP, 12);
    assert.deepEqual(await storage.refMessages.getByPeer(ALICE), [-GROUP, 10]);
    assert.deepEqual(await session.getMessageRef(ALICE), {
      peerId: ALICE,
      chatId: -GROUP,
      messageId: 10,
    });
    await storage.refMessages.delete(-GROUP, [10]);
    assert.deepEqual(await storage.refMessages.getByPeer(ALICE), [-GROUP, 12]);
    await storage.refMessages.delete(-GROUP, []);
    await storage.refMessages.deleteByPeer(ALICE);
    assert.equal(await storage.refMessages.getByPeer(ALICE), null);
    assert.deepEqual(await storage.refMessages.getByPeer(42), [-GROUP, 12]);
    await storage.refMessages.deleteAll();
    assert.deepEqual(await session.listMessageRefs(), []);
  });

  it("kv keys the session has no field for are client values, namespaced", async () => {
    const session = await openSession(":memory:");
    const storage = mtcuteStorage(session);
    await storage.kv.set("salts:2", new Uint8Array([1, 2, 3]));
    await storage.kv.set("anything", new Uint8Array([4]));
    await session.setValue("salts:2", new Uint8Array([9])); // another client's
    assert.deepEqual(
      await storage.kv.get("salts:2"),
      new Uint8Array([1, 2, 3]),
    );
    assert.deepEqual(
      await session.getValue("mtcute:salts:2"),
      new Uint8Array([1, 2, 3]),
    );
    await storage.kv.delete("anything");
    assert.equal(await storage.kv.get("anything"), null);
    // mtcute's storage.clear(): its values go, the other client's stay.
    await storage.kv.deleteAll();
    assert.equal(await storage.kv.get("salts:2"), null);
    assert.deepEqual(
      (await session.listValues()).map((v) => v.name),
      ["salts:2"],
    );
  });
});

describe("mtcute update states", () => {
  it("pts/qts/date/seq and channel pts go to the session's update states", async () => {
    const session = await openSession(":memory:");
    await importProd(session);
    const storage = mtcuteStorage(session);
    const tg = mtClient(storage);
    await tg.prepare();
    await tg.storage.updates.setPts(1001);
    await tg.storage.updates.setQts(7);
    await tg.storage.updates.setDate(1700000000);
    await tg.storage.updates.setSeq(33);
    await tg.storage.updates.setManyChannelPts(new Map([[NEWS, 4242]]));
    // mtcute writes them on save (driver.save), like its SQLite storage.
    await storage.driver.save();
    assert.deepEqual(await session.getUpdateState(0), {
      entityId: 0,
      pts: 1001,
      qts: 7,
      date: 1700000000,
      seq: 33,
    });
    assert.equal((await session.getUpdateState(-1001987654321))?.pts, 4242);
    const fresh = mtClient(mtcuteStorage(session));
    await fresh.prepare();
    assert.deepEqual(await fresh.storage.updates.getState(), [
      1001,
      7,
      1700000000,
      33,
    ]);
    assert.equal(await fresh.storage.updates.getChannelPts(NEWS), 4242);
    assert.equal(await fresh.storage.updates.getChannelPts(1), null);
  });
});

describe("mtcute on a SQLite session file", () => {
  const dir = mkdtempSync(join(tmpdir(), "mtsession-mtcute-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("close and reopen: mtcute finds its login, peers and states", async () => {
    const path = join(dir, "mt");
    {
      const session = await openSession(path);
      const tg = mtClient(mtcuteStorage(session, { closeSession: true }));
      await tg.importSession(PROD.string);
      await tg.storage.peers.updatePeersFrom(peersResult());
      await tg.storage.updates.setPts(9);
      await tg.storage.updates.setQts(8);
      await tg.storage.updates.setDate(7);
      await tg.storage.updates.setSeq(6);
      await tg.destroy();
      assert.ok(session.closed, "closeSession: destroy() closed it");
    }
    {
      const session = await openSession(path);
      const tg = mtClient(mtcuteStorage(session));
      const back = await decodeSessionString(await tg.exportSession());
      assert.equal(toHex(back.auth.authKey!), PROD.expect.auth_key_hex);
      assert.equal(back.auth.userId, 123456789);
      assert.deepEqual(await tg.storage.updates.getState(), [9, 8, 7, 6]);
      const alice = await tg.resolvePeer("alice_alt");
      assert.equal(alice._, "inputPeerUser");
      assert.equal(
        big("accessHash" in alice ? alice.accessHash : undefined),
        MIN64,
      );
      const news = await tg.storage.peers.getById(-1001987654321);
      assert.equal(
        big(news && "accessHash" in news ? news.accessHash : undefined),
        MAX64,
      );
      await tg.destroy();
      // The same file serves other formats too.
      const pyrogram = await session.exportString("pyrogram", { apiId: 1 });
      assert.equal(
        (await decodeSessionString(pyrogram)).auth.userId,
        123456789,
      );
      await session.close();
    }
  });

  it("a string made by our encoder imports into mtcute", async () => {
    const key = new Uint8Array(256).fill(0x42);
    const string = await encodeSessionString(
      {
        dcId: 4,
        serverAddress: "149.154.167.91",
        port: 443,
        authKey: key,
        userId: 5,
        isBot: true,
      },
      "mtcute",
    );
    const session = await openSession(join(dir, "enc"));
    const tg = mtClient(mtcuteStorage(session));
    await tg.importSession(string);
    assert.equal(session.dcId, 4);
    assert.deepEqual(session.authKey, key);
    assert.equal(session.isBot, true);
    await tg.destroy();
    await session.close();
  });
});
