// A quick look at a session file before it is opened, without node:fs
// (whose import alone costs Bun about 2 ms): whether the file certainly
// exists and has the header of a whole SQLite database. It never refuses a
// file: anything short of that goes to the full check (file_header.ts),
// which also words the error.

import { judgeSqliteHeader } from "./header.ts";

/** The part of a `Bun.file()` the probe reads. Declared to need no Bun types. */
interface BunFileLike {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Whether the file exists and its header is sound, as far as the runtime
 * can tell without node:fs (Bun: `Bun.file`); `false` means "unknown"
 * everywhere else, and for any file the full check must judge.
 *
 * @param path The file.
 * @returns `true` only for a file the full check would accept.
 */
export async function looksLikeSoundFile(path: string): Promise<boolean> {
  const bun = (globalThis as { Bun?: { file(path: string): BunFileLike } })
    .Bun;
  if (typeof bun?.file !== "function") return false;
  try {
    const file = bun.file(path);
    const length = file.size; // 0 for a missing file
    if (!(length >= 100)) return false;
    const head = new Uint8Array(await file.slice(0, 100).arrayBuffer());
    return judgeSqliteHeader(head, length).kind === "sound";
  } catch {
    return false; // a directory, no permission, …: the full check says
  }
}
