/**
 * The options of the tdata functions (`readTdata`, `readTdataFiles`,
 * `readTdataZip`, `writeTdata`; re-exported by tdata.ts), apart so that
 * their bodies (_calls.ts) need not import tdata.ts.
 *
 * @module
 */

import type { TdataAccount, TdataAccountInit } from "./accounts.ts";

/** Options of `readTdata`. */
export interface ReadTdataOptions {
  /** The local passcode, if the folder has one. */
  passcode?: string | undefined;
}

/** What `writeTdata` writes. */
export interface TdataWriteInput {
  /** 1 to 6 accounts, in the order Telegram Desktop lists them. */
  readonly accounts: readonly (TdataAccountInit | TdataAccount)[];
  /** The index of the account to open first; the first account's by default. */
  readonly activeIndex?: number | undefined;
}

/** Options of `writeTdata`. */
export interface WriteTdataOptions {
  /**
   * A local passcode to protect the folder with (Telegram Desktop then asks
   * for it at start). Unlocking takes 100,000 PBKDF2-SHA512 iterations.
   */
  passcode?: string | undefined;
}

/** Options of `readTdataFiles`. */
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

/** Options of `readTdataZip`. */
export interface ReadTdataZipOptions extends ReadTdataOptions {
  /** The ZIP's file name, for errors (`"tdata.zip"` by default). */
  name?: string | undefined;
  /**
   * The largest file unzipped, in bytes (64 MiB by default; a tdata
   * folder's own files are a few KiB). Larger is a `ZipError`.
   */
  maxEntryBytes?: number | undefined;
}
