// Where a tdata reader gets its files: a folder on disk (node:fs), or
// files held in memory (a ZIP's entries, a map of bytes), so that one
// reader reads both. Paths are the source's own: the disk's, or
// `/`-separated names under a label (the ZIP's name) for files in memory.
// Private to the library.

import { join } from "node:path";
import { loadFs } from "../sqlite/_fs.ts";

/** The file access a tdata reader needs. */
export interface TdataSource {
  /**
   * A name inside a folder.
   *
   * @param dir The folder.
   * @param name The name.
   * @returns Its path.
   */
  join(dir: string, name: string): string;
  /**
   * When a file was last changed, for picking the newer of two copies.
   *
   * @param path The file.
   * @returns Milliseconds since 1970, or `null` when no file is there.
   */
  fileTime(path: string): Promise<number | null>;
  /**
   * Whether a folder is there.
   *
   * @param path The folder.
   * @returns `false` when it is missing or cannot be asked.
   */
  isDirectory(path: string): Promise<boolean>;
  /**
   * A file's bytes.
   *
   * @param path The file.
   * @returns Its bytes.
   */
  readFile(path: string): Promise<Uint8Array>;
}

/** The files of a folder on disk, through node:fs. */
export const diskSource: TdataSource = {
  join,
  async fileTime(path: string): Promise<number | null> {
    const { promises } = await loadFs();
    try {
      const s = await promises.stat(path);
      return s.isFile() ? s.mtimeMs : null;
    } catch {
      return null;
    }
  },
  async isDirectory(path: string): Promise<boolean> {
    const { promises } = await loadFs();
    try {
      return (await promises.stat(path)).isDirectory();
    } catch {
      return false;
    }
  },
  async readFile(path: string): Promise<Uint8Array> {
    const { promises } = await loadFs();
    return new Uint8Array(await promises.readFile(path));
  },
};

/** One file held in memory (or read on demand, as from a ZIP). */
export interface HeldFile {
  /** When it was last changed (ms since 1970), if known. */
  readonly modified: number | null;
  /** Its bytes. */
  read(): Promise<Uint8Array>;
}

/**
 * Files held in memory as a source. Their paths are `/`-separated and
 * relative; each is seen as `<label>/<path>` (`label` alone is the top
 * folder), so that errors name e.g. `tdata.zip/tdata/key_datas`.
 *
 * @param files The files by relative path.
 * @param label The name of the whole (a ZIP file's name).
 * @returns The source.
 */
export function heldSource(
  files: ReadonlyMap<string, HeldFile>,
  label: string,
): TdataSource {
  const folders = new Set<string>([""]);
  for (const path of files.keys()) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      folders.add(parts.slice(0, i).join("/"));
    }
  }
  const inner = (path: string): string | null => {
    if (path === label) return "";
    return path.startsWith(`${label}/`) ? path.slice(label.length + 1) : null;
  };
  return {
    join: (dir, name) => `${dir}/${name}`,
    fileTime(path: string): Promise<number | null> {
      const rel = inner(path);
      const file = rel === null ? undefined : files.get(rel);
      return Promise.resolve(file === undefined ? null : file.modified ?? 0);
    },
    isDirectory(path: string): Promise<boolean> {
      const rel = inner(path);
      return Promise.resolve(rel !== null && folders.has(rel));
    },
    async readFile(path: string): Promise<Uint8Array> {
      const rel = inner(path);
      const file = rel === null ? undefined : files.get(rel);
      if (file === undefined) {
        throw Object.assign(new Error(`No file ${path}`), { code: "ENOENT" });
      }
      return await file.read();
    },
  };
}
