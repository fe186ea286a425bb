// What a library's detector (telethon/_detect.ts, pyrogram/_detect.ts)
// reports of a file it recognises; _detect.ts asks them in turn. Private
// to src/foreign/.

import type { ForeignFlavor } from "./types.ts";

/**
 * The flavours of foreign SQLite files (mtsession's own are not foreign,
 * and a tdata folder is no SQLite file).
 */
export type FileFlavor = Exclude<ForeignFlavor, "mtsession" | "tdata">;

/** What a library's detector tells of a file it knows. */
export interface Detected {
  /** The line of the library that wrote it. */
  readonly flavor: FileFlavor;
  /** The schema told from the tables, null when they fit more than one. */
  readonly schema: number | null;
  /** The number in the `version` table, null when there is none. */
  readonly stored: number | null;
}
