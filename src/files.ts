/**
 * Session files of any library: read one without touching it, write a new
 * Telethon, Pyrogram or mtsession file, import a file into a session. The
 * file-system code loads only when one of these is called.
 *
 * @module
 */

import type { ForeignData, ForeignSession } from "./foreign/types.ts";
import type {
  ImportSessionFileOptions,
  ReadSessionFileOptions,
  SessionFileFormat,
} from "./file_options.ts";
import type { Session } from "./session.ts";
import type { SqliteDriverName } from "./sqlite/driver.ts";

// What these functions do loads on their first call.
const bodies = () => import("./foreign/_session_files.ts");

export type { ForeignData, ForeignSession };
export type {
  ImportSessionFileOptions,
  ReadSessionFileOptions,
  SessionFileFormat,
} from "./file_options.ts";
export type {
  ForeignFlavor,
  ForeignKind,
  ForeignLibrary,
} from "./foreign/types.ts";

/**
 * Reads a session file — Telethon v1 (schemas 1–7) or 2 (schema 10),
 * Pyrogram (1–3) and its forks (Kurigram, PyroTGFork, pyrofork; WAL files
 * too), or mtsession's own — without modifying it in any way: it is read
 * from a private copy. The flavour is told from its tables and columns,
 * not its version number (the forks' numbers collide).
 *
 * A folder is read as Telegram Desktop's `tdata` (the `tdata` folder
 * itself, or the folder holding it), one account of it: the main DC and
 * its key in `auth`, every other DC's key in `authKeys`, Telegram's
 * address of each of those DCs in `dataCenters`, the user id and test
 * mode; `apiId` is null (the folder keeps none) and `isBot` false. A
 * folder of several accounts needs `account`: without it, or with an
 * index it lacks, the error lists the accounts. The folder is only read.
 *
 * @param path The file (no `.session` is added), or the tdata folder.
 * @param options The SQLite driver; for tdata, the account and passcode.
 * @returns What the file holds, with `notes` on anything read specially.
 * @throws {SessionFileError} For a file that is not a session file of a
 * known kind (or is empty, truncated, corrupted), a folder that is not a
 * tdata folder or is damaged; nothing is touched.
 * @throws {TdataAccountError} For a tdata folder of several accounts and
 * no `account`, or an `account` it does not hold.
 * @throws {PassphraseError} For a tdata folder whose passcode is missing
 * or wrong.
 *
 * @example Usage
 * ```ts ignore
 * import { readSessionFile } from "@mtsession/mtsession";
 *
 * const found = await readSessionFile("telethon_account.session");
 * console.log(found.kind.description, found.peers.length);
 * const desktop = await readSessionFile("tdata", { account: 0 });
 * console.log(desktop.auth.dcId, desktop.authKeys.map((k) => k.dcId));
 * ```
 */
export async function readSessionFile(
  path: string,
  options: ReadSessionFileOptions = {},
): Promise<ForeignSession> {
  return await (await bodies()).readSessionFile(path, options);
}

/**
 * Writes a new session file: a Telethon v7 file, a Telethon 2 file (every
 * DC with its own key), an upstream Pyrogram v3 file (as the real
 * libraries open them), or an mtsession file (everything). The
 * file is created with mode 0600, complete or not at all; an existing file
 * is never replaced unless `force` is set. (A Telegram Desktop folder is
 * written by `writeTdata`.)
 *
 * @param path The file to create.
 * @param format Which library's file to write.
 * @param data The session (what `readSessionFile` returns fits).
 * @param options `force` to replace an existing file; the driver.
 * @returns Notes on what the target format could not hold.
 * @throws {MissingFieldsError} When Pyrogram needs a field `data` lacks.
 * @throws {SessionFileError} When the file exists and `force` is not set.
 *
 * @example Telethon file → Pyrogram file
 * ```ts ignore
 * import { readSessionFile, writeSessionFile } from "@mtsession/mtsession";
 *
 * const t = await readSessionFile("telethon.session");
 * await writeSessionFile("pyrogram.session", "pyrogram", {
 *   ...t,
 *   auth: { ...t.auth, apiId: 12345, isBot: false },
 * });
 * ```
 */
export async function writeSessionFile(
  path: string,
  format: SessionFileFormat,
  data: ForeignData,
  options: { force?: boolean; driver?: SqliteDriverName } = {},
): Promise<string[]> {
  return await (await bodies()).writeSessionFile(path, format, data, options);
}

/**
 * Opens the session of a Telethon, Pyrogram or mtsession file — login,
 * peers, update states, cached files — or of one account of a Telegram
 * Desktop `tdata` folder (every DC's key; `account` and `passcode` as for
 * `readSessionFile`) in a session of ours, leaving the file untouched. The
 * way to move a session over without logging in again.
 *
 * @param path The file to import.
 * @param options Where to put it (memory by default, or a new file).
 * @returns The session.
 * @throws {SessionFileError} When the file is not a session file, or the
 * new file's name is taken (or is a directory); nothing is created.
 * @throws {TdataAccountError} For a tdata folder of several accounts and
 * no `account`.
 * @throws {PassphraseError} For a tdata folder whose passcode is missing
 * or wrong.
 * @throws {TypeError} For a name `sessionFileName` refuses (see
 * `openSession`).
 *
 * @example Usage
 * ```ts ignore
 * import { importSessionFile } from "@mtsession/mtsession";
 *
 * const session = await importSessionFile("telethon.session", { into: "account" });
 * await session.getInputPeer("@durov");
 * ```
 */
export async function importSessionFile(
  path: string,
  options: ImportSessionFileOptions = {},
): Promise<Session> {
  return await (await bodies()).importSessionFile(path, options);
}
