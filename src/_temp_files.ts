// The temporary files that may hold a secret: a session being built before
// it is put in place (_private_file.ts), and the private copy a foreign
// file is read from (foreign/_file.ts). Each is named after its target,
// the process that made it and a random part, so that a later run can
// tell ours from anything else and remove what a killed process left:
//
//   .NAME.mts<pid>-<8 random>.tmp.session    (and its -wal, -shm, -journal)
//   .NAME.mts<pid>-<8 random>.read.session
//   mtsession-read-mts<pid>-XXXXXX/          (a read copy in the temp
//                                             directory, when the source's
//                                             directory is not writable)
//   .NAME.mts<pid>-<8 random>.tmp.tdata/     (a tdata folder being built)
//
// A leftover is removed only when it is stale: its newest part unchanged
// for STALE_AFTER_MS, and its process certainly gone. Either alone is not
// enough: a process of another PID namespace (a container) or another host
// (a network file system) writing the same directory looks gone, and a
// long build may leave its file unchanged for a while. When liveness
// cannot be asked (Deno without --allow-run), nothing is removed.
// Private to the library.

import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  unlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import process from "node:process";

/** How long a leftover must be unchanged before it may be removed (ms). */
export const STALE_AFTER_MS = 10 * 60 * 1000;

/** Our names beside a target; group 1 is the process id. */
const BESIDE =
  /^\..+\.mts(\d+)-[0-9a-z]{8}\.(?:tmp|read)\.session(?:-wal|-shm|-journal)?$/;
/** Our read directories in the temp directory; group 1 is the process id. */
const IN_TMP = /^mtsession-read-mts(\d+)-[0-9A-Za-z]{6}$/;
const SIDE = /-(?:wal|shm|journal)$/;
/** Our tdata folders being built beside a target; group 1 is the pid. */
const FOLDER_BESIDE = /^\..+\.mts(\d+)-[0-9a-z]{8}\.tmp\.tdata$/;

function random8(): string {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0]!.toString(36) + words[1]!.toString(36)).padStart(8, "0")
    .slice(-8);
}

/**
 * A new temporary name beside `path`, for a file being built ("tmp") or a
 * copy being read ("read"). It ends in `.session`.
 *
 * @param path The target (or the source read).
 * @param use What the file is for.
 * @returns The path.
 */
export function tempPathBeside(path: string, use: "tmp" | "read"): string {
  return join(
    dirname(path),
    `.${basename(path)}.mts${process.pid}-${random8()}.${use}.session`,
  );
}

/**
 * A new temporary name beside `path` for a folder being built (a tdata
 * folder); it ends in `.tmp.tdata`.
 *
 * @param path The target folder.
 * @returns The path.
 */
export function tempFolderBeside(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.mts${process.pid}-${random8()}.tmp.tdata`,
  );
}

/**
 * Makes a new private (0700) directory for a read copy in the temp
 * directory.
 *
 * @returns Its path.
 */
export function makeTempReadDir(): string {
  return mkdtempSync(join(tmpdir(), `mtsession-read-mts${process.pid}-`));
}

/** The part of the `Deno` namespace asked for permissions. */
interface DenoPermissions {
  permissions?: {
    querySync?(d: { name: string; path?: string }): { state: string };
  };
}

function deno(): DenoPermissions | undefined {
  return (globalThis as { Deno?: DenoPermissions }).Deno;
}

/**
 * Whether this process may read and write in `dir` without Deno asking
 * (elsewhere: always; the file system may still refuse).
 *
 * @param dir The directory.
 * @returns `false` when Deno has not granted both.
 */
export function mayWriteIn(dir: string): boolean {
  const query = deno()?.permissions?.querySync;
  if (query === undefined) return deno() === undefined;
  return ["read", "write"].every((name) =>
    query({ name, path: dir }).state === "granted"
  );
}

/**
 * Whether process `pid` has certainly ended. `false` when it lives, is
 * this process, or cannot be asked.
 */
function processGone(pid: number): boolean {
  if (!(pid > 0) || pid === process.pid) return false;
  // Without the permission Deno would prompt or throw: leave all alone.
  const d = deno();
  if (
    d !== undefined && d.permissions?.querySync?.({ name: "run" }).state !==
      "granted"
  ) return false;
  try {
    process.kill(pid, 0);
    return false; // alive
  } catch (e) {
    return (e as { code?: string }).code === "ESRCH"; // EPERM: alive
  }
}

/**
 * The newest modification time among the files that exist; `undefined`
 * when one of them is not a regular file (left alone).
 */
function newestChange(paths: string[]): number | undefined {
  let newest = 0;
  for (const p of paths) {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined) continue;
    if (!st.isFile()) return undefined;
    newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/** The names in `dir` when we may clean it; none when we may not. */
function namesToClean(dir: string): string[] {
  try {
    return mayWriteIn(dir) ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}

/**
 * Removes our stale temporary files from `dir` (see the top of this file).
 * Never throws: a leftover that cannot be removed stays.
 *
 * @param dir The directory.
 * @param now The time to judge staleness by.
 * @returns How many files were removed.
 */
export function removeStaleBeside(dir: string, now = Date.now()): number {
  const names = namesToClean(dir);
  const groups = new Map<string, { pid: number; files: string[] }>();
  for (const name of names) {
    const m = BESIDE.exec(name);
    if (m === null) continue;
    const key = name.replace(SIDE, "");
    const group = groups.get(key) ?? { pid: Number(m[1]), files: [] };
    group.files.push(join(dir, name));
    groups.set(key, group);
  }
  let removed = 0;
  for (const { pid, files } of groups.values()) {
    try {
      const newest = newestChange(files);
      if (newest === undefined || now - newest < STALE_AFTER_MS) continue;
      if (!processGone(pid)) continue;
      for (const f of files) {
        try {
          unlinkSync(f);
          removed++;
        } catch {
          // gone meanwhile, or not ours to remove
        }
      }
    } catch {
      // a file that cannot be judged stays
    }
  }
  return removed;
}

/**
 * Removes our stale read directories from the temp directory.
 * Never throws.
 *
 * @param now The time to judge staleness by.
 * @returns How many directories were removed.
 */
export function removeStaleInTmp(now = Date.now()): number {
  let removed = 0;
  try {
    const root = tmpdir();
    if (!mayWriteIn(root)) return 0;
    for (const name of readdirSync(root)) {
      const m = IN_TMP.exec(name);
      if (m === null) continue;
      try {
        const dir = join(root, name);
        const st = lstatSync(dir);
        if (!st.isDirectory()) continue;
        const inside = readdirSync(dir).map((f) => join(dir, f));
        const newest = newestChange(inside);
        if (newest === undefined) continue;
        const changed = Math.max(newest, st.mtimeMs);
        if (now - changed < STALE_AFTER_MS) continue;
        if (!processGone(Number(m[1]))) continue;
        rmSync(dir, { recursive: true, force: true });
        removed++;
      } catch {
        // one that cannot be judged or removed stays
      }
    }
  } catch {
    // no temp directory to look in
  }
  return removed;
}

/**
 * The newest change of a folder and everything in it; `undefined` when
 * something in it is neither a file nor a folder (left alone).
 */
function newestInFolder(dir: string): number | undefined {
  let newest = lstatSync(dir).mtimeMs;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) {
      const inner = newestInFolder(p);
      if (inner === undefined) return undefined;
      newest = Math.max(newest, inner);
    } else if (st.isFile()) {
      newest = Math.max(newest, st.mtimeMs);
    } else {
      return undefined;
    }
  }
  return newest;
}

/**
 * Removes the stale tdata folders a killed build left in `dir` (see the
 * top of this file). Never throws: one that cannot be removed stays.
 *
 * @param dir The directory.
 * @param now The time to judge staleness by.
 * @returns How many folders were removed.
 */
export function removeStaleFoldersBeside(
  dir: string,
  now = Date.now(),
): number {
  const names = namesToClean(dir);
  let removed = 0;
  for (const name of names) {
    const m = FOLDER_BESIDE.exec(name);
    if (m === null) continue;
    try {
      const p = join(dir, name);
      if (!lstatSync(p).isDirectory()) continue;
      const newest = newestInFolder(p);
      if (newest === undefined || now - newest < STALE_AFTER_MS) continue;
      if (!processGone(Number(m[1]))) continue;
      rmSync(p, { recursive: true, force: true });
      removed++;
    } catch {
      // one that cannot be judged or removed stays
    }
  }
  return removed;
}
