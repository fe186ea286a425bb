// What each concurrent writer of the PostgreSQL tests writes, so that the
// test can tell which final states the merge rules allow.

import type { PeerRecord } from "../mod.ts";

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
