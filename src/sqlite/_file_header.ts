// The check of an SQLite file before any driver opens it, which reads but
// never writes: its header, and the files SQLite keeps beside it (each
// absent or a regular file; a -wal a write-ahead log of the database's page
// size). Shared by the opener of mtsession files and the reader of foreign
// ones.

import {
  closeSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { SessionError, SessionFileError } from "../errors.ts";
import {
  headerPageSize,
  judgeSqliteHeader,
  judgeWalHeader,
  type WalVerdict,
} from "./_header.ts";

/** The files SQLite keeps beside a database. */
const SIDE_FILES = ["-wal", "-shm", "-journal"] as const;

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Up to `n` bytes from the start of a file. */
function readStart(path: string, n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  const fd = openSync(path, "r");
  try {
    return bytes.subarray(0, readSync(fd, bytes, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** What a file that is not a regular one is. */
function kindOf(
  st: { isSymbolicLink(): boolean; isDirectory(): boolean },
): string {
  return st.isSymbolicLink()
    ? "a symbolic link"
    : st.isDirectory()
    ? "a directory"
    : "not a regular file";
}

const SET_ASIDE = "move it away if it is not this session's log, then open " +
  "again (SQLite would discard it)";

function walError(
  path: string,
  verdict: Exclude<WalVerdict, { kind: "sound" }>,
): SessionFileError {
  switch (verdict.kind) {
    case "not-wal":
      return new SessionFileError(
        path,
        "a session whose -wal is not an SQLite write-ahead log",
        SET_ASIDE,
      );
    case "bad-checksum":
      return new SessionFileError(
        path,
        "a session whose -wal has a damaged header",
        SET_ASIDE,
      );
    case "page-size":
      return new SessionFileError(
        path,
        `a session with another database's -wal beside it (pages of ` +
          `${verdict.walPageSize} bytes, the database's are ` +
          `${verdict.dbPageSize})`,
        "move the -wal away, then open again (SQLite would turn the " +
          "session into that other database)",
      );
  }
}

/**
 * Checks the files beside a database: `-wal`, `-shm` and `-journal` are
 * each absent or a regular file (SQLite refuses to follow a link there,
 * after it may have made a -wal; a `-journal` linking to nothing it takes
 * for none), and a non-empty `-wal` has a sound header
 * with the database's page size.
 *
 * @param path The database (as given; a link is followed to where SQLite
 * keeps the files).
 * @param dbPageSize The database's page size, when its header gives one.
 * @throws {SessionFileError} For a file that is not fit; nothing is
 * modified.
 */
export function checkSideFiles(
  path: string,
  dbPageSize: number | undefined,
): void {
  const real = lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()
    ? realpathSync(path)
    : path;
  for (const suffix of SIDE_FILES) {
    const st = lstatSync(real + suffix, { throwIfNoEntry: false });
    if (st === undefined || st.isFile()) continue;
    // A link to nothing as -journal is no journal to SQLite, on every
    // runtime (Bun's quick look cannot tell it from no file at all).
    if (
      suffix === "-journal" && st.isSymbolicLink() &&
      statSync(real + suffix, { throwIfNoEntry: false }) === undefined
    ) continue;
    throw new SessionFileError(
      path,
      `a session whose ${suffix} (${real}${suffix}) is ${kindOf(st)}`,
      "SQLite will not use it: put the file itself there, or move it away " +
        "if the session has none",
    );
  }
  // A log another process is rewriting may be read mid-write, or removed
  // as it closes: only a verdict that holds on a second read refuses it.
  const judge = (): WalVerdict => {
    const head = readWalStart(real + "-wal");
    return head === undefined
      ? { kind: "sound" }
      : judgeWalHeader(head, dbPageSize);
  };
  if (judge().kind === "sound") return;
  const again = judge();
  if (again.kind !== "sound") throw walError(path, again);
}

/** A -wal's first 32 bytes; `undefined` when it is empty or gone. */
function readWalStart(path: string): Uint8Array | undefined {
  try {
    const head = readStart(path, 32);
    return head.length === 0 ? undefined : head;
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Checks, without writing, that a file looks like a whole SQLite database
 * with nothing unfit beside it (see {@linkcode checkSideFiles}).
 *
 * @param path The file.
 * @throws {SessionFileError} For a missing, empty, non-SQLite, truncated or
 * damaged file, a directory, or an unfit file beside it.
 */
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
    checkSideFiles(path, undefined);
    if (size(`${path}-wal`) > 0) return;
    throw new SessionFileError(path, "an empty file", "check the path");
  }
  const head = new Uint8Array(100);
  head.set(readStart(path, 100));
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
  checkSideFiles(path, headerPageSize(head));
  // A WAL beside the file may hold the rest of it.
  if (verdict.kind === "truncated" && size(`${path}-wal`) === 0) {
    throw new SessionFileError(
      path,
      `a truncated SQLite database (${length} of ${verdict.bytes} bytes)`,
      "restore it from a copy",
    );
  }
}
