// What a driver error says about the file (corrupted, locked by another
// connection): shared by the opener of mtsession files, the storage and the
// reader of foreign ones. No file-system access, so the storage can import
// it without node:fs (see file_header.ts for the header check).

import { SessionFileError } from "../errors.ts";

function errorText(e: unknown): string {
  const o = e as { message?: unknown; code?: unknown; errcode?: unknown };
  return `${String(o?.code ?? "")} ${String(o?.errcode ?? "")} ${
    String(o?.message ?? e)
  }`;
}

/** Whether a driver error means the file is corrupted or not a database. */
export function isCorrupt(e: unknown): boolean {
  return /SQLITE_NOTADB|SQLITE_CORRUPT|not a database|malformed|file is encrypted|disk I\/O error|SQLITE_IOERR/i
    .test(errorText(e));
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
