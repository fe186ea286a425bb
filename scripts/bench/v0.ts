// Opens a session file with the SqliteStorage of before the performance
// work (see _v0_sqlite_storage.ts), the way openSession(name) opens one.

import { Session } from "../../mod.ts";
import {
  FILE_SESSION_ID,
  openSqliteFile,
} from "../../src/sqlite/session_file.ts";
import { SqliteStorageV0 } from "./_v0_sqlite_storage.ts";

/**
 * Opens `path` (created if missing) with the pre-optimisation storage.
 *
 * @param path The session file.
 * @returns The session.
 */
export async function openV0(path: string): Promise<Session> {
  const db = await openSqliteFile(path, "file", {});
  const storage = new SqliteStorageV0(db, FILE_SESSION_ID, {
    label: path,
    onClose: () => db.close(),
  });
  return await Session.open(storage);
}
