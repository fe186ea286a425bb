// What the public functions of tdata.ts do: their argument checks, then
// the reader or writer they load. Private to the library; loaded on the
// first call of readTdata, readTdataFiles, readTdataZip or writeTdata.

import { int } from "../_validate.ts";
import { sessionUniqueId } from "./_account_list.ts";
import {
  TdataAccount,
  type TdataAccountInit,
  type TdataAccounts,
} from "./accounts.ts";
import type { HeldFile } from "./_source.ts";
import type {
  ReadTdataFilesOptions,
  ReadTdataOptions,
  ReadTdataZipOptions,
  TdataWriteInput,
  WriteTdataOptions,
} from "./options.ts";

/** What `readTdata` of tdata.ts does (see there). */
export async function readTdata(
  path: string,
  options: ReadTdataOptions = {},
): Promise<TdataAccounts> {
  const passcode = checkCall(path, options);
  const { readFolder } = await import("./_read.ts");
  return await readFolder(path, passcode);
}

/** What `readTdataFiles` of tdata.ts does (see there). */
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

/** What `readTdataZip` of tdata.ts does (see there). */
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

/** What `writeTdata` of tdata.ts does (see there). */
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

function checkName(name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== "string" || name === "") {
    throw new TypeError("Expected name to be a non-empty string");
  }
  return name;
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
