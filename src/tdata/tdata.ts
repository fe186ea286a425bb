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

import type { TdataAccounts } from "./accounts.ts";
import type {
  ReadTdataFilesOptions,
  ReadTdataOptions,
  ReadTdataZipOptions,
  TdataWriteInput,
  WriteTdataOptions,
} from "./options.ts";

export * from "./accounts.ts";
export type {
  ReadTdataFilesOptions,
  ReadTdataOptions,
  ReadTdataZipOptions,
  TdataWriteInput,
  WriteTdataOptions,
};

// The checks and the readers and writer load on the first call, not when
// the library is imported (a session file never needs them).
const calls = () => import("./_calls.ts");

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
  return await (await calls()).readTdata(path, options);
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
  return await (await calls()).readTdataFiles(files, options);
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
  return await (await calls()).readTdataZip(zip, options);
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
  await (await calls()).writeTdata(path, input, options);
}
