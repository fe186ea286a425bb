// The GramJS binding with the real `telegram` package (2.26.22): a real
// TelegramClient over mtsession sessions (memory, strings, SQLite files),
// real AuthKey objects and Api.* peers. No test connects anywhere.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import * as telegram from "telegram";
import { Api } from "telegram";
import bigInt from "big-integer";
import { AuthKey } from "telegram/crypto/AuthKey.js";
import {
  decodeSessionString,
  openSession,
  PeerNotFoundError,
  type Session,
} from "../mod.ts";
import { gramjsSession } from "../adapters/gramjs.ts";
import { hex, loadFixtureJson, toHex } from "./_fixtures.ts";
import {
  bind,
  client,
  dec,
  gramChannel,
  gramChat,
  gramUpdates,
  gramUser,
  receive,
} from "./_clients_gramjs.ts";

const gramjsVectors = loadFixtureJson("gramjs/manifest.json");
const telethonVectors = loadFixtureJson("telethon/manifest.json");

const ALICE = 5123456789n;
const NEWS = 1987654321n;
const GROUP = 987654321n;
const MIN64 = -(2n ** 63n);
const MAX64 = 2n ** 63n - 1n;

function keyBytes(key: unknown): Uint8Array {
  assert.ok(key instanceof AuthKey, "expected a real GramJS AuthKey");
  const bytes = key.getKey();
  assert.ok(bytes instanceof Uint8Array);
  return bytes;
}

async function withEntities(session: Session): Promise<void> {
  const bound = await bind(session);
  bound.processEntities(gramUpdates(
    [
      gramUser({
        id: ALICE,
        hash: MIN64,
        first: "Alice",
        last: "L",
        username: "Alice_L",
        usernames: ["Alice_L", "alice_alt"],
        phone: "447700900123",
      }),
    ],
    [
      gramChannel({
        id: NEWS,
        hash: MAX64,
        title: "News",
        username: "NewsChan",
      }),
      gramChat(GROUP, "Basic Group"),
    ],
  ));
  await bound.flush();
}

describe("gramjsSession() and TelegramClient", () => {
  for (const v of gramjsVectors.string_sessions) {
    it(`the client reads a GramJS string (${v.name}): DC, address, port, a real AuthKey`, async () => {
      const session = await openSession({ string: v.string });
      const bound = await bind(session);
      const tg = client(bound);
      assert.equal(tg.session, bound);
      assert.ok(tg.session instanceof telegram.sessions.Session);
      assert.equal(tg.session.dcId, v.expect.dc_id);
      assert.equal(tg.session.serverAddress, v.expect.server_address);
      assert.equal(tg.session.port, v.expect.port);
      const key = tg.session.getAuthKey();
      assert.equal(toHex(keyBytes(key)), v.expect.auth_key_hex);
      assert.equal(dec(key?.keyId), v.expect.gramjs_key_id);
      assert.equal(tg.session.authKey, key);
      // StringSession.save() behaviour: the GramJS string, byte for byte.
      assert.equal(tg.session.save(), v.expect.resave);
      // GramJS's own reader agrees with what we give the client.
      const own = new telegram.sessions.StringSession(v.string);
      await own.load();
      assert.equal(dec(own.authKey?.keyId), dec(key?.keyId));
      await bound.close();
    });
  }

  for (const name of ["dc2-ipv4", "dc4-ipv6"]) {
    it(`the client accepts a Telethon string (${name}) through the session`, async () => {
      const v = telethonVectors.string_sessions.find((
        s: { name: string },
      ) => s.name === name);
      const session = await openSession({ string: v.string });
      const bound = await bind(session);
      const tg = client(bound);
      assert.equal(tg.session.dcId, v.expect.dc_id);
      assert.equal(tg.session.serverAddress, v.expect.server_address);
      assert.equal(tg.session.port, v.expect.port);
      assert.equal(
        dec(tg.session.getAuthKey()?.keyId),
        String(v.expect.auth_key_id_u64),
      );
      assert.equal(toHex(keyBytes(tg.session.authKey)), v.expect.auth_key_hex);
      // save() gives a GramJS string that GramJS reads back the same.
      const again = new telegram.sessions.StringSession(bound.save());
      await again.load();
      assert.equal(again.dcId, v.expect.dc_id);
      assert.equal(again.port, v.expect.port);
      assert.equal(dec(again.authKey?.keyId), String(v.expect.auth_key_id_u64));
    });
  }

  it('an empty session: dc 0, no address, no key; save() returns ""', async () => {
    const bound = await bind(await openSession(":memory:"));
    const tg = client(bound);
    assert.equal(tg.session.dcId, 0);
    assert.equal(tg.session.serverAddress, undefined);
    assert.equal(tg.session.port, undefined);
    assert.equal(tg.session.authKey, undefined);
    assert.equal(tg.session.save(), "");
  });

  it("the client's auth-key callback and setDC write through to the session", async () => {
    const session = await openSession(":memory:");
    const bound = await bind(session);
    const tg = client(bound);
    tg.session.setDC(4, "149.154.167.91", 443);
    const bytes = new Uint8Array(256).fill(0xab);
    const key = new AuthKey();
    await key.setKey(Buffer.from(bytes));
    await tg._authKeyCallback(key, 4);
    assert.equal(session.dcId, 4);
    assert.equal(session.serverAddress, "149.154.167.91");
    assert.deepEqual(session.authKey, bytes);
    assert.equal(tg.session.getAuthKey(4), key);
    // Another DC's key (an exported sender) goes to the session as DC 2's.
    const other = new AuthKey();
    await other.setKey(Buffer.from(new Uint8Array(256).fill(1)));
    tg.session.setAuthKey(other, 2);
    assert.equal(tg.session.getAuthKey(2), other);
    assert.deepEqual(session.authKey, bytes);
    await bound.flush();
    assert.deepEqual(session.authKeyFor(2), new Uint8Array(256).fill(1));
    // _switchDC: new DC, key cleared.
    tg.session.setDC(2, "149.154.167.51", 443);
    tg.session.setAuthKey(undefined);
    await bound.flush();
    assert.equal(session.dcId, 2);
    assert.equal(session.authKey, null);
    assert.equal(tg.session.save(), "");
    // Both DCs GramJS was set to are known.
    assert.deepEqual(session.dataCenters.map((d) => [d.id, d.ipv4, d.port]), [
      [4, "149.154.167.91", 443],
      [2, "149.154.167.51", 443],
    ]);
  });

  it("keys of other DCs (exported senders) survive a reopen; a broken one is forgotten", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mtsession-gramjs-dcs-"));
    const path = join(dir, "dcs");
    const bytes = (n: number) => new Uint8Array(256).fill(n);
    const hexOf = (key: unknown) => toHex(keyBytes(key));
    {
      const session = await openSession(path);
      const tg = client(await bind(session));
      tg.session.setDC(2, "149.154.167.51", 443);
      const main = new AuthKey();
      await main.setKey(Buffer.from(bytes(2)));
      await tg._authKeyCallback(main, 2);
      // What an exported sender does once it made a key for its DC.
      for (const dc of [1, 4, 5]) {
        const key = new AuthKey();
        await key.setKey(Buffer.from(bytes(dc)));
        await tg._authKeyCallback(key, dc);
      }
      // A broken authorization on DC 5: GramJS clears its key.
      await tg._cleanupExportedSender(5);
      assert.equal(tg.session.getAuthKey(5), undefined);
      await tg.session.close();
    }
    const session = await openSession(path);
    assert.deepEqual(session.authKeys().map((k) => k.dcId), [1, 2, 4]);
    const tg = client(await bind(session));
    assert.equal(hexOf(tg.session.getAuthKey()), toHex(bytes(2)));
    for (const dc of [1, 4]) {
      assert.equal(hexOf(tg.session.getAuthKey(dc)), toHex(bytes(dc)));
    }
    assert.equal(tg.session.getAuthKey(5), undefined);
    // The exported sender for DC 4 starts with the stored key.
    const sender = tg._createExportedSender(4);
    assert.equal(hexOf(sender.authKey), toHex(bytes(4)));
    assert.ok(!String(tg.session).includes("0404"));
    await tg.session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takeoutId round-trips as a GramJS big integer and a session bigint", async () => {
    const session = await openSession(":memory:");
    const bound = await bind(session);
    bound.takeoutId = bigInt("-9223372036854775808");
    assert.equal(session.takeoutId, MIN64);
    assert.equal(dec(bound.takeoutId), "-9223372036854775808");
    bound.takeoutId = undefined;
    assert.equal(session.takeoutId, null);
  });

  it("rejects what is not the telegram module or not a session", async () => {
    const session = await openSession(":memory:");
    await assert.rejects(
      gramjsSession(session, { telegram: {} as never }),
      TypeError,
    );
    await assert.rejects(
      gramjsSession({} as never, { telegram }),
      TypeError,
    );
  });

  it("takes GramJS's AuthKey class when given, and never shows the key", async () => {
    const session = await openSession(":memory:");
    await session.setDc(2, "149.154.167.51", 443);
    await session.setAuthKey(new Uint8Array(256).fill(0x5a));
    const bound = await gramjsSession(session, { telegram, AuthKey });
    assert.ok(bound.authKey instanceof AuthKey);
    assert.ok(!String(bound).includes("5a5a"));
    assert.match(String(bound), /authorized/);
  });
});

describe("GramJS entities through the binding", () => {
  it("the client's update path caches users, chats and channels, indexed", async () => {
    const session = await openSession(":memory:");
    const bound = await bind(session);
    const tg = client(bound);
    receive(
      tg,
      gramUpdates(
        [
          gramUser({
            id: ALICE,
            hash: MIN64,
            first: "Alice",
            username: "Alice_L",
            usernames: ["Alice_L", "alice_alt"],
            phone: "447700900123",
          }),
        ],
        [
          gramChannel({
            id: NEWS,
            hash: MAX64,
            title: "News",
            username: "NewsChan",
            megagroup: true,
          }),
          gramChat(GROUP, "Basic Group"),
        ],
      ),
    );
    await bound.flush();
    assert.equal(await session.countPeers(), 3);
    assert.equal((await session.getPeer(-1001987654321))?.type, "supergroup");

    const user = (key: unknown) => {
      const p = tg.session.getInputEntity(key as never);
      assert.ok(p instanceof Api.InputPeerUser);
      return p;
    };
    for (
      const key of [
        5123456789,
        ALICE,
        bigInt(ALICE),
        "5123456789",
        "@alice_l",
        "ALICE_L",
        "alice_alt",
        "https://t.me/Alice_L",
        "+44 7700 900-123",
        "447700900123",
        new Api.PeerUser({ userId: bigInt(ALICE) }),
        "Alice",
      ]
    ) {
      const p = user(key);
      assert.equal(dec(p.userId), "5123456789");
      assert.equal(dec(p.accessHash), String(MIN64));
      assert.ok(bigInt.isInstance(p.accessHash));
    }
    const chan = tg.session.getInputEntity(-1001987654321);
    assert.ok(chan instanceof Api.InputPeerChannel);
    assert.equal(dec(chan.channelId), "1987654321");
    assert.equal(dec(chan.accessHash), String(MAX64));
    assert.ok(
      tg.session.getInputEntity("t.me/newschan") instanceof
        Api.InputPeerChannel,
    );
    assert.ok(
      tg.session.getInputEntity(
        new Api.PeerChannel({ channelId: bigInt(NEWS) }),
      ) instanceof Api.InputPeerChannel,
    );
    const chat = tg.session.getInputEntity(-987654321);
    assert.ok(chat instanceof Api.InputPeerChat);
    assert.equal(dec(chat.chatId), "987654321");
    assert.ok(
      tg.session.getInputEntity("Basic Group") instanceof Api.InputPeerChat,
    );
    // Input peers come back as they are; entities with a hash convert.
    const input = new Api.InputPeerSelf();
    assert.equal(tg.session.getInputEntity(input), input);
    const direct = tg.session.getInputEntity(
      gramUser({ id: 42n, hash: 7n, first: "X" }),
    );
    assert.ok(direct instanceof Api.InputPeerUser);
    assert.equal(dec(direct.accessHash), "7");
    // Our session resolves the same keys.
    assert.deepEqual(await session.getInputPeer("@alice_alt"), {
      _: "inputPeerUser",
      userId: 5123456789,
      accessHash: MIN64,
    });
  });

  it("a bare id that is a user's and a channel's resolves to the user, as in Telethon", async () => {
    const bound = await bind(await openSession(":memory:"));
    bound.processEntities(gramUpdates(
      [gramUser({ id: 100001n, hash: 1n, first: "User" })],
      [gramChannel({ id: 100001n, hash: 2n, title: "Channel" })],
    ));
    const memory = new telegram.sessions.MemorySession();
    memory.processEntities(gramUpdates(
      [gramUser({ id: 100001n, hash: 1n, first: "User" })],
      [gramChannel({ id: 100001n, hash: 2n, title: "Channel" })],
    ));
    assert.ok(bound.getInputEntity(100001) instanceof Api.InputPeerUser);
    assert.ok(
      bound.getInputEntity(-1000000100001) instanceof Api.InputPeerChannel,
    );
    // GramJS's MemorySession answers with the channel (chats come first).
    assert.ok(memory.getInputEntity(100001) instanceof Api.InputPeerChannel);
    // And it cannot find its own big integers; we can.
    assert.throws(() => memory.getInputEntity(bigInt(100001)));
    assert.ok(
      bound.getInputEntity(bigInt(100001)) instanceof Api.InputPeerUser,
    );
  });

  it("the client's getInputEntity finds username and phone in the session", async () => {
    const session = await openSession(":memory:");
    await withEntities(session);
    // A fresh client: its own write-once _entityCache is empty.
    const tg = client(await bind(session));
    const byName = await tg.getInputEntity("@alice_alt");
    assert.ok(byName instanceof Api.InputPeerUser);
    assert.equal(dec(byName.accessHash), String(MIN64));
    const byPhone = await tg.getInputEntity("+447700900123");
    assert.ok(byPhone instanceof Api.InputPeerUser);
    const byId = await tg.getInputEntity(-1001987654321);
    assert.ok(byId instanceof Api.InputPeerChannel);
    assert.equal(dec(byId.accessHash), String(MAX64));
  });

  it("a new access hash replaces the old one (GramJS's MemorySession keeps the old)", async () => {
    const session = await openSession(":memory:");
    const bound = await bind(session);
    const memory = new telegram.sessions.MemorySession();
    const first = gramUser({ id: ALICE, hash: 1111n, username: "alice_l" });
    const second = gramUser({ id: ALICE, hash: -2222n, username: "alice_l" });
    for (const s of [bound, memory]) {
      s.processEntities(gramUpdates([first], []));
      s.processEntities(gramUpdates([second], []));
    }
    const ours = bound.getInputEntity("alice_l");
    assert.ok(ours instanceof Api.InputPeerUser);
    assert.equal(dec(ours.accessHash), "-2222");
    const byId = bound.getInputEntity(5123456789);
    assert.ok(byId instanceof Api.InputPeerUser);
    assert.equal(dec(byId.accessHash), "-2222");
    const theirs = memory.getInputEntity("alice_l");
    assert.ok(theirs instanceof Api.InputPeerUser);
    assert.equal(dec(theirs.accessHash), "1111");
    await bound.flush();
    assert.equal(await session.countPeers(), 1);
    assert.equal((await session.getPeer(5123456789))?.accessHash, -2222n);
  });

  it("object keys resolve as Session.getInputPeer resolves them", async () => {
    const session = await openSession(":memory:");
    await withEntities(session);
    const bound = await bind(session);
    // What an input peer names, from either side: kind, id, hash.
    const named = (p: object): string => {
      const o = p as Record<string, unknown>;
      const kind = String(o.className ?? o._).toLowerCase();
      const id = o.userId ?? o.channelId ?? o.chatId;
      return `${kind} ${dec(id)} ${dec(o.accessHash ?? "-")}`;
    };
    const outcome = async (get: () => unknown): Promise<string> => {
      try {
        return named(await get() as object);
      } catch (e) {
        const err = e as Error;
        return e instanceof PeerNotFoundError
          ? `not found: ${e.kind} ${e.key}`
          : `${err.name}: ${err.message}`;
      }
    };
    const keys: [unknown, string][] = [
      // A full user answers with its own hash, not the cached one.
      [gramUser({ id: ALICE, hash: 42n }), `inputpeeruser ${ALICE} 42`],
      // A min user and peer objects are looked up by their id.
      [
        gramUser({ id: ALICE, hash: 7n, min: true }),
        `inputpeeruser ${ALICE} ${MIN64}`,
      ],
      [
        new Api.PeerChannel({ channelId: bigInt(NEWS) }),
        `inputpeerchannel ${NEWS} ${MAX64}`,
      ],
      [new Api.PeerChat({ chatId: bigInt(GROUP) }), `inputpeerchat ${GROUP} -`],
      [
        gramUser({ id: 99n, hash: 1n, min: true }),
        "not found: peer 99",
      ],
      [{ _: "message", id: 1 }, "TypeError: "],
      [true, "TypeError: "],
    ];
    for (const [key, expected] of keys) {
      const ours = await outcome(() => bound.getInputEntity(key));
      const theirs = await outcome(() => session.getInputPeer(key as never));
      assert.ok(ours.startsWith(expected), `${ours} for ${expected}`);
      assert.equal(ours, theirs);
    }
  });

  it("not found: throws PeerNotFoundError, and the client falls back to Telegram", async () => {
    const bound = await bind(await openSession(":memory:"));
    const tg = client(bound);
    assert.throws(() => tg.session.getInputEntity("@nobody_here"), (e) => {
      assert.ok(e instanceof PeerNotFoundError);
      assert.equal(e.kind, "username");
      return true;
    });
    assert.throws(
      () => tg.session.getInputEntity("+44 7700 900999"),
      (e) => e instanceof PeerNotFoundError && !e.message.includes("7700"),
    );
    assert.throws(() => tg.session.getInputEntity(77), PeerNotFoundError);
    // The client catches the session's error and turns to the network,
    // which this client does not have.
    await assert.rejects(tg.getInputEntity("@nobody_here"), /disconnected/);
  });

  it("skips min users, users without a hash and malformed objects without throwing", async () => {
    const session = await openSession(":memory:");
    const bound = await bind(session);
    bound.processEntities([
      gramUser({ id: 7n, hash: 7n, min: true, username: "min_user" }),
      new Api.User({ id: bigInt(8), firstName: "No Hash" }),
      { className: "User", id: "not a number", accessHash: 1n },
      null,
    ]);
    bound.processEntities(undefined);
    await bound.flush();
    assert.equal(await session.countPeers(), 0);
    assert.throws(() => bound.getInputEntity("min_user"), PeerNotFoundError);
  });

  it("saveEntities off: nothing is cached", async () => {
    const session = await openSession(":memory:", {});
    session.saveEntities = false;
    const bound = await bind(session);
    bound.processEntities(
      gramUpdates([gramUser({ id: 9n, hash: 9n, username: "nine" })], []),
    );
    await bound.flush();
    assert.equal(await session.countPeers(), 0);
  });
});

describe("GramJS on a SQLite session file", () => {
  const dir = mkdtempSync(join(tmpdir(), "mtsession-gramjs-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("close and reopen: GramJS sees the same key, DC and entities", async () => {
    const path = join(dir, "gram");
    const v = gramjsVectors.string_sessions[0];
    {
      const session = await openSession(path);
      const tg = client(await bind(session));
      tg.session.setDC(v.expect.dc_id, v.expect.server_address, v.expect.port);
      const key = new AuthKey();
      await key.setKey(Buffer.from(hex(v.expect.auth_key_hex)));
      await tg._authKeyCallback(key, v.expect.dc_id);
      const media = new AuthKey();
      await media.setKey(Buffer.from(new Uint8Array(256).fill(0x44)));
      await tg._authKeyCallback(media, v.expect.dc_id === 4 ? 5 : 4);
      receive(
        tg,
        gramUpdates(
          [
            gramUser({
              id: ALICE,
              hash: MIN64,
              first: "Alice",
              username: "Alice_L",
              phone: "447700900123",
            }),
          ],
          [gramChannel({ id: NEWS, hash: MAX64, title: "News" })],
        ),
      );
      // A newer hash for Alice arrives later.
      receive(
        tg,
        gramUpdates([
          gramUser({
            id: ALICE,
            hash: -8601234567890123456n,
            first: "Alice",
            username: "Alice_L",
          }),
        ], []),
      );
      await tg.session.close();
      assert.ok(session.closed);
    }
    {
      const session = await openSession(path);
      const tg = client(await bind(session));
      assert.equal(tg.session.dcId, v.expect.dc_id);
      assert.equal(tg.session.serverAddress, v.expect.server_address);
      assert.equal(dec(tg.session.authKey?.keyId), v.expect.gramjs_key_id);
      assert.equal(tg.session.save(), v.expect.resave);
      const other = tg.session.getAuthKey(v.expect.dc_id === 4 ? 5 : 4);
      assert.equal(toHex(keyBytes(other)), "44".repeat(256));
      const alice = await tg.getInputEntity("@alice_l");
      assert.ok(alice instanceof Api.InputPeerUser);
      assert.equal(dec(alice.accessHash), "-8601234567890123456");
      const byPhone = tg.session.getInputEntity("+447700900123");
      assert.ok(byPhone instanceof Api.InputPeerUser);
      const news = tg.session.getInputEntity(-1001987654321);
      assert.ok(news instanceof Api.InputPeerChannel);
      assert.equal(dec(news.accessHash), String(MAX64));
      // The file also reads as any other format.
      const mtcute = await session.exportString("mtcute");
      const back = await decodeSessionString(mtcute);
      assert.deepEqual(back.auth.authKey, hex(v.expect.auth_key_hex));
      await tg.session.close();
    }
  });

  it("delete() removes the file", async () => {
    const path = join(dir, "gone");
    const bound = await bind(await openSession(path));
    bound.setDC(2, "149.154.167.51", 443);
    await bound.flush();
    assert.ok(existsSync(`${path}.session`));
    await bound.delete();
    assert.ok(!existsSync(`${path}.session`), "the file is gone");
    const fresh = await openSession(path);
    assert.equal(fresh.dcId, null);
    await fresh.close();
  });
});
