/**
 * Opening mtsession's SQLite files: one session per `.session` file, or
 * the database of a store of many sessions (./sqlite_store.ts). A file is
 * only written when it
 * is ours; new files are built under a temporary name and linked into
 * place, so a crash never leaves a half-made session file. An open file is
 * held with SQLite's exclusive lock, which the OS releases if the process
 * dies: a second opener gets {@linkcode SessionInUseError} at once, or
 * waits when asked to.
 *
 * @module
 */

import {
  SessionError,
  SessionFileError,
  SessionInUseError,
} from "../errors.ts";
import type { SessionOptions } from "../session.ts";
import type { SqliteDatabase, SqliteDriverName } from "./driver.ts";
import type { DenoSqliteModule } from "./drivers/deno_sqlite.ts";
import { openDefaultDatabase } from "./_pick_driver.ts";
import { migrate, OUR_TABLE, SCHEMA_VERSION, tableNames } from "./schema.ts";
import { SqliteStorage, type SqliteStorageOptions } from "./sqlite_storage.ts";
import { batchOptions } from "../backend/_write_behind.ts";
import { waitMs } from "../store/_open_sessions.ts";
import { corruptedFile, isBusy, isCorrupt } from "./_file_check.ts";
import { looksLikeSoundFile } from "./_file_probe.ts";
import { fsAvailableNow, fsNow, loadFs } from "./_fs.ts";

/** Options for SQLite-backed sessions and stores. */
export interface SqliteSessionOptions extends SessionOptions {
  /** The driver to use instead of the runtime's default. */
  driver?: SqliteDriverName;
  /** For `driver: "@db/sqlite"`: the module or its specifier. */
  module?: DenoSqliteModule | string;
  /**
   * When the file is in use elsewhere: `false` (default) fails at once with
   * `SessionInUseError`; `true` waits up to 30 s; a number waits that many
   * milliseconds.
   */
  wait?: boolean | number;
  /** Longest delay before batched peer writes reach the file (ms, default 1000). */
  flushDelayMs?: number;
  /** Write the batch once this many peers wait (default 2000). */
  maxBatch?: number;
}

async function openDb(
  path: string,
  options: SqliteSessionOptions,
): Promise<SqliteDatabase> {
  return await openDefaultDatabase(path, {
    create: false,
    ...(options.driver === undefined ? {} : { driver: options.driver }),
    ...(options.module === undefined ? {} : { module: options.module }),
  });
}

/** Creates a new mtsession database at `path`, atomically, mode 0600. */
async function createFile(
  path: string,
  kind: "file" | "store",
  options: SqliteSessionOptions,
): Promise<void> {
  const { linkSync, unlinkSync, writeFileSync } = await loadFs();
  const { basename, dirname, join } = await import("node:path");
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${Date.now().toString(36)}${
      Math.random().toString(36).slice(2, 8)
    }.tmp`,
  );
  try {
    writeFileSync(tmp, new Uint8Array(0), { mode: 0o600, flag: "wx" });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new SessionError(
      code === "ENOENT"
        ? `Cannot create ${path}: the directory ${dirname(path)} does not exist`
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? `Cannot create ${path}: the directory ${
          dirname(path)
        } is not writable`
        : `Cannot create ${path} (${code ?? "error"})`,
      { cause: e },
    );
  }
  try {
    const db = await openDb(tmp, options);
    try {
      db.exec("PRAGMA journal_mode = WAL");
      migrate(db, kind);
    } finally {
      db.close();
    }
    try {
      linkSync(tmp, path); // fails if path appeared meanwhile: never replace
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
    }
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) {
      try {
        unlinkSync(f);
      } catch { /* already gone */ }
    }
  }
}

/**
 * Opens (creating if needed) an mtsession database file and takes its
 * exclusive lock. Foreign or damaged files are refused unmodified.
 *
 * Waiting happens here, not in SQLite's busy handler: in exclusive locking
 * mode two openers that meet halfway can each hold a lock the other needs,
 * and both busy handlers would wait out the whole timeout. Each attempt
 * gives up at once and releases everything; the next one starts after a
 * short, jittered pause. Without `wait`, a brief grace still lets two
 * openers that arrive together sort themselves out.
 */
export async function openSqliteFile(
  path: string,
  kind: "file" | "store",
  options: SqliteSessionOptions = {},
): Promise<SqliteDatabase> {
  const deadline = Date.now() + Math.max(GRACE_MS, waitMs(options.wait));
  for (let delay = 5;; delay = Math.min(delay * 2, 100)) {
    try {
      return await openOnce(path, kind, options);
    } catch (e) {
      if (!(e instanceof SessionInUseError) || Date.now() >= deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
  }
}

/** How long an opener without `wait` retries a lock held by another opener. */
const GRACE_MS = 250;

async function openOnce(
  path: string,
  kind: "file" | "store",
  options: SqliteSessionOptions = {},
): Promise<SqliteDatabase> {
  // An existing, sound file (the usual case) needs no node:fs.
  if (!(await looksLikeSoundFile(path))) {
    const { existsSync } = await loadFs();
    if (!existsSync(path)) await createFile(path, kind, options);
    const { checkSqliteFile } = await import("./_file_header.ts");
    checkSqliteFile(path);
  }
  const db = await openDb(path, options);
  try {
    db.exec("PRAGMA busy_timeout = 0");
    const tables = tableNames(db);
    if (!tables.includes(OUR_TABLE)) {
      const { describeForeignTables } = await import("./_describe.ts");
      throw new SessionFileError(
        path,
        describeForeignTables(tables),
        "mtsession only writes its own files; import it into a new one " +
          "(importSessionFile), or open it read-only (readSessionFile)",
      );
    }
    db.exec("PRAGMA locking_mode = EXCLUSIVE");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    const from = migrate(db, kind);
    if (from > SCHEMA_VERSION) {
      throw new SessionFileError(
        path,
        `an mtsession file of schema ${from}, newer than this version (${SCHEMA_VERSION})`,
        "upgrade mtsession",
      );
    }
    return db;
  } catch (e) {
    db.close();
    if (e instanceof SessionError) throw e;
    if (isBusy(e)) throw new SessionInUseError(path, { cause: e });
    if (isCorrupt(e)) {
      throw corruptedFile(path, e);
    }
    throw e;
  }
}

/** `name` → `name.session`, as Telethon names session files. */
export function sessionFileName(name: string): string {
  return name.endsWith(".session") ? name : `${name}.session`;
}

function removeFiles(path: string): void {
  const { unlinkSync } = fsNow();
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    try {
      unlinkSync(f);
    } catch (e) {
      if ((e as { code?: string }).code !== "ENOENT") throw e;
    }
  }
}

/** The session id a `.session` file keeps its one session under. */
export const FILE_SESSION_ID = "default";

/** Opens the storage of a `.session` file. */
export async function openFileStorage(
  name: string,
  options: SqliteSessionOptions = {},
): Promise<SqliteStorage> {
  const path = sessionFileName(name);
  // destroy() removes the file synchronously: where node:fs cannot be had
  // then, it is loaded now.
  if (!fsAvailableNow()) await loadFs();
  const db = await openSqliteFile(path, "file", options);
  return new SqliteStorage(
    db,
    FILE_SESSION_ID,
    sqliteStorageOptions(path, options, {
      onClose: () => db.close(),
      onDestroy: () => removeFiles(path),
    }),
  );
}

/** What a storage of a file or store gets: its label, batching, hooks. */
export function sqliteStorageOptions(
  label: string,
  o: SqliteSessionOptions,
  hooks: Pick<SqliteStorageOptions, "onClose" | "onDestroy">,
): SqliteStorageOptions {
  return { label, ...batchOptions(o), ...hooks };
}

/**
 * Names of the session files in a directory (`name` for `name.session`),
 * sorted.
 *
 * @param dir The directory (default: the current one).
 * @returns The session names.
 */
export async function listSessions(dir = "."): Promise<string[]> {
  const { readdirSync } = await loadFs();
  return readdirSync(dir)
    .filter((f) => f.endsWith(".session") && !f.startsWith("."))
    .map((f) => f.slice(0, -".session".length))
    .sort();
}
