// Small helpers shared by the codecs.

import { emptyAuth } from "../_copy.ts";
import type { AuthState } from "../types.ts";
import { findDcByAddress } from "./dc_table.ts";
import { Unfit } from "./types.ts";

/** An auth state with every field null. */
export function blankAuth(): AuthState {
  return emptyAuth();
}

/** A 256-byte key, or null for an all-zero key (Telethon's "no key"). */
export function keyOrNull(key: Uint8Array): Uint8Array | null {
  return key.some((b) => b !== 0) ? key : null;
}

/** Whether a codec's decoder takes a text (throws nothing on it). */
export function decodes(
  decode: (text: string) => unknown,
  text: string,
): boolean {
  try {
    decode(text);
    return true;
  } catch {
    return false;
  }
}

/** A TL/struct boolean byte: only 0 or 1. */
export function bool(byte: number, what: string): boolean {
  if (byte === 0) return false;
  if (byte === 1) return true;
  throw new Unfit(`has ${what} byte ${byte} (expected 0 or 1)`);
}

/** A user id that must be a positive safe integer. */
export function userIdOf(value: bigint): number {
  if (value <= 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Unfit("has a user id out of range");
  }
  return Number(value);
}

/**
 * Whether an address is one of Telegram's test servers (by the DC table);
 * `false` for null and for addresses the table lacks.
 */
export function inferTestMode(address: string | null): boolean {
  return address === null ? false : findDcByAddress(address)?.testMode ?? false;
}
