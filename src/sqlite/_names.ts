// Session names and database paths, checked before anything touches the
// disk: a name that would make a file nobody meant ("." → "..session", "sub/"
// → "sub/.session") or one the drivers read differently (bun:sqlite and
// better-sqlite3 trim white space from a path, node:sqlite does not) is a
// TypeError naming what is wrong. No I/O. Private to the library.

const SUFFIX = ".session";

function lastPart(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(slash + 1);
}

/** What is wrong with `path` as the name of a file, or `undefined`. */
function problem(path: string, stem: string): string | undefined {
  if (path.includes("\u0000")) return "contains a NUL character";
  if (path !== path.trim() || stem !== stem.trim()) {
    return "begins or ends with white space: trim it (SQLite drivers differ " +
      "on such names)";
  }
  // Built only for a name that is wrong: opening a good one runs no regex.
  const example = (): string =>
    JSON.stringify(path.replace(/[\\/]+$/, "") + "/my_account");
  if (stem === "") {
    return lastPart(path) === ""
      ? `ends in a path separator: add a name, e.g. ${example()}`
      : "has nothing before .session";
  }
  if (stem === "." || stem === "..") {
    return `names a directory, not a file: add a name, e.g. ${example()}`;
  }
  return undefined;
}

/**
 * `name` → `name.session`, as Telethon names session files; a name already
 * ending in `.session` is kept as it is.
 *
 * @param name The session name, or a path to one.
 * @returns The file.
 * @throws {TypeError} For an empty name, white space at either end of the
 * name or of its last part, a last part that is empty, `.`, `..` or only
 * `.session`, or a NUL character.
 *
 * @example Usage
 * ```ts
 * import { sessionFileName } from "./_names.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sessionFileName("bots/alice"), "bots/alice.session");
 * assert.equal(sessionFileName("alice.session"), "alice.session");
 * assert.throws(() => sessionFileName(" alice"), TypeError);
 * ```
 */
export function sessionFileName(name: string): string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError(
      `Expected a session name such as "my_account" (the file ` +
        `my_account.session), got ${JSON.stringify(name)}`,
    );
  }
  const base = lastPart(name);
  const stem = base.endsWith(SUFFIX) ? base.slice(0, -SUFFIX.length) : base;
  const wrong = problem(name, stem);
  if (wrong !== undefined) {
    throw new TypeError(`Session name ${JSON.stringify(name)} ${wrong}`);
  }
  return name.endsWith(SUFFIX) ? name : name + SUFFIX;
}

/**
 * Checks a database path given as it is (a store's file).
 *
 * @param path The path.
 * @throws {TypeError} As {@linkcode sessionFileName} does, for the path.
 *
 * @example Usage
 * ```ts
 * import { checkDatabasePath } from "./_names.ts";
 * import assert from "node:assert/strict";
 *
 * checkDatabasePath("accounts.db");
 * assert.throws(() => checkDatabasePath("accounts.db "), TypeError);
 * ```
 */
export function checkDatabasePath(path: string): void {
  const wrong = typeof path !== "string" || path.trim() === ""
    ? "is empty"
    : problem(path, lastPart(path));
  if (wrong !== undefined) {
    throw new TypeError(`Database path ${JSON.stringify(path)} ${wrong}`);
  }
}
