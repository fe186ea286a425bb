// A tdata folder held in memory or in a ZIP: finding it among the files
// (the files of the folder itself, or of a folder holding it, as people zip
// it), then reading it with the folder reader over a held source. Private
// to the library.

import { SessionFileError } from "../errors.ts";
import { keyFileName } from "./_names.ts";
import { readFolder } from "./_read.ts";
import { type HeldFile, heldSource } from "./_source.ts";
import { openZip, type ZipLimits } from "./_zip.ts";
import type { TdataAccounts } from "./accounts.ts";

/** What was read, and the folder it was found in. */
export interface HeldTdata {
  /** The tdata folder, as errors name it (`backup.zip/tdata`). */
  readonly root: string;
  /** Its accounts. */
  readonly found: TdataAccounts;
}

/**
 * The folder (relative, `""` for the top) that holds `key_datas` (or one
 * of its copies), the shallowest when several do.
 *
 * @param paths The files' paths.
 * @param label The whole's name, for errors.
 * @returns The folder.
 * @throws {SessionFileError} When none does, or two at the same depth.
 */
export function locateTdata(paths: Iterable<string>, label: string): string {
  const key = keyFileName();
  const names = new Set([`${key}s`, `${key}0`, `${key}1`]);
  const folders = new Set<string>();
  for (const path of paths) {
    const slash = path.lastIndexOf("/");
    if (names.has(path.slice(slash + 1))) {
      folders.add(slash < 0 ? "" : path.slice(0, slash));
    }
  }
  const depth = (f: string): number => f === "" ? 0 : f.split("/").length;
  const sorted = [...folders].sort((a, b) => depth(a) - depth(b));
  if (sorted.length === 0) {
    throw new SessionFileError(
      label,
      "not a Telegram Desktop tdata folder (nothing in it is named " +
        `${key}s)`,
      "zip the tdata folder itself, or the folder holding it; a folder " +
        "from Telegram Desktop before 2.2 must first be opened once by a " +
        "current Telegram Desktop",
    );
  }
  const shallowest = sorted.filter((f) => depth(f) === depth(sorted[0]!));
  if (shallowest.length > 1) {
    throw new SessionFileError(
      label,
      `several tdata folders (${shallowest.map((f) => `"${f}"`).join(", ")})`,
      "zip one tdata folder at a time",
    );
  }
  return shallowest[0]!;
}

/**
 * Reads the tdata folder among held files.
 *
 * @param files The files by relative `/`-separated path.
 * @param label The whole's name (errors name `<label>/<path>`).
 * @param passcode The local passcode, if any.
 * @returns The folder and its accounts.
 */
export async function readHeld(
  files: ReadonlyMap<string, HeldFile>,
  label: string,
  passcode: string | undefined,
): Promise<HeldTdata> {
  const folder = locateTdata(files.keys(), label);
  const root = folder === "" ? label : `${label}/${folder}`;
  const found = await readFolder(root, passcode, heldSource(files, label));
  return { root, found };
}

/**
 * Reads the tdata folder in a ZIP file; only its few files are unzipped.
 *
 * @param zip The ZIP's bytes or Blob.
 * @param name The ZIP's name.
 * @param passcode The local passcode, if any.
 * @param limits The largest entry to unzip.
 * @returns The folder and its accounts.
 */
export async function readZip(
  zip: Uint8Array | Blob,
  name: string,
  passcode: string | undefined,
  limits: ZipLimits = {},
): Promise<HeldTdata> {
  const archive = await openZip(zip, name, limits);
  const files = new Map<string, HeldFile>();
  for (const entry of archive.entries) {
    files.set(entry.name, {
      modified: entry.modified,
      read: () => archive.read(entry),
    });
  }
  return await readHeld(files, name, passcode);
}
