// Putting a new private file (a session file, a session string) in place:
// it is built under a temporary name beside the target, made 0600, then
// linked into place (never replacing a file that appeared meanwhile) or,
// when replacing was asked for, renamed over the old one. A crash or an
// error leaves the old file whole and no half-written file at the target;
// a replaced file's old mode does not carry over to the secret.
// Private to the library.

import {
  chmodSync,
  existsSync,
  linkSync,
  renameSync,
  unlinkSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

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
 */
export async function placePrivateFile<T>(
  path: string,
  force: boolean,
  exists: (cause?: unknown) => Error,
  build: (tmp: string) => T | Promise<T>,
): Promise<T> {
  if (!force && existsSync(path)) throw exists();
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${Date.now().toString(36)}${
      Math.random().toString(36).slice(2, 8)
    }.tmp.session`,
  );
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
