/**
 * The accounts of a Telegram Desktop folder, as records: what
 * {@linkcode readTdata} gives and {@linkcode writeTdata} takes (both in
 * `tdata.ts`, which re-exports everything here).
 *
 * @module
 */

import { redactInspect } from "../_redacted.ts";
import { checkAuthKey, int } from "../_validate.ts";

/** A key with the DC it belongs to. */
export interface TdataKey {
  /** The DC id. */
  readonly dcId: number;
  /** The 256-byte auth key. */
  readonly authKey: Uint8Array;
}

/** What makes one account, for {@linkcode writeTdata} and {@linkcode TdataAccount}. */
export interface TdataAccountInit {
  /** The slot in Telegram Desktop, 0-5 (it names the account's files). */
  readonly index: number;
  /**
   * The user id, as a number or a bigint (up to 2^64 - 1); 0 for an account
   * that is not logged in, which Telegram Desktop only loads alone.
   */
  readonly userId: number | bigint;
  /** The main DC id. */
  readonly mainDcId: number;
  /** The auth key of each DC, by DC id. */
  readonly authKeys: ReadonlyMap<number, Uint8Array>;
  /** Keys Telegram Desktop still has to destroy on the servers. */
  readonly keysToDestroy?: readonly TdataKey[] | undefined;
  /**
   * Whether the account is on the test servers; `undefined` writes no
   * config, and Telegram Desktop then starts in production.
   */
  readonly testMode?: boolean | undefined;
}

const MAX_DC = 0x7fffffff;
const MAX_U64 = (1n << 64n) - 1n;

function checkUserId(v: unknown): number | bigint {
  if (typeof v === "bigint") {
    if (v < 0n || v > MAX_U64) {
      throw new RangeError("Expected userId to be between 0 and 2^64 - 1");
    }
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  return int(v, "userId", 0, Number.MAX_SAFE_INTEGER);
}

function checkKeys(
  keys: unknown,
): Map<number, Uint8Array> {
  if (!(keys instanceof Map)) {
    throw new TypeError("Expected authKeys to be a Map of DC id to auth key");
  }
  const out = new Map<number, Uint8Array>();
  for (const [dcId, key] of [...keys].sort((a, b) => a[0] - b[0])) {
    out.set(int(dcId, "the DC id of a key", 1, MAX_DC), checkAuthKey(key));
  }
  return out;
}

/**
 * One Telegram Desktop account: its user, main DC, test mode when known,
 * and the auth key of every DC it talks to. Printing it, `toString()` and
 * `JSON.stringify` never show a key.
 *
 * @example Usage
 * ```ts
 * import { TdataAccount } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const account = new TdataAccount({
 *   index: 0,
 *   userId: 5_123_456_789,
 *   mainDcId: 4,
 *   authKeys: new Map([[4, new Uint8Array(256).fill(7)]]),
 * });
 * assert.equal(account.authKey?.length, 256);
 * assert.ok(!JSON.stringify(account).includes("7,7"));
 * ```
 */
export class TdataAccount {
  static {
    redactInspect(this);
  }

  /** The slot in Telegram Desktop, 0-5. */
  readonly index: number;
  /**
   * The user id: a number whenever it is a safe integer (every real
   * Telegram id is, being below 2^52), a bigint above that; 0 when the
   * account is not logged in.
   */
  readonly userId: number | bigint;
  /** The main DC id. */
  readonly mainDcId: number;
  /** The 256-byte auth key of each DC, by DC id, in DC order. */
  readonly authKeys: ReadonlyMap<number, Uint8Array>;
  /** Keys Telegram Desktop still has to destroy on the servers. */
  readonly keysToDestroy: readonly TdataKey[];
  /**
   * Whether the account is on the test servers, from its config; undefined
   * when it has no config Telegram Desktop would use (it then connects to
   * production).
   */
  readonly testMode: boolean | undefined;

  /**
   * Checks and copies an account.
   *
   * @param init The account.
   * @throws {TypeError} For a field of the wrong type.
   * @throws {RangeError} For a value out of range (a key not 256 bytes).
   */
  constructor(init: TdataAccountInit) {
    if (typeof init !== "object" || init === null) {
      throw new TypeError("Expected an account object");
    }
    this.index = int(init.index, "index", 0, 5);
    this.userId = checkUserId(init.userId);
    this.mainDcId = int(init.mainDcId, "mainDcId", 1, MAX_DC);
    this.authKeys = checkKeys(init.authKeys);
    const destroy = init.keysToDestroy ?? [];
    if (!Array.isArray(destroy)) {
      throw new TypeError("Expected keysToDestroy to be an array");
    }
    this.keysToDestroy = destroy.map((k: TdataKey) => ({
      dcId: int(k?.dcId, "the DC id of a key to destroy", 1, MAX_DC),
      authKey: checkAuthKey(k.authKey),
    }));
    if (init.testMode !== undefined && typeof init.testMode !== "boolean") {
      throw new TypeError("Expected testMode to be a boolean or undefined");
    }
    this.testMode = init.testMode;
  }

  /** The main DC's auth key, if the account has one. */
  get authKey(): Uint8Array | undefined {
    return this.authKeys.get(this.mainDcId);
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `TdataAccount(index 0, user 777000, main DC 2, keys for DC 1, 2)`.
   */
  toString(): string {
    const dcs = [...this.authKeys.keys()];
    const keys = dcs.length === 0 ? "no keys" : `keys for DC ${dcs.join(", ")}`;
    const mode = this.testMode === true ? ", test mode" : "";
    return `TdataAccount(index ${this.index}, user ${this.userId}, main DC ${this.mainDcId}, ${keys}${mode})`;
  }

  /**
   * What `JSON.stringify` shows: everything but the keys.
   *
   * @returns A redacted summary (the user id as a string when a bigint).
   */
  toJSON(): Record<string, unknown> {
    return {
      index: this.index,
      userId: typeof this.userId === "bigint"
        ? this.userId.toString()
        : this.userId,
      mainDcId: this.mainDcId,
      testMode: this.testMode ?? null,
      keyDcIds: [...this.authKeys.keys()],
      keysToDestroy: this.keysToDestroy.length,
    };
  }
}

/** Why an account listed in a folder was not loaded. */
export type TdataSkipReason =
  | "index out of range"
  | "index repeated"
  | "same account as an earlier one"
  | "no user";

/** An account the folder lists but Telegram Desktop would not load. */
export interface TdataSkipped {
  /** Its index as stored. */
  readonly index: number;
  /** Why Telegram Desktop skips it. */
  readonly reason: TdataSkipReason;
}

/**
 * Everything {@linkcode readTdata} found: the accounts Telegram Desktop
 * would load, in its order, and which is active. Printing it,
 * `toString()` and `JSON.stringify` never show a key. It can be passed to
 * {@linkcode writeTdata} as it is.
 *
 * @example Usage
 * ```ts ignore
 * import { readTdata } from "@mtsession/mtsession";
 *
 * const found = await readTdata("tdata");
 * console.log(`${found}`); // TdataAccounts(1 account, active 0)
 * ```
 */
export class TdataAccounts {
  static {
    redactInspect(this);
  }

  /** The accounts, in the folder's order. */
  readonly accounts: readonly TdataAccount[];
  /** The index of the account Telegram Desktop opens first. */
  readonly activeIndex: number;
  /** Whether the folder is protected by a local passcode. */
  readonly hasPasscode: boolean;
  /** The TDF version of `key_datas` (the writer's version, e.g. 6001002). */
  readonly version: number;
  /** Accounts the folder lists that Telegram Desktop would not load. */
  readonly skipped: readonly TdataSkipped[];

  /**
   * Wraps what was read.
   *
   * @param fields The accounts, the active index, the passcode flag, the
   * version and the skipped accounts.
   */
  constructor(fields: {
    accounts: readonly TdataAccount[];
    activeIndex: number;
    hasPasscode: boolean;
    version: number;
    skipped: readonly TdataSkipped[];
  }) {
    this.accounts = fields.accounts;
    this.activeIndex = fields.activeIndex;
    this.hasPasscode = fields.hasPasscode;
    this.version = fields.version;
    this.skipped = fields.skipped;
  }

  /** The active account. */
  get active(): TdataAccount {
    return this.accounts.find((a) => a.index === this.activeIndex) ??
      this.accounts[0]!;
  }

  /**
   * A short description without secrets.
   *
   * @returns E.g. `TdataAccounts(2 accounts, active 1, passcode)`.
   */
  toString(): string {
    const n = this.accounts.length;
    return `TdataAccounts(${n} account${
      n === 1 ? "" : "s"
    }, active ${this.activeIndex}${this.hasPasscode ? ", passcode" : ""})`;
  }

  /**
   * What `JSON.stringify` shows: everything but the keys.
   *
   * @returns A redacted summary.
   */
  toJSON(): Record<string, unknown> {
    return {
      accounts: this.accounts.map((a) => a.toJSON()),
      activeIndex: this.activeIndex,
      hasPasscode: this.hasPasscode,
      version: this.version,
      skipped: this.skipped,
    };
  }
}
