// getInputPeer on SQLite reads an input peer's parts from an index alone
// (schema 4), not the whole record: it must answer exactly what the whole
// record gives, for every key form, on every driver of the runtime.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MemoryStorage,
  openSession,
  type PeerKey,
  PeerNotFoundError,
  type PeerRecord,
  type Session,
  SessionClosedError,
  type SessionStorage,
} from "../mod.ts";
import type { SqliteDriverName } from "../src/sqlite/driver.ts";
import type { SqliteSessionOptions } from "../src/sqlite/session_file.ts";
import { denoSqliteModule, driversHere } from "./_drivers.ts";
import { runtime } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-input-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function withDriver(name: SqliteDriverName): SqliteSessionOptions {
  return name === "@db/sqlite" && denoSqliteModule !== undefined
    ? { driver: name, module: denoSqliteModule }
    : { driver: name };
}

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

const entities = {
  users: [
    {
      _: "user",
      id: 111111111,
      accessHash: MIN,
      firstName: "Alice",
      username: "alice_l",
      usernames: [{ username: "alice_two", active: true }],
      phone: "447700900123",
    },
    { _: "user", id: 2_000_000_001, accessHash: MAX, firstName: "Same Id" },
    { _: "user", id: 8_600_000_000, accessHash: -1n, firstName: "Big" },
  ],
  chats: [
    { _: "chat", id: 987654321, title: "A Basic Chat" },
    {
      _: "channel",
      id: 2_000_000_001,
      accessHash: 9n,
      title: "Twin Id Channel",
      username: "twin_chan",
    },
    {
      _: "channel",
      id: 1_987_654_321,
      accessHash: MIN + 1n,
      title: "Listed Channel",
      username: "listedchannel",
    },
  ],
};

// Every key form that reaches a lookup (ids bare, marked, as text and as
// bigint; usernames, links, phones, names; peers).
const KEYS: PeerKey[] = [
  111111111,
  2_000_000_001,
  -1_002_000_000_001,
  1_987_654_321,
  987654321,
  -987654321,
  8_600_000_000,
  8_600_000_000n,
  "111111111",
  "@alice_l",
  "ALICE_TWO",
  "t.me/twin_chan",
  "https://t.me/listedchannel",
  "+44 7700 900123",
  "447700900123",
  "A Basic Chat",
  "Listed Channel",
  { _: "peerUser", userId: 111111111 },
  { _: "peerChannel", channelId: 1_987_654_321 },
  { _: "peerChat", chatId: 987654321 },
];
const MISSING: PeerKey[] = [5, "@nobody", "+1 555 000 1111", "No Such Name"];

async function answers(s: Session): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const key of [...KEYS, ...MISSING]) {
    try {
      out.push(await s.getInputPeer(key));
    } catch (e) {
      assert.ok(e instanceof PeerNotFoundError, String(e));
      out.push(`missing ${e.message}`);
    }
  }
  return out;
}

/**
 * The general path: every step through `findPeer` (a whole record, no
 * direct lookup), over memory.
 */
async function expected(): Promise<unknown[]> {
  const s = await openSession(indirect(new MemoryStorage()));
  await s.processEntities(entities);
  const out = await answers(s);
  await s.close();
  return out;
}

/** A storage whose findPeer is its own: the session gets no direct path. */
function indirect(storage: SessionStorage): SessionStorage {
  return new Proxy(storage, {
    get(target, prop): unknown {
      if (prop === "findPeer") {
        return (lookup: Parameters<SessionStorage["findPeer"]>[0]) =>
          target.findPeer(lookup);
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

describe(`getInputPeer from the index equals the whole record's (${runtime})`, () => {
  for (const d of driversHere()) {
    it(`${d.name}: every key form, before and after a reopen, and without the direct path`, async () => {
      const want = await expected();
      assert.ok(want.filter((a) => typeof a !== "string").length >= 18);
      const path = join(dir, `s${n++}`);
      const s = await openSession(path, withDriver(d.name));
      // Still queued (nothing flushed yet): the lookups write it first.
      await s.processEntities(entities);
      assert.deepEqual(await answers(s), want);
      await s.close();
      const again = await openSession(path, withDriver(d.name));
      assert.deepEqual(await answers(again), want);
      const viaFind = await openSession(indirect(again.storage));
      assert.deepEqual(await answers(viaFind), want);
      await again.close();
    });

    it(`${d.name}: a hash that changes is read anew, a min peer goes through its message`, async () => {
      const path = join(dir, `s${n++}`);
      const s = await openSession(path, withDriver(d.name));
      await s.processEntities(entities);
      assert.deepEqual(await s.getInputPeer("@alice_l"), {
        _: "inputPeerUser",
        userId: 111111111,
        accessHash: MIN,
      });
      await s.processEntities({
        _: "user",
        id: 111111111,
        accessHash: 42n,
        firstName: "Alice",
        username: "alice_l",
        phone: "447700900123",
      });
      for (const key of [111111111, "@alice_l", "+447700900123"]) {
        assert.deepEqual(await s.getInputPeer(key), {
          _: "inputPeerUser",
          userId: 111111111,
          accessHash: 42n,
        });
      }
      const min: PeerRecord = {
        id: 777_000_001,
        type: "user",
        accessHash: 3n,
        usernames: ["min_one"],
        phone: null,
        name: "Min",
        updatedAt: 1_800_000_000,
        min: true,
      };
      await s.storage.putPeers([min]);
      await assert.rejects(s.getInputPeer("@min_one"), PeerNotFoundError);
      await s.putMessageRef({
        peerId: 777_000_001,
        chatId: -1_001_987_654_321,
        messageId: 42,
      });
      const viaMessage = {
        _: "inputPeerUserFromMessage",
        peer: {
          _: "inputPeerChannel",
          channelId: 1_987_654_321,
          accessHash: MIN + 1n,
        },
        msgId: 42,
        userId: 777_000_001,
      };
      assert.deepEqual(await s.getInputPeer(777_000_001), viaMessage);
      assert.deepEqual(await s.getInputPeer("@min_one"), viaMessage);
      await s.close();
      await assert.rejects(s.getInputPeer(111111111), SessionClosedError);
    });
  }

  it("memory's direct path (no index to read) answers as the general one", async () => {
    const s = await openSession(new MemoryStorage());
    await s.processEntities(entities);
    assert.deepEqual(await answers(s), await expected());
    await s.close();
  });
});
