// processEntities over real GramJS objects, mtcute-shaped objects with
// mtcute's own Long, and plain JSON; merge rules; what is skipped.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Api, utils } from "telegram";
import bigInt from "big-integer";
import { Long } from "@mtcute/core";
import { entityToPeer, openSession, type PeerRecord } from "../mod.ts";
import { gramUser } from "./_clients_gramjs.ts";

const photo = () => new Api.ChatPhotoEmpty();

function gramChannel(
  id: string,
  hash: string,
  title: string,
  extra: { megagroup?: boolean; username?: string; min?: boolean } = {},
): Api.Channel {
  return new Api.Channel({
    id: bigInt(id),
    accessHash: bigInt(hash),
    title,
    photo: photo(),
    date: 0,
    megagroup: extra.megagroup ?? false,
    broadcast: !(extra.megagroup ?? false),
    min: extra.min ?? false,
    ...(extra.username === undefined ? {} : { username: extra.username }),
  });
}

describe("processEntities with real GramJS objects", () => {
  it("stores users, chats and channels under GramJS's own marked ids", async () => {
    const s = await openSession(":memory:");
    const entities = [
      gramUser({
        id: 5123456789n,
        hash: 9223372036854775807n,
        first: "Big",
        last: "Id",
        username: "Big_Id_User",
        phone: "79991234567",
      }),
      gramUser({
        id: 6123456789n,
        hash: 7777777777777777777n,
        first: "Example Bot",
        username: "example_bot",
        bot: true,
      }),
      new Api.Chat({
        id: bigInt(987654321),
        title: "Basic Group",
        photo: photo(),
        participantsCount: 3,
        date: 0,
        version: 1,
      }),
      new Api.ChatForbidden({ id: bigInt(876543210), title: "Kicked Group" }),
      gramChannel("2876543210", "3333333333333333333", "Big Id Group", {
        megagroup: true,
        username: "big_group",
      }),
      gramChannel("1987654321", "-1111111111111111111", "Example Channel", {
        username: "ExampleChannel",
      }),
      new Api.ChannelForbidden({
        id: bigInt(1765432109),
        accessHash: bigInt("4444444444444444444"),
        title: "Gone",
        broadcast: true,
      }),
    ];
    const stored = await s.processEntities(entities);
    assert.equal(stored, entities.length);
    for (const e of entities) {
      const markedId = Number(utils.getPeerId(e));
      const record = await s.getPeer(markedId);
      assert.ok(record, `record for ${markedId}`);
      const ours = await s.getInputPeer(markedId);
      const theirs = utils.getInputPeer(e);
      assert.equal(ours._.toLowerCase(), theirs.className.toLowerCase());
      if ("accessHash" in ours) {
        assert.equal(
          ours.accessHash,
          BigInt(String((theirs as Api.InputPeerUser).accessHash)),
        );
      }
    }
    const types = (await s.listPeers()).map((p) => [p.id, p.type]).sort((
      a,
      b,
    ) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(types, [
      [-1002876543210, "supergroup"],
      [-1001987654321, "channel"],
      [-1001765432109, "channel"],
      [-987654321, "chat"],
      [-876543210, "chat"],
      [5123456789, "user"],
      [6123456789, "bot"],
    ]);
    const big = await s.getPeer("@big_id_user");
    assert.deepEqual({ ...big, updatedAt: 0 }, {
      id: 5123456789,
      type: "user",
      accessHash: 2n ** 63n - 1n,
      usernames: ["big_id_user"],
      phone: "79991234567",
      name: "Big Id",
      updatedAt: 0,
    });
  });

  it("reads TL results: users and chats lists, single user/chat fields", async () => {
    const s = await openSession(":memory:");
    const resolved = new Api.contacts.ResolvedPeer({
      peer: new Api.PeerChannel({ channelId: bigInt(1987654321) }),
      chats: [gramChannel("1987654321", "-5", "News", { username: "news" })],
      users: [gramUser({ id: 42n, hash: -42n, first: "A" })],
    });
    assert.equal(await s.processEntities(resolved), 2);
    const full = new Api.users.UserFull({
      fullUser: undefined as never,
      chats: [],
      users: [gramUser({ id: 43n, hash: 43n, first: "B" })],
    });
    assert.equal(await s.processEntities(full), 1);
    assert.equal(
      await s.processEntities({ user: gramUser({ id: 44n, hash: 1n }) }),
      1,
    );
    assert.equal(await s.processEntities(gramUser({ id: 45n, hash: 1n })), 1);
    assert.equal(await s.countPeers(), 5);
  });

  it("skips min users and channels and users without an access hash", async () => {
    const s = await openSession(":memory:");
    const stored = await s.processEntities({
      users: [
        gramUser({ id: 333333333n, hash: 1n, first: "Min", min: true }),
        gramUser({ id: 444444444n, first: "No Hash" }),
        new Api.UserEmpty({ id: bigInt(1) }),
      ],
      chats: [
        gramChannel("1654321098", "9", "Min Channel", { min: true }),
        new Api.ChatEmpty({ id: bigInt(2) }),
      ],
    });
    assert.equal(stored, 0);
    assert.equal(await s.countPeers(), 0);
  });

  it("keeps every username, usernames[] included, lower-cased", async () => {
    const s = await openSession(":memory:");
    await s.processEntities([
      gramUser({
        id: 5223456789n,
        hash: -9223372036854775808n,
        first: "Multi",
        usernames: ["Multi_A", "multi_b"],
      }),
    ]);
    for (const key of ["@multi_a", "MULTI_B", "https://t.me/Multi_A"]) {
      assert.deepEqual(await s.getInputPeer(key), {
        _: "inputPeerUser",
        userId: 5223456789,
        accessHash: -(2n ** 63n),
      });
    }
  });
});

describe("processEntities with mtcute-shaped objects", () => {
  it("reads `_` names, number ids and mtcute's Long hashes exactly", async () => {
    const s = await openSession(":memory:");
    await s.processEntities({
      _: "messages.chats",
      chats: [
        {
          _: "channel",
          id: 2876543210,
          accessHash: Long.fromString("3333333333333333333"),
          title: "Big",
          megagroup: true,
          usernames: [{ _: "username", username: "Big_Group", active: true }],
        },
        { _: "chatForbidden", id: 876543210, title: "Kicked" },
      ],
      users: [
        {
          _: "user",
          id: 5223456789,
          accessHash: Long.fromString("-9223372036854775808"),
          firstName: "Multi",
          phone: "447700900123",
        },
        {
          _: "user",
          id: 5123456789,
          accessHash: Long.fromString("9223372036854775807", true),
          firstName: "U",
        },
      ],
    });
    assert.deepEqual(await s.getInputPeer("@big_group"), {
      _: "inputPeerChannel",
      channelId: 2876543210,
      accessHash: 3333333333333333333n,
    });
    assert.deepEqual(await s.getInputPeer(-876543210), {
      _: "inputPeerChat",
      chatId: 876543210,
    });
    assert.deepEqual(await s.getInputPeer("+44 7700 900123"), {
      _: "inputPeerUser",
      userId: 5223456789,
      accessHash: -(2n ** 63n),
    });
    assert.equal((await s.getPeer(5123456789))?.accessHash, 2n ** 63n - 1n);
  });

  it("reinterprets an unsigned Long above 2^63 as the signed value", () => {
    const p = entityToPeer({
      _: "user",
      id: 1,
      accessHash: Long.fromString("18446744073709551615", true),
    }, 0);
    assert.equal(p?.accessHash, -1n);
  });
});

describe("ids and hashes in GramJS's big-integer", () => {
  // What entityToPeer makes of an entity, or the error it throws.
  const outcome = (entity: Record<string, unknown>): unknown => {
    try {
      return entityToPeer(entity, 0);
    } catch (e) {
      return e instanceof Error ? [e.constructor.name, e.message] : e;
    }
  };
  const edges = [
    0n,
    1n,
    -1n,
    2n ** 31n,
    2n ** 53n - 1n,
    2n ** 53n,
    -(2n ** 53n) + 1n,
    -(2n ** 53n),
    2n ** 63n - 1n,
    -(2n ** 63n),
    2n ** 63n,
    2n ** 64n - 1n,
    2n ** 64n,
    -(2n ** 63n) - 1n,
  ];

  it("reads them (a fast path) as the same values in decimal strings", () => {
    for (const kind of ["user", "channel", "chat"]) {
      for (const id of edges) {
        for (const hash of edges) {
          const big = outcome({
            _: kind,
            id: bigInt(id.toString()),
            accessHash: bigInt(hash.toString()),
          });
          const text = outcome({
            _: kind,
            id: id.toString(),
            accessHash: hash.toString(),
          });
          assert.deepEqual(big, text, `${kind} ${id} ${hash}`);
        }
      }
    }
  });

  it("reads each entity's own constructor, however names alternate", () => {
    const named = (raw: string, id: number) => ({
      ...(raw.startsWith("_") ? { _: raw.slice(1) } : { className: raw }),
      id,
      accessHash: 1n,
      title: "T",
    });
    const raws = ["User", "_chat", "Chat", "_user", "Channel", "", "Nothing"];
    const types = raws.map((raw) =>
      entityToPeer(named(raw, 9), 0)?.type ?? "none"
    );
    for (let round = 0; round < 3; round++) {
      for (const order of [raws, [...raws].reverse()]) {
        for (const raw of order) {
          assert.equal(
            entityToPeer(named(raw, 9), 0)?.type ?? "none",
            types[raws.indexOf(raw)],
            raw,
          );
        }
      }
    }
    assert.deepEqual(types, [
      "user",
      "chat",
      "chat",
      "user",
      "channel",
      "none",
      "none",
    ]);
  });

  it("reads an object with long.js parts as a Long, whatever its value", () => {
    const long = { low: 7, high: 0, unsigned: false, value: 5n };
    const p = entityToPeer({ _: "user", id: long, accessHash: long }, 0);
    assert.equal(p?.id, 7);
    assert.equal(p?.accessHash, 7n);
  });
});

describe("processEntities with plain JSON", () => {
  it("reads Telethon to_dict style: capitalised names, snake_case, string hashes", async () => {
    const s = await openSession(":memory:");
    await s.processEntities({
      _: "ResolvedPeer",
      users: [{
        _: "User",
        id: 111111111,
        access_hash: "-8601234567890123456",
        first_name: "Alice",
        last_name: "Liddell",
        username: "alice_l",
        phone: "447700900123",
      }],
      chats: [{ _: "Chat", id: 987654321, title: "Basic Group" }],
    });
    const alice = await s.getPeer("Alice Liddell");
    assert.equal(alice?.accessHash, -8601234567890123456n);
    assert.equal(alice?.phone, "447700900123");
    assert.equal((await s.getPeer(987654321))?.type, "chat");
  });

  it("rejects malformed ids and hashes with built-in errors", async () => {
    const s = await openSession(":memory:");
    await assert.rejects(
      s.processEntities({ _: "user", id: 2 ** 60, accessHash: 1n }),
      RangeError,
    );
    await assert.rejects(
      s.processEntities({ _: "user", id: 1, accessHash: 2n ** 64n }),
      RangeError,
    );
    await assert.rejects(
      s.processEntities({ _: "user", id: 1, accessHash: 1.5 }),
      TypeError,
    );
    await assert.rejects(
      s.processEntities({ _: "user", id: 1, accessHash: "12abc" }),
      TypeError,
    );
  });

  it("ignores what is not an entity", async () => {
    const s = await openSession(":memory:");
    assert.equal(await s.processEntities(null), 0);
    assert.equal(await s.processEntities(42), 0);
    assert.equal(await s.processEntities({ _: "updates", updates: [] }), 0);
    assert.equal(
      await s.processEntities([[[{ _: "user", id: 1, accessHash: 1n }]]]),
      0,
    );
  });
});

describe("merging what is already known", () => {
  const user = (hash: bigint, extra: Record<string, unknown> = {}) => ({
    _: "user",
    id: 777,
    accessHash: hash,
    firstName: "Ann",
    username: "ann",
    phone: "15550001",
    ...extra,
  });

  it("a newer access hash replaces a stale one (GramJS keeps the stale one)", async () => {
    const s = await openSession(":memory:");
    await s.processEntities(user(1n));
    await s.processEntities(user(2n));
    assert.equal(
      (await s.getInputPeer(777) as { accessHash: bigint }).accessHash,
      2n,
    );
    assert.equal(await s.countPeers(), 1);
  });

  it("a poorer record keeps the phone and name it lacks", async () => {
    const s = await openSession(":memory:");
    await s.processEntities(user(1n));
    await s.processEntities({
      _: "user",
      id: 777,
      accessHash: 3n,
      username: "ann",
    });
    const p = await s.getPeer(777) as PeerRecord;
    assert.equal(p.phone, "15550001");
    assert.equal(p.name, "Ann");
    assert.equal(p.accessHash, 3n);
    assert.equal((await s.getPeer("+1 555 0001"))?.id, 777);
  });

  it("a min copy of a known user never replaces it", async () => {
    const s = await openSession(":memory:");
    await s.processEntities(user(1n));
    await s.processEntities(
      user(99n, { min: true, username: undefined, phone: undefined }),
    );
    const p = await s.getPeer(777) as PeerRecord;
    assert.equal(p.accessHash, 1n);
    assert.deepEqual(p.usernames, ["ann"]);
  });

  it("a username taken by another peer moves to it", async () => {
    const s = await openSession(":memory:");
    await s.processEntities(user(1n));
    await s.processEntities({
      _: "user",
      id: 778,
      accessHash: 5n,
      firstName: "Bo",
      username: "ANN",
    });
    assert.equal((await s.getPeer("@ann"))?.id, 778);
    assert.deepEqual((await s.getPeer(777))?.usernames, []);
  });

  it("saveEntities = false stores nothing", async () => {
    const s = await openSession(":memory:", { saveEntities: false });
    assert.equal(await s.processEntities(user(1n)), 0);
    s.saveEntities = true;
    assert.equal(await s.processEntities(user(1n)), 1);
  });
});
