// Reading one tdata file by its base name the way Telegram Desktop picks
// among its copies (ReadFile in storage/details/storage_file_utilities.cpp):
// `<name>s` when it exists, else `<name>0` and `<name>1`, the newer (by
// modification time) first, the other when the first does not pass the
// TDF checks. Unlike Telegram Desktop, which deletes the copy it did not
// use, nothing is ever changed. Writers write `<name>s`.
// Private to the library.

import { SessionFileError } from "../errors.ts";
import { diskSource, type TdataSource } from "./_source.ts";
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

/**
 * The copies of a file in the order Telegram Desktop tries them.
 *
 * @param dir The folder.
 * @param name The base name.
 * @param source Where the files are (the disk by default).
 * @returns Full paths; empty when there is no copy at all.
 */
export async function copiesToTry(
  dir: string,
  name: string,
  source: TdataSource = diskSource,
): Promise<string[]> {
  const safe = source.join(dir, `${name}s`);
  if (await source.fileTime(safe) !== null) return [safe];
  const zero = source.join(dir, `${name}0`);
  const one = source.join(dir, `${name}1`);
  const [t0, t1] = await Promise.all([
    source.fileTime(zero),
    source.fileTime(one),
  ]);
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
 * @param source Where the files are (the disk by default).
 * @returns The first copy that passes the checks, or `null` when there is
 * no copy.
 * @throws {SessionFileError} When copies exist but none passes (the
 * source's own error when each copy failed there, as a ZipError).
 */
export async function readTdfFile(
  dir: string,
  name: string,
  source: TdataSource = diskSource,
): Promise<TdfFile | null> {
  const copies = await copiesToTry(dir, name, source);
  if (copies.length === 0) return null;
  const problems: string[] = [];
  // A source's own error (a ZIP entry refused or damaged) is what the
  // caller gets when it is the only one.
  const own: SessionFileError[] = [];
  for (const path of copies) {
    let bytes: Uint8Array;
    try {
      bytes = await source.readFile(path);
    } catch (e) {
      if (e instanceof SessionFileError) own.push(e);
      problems.push(
        e instanceof SessionFileError
          ? e.found
          : `unreadable (${errorCode(e)})`,
      );
      continue;
    }
    const content = parseTdf(bytes);
    if ("problem" in content) {
      problems.push(content.problem);
      continue;
    }
    return { path, version: content.version, payload: content.payload };
  }
  if (own.length === problems.length) throw own[0]!;
  const found = problems.length === 1
    ? problems[0]!
    : `${problems[0]} (and its other copy ${name}${copies[1]!.at(-1)} is ${
      problems[1]
    })`;
  throw new SessionFileError(copies[0]!, found, DAMAGED_ADVICE);
}
