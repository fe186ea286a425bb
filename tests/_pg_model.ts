// A model check for batched backends (PostgreSQL, Deno KV): random peer
// writes with many collisions of usernames and phones, applied to the
// backend and to MemoryStorage (the reference: records one by one), must
// leave the same peers and the same index answers. Batches hold many
// records, so the backend's batch planning is what is tested.

import assert from "node:assert/strict";
import { MemoryStorage } from "../mod.ts";
import type { PeerRecord, PeerType, SessionStorage } from "../mod.ts";
import { int, pick, seeded } from "./_random.ts";

const IDS = [1, 2, 3, 4, 5, -77, -1_000_000_000_123, 5_123_456_789];
const USERNAMES = ["a", "b", "c", "d", "e", "f"];
const PHONES = ["100", "200", "300", "400"];
const NAMES = ["Ann", "Bob", "Cy"];
const TYPES: PeerType[] = ["user", "bot", "channel", "supergroup", "chat"];
const HASHES = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n];

/** One step: store records, or flush. */
export type ModelStep = readonly PeerRecord[] | "flush";

/** A random sequence of writes for `seed`. */
export function modelSteps(seed: number, steps = 40): ModelStep[] {
  const rand = seeded(seed);
  const out: ModelStep[] = [];
  let t = 1_700_000_000;
  for (let s = 0; s < steps; s++) {
    if (rand() < 0.15) {
      out.push("flush");
      continue;
    }
    const records: PeerRecord[] = [];
    for (let k = int(rand, 1, 6); k > 0; k--) {
      const usernames: string[] = [];
      for (let u = int(rand, 0, 3); u > 0; u--) {
        const name = pick(rand, USERNAMES);
        if (!usernames.includes(name)) usernames.push(name);
      }
      records.push({
        id: pick(rand, IDS),
        type: pick(rand, TYPES),
        accessHash: pick(rand, HASHES) + BigInt(int(rand, 0, 3)) *
            (rand() < 0.5 ? 1n : 0n),
        usernames,
        phone: rand() < 0.5 ? null : pick(rand, PHONES),
        name: rand() < 0.4 ? null : pick(rand, NAMES),
        updatedAt: t += int(rand, 0, 2),
      });
    }
    out.push(records);
  }
  return out;
}

function clamp(h: bigint): bigint {
  return BigInt.asIntN(64, h);
}

/** Applies the steps to `storage` and to a MemoryStorage; compares. */
export async function checkAgainstMemory(
  storage: SessionStorage,
  steps: readonly ModelStep[],
): Promise<void> {
  const model = new MemoryStorage();
  for (const step of steps) {
    if (step === "flush") {
      await storage.flush();
      continue;
    }
    const records = step.map((r) => ({
      ...r,
      accessHash: clamp(r.accessHash),
    }));
    await model.putPeers(records);
    await storage.putPeers(records);
  }
  const sort = (ps: PeerRecord[]): PeerRecord[] =>
    ps.sort((a, b) => a.id - b.id);
  assert.deepEqual(
    sort(await storage.listPeers()),
    sort(await model.listPeers()),
  );
  for (const value of USERNAMES) {
    assert.equal(
      (await storage.findPeer({ by: "username", value }))?.id,
      (await model.findPeer({ by: "username", value }))?.id,
      `holder of username ${value}`,
    );
  }
  for (const value of PHONES) {
    assert.equal(
      (await storage.findPeer({ by: "phone", value }))?.id,
      (await model.findPeer({ by: "phone", value }))?.id,
      `holder of phone ${value}`,
    );
  }
  for (const value of NAMES) {
    const got = await storage.findPeer({ by: "name", value });
    assert.equal(
      got === undefined,
      (await model.findPeer({ by: "name", value })) === undefined,
    );
    if (got) assert.equal(got.name, value);
  }
}
