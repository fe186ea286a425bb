// The check of an SQLite file's header before any driver opens it, which
// reads but never writes: shared by the opener of mtsession files and the
// reader of foreign ones.

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { SessionError, SessionFileError } from "../errors.ts";
import { judgeSqliteHeader } from "./_header.ts";

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
  const verdict = judgeSqliteHeader(head, length);
  if (verdict.kind === "not-sqlite") {
    throw new SessionFileError(
      path,
      "not an SQLite database",
      "check the path",
    );
  }
  if (verdict.kind === "bad-page-size") {
    throw new SessionFileError(
      path,
      "a corrupted SQLite database (bad page size)",
      "restore it from a copy",
    );
  }
  // A WAL beside the file may hold the rest of it.
  if (verdict.kind === "truncated" && size(`${path}-wal`) === 0) {
    throw new SessionFileError(
      path,
      `a truncated SQLite database (${length} of ${verdict.bytes} bytes)`,
      "restore it from a copy",
    );
  }
}
