// getInputPeer / getPeer: every key form, typed errors, redaction of phones.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Api } from "telegram";
import bigInt from "big-integer";
import {
  MemoryStorage,
  openSession,
  parsePhone,
  parseUsername,
  PeerNotFoundError,
  type Session,
} from "../mod.ts";

async function seeded(): Promise<Session> {
  const s = await openSession(":memory:");
  await s.processEntities({
    users: [
      {
        _: "user",
        id: 111111111,
        accessHash: -8601234567890123456n,
        firstName: "Alice",
        lastName: "Liddell",
        username: "alice_l",
        phone: "447700900123",
      },
      { _: "user", id: 2_000_000_001, accessHash: 5n, firstName: "Same Id" },
    ],
    chats: [
      { _: "chat", id: 987654321, title: "Basic Group" },
      {
        _: "channel",
        id: 2_000_000_001,
        accessHash: 9n,
        title: "Same Id Channel",
        username: "same_chan",
      },
      {
        _: "channel",
        id: 1_987_654_321,
        accessHash: -1n,
        title: "Example Channel",
        username: "examplechannel",
      },
    ],
  });
  return s;
}

describe("getInputPeer key forms", () => {
  it("a bare positive id is a user first, then a channel, then a chat", async () => {
    const s = await seeded();
    assert.equal((await s.getInputPeer(2_000_000_001))._, "inputPeerUser");
    assert.equal(
      (await s.getInputPeer(-1_002_000_000_001))._,
      "inputPeerChannel",
    );
    assert.equal((await s.getInputPeer(1_987_654_321))._, "inputPeerChannel");
    assert.equal((await s.getInputPeer(987654321))._, "inputPeerChat");
    assert.equal((await s.getInputPeer(987654321n))._, "inputPeerChat");
  });

  it("a negative id is exact", async () => {
    const s = await seeded();
    await assert.rejects(s.getInputPeer(-111111111), PeerNotFoundError);
  });

  it("ids written as text resolve too", async () => {
    const s = await seeded();
    assert.deepEqual(await s.getInputPeer("-1001987654321"), {
      _: "inputPeerChannel",
      channelId: 1987654321,
      accessHash: -1n,
    });
  });

  it("usernames in every spelling", async () => {
    const s = await seeded();
    for (
      const key of [
        "alice_l",
        "@Alice_L",
        "t.me/alice_l",
        "https://t.me/ALICE_L/",
        "telegram.me/alice_l",
        "https://telegram.dog/alice_l",
        "tg://resolve?domain=alice_l",
        "  @alice_l  ",
      ]
    ) {
      assert.equal(
        (await s.getInputPeer(key) as { userId: number }).userId,
        111111111,
        key,
      );
    }
  });

  it("phones in every common spelling", async () => {
    const s = await seeded();
    for (
      const key of [
        "+44 7700 900123",
        "447700900123",
        "+44 (7700) 900-123",
        "44.7700.900.123",
      ]
    ) {
      assert.equal(
        (await s.getInputPeer(key) as { userId: number }).userId,
        111111111,
        key,
      );
    }
  });

  it("an exact display name or title, last", async () => {
    const s = await seeded();
    assert.equal(
      (await s.getInputPeer("Alice Liddell") as { userId: number }).userId,
      111111111,
    );
    assert.equal((await s.getInputPeer("Basic Group"))._, "inputPeerChat");
    await assert.rejects(s.getInputPeer("alice liddell"), PeerNotFoundError);
  });

  it("an old-style invite link resolves to its chat", async () => {
    const s = await seeded();
    assert.deepEqual(
      await s.getInputPeer("https://t.me/joinchat/SZYC0jreaLEAAAAAAAAAKg"),
      { _: "inputPeerChat", chatId: 987654321 },
    );
    assert.deepEqual(await s.getInputPeer("t.me/+SZYC0jreaLEAAAAAAAAAKg"), {
      _: "inputPeerChat",
      chatId: 987654321,
    });
  });

  it("input peers come back as they are, in GramJS and mtcute shape", async () => {
    const s = await seeded();
    const gram = new Api.InputPeerUser({
      userId: bigInt(1),
      accessHash: bigInt(2),
    });
    assert.equal(await s.getInputPeer(gram), gram);
    const mt = { _: "inputPeerSelf" } as const;
    assert.equal(await s.getInputPeer(mt), mt);
  });

  it("peer objects and entities resolve through the cache", async () => {
    const s = await seeded();
    assert.equal(
      (await s.getInputPeer({ _: "peerChannel", channelId: 1987654321 }))._,
      "inputPeerChannel",
    );
    assert.equal(
      (await s.getInputPeer(new Api.PeerUser({ userId: bigInt(111111111) })))._,
      "inputPeerUser",
    );
    assert.deepEqual(
      await s.getInputPeer({ _: "user", id: 5, accessHash: 6n }),
      { _: "inputPeerUser", userId: 5, accessHash: 6n },
      "an entity with a hash converts without the cache",
    );
    assert.deepEqual(
      await s.getInputPeer({
        _: "user",
        id: 111111111,
        min: true,
        accessHash: 1n,
      }),
      {
        _: "inputPeerUser",
        userId: 111111111,
        accessHash: -8601234567890123456n,
      },
      "a min entity resolves by its id",
    );
    assert.equal(
      (await s.getPeer({ _: "inputPeerChat", chatId: 987654321 }))?.name,
      "Basic Group",
    );
  });
});

describe("lookup errors", () => {
  it("PeerNotFoundError names the key but never a phone number", async () => {
    const s = await seeded();
    const e1 = await s.getInputPeer("@nobody_here").catch((e) => e);
    assert.ok(e1 instanceof PeerNotFoundError);
    assert.equal(e1.kind, "username");
    assert.match(e1.message, /@nobody_here/);
    const e2 = await s.getInputPeer("+1 555 123 4567").catch((e) => e);
    assert.ok(e2 instanceof PeerNotFoundError);
    assert.equal(e2.kind, "phone");
    assert.doesNotMatch(e2.message + e2.key + String(e2.stack), /555|4567/);
    const e3 = await s.getInputPeer(123).catch((e) => e);
    assert.equal(e3.kind, "id");
    assert.match(e3.message, /123/);
    const e4 = await s.getInputPeer("me").catch((e) => e);
    assert.ok(
      e4 instanceof PeerNotFoundError,
      '"me" is the client\'s to resolve',
    );
  });

  it("a negative id as text is an id, never a phone number", async () => {
    const storage = new MemoryStorage();
    const asked: string[] = [];
    const findPeer = storage.findPeer.bind(storage);
    storage.findPeer = (lookup) => {
      asked.push(lookup.by);
      return findPeer(lookup);
    };
    const s = await openSession(storage);
    const e = await s.getInputPeer("-1001987654321").catch((e) => e);
    assert.ok(e instanceof PeerNotFoundError);
    assert.equal(e.kind, "id");
    assert.match(e.message, /-1001987654321/);
    assert.ok(!asked.includes("phone"), asked.join());
    await s.processEntities({
      _: "channel",
      id: 1987654321,
      accessHash: 5n,
    });
    assert.equal(
      (await s.getInputPeer("-1001987654321"))._,
      "inputPeerChannel",
    );
  });

  it("a phone must be text: a number is refused, not stored unfindable", async () => {
    const s = await openSession(":memory:");
    await assert.rejects(
      s.putPeers([{
        id: 1,
        type: "user",
        accessHash: 1n,
        usernames: [],
        phone: 79991234567 as unknown as string,
        name: null,
        updatedAt: 1,
      }]),
      TypeError,
    );
  });

  it("getPeer returns undefined where getInputPeer throws", async () => {
    const s = await seeded();
    assert.equal(await s.getPeer("@nobody_here"), undefined);
  });

  it("bad keys are argument errors", async () => {
    const s = await seeded();
    await assert.rejects(s.getInputPeer(2 ** 60), RangeError);
    await assert.rejects(s.getInputPeer(1.5), TypeError);
    await assert.rejects(s.getInputPeer(""), TypeError);
    await assert.rejects(s.getInputPeer({ foo: 1 }), TypeError);
    await assert.rejects(s.getInputPeer(true as never), TypeError);
  });
});

describe("key parsers", () => {
  it("parsePhone accepts phone spellings only", () => {
    assert.equal(parsePhone("+1 (555) 000-11.22"), "15550001122");
    assert.equal(parsePhone("555x"), undefined);
    assert.equal(parsePhone("+"), undefined);
  });

  it("parseUsername follows Telegram's username rules", () => {
    assert.deepEqual(parseUsername("ab"), {}, "too short");
    assert.deepEqual(parseUsername("a__b"), {}, "double underscore");
    assert.deepEqual(parseUsername("1abc"), {}, "starts with a digit");
    assert.deepEqual(parseUsername("abc_"), {}, "ends with underscore");
    assert.deepEqual(parseUsername("a".repeat(33)), {}, "too long");
    assert.deepEqual(parseUsername("Abc"), { username: "abc" });
    assert.deepEqual(parseUsername("tg://join?invite=XYZ"), { invite: "XYZ" });
    assert.deepEqual(parseUsername("https://t.me/joinchat/XYZ"), {
      invite: "XYZ",
    });
  });
});
