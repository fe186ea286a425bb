// The GramJS and mtcute bindings over the IndexedDB storage, in the page:
// the real `telegram` (GramJS) and `@mtcute/core` packages bundled for the
// browser, their clients (never connected) over openIndexedDbSession(),
// written through the binding (keys of several DCs, peers, mtcute's kv and
// message references, update states), closed, reopened in the page, and
// read back through a new client.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as telegram from "telegram";
import { Api } from "telegram";
import { AuthKey } from "telegram/crypto/AuthKey.js";
import { openIndexedDbSession } from "../../adapters/indexeddb.ts";
import { mtcuteStorage } from "../../adapters/mtcute.ts";
import { decodeSessionString, encodeSessionString } from "../../mod.ts";
import {
  bind,
  client,
  gramChannel,
  gramChat,
  gramUpdates,
  gramUser,
} from "../_clients_gramjs.ts";
import { big, mtChannel, mtClient, mtUser } from "../_clients_mtcute.ts";
import { runAndReport } from "./_report.ts";

const DB = `clients-${Date.now().toString(36)}`;
const MIN64 = -(2n ** 63n);
const MAX64 = 2n ** 63n - 1n;
const filled = (n: number): Uint8Array => new Uint8Array(256).fill(n);
const hex = (b: Uint8Array | undefined | null): string =>
  b === undefined || b === null
    ? "none"
    : [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

function keyOf(key: unknown): Uint8Array {
  assert.ok(key instanceof AuthKey, "expected a real GramJS AuthKey");
  return new Uint8Array(key.getKey()!);
}

describe("GramJS (telegram 2.26.22) over IndexedDB, in the browser", () => {
  it("keys of several DCs and peers written through GramJS survive a close and reopen", async () => {
    {
      const session = await openIndexedDbSession("gramjs", { database: DB });
      const tg = client(await bind(session));
      tg.session.setDC(2, "149.154.167.51", 443);
      for (const dc of [2, 1, 4]) {
        const key = new AuthKey();
        await key.setKey(Buffer.from(filled(dc)));
        await tg._authKeyCallback(key, dc);
      }
      tg.session.processEntities(gramUpdates(
        [
          gramUser({
            id: 5123456789n,
            hash: MIN64,
            first: "Alice",
            username: "Alice_L",
            usernames: ["Alice_L", "alice_alt"],
            phone: "447700900123",
          }),
        ],
        [
          gramChannel({
            id: 1987654321n,
            hash: MAX64,
            title: "News",
            username: "NewsChan",
          }),
          gramChat(987654321n, "Basic Group"),
        ],
      ));
      await tg.session.close();
      assert.ok(session.closed);
    }
    const session = await openIndexedDbSession("gramjs", { database: DB });
    assert.deepEqual(session.authKeys().map((k) => k.dcId), [1, 2, 4]);
    const tg = client(await bind(session));
    assert.equal(tg.session.dcId, 2);
    assert.equal(tg.session.serverAddress, "149.154.167.51");
    assert.equal(tg.session.port, 443);
    assert.equal(hex(keyOf(tg.session.getAuthKey())), hex(filled(2)));
    for (const dc of [1, 4]) {
      assert.equal(hex(keyOf(tg.session.getAuthKey(dc))), hex(filled(dc)));
    }
    const alice = tg.session.getInputEntity("alice_alt");
    assert.ok(alice instanceof Api.InputPeerUser);
    assert.equal(BigInt(alice.accessHash.toString()), MIN64);
    const byPhone = tg.session.getInputEntity("+447700900123");
    assert.ok(byPhone instanceof Api.InputPeerUser);
    const news = tg.session.getInputEntity(-1001987654321);
    assert.ok(news instanceof Api.InputPeerChannel);
    assert.equal(BigInt(news.accessHash.toString()), MAX64);
    assert.ok(
      tg.session.getInputEntity("t.me/newschan") instanceof
        Api.InputPeerChannel,
    );
    assert.ok(
      tg.session.getInputEntity(-987654321) instanceof Api.InputPeerChat,
    );
    // The GramJS string of the reopened session is the session's.
    const again = new telegram.sessions.StringSession(
      tg.session.save() as unknown as string,
    );
    await again.load();
    assert.equal(again.dcId, 2);
    assert.equal(hex(keyOf(again.authKey)), hex(filled(2)));
    await tg.session.close();
  });
});

describe("mtcute (@mtcute/core 0.30.3) over IndexedDB, in the browser", () => {
  it("login, keys of several DCs, temp keys, peers, kv, refs and states survive a close and reopen", async () => {
    const string = await encodeSessionString({
      dcId: 2,
      serverAddress: "149.154.167.51",
      port: 443,
      authKey: filled(2),
      userId: 123456789,
      isBot: false,
      testMode: false,
    }, "mtcute");
    {
      const session = await openIndexedDbSession("mtcute", { database: DB });
      const storage = mtcuteStorage(session, { closeSession: true });
      const tg = mtClient(storage);
      await tg.importSession(string);
      await storage.authKeys.set(4, filled(4));
      await storage.authKeys.set(5, filled(5));
      await storage.authKeys.setTemp(2, 0, filled(9), 2 ** 40);
      await tg.storage.peers.updatePeersFrom({
        _: "contacts.resolvedPeer",
        peer: { _: "peerUser", userId: 5123456789 },
        users: [
          mtUser({
            id: 5123456789,
            hash: MIN64,
            first: "Alice",
            username: "Alice_L",
            usernames: ["Alice_L", "alice_alt"],
          }),
        ],
        chats: [
          mtChannel({
            id: 1987654321,
            hash: MAX64,
            title: "News",
            username: "NewsChan",
            megagroup: true,
          }),
        ],
      });
      await storage.kv.set("salts:2", new Uint8Array([1, 2, 3]));
      await storage.refMessages.store(5123456789, -1001987654321, 10);
      await tg.storage.updates.setPts(9);
      await tg.storage.updates.setQts(8);
      await tg.storage.updates.setDate(7);
      await tg.storage.updates.setSeq(6);
      await tg.destroy();
      assert.ok(session.closed, "closeSession: destroy() closed it");
    }
    const session = await openIndexedDbSession("mtcute", { database: DB });
    const storage = mtcuteStorage(session);
    const tg = mtClient(storage);
    const back = await decodeSessionString(await tg.exportSession());
    assert.equal(hex(back.auth.authKey), hex(filled(2)));
    assert.equal(back.auth.userId, 123456789);
    assert.equal(hex(await storage.authKeys.get(4)), hex(filled(4)));
    assert.equal(hex(await storage.authKeys.get(5)), hex(filled(5)));
    assert.equal(
      hex(await storage.authKeys.getTemp(2, 0, 1000)),
      hex(filled(9)),
    );
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
    assert.deepEqual(
      await storage.kv.get("salts:2"),
      new Uint8Array([1, 2, 3]),
    );
    assert.deepEqual(
      await storage.refMessages.getByPeer(5123456789),
      [-1001987654321, 10],
    );
    await tg.destroy();
    await session.close();
  });
});

await runAndReport();
