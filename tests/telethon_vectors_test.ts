// Replays Telethon 1.37's entity cache and get_input_entity answers
// (tests/fixtures/telethon/manifest.json): the entities are fed in as TL
// objects, every lookup must give Telethon's answer.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { openSession, PeerNotFoundError, type Session } from "../mod.ts";
import { loadFixtureJson } from "./_fixtures.ts";

const manifest = loadFixtureJson("telethon/manifest.json");

interface Row {
  id: number;
  hash: number | bigint;
  username: string | null;
  phone: number | bigint | null;
  name: string | null;
  date: number;
  type: string;
}

/** The TL object Telethon would have seen for a stored row. */
function entityOf(row: Row): Record<string, unknown> | undefined {
  const hash = BigInt(row.hash);
  const base = {
    ...(row.username === null ? {} : { username: row.username }),
  };
  if (row.type.startsWith("user") || row.type === "bot") {
    return {
      _: "user",
      id: row.id,
      accessHash: hash,
      ...base,
      ...(row.name === null ? {} : { firstName: row.name }),
      ...(row.phone === null ? {} : { phone: String(row.phone) }),
      bot: row.type === "bot",
    };
  }
  if (row.type.startsWith("chat")) {
    return {
      _: row.type === "chat" ? "chat" : "chatForbidden",
      id: -row.id,
      ...(row.name === null ? {} : { title: row.name }),
    };
  }
  if (row.type.startsWith("channel")) {
    return {
      _: row.type === "channel(forbidden)" ? "channelForbidden" : "channel",
      id: -row.id - 1_000_000_000_000,
      accessHash: hash,
      ...base,
      ...(row.name === null ? {} : { title: row.name }),
      megagroup: row.type === "channel(megagroup)",
    };
  }
  return undefined; // the (0, self id) row is not a peer
}

function expected(result: Record<string, unknown>): unknown {
  switch (result._) {
    case "InputPeerUser":
      return {
        _: "inputPeerUser",
        userId: Number(result.user_id),
        accessHash: BigInt(result.access_hash as bigint),
      };
    case "InputPeerChat":
      return { _: "inputPeerChat", chatId: Number(result.chat_id) };
    case "InputPeerChannel":
      return {
        _: "inputPeerChannel",
        channelId: Number(result.channel_id),
        accessHash: BigInt(result.access_hash as bigint),
      };
  }
  throw new Error(`unexpected ${String(result._)}`);
}

for (const file of manifest.sqlite_sessions) {
  describe(`Telethon vectors: entities of ${file.file}`, () => {
    const rows = [...file.entities as Row[]].sort((a, b) => a.date - b.date);
    const load = async (): Promise<Session> => {
      const s = await openSession(":memory:");
      const entities = rows.map(entityOf).filter((e) => e !== undefined);
      await s.processEntities(entities);
      return s;
    };

    it("stores every peer Telethon stored, and not the ones it skipped", async () => {
      const s = await load();
      const ids = (await s.listPeers()).map((p) => p.id).sort((a, b) => a - b);
      const want = rows.filter((r) => entityOf(r)).map((r) => r.id).sort((
        a,
        b,
      ) => a - b);
      assert.deepEqual(ids, want);
      for (const row of rows.filter((r) => entityOf(r))) {
        const p = (await s.getPeer(row.id))!;
        assert.equal(p.accessHash, BigInt(row.hash), `hash of ${row.id}`);
        assert.equal(p.phone, row.phone === null ? null : String(row.phone));
        assert.equal(p.name, row.name);
      }
    });

    it("skips the entities Telethon skipped (min, no access hash)", async () => {
      const s = await openSession(":memory:");
      const skipped = file.entities_not_stored as Array<
        { id: number; why: string }
      >;
      for (const e of skipped) {
        const min = /min/i.test(e.why);
        const tl = e.id < -1_000_000_000_000
          ? {
            _: "channel",
            id: -e.id - 1_000_000_000_000,
            title: "x",
            min,
            accessHash: min ? 1n : undefined,
          }
          : {
            _: "user",
            id: e.id,
            firstName: "x",
            min,
            accessHash: min ? 1n : undefined,
          };
        assert.equal(await s.processEntities(tl), 0, e.why);
      }
    });

    for (const lookup of file.telethon_api_view.lookups) {
      const key = typeof lookup.key === "bigint" ? lookup.key : lookup.key;
      if (key === 0) {
        // Telethon's self-id row (0, self id): we keep the account id in
        // AuthState.userId instead of a fake peer, so 0 is not a peer.
        it("0 is not a peer (Telethon's self-id row is not emulated)", async () => {
          const s = await load();
          await assert.rejects(s.getInputPeer(0), PeerNotFoundError);
        });
        continue;
      }
      it(`getInputPeer(${JSON.stringify(String(key))}): ${lookup.why}`, async () => {
        const s = await load();
        if (lookup.raises) {
          await assert.rejects(s.getInputPeer(key), PeerNotFoundError);
        } else {
          assert.deepEqual(await s.getInputPeer(key), expected(lookup.result));
        }
      });
    }
  });
}
