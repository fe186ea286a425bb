// The batched peer writer of SqliteStorage against the reference merge
// rules: random sequences of putPeers (ids, usernames and phones drawn from
// small pools, so that they collide: usernames and phones move between
// peers, records repeat inside one batch, null phones and names keep the
// known ones) are applied to MemoryStorage (the reference implementation of
// the SessionStorage contract) and to SqliteStorage, and every peer and
// every lookup must agree after each flush. After each round the file's
// two copies of the usernames (each peer row's ordered list, and the
// mts_usernames index from username to peer) must say the same thing.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MemoryStorage,
  migrateSqlite,
  type PeerRecord,
  type PeerType,
  type SessionStorage,
  SqliteStorage,
} from "../mod.ts";
import { openDefaultDatabase } from "../src/sqlite/pick_driver.ts";
import { int, pick, seeded } from "./_random.ts";
import { runtime } from "./_fixtures.ts";

const IDS = [
  1,
  2,
  3,
  5_123_456_789,
  8_600_000_000,
  -42,
  -1_001_234_567_890,
  -1_000_000_000_007,
  777,
  778,
  779,
  780,
];
const USERNAMES = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta"];
const PHONES = ["447700900123", "79991234567", "15550100", "4915112345678"];
const NAMES = ["Alice", "Bob", "Team", "News"];
const TYPES: PeerType[] = ["user", "bot", "chat", "channel", "supergroup"];

function randomRecord(r: () => number, clock: { t: number }): PeerRecord {
  const usernames: string[] = [];
  const n = r() < 0.3 ? 0 : int(r, 1, 3);
  for (let i = 0; i < n; i++) {
    const u = pick(r, USERNAMES);
    if (!usernames.includes(u)) usernames.push(u);
  }
  return {
    id: pick(r, IDS),
    type: pick(r, TYPES),
    accessHash: BigInt.asIntN(64, BigInt(int(r, 0, 2 ** 31)) << 33n) -
      BigInt(int(r, 0, 1000)),
    usernames,
    phone: r() < 0.5 ? null : pick(r, PHONES),
    name: r() < 0.4 ? null : pick(r, NAMES),
    updatedAt: clock.t++,
  };
}

async function snapshot(s: SessionStorage): Promise<unknown> {
  const peers = (await s.listPeers()).sort((a, b) => a.id - b.id);
  const lookups: Record<string, number | undefined> = {};
  for (const u of USERNAMES) {
    lookups[`@${u}`] = (await s.findPeer({ by: "username", value: u }))?.id;
  }
  for (const p of PHONES) {
    lookups[`+${p}`] = (await s.findPeer({ by: "phone", value: p }))?.id;
  }
  for (const n of NAMES) {
    lookups[`name ${n}`] = (await s.findPeer({ by: "name", value: n }))?.id;
  }
  return { peers, lookups, count: await s.countPeers() };
}

async function sqlite(
  make: (db: Awaited<ReturnType<typeof openDefaultDatabase>>) => SessionStorage,
): Promise<SessionStorage> {
  const db = await openDefaultDatabase(":memory:");
  migrateSqlite(db);
  return make(db);
}

/**
 * Every (username, peer) pair of mts_usernames is in that peer's row list,
 * and every name of every row list is in mts_usernames for that peer.
 */
function assertIndexInStep(
  db: Awaited<ReturnType<typeof openDefaultDatabase>>,
  where: string,
): void {
  const fromRows = new Set<string>();
  for (
    const row of db.prepare(
      "SELECT id, usernames FROM mts_peers WHERE session_id = 's'",
    ).all()
  ) {
    if (row.usernames === null) continue;
    for (const u of JSON.parse(String(row.usernames)) as string[]) {
      fromRows.add(`${u} -> ${row.id}`);
    }
  }
  const fromIndex = new Set(
    db.prepare(
      "SELECT username, peer_id FROM mts_usernames WHERE session_id = 's'",
    ).all().map((row) => `${row.username} -> ${row.peer_id}`),
  );
  assert.deepEqual(
    [...fromIndex].sort(),
    [...fromRows].sort(),
    `${where}: mts_usernames and the peers' username lists differ`,
  );
}

describe(`SqliteStorage batched writes match the merge rules (${runtime})`, () => {
  it("random batches agree with MemoryStorage; the username index stays in step", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = seeded(seed);
      const clock = { t: 1_700_000_000 };
      const reference = new MemoryStorage();
      let file: Awaited<ReturnType<typeof openDefaultDatabase>> | undefined;
      const ours = await sqlite((db) => {
        file = db;
        return new SqliteStorage(db, "s", {
          flushDelayMs: 60_000,
          maxBatch: 1_000_000,
          onClose: () => db.close(),
        });
      });
      for (let round = 0; round < 12; round++) {
        // Several putPeers calls make one pending batch; a read flushes it.
        const calls = int(r, 1, 4);
        for (let c = 0; c < calls; c++) {
          const batch = Array.from(
            { length: int(r, 1, 25) },
            () => randomRecord(r, clock),
          );
          for (const s of [reference, ours]) await s.putPeers(batch);
        }
        if (r() < 0.15) {
          const gone = [pick(r, IDS), pick(r, IDS)];
          for (const s of [reference, ours]) await s.deletePeers(gone);
        }
        const want = await snapshot(reference);
        assert.deepEqual(
          await snapshot(ours),
          want,
          `seed ${seed}, round ${round}`,
        );
        assertIndexInStep(file!, `seed ${seed}, round ${round}`);
      }
      for (const s of [reference, ours]) await s.close();
    }
  });

  it("keeps usernames exactly, spaces and all", async () => {
    const s = await sqlite((db) =>
      new SqliteStorage(db, "s", { onClose: () => db.close() })
    );
    const odd = ["with space", "x,y", '"quoted"', "üñí", "[]"];
    await s.putPeers([{
      id: 9,
      type: "user",
      accessHash: 1n,
      usernames: odd,
      phone: null,
      name: null,
      updatedAt: 1,
    }]);
    assert.deepEqual(
      (await s.findPeer({ by: "id", ids: [9] }))?.usernames,
      odd,
    );
    assert.equal(
      (await s.findPeer({ by: "username", value: "with space" }))?.id,
      9,
    );
    await s.close();
  });

  it("a known peer seen again unchanged writes only its row", async () => {
    // Through the public behaviour: the result is the same whichever path
    // the writer took; this checks the fast path keeps every field.
    const s = await sqlite((db) =>
      new SqliteStorage(db, "s", { onClose: () => db.close() })
    );
    const p: PeerRecord = {
      id: 5,
      type: "user",
      accessHash: 5n,
      usernames: ["five", "fünf"],
      phone: "15550105",
      name: "Five",
      updatedAt: 10,
    };
    await s.putPeers([p]);
    await s.flush();
    await s.putPeers([{ ...p, accessHash: -5n, phone: null, name: null }]);
    await s.putPeers([{ ...p, accessHash: -6n, updatedAt: 11 }]);
    assert.deepEqual(await s.findPeer({ by: "phone", value: "15550105" }), {
      ...p,
      accessHash: -6n,
      updatedAt: 11,
    });
    await s.close();
  });

  it("a background write that failed and then succeeded is not reported", async () => {
    const db = await openDefaultDatabase(":memory:");
    migrateSqlite(db);
    let failNext = false;
    const flaky = {
      ...db,
      driver: db.driver,
      path: db.path,
      exec(sql: string): void {
        if (failNext && sql.startsWith("BEGIN")) {
          failNext = false;
          throw new Error("disk I/O hiccup");
        }
        db.exec(sql);
      },
      prepare: db.prepare.bind(db),
      close: db.close.bind(db),
    };
    const s = new SqliteStorage(flaky, "s", {
      flushDelayMs: 5,
      onClose: () => db.close(),
    });
    const p: PeerRecord = {
      id: 5,
      type: "user",
      accessHash: 5n,
      usernames: [],
      phone: null,
      name: null,
      updatedAt: 1,
    };
    failNext = true;
    await s.putPeers([p]);
    await new Promise((r) => setTimeout(r, 50)); // the timer's write fails
    assert.equal(failNext, false, "the background write ran");
    assert.equal(await s.countPeers(), 1); // this read writes the batch
    await s.flush(); // nothing is lost: nothing to report
    await s.close();
  });
});
