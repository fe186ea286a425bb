// The private copy a session file is read from (so that SQLite, which may
// recover a WAL or roll back a hot journal on opening, never touches the
// original): the file, and its -wal or -journal, copied into new 0600
// files beside it under a hidden temporary name (see _temp_files.ts) or,
// where its directory is not writable, into a new 0700 directory in the
// temp directory. Each copy first removes the stale copies a killed read
// left there. Private to the library.

import {
  closeSync,
  existsSync,
  fchmodSync,
  openSync,
  readSync,
  rmSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import {
  makeTempReadDir,
  mayWriteIn,
  removeStaleBeside,
  removeStaleInTmp,
  tempPathBeside,
} from "../_temp_files.ts";

/** A private copy of a session file, and how to remove it. */
export interface ReadCopy {
  /** The copy of the database (its -wal, -journal beside it). */
  readonly file: string;
  /** Removes the copy and whatever SQLite made beside it. */
  remove(): void;
}

const SIDE_FILES = ["-wal", "-shm", "-journal"];

/** Copies the file `from` into the new file `fd` is open on, made 0600. */
function copyInto(from: string, fd: number): void {
  fchmodSync(fd, 0o600); // whatever the umask took away
  const src = openSync(from, "r");
  try {
    const chunk = new Uint8Array(1 << 16);
    for (let at = 0;;) {
      const n = readSync(src, chunk, 0, chunk.length, at);
      if (n === 0) break;
      for (let done = 0; done < n;) {
        done += writeSync(fd, chunk, done, n - done, at + done);
      }
      at += n;
    }
  } finally {
    closeSync(src);
  }
}

/**
 * Copies `from` to `to`, which must not exist yet (`fd`: it is already
 * created and open).
 */
function copyTo(from: string, to: string, fd?: number): void {
  const out = fd ?? openSync(to, "wx", 0o600);
  try {
    copyInto(from, out);
  } finally {
    closeSync(out);
  }
}

/** Copies the database, then its -wal and -journal if any; undoes on error. */
function fill(path: string, copy: ReadCopy, fd?: number): ReadCopy {
  try {
    copyTo(path, copy.file, fd);
    for (const suffix of ["-wal", "-journal"]) {
      if (!existsSync(path + suffix)) continue;
      try {
        copyTo(path + suffix, copy.file + suffix);
      } catch (e) {
        // Removed meanwhile (its writer closed): there is none to copy.
        if ((e as { code?: string }).code !== "ENOENT") throw e;
        try {
          unlinkSync(copy.file + suffix);
        } catch {
          // not made
        }
      }
    }
    return copy;
  } catch (e) {
    copy.remove();
    throw e;
  }
}

/** A new 0600 file at `path`, open; `undefined` where none can be made. */
function tryCreate(path: string): number | undefined {
  try {
    return openSync(path, "wx", 0o600);
  } catch {
    return undefined;
  }
}

/**
 * Makes the private copy of `path` to read.
 *
 * @param path The session file.
 * @returns The copy; call `remove()` when done.
 */
export function privateCopy(path: string): ReadCopy {
  removeStaleInTmp();
  const dir = dirname(path);
  if (mayWriteIn(dir)) {
    removeStaleBeside(dir);
    const file = tempPathBeside(path, "read");
    const fd = tryCreate(file);
    if (fd !== undefined) {
      return fill(path, {
        file,
        remove(): void {
          for (const f of [file, ...SIDE_FILES.map((s) => file + s)]) {
            try {
              unlinkSync(f);
            } catch {
              // absent
            }
          }
        },
      }, fd);
    }
  }
  const tmp = makeTempReadDir();
  return fill(path, {
    file: join(tmp, "session.db"),
    remove: () => rmSync(tmp, { recursive: true, force: true }),
  });
}
