// Putting a new private file (a session file, a session string) in place:
// it is built under a temporary name beside the target, made 0600, then
// linked into place (never replacing a file that appeared meanwhile) or,
// when replacing was asked for, renamed over the old one. A crash or an
// error leaves the old file whole and no half-written file at the target;
// a replaced file's old mode does not carry over to the secret. What a
// killed build left beside the target is removed by a later one once it is
// stale (see _temp_files.ts).
// Private to the library.

import { chmodSync, linkSync, renameSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { SessionFileError } from "./errors.ts";
import { removeStaleBeside, tempPathBeside } from "./_temp_files.ts";

/** The files SQLite may keep beside a database. */
const SIDE_FILES = ["-wal", "-shm", "-journal"];

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // absent, or not ours to remove
  }
}

/**
 * Builds a file with `build` (which must create the path it is given) and
 * puts it at `path`.
 *
 * @param path Where the file goes.
 * @param force Whether an existing file there is replaced.
 * @param exists The error to throw when one is there and `force` is off.
 * @param build Creates the file at the temporary path it gets (ending in
 * `.session`).
 * @returns What `build` returned.
 * @throws {SessionFileError} When `path` is a directory.
 */
export async function placePrivateFile<T>(
  path: string,
  force: boolean,
  exists: (cause?: unknown) => Error,
  build: (tmp: string) => T | Promise<T>,
): Promise<T> {
  let there: { isDirectory(): boolean } | undefined;
  try {
    there = statSync(path, { throwIfNoEntry: false });
  } catch {
    // e.g. a parent that is a file: building there fails and says so
  }
  if (there?.isDirectory()) {
    throw new SessionFileError(path, "a directory", "give the path of a file");
  }
  if (!force && there !== undefined) throw exists();
  removeStaleBeside(dirname(path));
  const tmp = tempPathBeside(path, "tmp");
  try {
    const result = await build(tmp);
    chmodSync(tmp, 0o600); // whatever the umask took away
    if (force) {
      // A stale WAL or journal of the old file would be applied to the new.
      for (const suffix of SIDE_FILES) unlinkQuiet(path + suffix);
      renameSync(tmp, path);
    } else {
      try {
        linkSync(tmp, path);
      } catch (e) {
        if ((e as { code?: string }).code === "EEXIST") throw exists(e);
        throw e;
      }
    }
    return result;
  } finally {
    for (const f of [tmp, ...SIDE_FILES.map((s) => tmp + s)]) unlinkQuiet(f);
  }
}
