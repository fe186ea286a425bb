// A Telegram Desktop `tdata` folder as a session file: finding the folder
// (the tdata folder itself, or the folder holding it), one account of it
// as a ForeignSession (main DC's key in the auth state, the other DCs'
// keys beside it, Telegram's address of each DC), and the other way: the
// account a session makes for writeTdata. Private: files.ts and the CLI
// load it when a folder is given or `--to tdata` asked for.

import { join } from "node:path";
import {
  SessionError,
  type TdataAccountChoice,
  TdataAccountError,
} from "../errors.ts";
import { dcAddress } from "../strings/dc_table.ts";
import { copiesToTry } from "../tdata/_files.ts";
import { keyFileName } from "../tdata/_names.ts";
import { isDirectory } from "../tdata/_read.ts";
import { formatVersion } from "../tdata/_tdf.ts";
import {
  readTdata,
  type TdataAccount,
  type TdataAccountInit,
  type TdataAccounts,
} from "../tdata/tdata.ts";
import type { DataCenter, DcAuthKey } from "../types.ts";
import type { ForeignData, ForeignSession } from "./types.ts";
import { count, listOf } from "./_notes.ts";

/**
 * Options for reading a tdata folder as one session.
 *
 * @example Usage
 * ```ts
 * import type { TdataReadOptions } from "./_tdata.ts";
 * import assert from "node:assert/strict";
 *
 * const options: TdataReadOptions = { account: 1, passcode: "secret" };
 * assert.equal(options.account, 1);
 * ```
 */
export interface TdataReadOptions {
  /** The account's index (0-5); needed when the folder holds several. */
  account?: number | undefined;
  /** The folder's local passcode, if it has one. */
  passcode?: string | undefined;
}

/**
 * The tdata folder a given folder means: itself when it holds `key_datas`
 * (or `key_data0`/`key_data1`), else its `tdata` subfolder when that does
 * (the Telegram Desktop folder was given), else itself (reading it then
 * says what is missing).
 *
 * @param path A folder.
 * @returns The tdata folder.
 */
export async function tdataRoot(path: string): Promise<string> {
  if ((await copiesToTry(path, keyFileName())).length > 0) return path;
  const inner = join(path, "tdata");
  if (
    await isDirectory(inner) &&
    (await copiesToTry(inner, keyFileName())).length > 0
  ) return inner;
  return path;
}

function choices(found: TdataAccounts): TdataAccountChoice[] {
  return found.accounts.map((a) => ({
    index: a.index,
    userId: a.userId,
    active: a.index === found.activeIndex,
  }));
}

/**
 * The account to read: the one asked for, or the only one. Several
 * accounts and none asked for is an error listing them: taking one
 * silently could hand a script the wrong login.
 */
function pick(
  path: string,
  found: TdataAccounts,
  account: number | undefined,
): TdataAccount {
  if (account === undefined) {
    if (found.accounts.length === 1) return found.accounts[0]!;
    throw new TdataAccountError(path, choices(found), null);
  }
  const chosen = found.accounts.find((a) => a.index === account);
  if (chosen === undefined) {
    throw new TdataAccountError(path, choices(found), account);
  }
  return chosen;
}

function dataCenter(dcId: number, testMode: boolean): DataCenter | undefined {
  const v4 = dcAddress(dcId, testMode);
  if (v4 === undefined) return undefined;
  return {
    id: dcId,
    testMode,
    mediaOnly: false,
    ipv4: v4.address,
    ipv6: null,
    port: v4.port,
  };
}

function noteOthers(
  found: TdataAccounts,
  chosen: TdataAccount,
  notes: string[],
): void {
  const others = found.accounts.filter((a) => a !== chosen);
  if (others.length > 0) {
    notes.push(
      `The folder holds ${count(found.accounts.length, "account")}; ` +
        `account ${chosen.index} was read, not ${
          listOf(others.map((a) => `${a.index} (user ${a.userId})`))
        }`,
    );
  }
  for (const s of found.skipped) {
    notes.push(
      `Account ${s.index} listed in the folder was skipped, as Telegram ` +
        `Desktop skips it (${s.reason})`,
    );
  }
}

/**
 * One account of a tdata folder as a session: `auth` has the main DC (with
 * Telegram's address for it), its key, the user id and test mode;
 * `authKeys` the other DCs' keys; `dataCenters` Telegram's address of
 * every DC with a key. What the folder has no place for (api id) is null,
 * and the notes say so; `isBot` is false, as Telegram Desktop logs in only
 * users.
 *
 * @param path The tdata folder, or the folder holding it.
 * @param options The account and the passcode.
 * @returns The session.
 * @throws {TdataAccountError} When the folder holds several accounts and
 * none was chosen, or not the one chosen.
 * @throws {PassphraseError} When the passcode is missing or wrong.
 * @throws {SessionFileError} When the folder is not a tdata folder, or is
 * damaged.
 */
export async function readTdataSession(
  path: string,
  options: TdataReadOptions = {},
): Promise<ForeignSession> {
  const account = options.account;
  if (
    account !== undefined &&
    (!Number.isInteger(account) || account < 0 || account > 5)
  ) {
    throw new RangeError("Expected account to be an index from 0 to 5");
  }
  const root = await tdataRoot(path);
  const found = await readTdata(
    root,
    options.passcode === undefined ? {} : { passcode: options.passcode },
  );
  return tdataSessionOf(root, found, account);
}

/**
 * One account of a tdata folder already read, as a session (see
 * {@linkcode readTdataSession}): for folders read from memory or a ZIP.
 *
 * @param root The folder, as errors name it.
 * @param found What was read from it.
 * @param account The account's index; needed when it holds several.
 * @returns The session.
 * @throws {TdataAccountError} When the folder holds several accounts and
 * none was chosen, or not the one chosen.
 */
export function tdataSessionOf(
  root: string,
  found: TdataAccounts,
  account: number | undefined,
): ForeignSession {
  const chosen = pick(root, found, account);
  const testMode = chosen.testMode === true;
  const notes: string[] = [];
  noteOthers(found, chosen, notes);
  notes.push(
    "A tdata folder keeps no api id (Telegram Desktop's own is 2040): " +
      "give yours where the target needs one",
  );
  let userId: number | null = null;
  if (typeof chosen.userId === "bigint") {
    notes.push(
      `The user id ${chosen.userId} is above 2^53, no Telegram id; it is ` +
        "left out",
    );
  } else if (chosen.userId === 0) {
    notes.push("The account is not logged in (its user id is 0)");
  } else {
    userId = chosen.userId;
  }
  const dataCenters: DataCenter[] = [];
  const authKeys: DcAuthKey[] = [];
  const unknown: number[] = [];
  for (const [dcId, key] of chosen.authKeys) {
    const dc = dataCenter(dcId, testMode);
    if (dc === undefined) unknown.push(dcId);
    else dataCenters.push(dc);
    if (dcId !== chosen.mainDcId) authKeys.push({ dcId, key: key.slice() });
  }
  if (unknown.length > 0) {
    notes.push(
      `Telegram has no ${testMode ? "test " : ""}address known here for ` +
        `DC ${listOf(unknown)}; its key is kept without an address`,
    );
  }
  if (chosen.keysToDestroy.length > 0) {
    notes.push(
      `${
        count(chosen.keysToDestroy.length, "old key")
      } Telegram Desktop still meant to destroy ${
        chosen.keysToDestroy.length === 1 ? "is" : "are"
      } left out`,
    );
  }
  const main = dataCenter(chosen.mainDcId, testMode);
  const mainKey = chosen.authKey;
  if (mainKey === undefined) {
    notes.push(`The account has no key for its main DC ${chosen.mainDcId}`);
  }
  const version = found.version;
  return {
    kind: {
      library: "tdata",
      flavor: "tdata",
      schema: null,
      storedVersion: version,
      description:
        `a Telegram Desktop tdata folder (written by ${
          formatVersion(version)
        }, ` +
        `account ${chosen.index} of ${found.accounts.length})`,
    },
    auth: {
      dcId: chosen.mainDcId,
      serverAddress: main?.ipv4 ?? null,
      port: main?.port ?? null,
      authKey: mainKey === undefined ? null : mainKey.slice(),
      testMode,
      apiId: null,
      userId,
      isBot: false,
      date: null,
      takeoutId: null,
    },
    dataCenters,
    authKeys,
    peers: [],
    updateStates: [],
    files: [],
    notes,
  };
}

/**
 * The tdata account a session makes: its user, main DC and every DC's
 * key (the main one from `auth.authKey`), with notes on what a tdata
 * folder cannot hold.
 *
 * @param data The session.
 * @param fill What the session may lack: the user id, test mode.
 * @returns The account (index 0) and the notes.
 * @throws {SessionError} When the session has no DC, no main key or no
 * user id.
 */
export function tdataAccountOf(
  data: ForeignData,
  fill: { userId?: number | undefined; testMode?: boolean | undefined } = {},
): { account: TdataAccountInit; notes: string[] } {
  const auth = data.auth;
  const userId = auth.userId ?? fill.userId ?? null;
  const problems: string[] = [];
  if (auth.dcId === null || auth.dcId === undefined) problems.push("DC");
  if (auth.authKey === null || auth.authKey === undefined) {
    problems.push("auth key");
  }
  if (userId === null) problems.push("user id (give one: --user-id)");
  if (problems.length > 0) {
    throw new SessionError(
      `Cannot write a tdata folder: the session has no ${
        listOf(problems)
      }, which Telegram Desktop needs to open the account`,
    );
  }
  const mainDcId = auth.dcId!;
  const authKeys = new Map<number, Uint8Array>([[mainDcId, auth.authKey!]]);
  for (const k of data.authKeys ?? []) {
    if (k.dcId !== mainDcId) authKeys.set(k.dcId, k.key);
  }
  const notes: string[] = [];
  if (auth.isBot === true) {
    notes.push("Telegram Desktop does not open bot accounts");
  }
  const left: string[] = [];
  const n = (things: readonly unknown[] | undefined, word: string): void => {
    if (things !== undefined && things.length > 0) {
      left.push(count(things.length, word));
    }
  };
  n(data.peers, "peer");
  n(data.updateStates, "update state");
  n(data.files, "cached file");
  n(data.tempAuthKeys, "temporary key");
  n(data.values, "client value");
  n(data.messageRefs, "message reference");
  if (left.length > 0) {
    notes.push(
      `A tdata folder keeps only the login: ${listOf(left)} left out`,
    );
  }
  const testMode = auth.testMode ?? fill.testMode;
  return {
    account: {
      index: 0,
      userId: userId!,
      mainDcId,
      authKeys,
      ...(testMode === undefined || testMode === null ? {} : { testMode }),
    },
    notes,
  };
}
