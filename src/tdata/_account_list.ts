// The account list inside key_datas and the rules Telegram Desktop loads
// accounts by (Domain::startModern in storage/storage_domain.cpp):
//
//   int32 count (1-6, Main::Domain::kPremiumMaxAccounts) | count x int32
//   index | optionally int32 index of the active account   (big-endian)
//
// - an index outside 0-5, or seen before, is skipped;
// - an account whose session id (user id, with bit 56 set in test mode:
//   Account::willHaveSessionUniqueId in main/main_account.cpp) was already
//   loaded is skipped;
// - an account without a user (id 0) is loaded only as the last in the list
//   and when no account was loaded before it;
// - the active account is the stored index when it was loaded, else the
//   first loaded (Domain::activateAfterStarting in main/main_domain.cpp).
//
// Private to the library.

import { ByteReader, ByteWriter, Truncated } from "../strings/_bytes.ts";

/** Most accounts one folder holds (kPremiumMaxAccounts). */
export const MAX_ACCOUNTS = 6;

/** The decrypted account list. */
export interface AccountList {
  /** The indexes in stored order. */
  readonly indexes: readonly number[];
  /** The stored active index, if any. */
  readonly active: number | null;
}

/**
 * Decodes the account list.
 *
 * @param bytes The decrypted block.
 * @returns The list, or what is wrong with it (in words).
 */
export function decodeAccountList(
  bytes: Uint8Array,
): AccountList | { problem: string } {
  const r = new ByteReader(bytes);
  try {
    const count = r.i32be();
    if (count <= 0 || count > MAX_ACCOUNTS) {
      return {
        problem: `it lists ${count} accounts, where Telegram Desktop ` +
          `allows 1 to ${MAX_ACCOUNTS}`,
      };
    }
    const indexes: number[] = [];
    for (let i = 0; i < count; i++) indexes.push(r.i32be());
    const active = r.remaining >= 4 ? r.i32be() : null;
    return { indexes, active };
  } catch (e) {
    if (e instanceof Truncated) return { problem: "cut short" };
    throw e;
  }
}

/**
 * Encodes the account list.
 *
 * @param indexes The indexes in order.
 * @param active The active index.
 * @returns The block to encrypt.
 */
export function encodeAccountList(
  indexes: readonly number[],
  active: number,
): Uint8Array {
  const w = new ByteWriter().i32be(indexes.length);
  for (const index of indexes) w.i32be(index);
  return w.i32be(active).finish();
}

/** Bit 56 of a session id: the account is on the test servers. */
const TEST_MODE_BIT = 1n << 56n;

/**
 * The id Telegram Desktop tells accounts apart by.
 *
 * @param userId The user id (0 for none).
 * @param testMode Whether the account is in test mode.
 * @returns The session id; `0n` when there is no user.
 */
export function sessionUniqueId(userId: bigint, testMode: boolean): bigint {
  if (userId === 0n) return 0n;
  return testMode ? userId | TEST_MODE_BIT : userId;
}

/** Why an account in the list was not loaded. */
export type SkipReason =
  | "index out of range"
  | "index repeated"
  | "same account as an earlier one"
  | "no user";

/** An account the list names but Telegram Desktop would not load. */
export interface SkippedAccount {
  /** Its index as stored. */
  readonly index: number;
  /** Why it is skipped. */
  readonly reason: SkipReason;
}

/**
 * Walks the list the way Telegram Desktop does, loading each account whose
 * index is valid and new.
 *
 * @param list The account list.
 * @param load Reads one account; returns its session id and what was read.
 * @returns The loaded accounts in order, the skipped ones, and the active
 * index.
 */
export async function selectAccounts<T>(
  list: AccountList,
  load: (index: number) => Promise<{ sessionId: bigint; value: T }>,
): Promise<{
  loaded: { index: number; value: T }[];
  skipped: SkippedAccount[];
  active: number | null;
}> {
  const tried = new Set<number>();
  const sessions = new Set<bigint>();
  const loaded: { index: number; value: T }[] = [];
  const skipped: SkippedAccount[] = [];
  const count = list.indexes.length;
  for (let i = 0; i < count; i++) {
    const index = list.indexes[i]!;
    if (index < 0 || index >= MAX_ACCOUNTS) {
      skipped.push({ index, reason: "index out of range" });
      continue;
    }
    if (tried.has(index)) {
      skipped.push({ index, reason: "index repeated" });
      continue;
    }
    tried.add(index);
    const { sessionId, value } = await load(index);
    if (sessions.has(sessionId)) {
      skipped.push({
        index,
        reason: sessionId === 0n ? "no user" : "same account as an earlier one",
      });
    } else if (sessionId === 0n && !(sessions.size === 0 && i + 1 === count)) {
      skipped.push({ index, reason: "no user" });
    } else {
      sessions.add(sessionId);
      loaded.push({ index, value });
    }
  }
  if (loaded.length === 0) return { loaded, skipped, active: null };
  const wanted = list.active;
  const active = wanted !== null && loaded.some((a) => a.index === wanted)
    ? wanted
    : loaded[0]!.index;
  return { loaded, skipped, active };
}
