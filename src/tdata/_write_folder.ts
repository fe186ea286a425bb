// Putting a new folder of private files in place: it is built under a
// temporary name beside the target (directories 0700, files 0600, each file
// flushed to disk), then renamed to the target in one step. Folders a
// killed build left beside it are removed once stale (_temp_files.ts). A crash or an
// error leaves no partly written folder at the target; an existing target
// is accepted only as an empty directory, which the rename replaces.
// Private to the library.

import { dirname, join, resolve } from "node:path";
import { SessionFileError } from "../errors.ts";
import { removeStaleFoldersBeside, tempFolderBeside } from "../_temp_files.ts";
import { loadFs } from "../sqlite/_fs.ts";

/** A file of the new folder. */
export interface FolderFile {
  /** Its path inside the folder, parts joined with `/`. */
  readonly name: string;
  /** Its content. */
  readonly data: Uint8Array;
}

function code(e: unknown): string | undefined {
  const c = (e as { code?: unknown }).code;
  return typeof c === "string" ? c : undefined;
}

function occupied(
  path: string,
  found: string,
  cause?: unknown,
): SessionFileError {
  return new SessionFileError(
    path,
    found,
    "write to a new path or an empty folder",
    cause === undefined ? undefined : { cause },
  );
}

async function checkTarget(path: string): Promise<void> {
  const { promises } = await loadFs();
  let isDir: boolean;
  try {
    isDir = (await promises.lstat(path)).isDirectory();
  } catch (e) {
    if (code(e) === "ENOENT") return;
    throw e;
  }
  if (!isDir) throw occupied(path, "an existing file");
  if ((await promises.readdir(path)).length > 0) {
    throw occupied(path, "a folder that is not empty");
  }
}

/**
 * Writes a folder of files at `path`, all or nothing.
 *
 * @param path The folder to create (or an empty folder to replace).
 * @param files The files.
 * @throws {SessionFileError} When something other than an empty folder is
 * at `path` (before or by the time of the rename), or its parent folder is
 * missing.
 */
export async function writeFolder(
  path: string,
  files: readonly FolderFile[],
): Promise<void> {
  const { promises } = await loadFs();
  const target = resolve(path);
  await checkTarget(target);
  const parent = dirname(target);
  try {
    if (!(await promises.stat(parent)).isDirectory()) throw new Error();
  } catch {
    throw new SessionFileError(
      path,
      "in a folder that does not exist",
      "create the parent folder first",
    );
  }
  removeStaleFoldersBeside(parent);
  const tmp = tempFolderBeside(target);
  await promises.mkdir(tmp, { mode: 0o700 });
  try {
    await promises.chmod(tmp, 0o700); // whatever the umask took away
    const made = new Set<string>();
    for (const file of files) {
      const parts = file.name.split("/");
      for (let i = 1; i < parts.length; i++) {
        const dir = join(tmp, ...parts.slice(0, i));
        if (made.has(dir)) continue;
        await promises.mkdir(dir, { mode: 0o700 });
        await promises.chmod(dir, 0o700);
        made.add(dir);
      }
      const full = join(tmp, ...parts);
      const handle = await promises.open(full, "wx", 0o600);
      try {
        await handle.writeFile(file.data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await promises.chmod(full, 0o600);
    }
    await moveIntoPlace(tmp, target, path);
  } catch (e) {
    await promises.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function moveIntoPlace(
  tmp: string,
  target: string,
  shown: string,
): Promise<void> {
  const { promises } = await loadFs();
  try {
    // POSIX rename replaces an empty directory and fails on anything else.
    await promises.rename(tmp, target);
    return;
  } catch (e) {
    const c = code(e);
    if (c === "ENOTEMPTY" || c === "EEXIST" || c === "ENOTDIR") {
      throw occupied(shown, "no longer empty (something was put there)", e);
    }
    if (c !== "EPERM" && c !== "EACCES") throw e;
    // Windows does not rename onto a directory: remove the empty one first.
    try {
      await promises.rmdir(target);
    } catch (e2) {
      if (code(e2) !== "ENOENT") {
        throw occupied(shown, "no longer empty (something was put there)", e2);
      }
    }
    await promises.rename(tmp, target);
  }
}
