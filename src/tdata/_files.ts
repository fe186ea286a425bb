// Reading one tdata file by its base name the way Telegram Desktop picks
// among its copies (ReadFile in storage/details/storage_file_utilities.cpp):
// `<name>s` when it exists, else `<name>0` and `<name>1`, the newer (by
// modification time) first, the other when the first does not pass the
// TDF checks. Unlike Telegram Desktop, which deletes the copy it did not
// use, nothing is ever changed. Writers write `<name>s`.
// Private to the library.

import { basename, join } from "node:path";
import { SessionFileError } from "../errors.ts";
import { loadFs } from "../sqlite/_fs.ts";
import { parseTdf } from "./_tdf.ts";

/** A file that passed the TDF checks. */
export interface TdfFile {
  /** The copy that was read. */
  readonly path: string;
  /** Its TDF version. */
  readonly version: number;
  /** Its payload. */
  readonly payload: Uint8Array;
}

/** What to tell the user about a damaged file. */
export const DAMAGED_ADVICE =
  "copy the tdata folder again from the computer where Telegram Desktop " +
  "runs, after quitting Telegram Desktop there";

async function mtime(path: string): Promise<number | null> {
  const { promises } = await loadFs();
  try {
    const s = await promises.stat(path);
    return s.isFile() ? s.mtimeMs : null;
  } catch {
    return null;
  }
}

/**
 * The copies of a file in the order Telegram Desktop tries them.
 *
 * @param dir The folder.
 * @param name The base name.
 * @returns Full paths; empty when there is no copy at all.
 */
export async function copiesToTry(
  dir: string,
  name: string,
): Promise<string[]> {
  const safe = join(dir, `${name}s`);
  if (await mtime(safe) !== null) return [safe];
  const zero = join(dir, `${name}0`);
  const one = join(dir, `${name}1`);
  const [t0, t1] = await Promise.all([mtime(zero), mtime(one)]);
  if (t0 === null) return t1 === null ? [] : [one];
  if (t1 === null) return [zero];
  return t0 < t1 ? [one, zero] : [zero, one];
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : "an I/O error";
}

/**
 * Reads a file by base name.
 *
 * @param dir The folder.
 * @param name The base name (`key_data`, `map`, `D877F783D5D3EF8C`).
 * @returns The first copy that passes the checks, or `null` when there is
 * no copy.
 * @throws {SessionFileError} When copies exist but none passes.
 */
export async function readTdfFile(
  dir: string,
  name: string,
): Promise<TdfFile | null> {
  const { promises } = await loadFs();
  const copies = await copiesToTry(dir, name);
  if (copies.length === 0) return null;
  const problems: string[] = [];
  for (const path of copies) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await promises.readFile(path));
    } catch (e) {
      problems.push(`unreadable (${errorCode(e)})`);
      continue;
    }
    const content = parseTdf(bytes);
    if ("problem" in content) {
      problems.push(content.problem);
      continue;
    }
    return { path, version: content.version, payload: content.payload };
  }
  const found = problems.length === 1
    ? problems[0]!
    : `${problems[0]} (and its other copy ${basename(copies[1]!)} is ${
      problems[1]
    })`;
  throw new SessionFileError(copies[0]!, found, DAMAGED_ADVICE);
}
