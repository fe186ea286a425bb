/**
 * The options of the session-file functions (`readSessionFile`,
 * `writeSessionFile`, `importSessionFile`; re-exported by files.ts),
 * apart so that their bodies (foreign/_session_files.ts) need not import
 * files.ts.
 *
 * @module
 */

import type { SessionOptions } from "./session.ts";
import type { SqliteDriverName } from "./sqlite/driver.ts";
import type { SessionStorage } from "./storage.ts";

/** The session-file formats `writeSessionFile` writes. */
export type SessionFileFormat =
  | "telethon"
  | "telethon2"
  | "pyrogram"
  | "mtsession";

/**
 * Options of `readSessionFile`.
 *
 * @example Usage
 * ```ts
 * import type { ReadSessionFileOptions } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const options: ReadSessionFileOptions = { account: 1, passcode: "secret" };
 * assert.equal(options.account, 1);
 * ```
 */
export interface ReadSessionFileOptions {
  /** The SQLite driver to use (session files). */
  driver?: SqliteDriverName;
  /**
   * tdata folders: the index (0-5) of the account to read. Needed when the
   * folder holds several accounts (`TdataAccountError` lists them); ignored
   * for session files.
   */
  account?: number;
  /** tdata folders: the local passcode, if the folder has one. */
  passcode?: string;
}

/** Options for `importSessionFile`. */
export interface ImportSessionFileOptions extends SessionOptions {
  /**
   * A tdata folder's account to import, by index (0-5); needed when the
   * folder holds several.
   */
  account?: number;
  /** A tdata folder's local passcode, if it has one. */
  passcode?: string;
  /**
   * Where to put the session: a storage of yours, or the name of a new
   * mtsession file (`name.session`; never an existing one, never a name
   * that is a directory). The file is filled under a temporary name beside
   * it and put in place whole: a kill or a failure leaves no file there.
   * Default: a memory session.
   */
  into?: string | SessionStorage;
  /** The SQLite driver to use. */
  driver?: SqliteDriverName;
}
