// Synthetic peers for the benchmarks: the same data in every process of a
// run (a seeded generator), shaped like what Telegram sends.
//
// N users with unique ids up to 8.6e9, signed 64-bit access hashes, 85%
// with a username, 50% with a phone number; lookup targets drawn from
// them. Ingested in batches of 100 (one RPC result's worth of users).

import { seeded } from "../../tests/_random.ts";

/** One synthetic user. */
export interface SynthUser {
  /** Bare user id (also the marked id). */
  id: number;
  /** Signed 64-bit access hash. */
  accessHash: bigint;
  /** Lower-case username, or null (15% have none). */
  username: string | null;
  /** Digits only, or null (50% have none). */
  phone: string | null;
  /** First name. */
  firstName: string;
}

/** The ingest batch size (users per processEntities call / transaction). */
export const BATCH = 100;

function u64(rand: () => number): bigint {
  const hi = BigInt(Math.floor(rand() * 2 ** 32));
  const lo = BigInt(Math.floor(rand() * 2 ** 32));
  return BigInt.asIntN(64, (hi << 32n) | lo);
}

/**
 * Makes `n` users (deterministic for a seed).
 *
 * @param n How many.
 * @param seed The generator's seed.
 * @returns The users, in ingest order.
 */
export function makeUsers(n: number, seed = 20261122): SynthUser[] {
  const rand = seeded(seed);
  const ids = new Set<number>();
  const users: SynthUser[] = [];
  let phoneSerial = 0;
  while (users.length < n) {
    const id = 1 + Math.floor(rand() * 8.6e9);
    if (ids.has(id)) continue;
    ids.add(id);
    const i = users.length;
    users.push({
      id,
      accessHash: u64(rand),
      // Unique by construction: the id is unique.
      username: rand() < 0.85 ? `user_${id.toString(36)}` : null,
      phone: rand() < 0.5
        ? `79${String(10_000_000 + phoneSerial++ * 7).padStart(9, "0")}`
        : null,
      firstName: `Name${i}`,
    });
  }
  return users;
}

/** Lookup targets: random keys of each kind that exist in the data. */
export interface Targets {
  /** Ids. */
  ids: number[];
  /** Usernames (without "@"). */
  usernames: string[];
  /** Phones (digits). */
  phones: string[];
}

/**
 * Draws `count` lookup keys of each kind (with repetition).
 *
 * @param users The data.
 * @param count Keys per kind.
 * @param seed The generator's seed.
 * @returns The keys.
 */
export function makeTargets(
  users: readonly SynthUser[],
  count: number,
  seed = 7,
): Targets {
  const rand = seeded(seed);
  const withName = users.filter((u) => u.username !== null);
  const withPhone = users.filter((u) => u.phone !== null);
  const pickFrom = <T>(list: readonly T[]): T =>
    list[Math.floor(rand() * list.length)]!;
  const t: Targets = { ids: [], usernames: [], phones: [] };
  for (let i = 0; i < count; i++) {
    t.ids.push(pickFrom(users).id);
    t.usernames.push(pickFrom(withName).username!);
    t.phones.push(pickFrom(withPhone).phone!);
  }
  return t;
}

/**
 * Splits the data into ingest batches.
 *
 * @param users The data.
 * @returns Batches of {@linkcode BATCH} users.
 */
export function batches<T>(users: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < users.length; i += BATCH) {
    out.push(users.slice(i, i + BATCH));
  }
  return out;
}
