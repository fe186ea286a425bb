/**
 * Telegram Desktop's `tdata` folders: every account's auth keys out of one,
 * and new folders Telegram Desktop opens, with pure TypeScript and WebCrypto
 * (no native code), so on Deno, Bun, Node and Deno Deploy alike.
 *
 * The format follows Telegram Desktop's own source (6.1.2). Reading never
 * changes the folder; writing builds the folder aside and renames it into
 * place. A wrong or missing local passcode is a `PassphraseError`; a
 * damaged or incomplete folder a `SessionFileError` naming the file and what
 * to do.
 *
 * About versions: every file carries the version of the Telegram Desktop
 * that wrote it, and Telegram Desktop skips files from versions newer than
 * itself. This reader reads any version up to 99.999.999 (newer releases
 * keep the layout) and writes 6.0.0, which every 6.x release reads.
 *
 * @module
 */

import { redactInspect } from "../_redacted.ts";
import { checkAuthKey, int } from "../_validate.ts";
import { sessionUniqueId } from "./_account_list.ts";
import type { HeldFile } from "./_source.ts";

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

/** Options of {@linkcode readTdata}. */
export interface ReadTdataOptions {
  /** The local passcode, if the folder has one. */
  passcode?: string | undefined;
}

/** What {@linkcode writeTdata} writes. */
export interface TdataWriteInput {
  /** 1 to 6 accounts, in the order Telegram Desktop lists them. */
  readonly accounts: readonly (TdataAccountInit | TdataAccount)[];
  /** The index of the account to open first; the first account's by default. */
  readonly activeIndex?: number | undefined;
}

/** Options of {@linkcode writeTdata}. */
export interface WriteTdataOptions {
  /**
   * A local passcode to protect the folder with (Telegram Desktop then asks
   * for it at start). Unlocking takes 100,000 PBKDF2-SHA512 iterations.
   */
  passcode?: string | undefined;
}

/**
 * Reads every account of a Telegram Desktop `tdata` folder: user id, main
 * DC, test mode when the account's config says, and the auth key of every
 * DC, plus the keys still to be destroyed. The accounts are those Telegram
 * Desktop itself would load (see `skipped` for the rest). Nothing in the
 * folder is changed; copies `<name>0`/`<name>1` are read as Telegram
 * Desktop does, but not cleaned up.
 *
 * @param path The `tdata` folder.
 * @param options The local passcode, if it has one.
 * @returns The accounts.
 * @throws {PassphraseError} When the folder has a passcode and none or a
 * wrong one was given.
 * @throws {SessionFileError} When the folder is missing, not a tdata folder
 * (or one from Telegram Desktop before 2.2), or damaged: the error names the
 * file and what is wrong.
 *
 * @example Usage
 * ```ts ignore
 * import { readTdata } from "@mtsession/mtsession";
 *
 * const { accounts } = await readTdata("/home/me/.local/share/TelegramDesktop/tdata");
 * for (const a of accounts) console.log(a.userId, a.mainDcId, [...a.authKeys.keys()]);
 * ```
 */
export async function readTdata(
  path: string,
  options: ReadTdataOptions = {},
): Promise<TdataAccounts> {
  const passcode = checkCall(path, options);
  const { readFolder } = await import("./_read.ts");
  return await readFolder(path, passcode);
}

/** Options of {@linkcode readTdataFiles}. */
export interface ReadTdataFilesOptions extends ReadTdataOptions {
  /**
   * When each file was last changed (ms since 1970), by path: Telegram
   * Desktop reads the newer of a file's copies `<name>0` and `<name>1`
   * first. Without it `<name>0` is tried first.
   */
  modified?: ReadonlyMap<string, number> | undefined;
  /** What errors call the whole (`"tdata"` by default). */
  name?: string | undefined;
}

/** Options of {@linkcode readTdataZip}. */
export interface ReadTdataZipOptions extends ReadTdataOptions {
  /** The ZIP's file name, for errors (`"tdata.zip"` by default). */
  name?: string | undefined;
  /**
   * The largest file unzipped, in bytes (64 MiB by default; a tdata
   * folder's own files are a few KiB). Larger is a `ZipError`.
   */
  maxEntryBytes?: number | undefined;
}

function checkName(name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== "string" || name === "") {
    throw new TypeError("Expected name to be a non-empty string");
  }
  return name;
}

/**
 * Reads every account of a tdata folder whose files are in memory, as
 * {@linkcode readTdata} reads one on disk: for a browser, a worker, or
 * files taken from an archive. Paths are `/`-separated and relative: those
 * of the tdata folder's files (`key_datas`, `D877F783D5D3EF8C/maps`), or of
 * a folder holding it (`tdata/key_datas`); files it does not need are
 * ignored.
 *
 * @param files The files' bytes by path.
 * @param options The passcode, the files' times, a name for errors.
 * @returns The accounts.
 * @throws {PassphraseError} When a passcode is needed and none or a wrong
 * one was given.
 * @throws {SessionFileError} When no tdata folder is among the files, or it
 * is damaged.
 *
 * @example Usage
 * ```ts
 * import { readTdataFiles, SessionFileError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const files = new Map([["tdata/settingss", new Uint8Array(8)]]);
 * await assert.rejects(readTdataFiles(files), SessionFileError);
 * ```
 */
export async function readTdataFiles(
  files: ReadonlyMap<string, Uint8Array>,
  options: ReadTdataFilesOptions = {},
): Promise<TdataAccounts> {
  if (!(files instanceof Map)) {
    throw new TypeError("Expected files to be a Map of path to bytes");
  }
  const passcode = checkCall("files", options);
  const name = checkName(options.name, "tdata");
  const held = new Map<string, HeldFile>();
  for (const [path, bytes] of files) {
    if (typeof path !== "string" || !(bytes instanceof Uint8Array)) {
      throw new TypeError("Expected files to be a Map of path to bytes");
    }
    held.set(path.replace(/^(\.?\/)+/, ""), {
      modified: options.modified?.get(path) ?? null,
      read: () => Promise.resolve(bytes),
    });
  }
  const { readHeld } = await import("./_held.ts");
  return (await readHeld(held, name, passcode)).found;
}

/**
 * Reads every account of a zipped tdata folder (the folder itself zipped,
 * or a folder holding it), as {@linkcode readTdata} reads one on disk,
 * without unzipping anything but the few files it needs. Pure TypeScript:
 * stored and DEFLATE entries (by the platform's `DecompressionStream`);
 * encrypted ZIPs, ZIP64 and other compression methods are refused.
 *
 * @param zip The ZIP's bytes, or a Blob (a browser `File`: read in slices).
 * @param options The passcode, the ZIP's name, the largest file unzipped.
 * @returns The accounts.
 * @throws {ZipError} When the ZIP is damaged, encrypted, needs ZIP64, or a
 * file needed is over the size allowed.
 * @throws {PassphraseError} When a passcode is needed and none or a wrong
 * one was given.
 * @throws {SessionFileError} When no tdata folder is in the ZIP, or it is
 * damaged.
 *
 * @example Usage
 * ```ts ignore
 * import { readTdataZip } from "@mtsession/mtsession";
 *
 * const zip = await Deno.readFile("tdata.zip");
 * const { accounts } = await readTdataZip(zip, { name: "tdata.zip" });
 * for (const a of accounts) console.log(a.index, a.userId, a.mainDcId);
 * ```
 */
export async function readTdataZip(
  zip: Uint8Array | Blob,
  options: ReadTdataZipOptions = {},
): Promise<TdataAccounts> {
  if (
    !(zip instanceof Uint8Array) &&
    !(typeof Blob === "function" && zip instanceof Blob)
  ) {
    throw new TypeError("Expected the ZIP as a Uint8Array or a Blob");
  }
  const passcode = checkCall("zip", options);
  const name = checkName(options.name, "tdata.zip");
  const max = options.maxEntryBytes;
  if (max !== undefined) int(max, "maxEntryBytes", 1, Number.MAX_SAFE_INTEGER);
  const { readZip } = await import("./_held.ts");
  return (await readZip(zip, name, passcode, { maxEntryBytes: max })).found;
}

/**
 * Writes a new `tdata` folder that Telegram Desktop (6.x) opens logged in:
 * `key_datas` with a fresh random salt and local key, and for each account
 * its authorization (every DC's key, 64-bit ids), an empty map, and a
 * config when its test mode is known. The folder is created complete or
 * not at all (built beside it, then renamed), directories 0700 and files
 * 0600. Only a missing path or an empty folder is written to.
 *
 * Never let Telegram Desktop and another client use the same keys at the
 * same time: Telegram revokes a key used from two places at once.
 *
 * @param path The folder to create.
 * @param input The accounts and which one is active.
 * @param options A local passcode to protect the folder with.
 * @throws {TypeError} For malformed accounts.
 * @throws {RangeError} For out-of-range values, repeated indexes, or
 * accounts Telegram Desktop would not load (the same user twice, a user id
 * 0 beside other accounts).
 * @throws {SessionFileError} When something other than an empty folder is
 * at `path`.
 *
 * @example Usage
 * ```ts ignore
 * import { writeTdata } from "@mtsession/mtsession";
 *
 * await writeTdata("tdata", {
 *   accounts: [{ index: 0, userId: 777000, mainDcId: 2, authKeys: new Map([[2, key]]) }],
 * });
 * ```
 */
export async function writeTdata(
  path: string,
  input: TdataWriteInput,
  options: WriteTdataOptions = {},
): Promise<void> {
  const passcode = checkCall(path, options);
  const plan = planFolder(input);
  const { writeFolderFor } = await import("./_write.ts");
  await writeFolderFor(path, plan, passcode ?? "");
}

function checkCall(
  path: unknown,
  options: { passcode?: unknown },
): string | undefined {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("Expected the path of a tdata folder");
  }
  const passcode = options?.passcode;
  if (passcode !== undefined && typeof passcode !== "string") {
    throw new TypeError("Expected the passcode to be a string");
  }
  return passcode;
}

function planFolder(
  input: TdataWriteInput,
): { accounts: TdataAccount[]; activeIndex: number } {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("Expected { accounts }");
  }
  const list = input.accounts;
  if (!Array.isArray(list) || list.length === 0 || list.length > 6) {
    throw new RangeError("Expected 1 to 6 accounts");
  }
  const accounts = list.map((a: TdataAccountInit | TdataAccount) =>
    a instanceof TdataAccount ? a : new TdataAccount(a)
  );
  const seen = new Set<number>();
  const users = new Map<bigint, number>();
  for (const a of accounts) {
    if (seen.has(a.index)) {
      throw new RangeError(`Account index ${a.index} is given twice`);
    }
    seen.add(a.index);
    if (a.userId === 0) {
      if (accounts.length > 1) {
        throw new RangeError(
          `Account ${a.index} has no user (id 0): Telegram Desktop loads ` +
            "such an account only when it is alone",
        );
      }
      continue;
    }
    const user = sessionUniqueId(BigInt(a.userId), a.testMode === true);
    const other = users.get(user);
    if (other !== undefined) {
      throw new RangeError(
        `Accounts ${other} and ${a.index} are the same user: Telegram ` +
          "Desktop would load only the first",
      );
    }
    users.set(user, a.index);
  }
  const activeIndex = input.activeIndex ?? accounts[0]!.index;
  if (!seen.has(activeIndex)) {
    throw new RangeError(
      `activeIndex ${activeIndex} is not one of the accounts`,
    );
  }
  return { accounts, activeIndex };
}
