// What each concurrent writer of one session writes (the PostgreSQL and
// Deno KV tests of `exclusive: false`), and the check of which final
// states the merge rules allow.

import assert from "node:assert/strict";
import type { PeerRecord, SessionStorage } from "../mod.ts";

/** A 64-bit hash unique to (worker, round, peer), spread over ±2^63. */
export function pgHash(worker: number, round: number, id: number): bigint {
  return BigInt.asIntN(
    64,
    (BigInt(worker + 1) << 56n) ^ (BigInt(round) << 36n) ^ BigInt(id) ^
      (1n << 63n),
  );
}

/** Id of a worker's own peer `k`. */
export function ownId(worker: number, k: number): number {
  return 1_000_000 * (worker + 1) + k;
}

/** The contested phone and username. */
export const HOT_PHONE = "5550000";
/** The username every worker hands to some shared peer. */
export const HOT_USERNAME = "hot";

/**
 * Round `round` of `worker`: every shared peer (ids 1…shared) and every
 * own peer. Shared peers fight over `hot` and HOT_PHONE; names are null in
 * odd rounds (they must never erase a known name).
 */
export function pgWorkerRecords(
  worker: number,
  round: number,
  shared: number,
  own: number,
): PeerRecord[] {
  const out: PeerRecord[] = [];
  const at = 1_700_000_000 + round;
  for (let s = 1; s <= shared; s++) {
    out.push({
      id: s,
      type: round % 2 === 0 ? "user" : "bot",
      accessHash: pgHash(worker, round, s),
      usernames: (round + s) % 3 === worker % 3
        ? [`s${s}`, HOT_USERNAME]
        : [`s${s}`],
      phone: round % 2 === 0
        ? `7000${s}`
        : (round + s) % 5 === 0
        ? HOT_PHONE
        : null,
      name: round % 2 === 1 ? null : `Shared ${s} by ${worker}`,
      updatedAt: at,
    });
  }
  for (let k = 0; k < own; k++) {
    out.push({
      id: ownId(worker, k),
      type: "user",
      accessHash: pgHash(worker, round, ownId(worker, k)),
      usernames: [`w${worker}_${k}`],
      phone: `8${worker}00${k}`,
      name: round % 2 === 1 ? null : `Own ${worker}/${k}`,
      updatedAt: at,
    });
  }
  return out;
}

/** How the concurrent writers were run. */
export interface WritersRun {
  /** How many writers. */
  workers: number;
  /** Rounds each wrote ({@linkcode pgWorkerRecords}). */
  rounds: number;
  /** Shared peers (ids 1…shared). */
  shared: number;
  /** Own peers per writer. */
  own: number;
}

/**
 * Checks what concurrent writers left in `storage`: nothing lost, each own
 * peer exactly its writer's last write, each shared peer one writer's last
 * write whole, every username and phone held by exactly one peer.
 *
 * @returns The usernames held (to compare with the backend's own index).
 */
export async function assertMergedWrites(
  storage: SessionStorage,
  run: WritersRun,
): Promise<Set<string>> {
  const { workers, rounds, shared, own } = run;
  const peers = await storage.listPeers();
  assert.equal(peers.length, shared + workers * own);
  const byId = new Map(peers.map((p) => [p.id, p]));
  // Own peers: one writer each, so exactly its last write.
  for (let w = 0; w < workers; w++) {
    for (let k = 0; k < own; k++) {
      const p = byId.get(ownId(w, k));
      assert.ok(p, `own peer ${w}/${k}`);
      assert.equal(p.accessHash, pgHash(w, rounds - 1, ownId(w, k)));
      assert.deepEqual(p.usernames, [`w${w}_${k}`]);
      assert.equal(p.phone, `8${w}00${k}`);
      assert.equal(p.name, `Own ${w}/${k}`, "a null name never erased it");
    }
  }
  // Shared peers: the last write of one of the writers wins, whole.
  for (let id = 1; id <= shared; id++) {
    const p = byId.get(id)!;
    const last = Array.from(
      { length: workers },
      (_, w) => pgHash(w, rounds - 1, id),
    );
    assert.ok(last.includes(p.accessHash), `hash of shared peer ${id}`);
    assert.match(p.name ?? "", new RegExp(`^Shared ${id} by \\d$`));
    assert.ok(p.usernames.includes(`s${id}`));
    assert.ok([`7000${id}`, HOT_PHONE, null].includes(p.phone));
  }
  // Every username and phone belongs to exactly one peer, which lists it.
  const holders = new Set<string>();
  for (const p of peers) {
    for (const u of p.usernames) {
      assert.ok(!holders.has(u), `username ${u} listed twice`);
      holders.add(u);
      assert.equal(
        (await storage.findPeer({ by: "username", value: u }))?.id,
        p.id,
      );
    }
    if (p.phone !== null) {
      assert.equal(
        (await storage.findPeer({ by: "phone", value: p.phone }))?.id,
        p.id,
      );
    }
  }
  assert.ok(holders.has(HOT_USERNAME), "someone holds the contested username");
  assert.ok(peers.filter((p) => p.phone === HOT_PHONE).length <= 1);
  return holders;
}

/** Peer `id` of the restart test (tests/postgres_restart_test.ts). */
export function restartPeer(id: number): PeerRecord {
  return {
    id,
    type: "user",
    accessHash: pgHash(7, id, id),
    usernames: [`r${id}`],
    phone: null,
    name: `Restart ${id}`,
    updatedAt: 1_700_000_000 + id,
  };
}
