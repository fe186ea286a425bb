// The model check of every storage: seeded random rounds of peer writes,
// drawn from small pools so that they collide (usernames and phones move
// between peers, one id repeats inside a batch, null phones and names keep
// the known ones, access hashes at the 64-bit edges), with deletes, flushes
// between writes and, where the backend can, a reopen of the same data.
// Each step is applied to the backend and to MemoryStorage (the reference:
// the SessionStorage contract, record by record); after every round each
// lookup, listPeers and countPeers must agree. Batches hold many records
// and several putPeers calls make one pending batch, so the backend's
// batch planning is what is tested. A backend may add a check of its own
// after every round (SQLite: the username index and each peer's list say
// the same).

import assert from "node:assert/strict";
import {
  MemoryStorage,
  type PeerRecord,
  type PeerType,
  type SessionStorage,
} from "../mod.ts";
import { int, pick, seeded } from "./_random.ts";

const IDS = [
  1,
  2,
  3,
  5,
  777,
  778,
  -42,
  -77,
  5_123_456_789,
  8_600_000_000,
  -1_000_000_000_007,
  -1_000_000_000_123,
  -1_001_234_567_890,
];
const USERNAMES = ["a", "b", "alpha", "beta", "gamma", "delta", "eps"];
const PHONES = ["100", "200", "447700900123", "79991234567", "15550100"];
const NAMES = ["Ann", "Bob", "Team", "News"];
const TYPES: PeerType[] = ["user", "bot", "chat", "channel", "supergroup"];
/** Access hashes at the edges of 64 bits (a small offset may wrap them). */
const EDGE_HASHES = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n];

/** One backend under the model check. */
export interface ModelBackend {
  /** The storage the steps go to (a new one after `reopen`). */
  readonly storage: SessionStorage;
  /**
   * Closes the storage and opens the same data again; absent where the
   * data does not outlive its storage.
   */
  reopen?(): Promise<void>;
  /** The backend's own check after every round. */
  extra?(where: string): void | Promise<void>;
  /** Closes it for good. */
  close(): Promise<void>;
}

/** How long the check runs. */
export interface ModelOptions {
  /** Seeds 1…seeds, one backend each (default 40). */
  seeds?: number;
  /** Rounds per seed (default 12). */
  rounds?: number;
}

function randomHash(r: () => number): bigint {
  if (r() < 0.5) {
    return BigInt.asIntN(64, pick(r, EDGE_HASHES) + BigInt(int(r, -2, 2)));
  }
  return BigInt.asIntN(64, BigInt(int(r, 0, 2 ** 31)) << 33n) -
    BigInt(int(r, 0, 1000));
}

function randomRecord(
  r: () => number,
  clock: { t: number; ties: boolean },
): PeerRecord {
  const usernames: string[] = [];
  const n = r() < 0.3 ? 0 : int(r, 1, 3);
  for (let i = 0; i < n; i++) {
    const u = pick(r, USERNAMES);
    if (!usernames.includes(u)) usernames.push(u);
  }
  // With ties, several peers may share an updatedAt (which name lookup
  // cannot then rank); without, every record is newer than the last.
  clock.t += clock.ties ? int(r, 0, 2) : 1;
  return {
    id: pick(r, IDS),
    type: pick(r, TYPES),
    accessHash: randomHash(r),
    usernames,
    phone: r() < 0.5 ? null : pick(r, PHONES),
    name: r() < 0.4 ? null : pick(r, NAMES),
    updatedAt: clock.t,
  };
}

const byId = (a: PeerRecord, b: PeerRecord): number => a.id - b.id;

/** Every peer and every lookup of `s`, except by name. */
async function snapshot(s: SessionStorage): Promise<unknown> {
  const peers = (await s.listPeers()).sort(byId);
  const lookups: Record<string, number | undefined> = {};
  for (const u of USERNAMES) {
    lookups[`@${u}`] = (await s.findPeer({ by: "username", value: u }))?.id;
  }
  for (const p of PHONES) {
    lookups[`+${p}`] = (await s.findPeer({ by: "phone", value: p }))?.id;
  }
  for (const id of IDS) {
    lookups[`id ${id}`] = (await s.findPeer({ by: "id", ids: [id] }))?.id;
  }
  return { peers, lookups, count: await s.countPeers() };
}

/**
 * Name lookups: the latest peer written with the name, as the reference
 * finds it; when peers of that name share the latest updatedAt, any of
 * them (the backend cannot tell them apart).
 */
async function checkNames(
  ours: SessionStorage,
  reference: MemoryStorage,
  where: string,
): Promise<void> {
  const all = await reference.listPeers();
  for (const value of NAMES) {
    const want = await reference.findPeer({ by: "name", value });
    const got = await ours.findPeer({ by: "name", value });
    if (want === undefined) {
      assert.equal(got, undefined, `${where}: name ${value}`);
      continue;
    }
    const named = all.filter((p) => p.name === value);
    const latest = Math.max(...named.map((p) => p.updatedAt));
    const candidates = named.filter((p) => p.updatedAt === latest)
      .map((p) => p.id);
    assert.ok(candidates.includes(want.id), `${where}: the reference's rule`);
    if (candidates.length === 1) {
      assert.deepEqual(got, want, `${where}: name ${value}`);
    } else {
      assert.ok(
        got !== undefined && candidates.includes(got.id),
        `${where}: name ${value} found ${got?.id}, one of ${candidates}`,
      );
    }
  }
}

/**
 * Runs the model check: for each seed, `open(seed)` gives a backend with
 * no peers, and the seed's rounds are applied to it and to MemoryStorage.
 */
export async function checkAgainstModel(
  open: (seed: number) => Promise<ModelBackend>,
  options: ModelOptions = {},
): Promise<void> {
  const seeds = options.seeds ?? 40;
  const rounds = options.rounds ?? 12;
  for (let seed = 1; seed <= seeds; seed++) {
    const r = seeded(seed);
    const clock = { t: 1_700_000_000, ties: seed % 2 === 1 };
    const reference = new MemoryStorage();
    const backend = await open(seed);
    try {
      for (let round = 0; round < rounds; round++) {
        const where = `seed ${seed}, round ${round}`;
        // Several putPeers calls make one pending batch; a flush may come
        // between them, and any read flushes it.
        for (let c = int(r, 1, 4); c > 0; c--) {
          const batch = Array.from(
            { length: int(r, 1, 25) },
            () => randomRecord(r, clock),
          );
          await reference.putPeers(batch);
          await backend.storage.putPeers(batch);
          if (r() < 0.15) await backend.storage.flush();
        }
        if (r() < 0.15) {
          const gone = [pick(r, IDS), pick(r, IDS)];
          await reference.deletePeers(gone);
          await backend.storage.deletePeers(gone);
        }
        if (r() < 0.1 && backend.reopen) await backend.reopen();
        assert.deepEqual(
          await snapshot(backend.storage),
          await snapshot(reference),
          where,
        );
        await checkNames(backend.storage, reference, where);
        await backend.extra?.(where);
      }
    } finally {
      await backend.close();
    }
  }
}
