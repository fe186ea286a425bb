// Checks on SQLite files that read but never write: shared by the opener
// of mtsession files and the reader of foreign ones.

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { SessionError, SessionFileError } from "../errors.ts";

const SQLITE_MAGIC = "SQLite format 3\u0000";

function errorText(e: unknown): string {
  const o = e as { message?: unknown; code?: unknown; errcode?: unknown };
  return `${String(o?.code ?? "")} ${String(o?.errcode ?? "")} ${
    String(o?.message ?? e)
  }`;
}

export function isCorrupt(e: unknown): boolean {
  return /SQLITE_NOTADB|SQLITE_CORRUPT|not a database|malformed|file is encrypted|disk I\/O error|SQLITE_IOERR/i
    .test(errorText(e));
}

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Checks, without writing, that a file looks like a whole SQLite database. */
export function checkSqliteFile(path: string): void {
  let length: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) {
      throw new SessionFileError(path, "a directory", "give a session file");
    }
    length = st.size;
  } catch (e) {
    if (e instanceof SessionError) throw e;
    if ((e as { code?: string }).code === "ENOENT") {
      throw new SessionFileError(
        path,
        "a file that does not exist",
        "check the path",
        { cause: e },
      );
    }
    throw e;
  }
  if (length === 0) {
    // Only a WAL beside it can make an empty file a database.
    if (size(`${path}-wal`) > 0) return;
    throw new SessionFileError(path, "an empty file", "check the path");
  }
  const head = new Uint8Array(100);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (
    length < 100 ||
    new TextDecoder().decode(head.subarray(0, 16)) !== SQLITE_MAGIC
  ) {
    throw new SessionFileError(
      path,
      "not an SQLite database",
      "check the path",
    );
  }
  const view = new DataView(head.buffer);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new SessionFileError(
      path,
      "a corrupted SQLite database (bad page size)",
      "restore it from a copy",
    );
  }
  // The page count in the header is valid when the change counter matches
  // "version-valid-for". A WAL beside the file may hold the rest of it.
  const pages = view.getUint32(28);
  const valid = view.getUint32(24) === view.getUint32(92);
  if (
    valid && pages > 0 && length < pages * pageSize &&
    size(`${path}-wal`) === 0
  ) {
    throw new SessionFileError(
      path,
      `a truncated SQLite database (${length} of ${pages * pageSize} bytes)`,
      "restore it from a copy",
    );
  }
}

/** Whether a driver error means another connection holds the lock. */
export function isBusy(e: unknown): boolean {
  return /SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked/i
    .test(errorText(e));
}

/** The error for a database SQLite reports as corrupted or not a database. */
export function corruptedFile(path: string, cause: unknown): SessionFileError {
  return new SessionFileError(
    path,
    "a corrupted SQLite database",
    "restore it from a copy",
    { cause },
  );
}
