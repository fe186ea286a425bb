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
import { openDefaultDatabase, preloadDefaultDriver } from "./_pick_driver.ts";
import { migrate, OUR_TABLE, SCHEMA_VERSION, tableNames } from "./schema.ts";
import { SqliteStorage, type SqliteStorageOptions } from "./sqlite_storage.ts";
import { batchOptions } from "../backend/_write_behind.ts";
import { waitMs } from "../store/_wait.ts";
import { corruptedFile, isBusy, isCorrupt } from "./_file_check.ts";
import { looksLikeSoundFile } from "./_file_probe.ts";
import { fsAvailableNow, fsNow, loadFs, type NodeFsModule } from "./_fs.ts";
import { checkDatabasePath, sessionFileName } from "./_names.ts";

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

/** Why the temporary file of a new database cannot be made. */
function cannotCreate(path: string, dir: string, e: unknown): SessionError {
  const code = (e as { code?: string }).code;
  return new SessionError(
    code === "ENOENT"
      ? `Cannot create ${path}: the directory ${dir} does not exist`
      : code === "EACCES" || code === "EPERM" || code === "EROFS"
      ? `Cannot create ${path}: the directory ${dir} is not writable`
      : `Cannot create ${path} (${code ?? "error"})`,
    { cause: e },
  );
}

/**
 * Creates a new mtsession database at `path`, atomically, mode 0600 (see
 * _private_file.ts). When another opener creates it meanwhile, theirs is
 * kept.
 */
async function createFile(
  path: string,
  kind: "file" | "store",
  options: SqliteSessionOptions,
): Promise<void> {
  const { writeFileSync } = await loadFs();
  const { dirname } = await import("node:path");
  const { placePrivateFile } = await import("../_private_file.ts");
  const appeared = new Error("created meanwhile");
  try {
    await placePrivateFile(path, false, () => appeared, async (tmp) => {
      try {
        writeFileSync(tmp, new Uint8Array(0), { mode: 0o600, flag: "wx" });
      } catch (e) {
        throw cannotCreate(path, dirname(path), e);
      }
      const db = await openDb(tmp, options);
      try {
        db.exec("PRAGMA journal_mode = WAL");
        migrate(db, kind);
      } finally {
        db.close();
      }
    });
  } catch (e) {
    if (e !== appeared) throw e;
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
  name?: string,
): Promise<SqliteDatabase> {
  checkDatabasePath(path);
  const deadline = Date.now() + Math.max(GRACE_MS, waitMs(options.wait));
  for (let delay = 5;; delay = Math.min(delay * 2, 100)) {
    try {
      return await openOnce(path, kind, options, name);
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
  options: SqliteSessionOptions,
  name: string | undefined,
): Promise<SqliteDatabase> {
  // An existing, sound file with nothing beside it (the usual case) needs
  // no node:fs.
  // The driver's module loads while the file is looked at.
  const [quick] = await Promise.all([
    looksLikeSoundFile(path),
    preloadDefaultDriver(options.driver),
  ]);
  if (!quick) {
    const fs = await loadFs();
    if (!fs.existsSync(path)) {
      if (name !== undefined && name !== path) refuseDirectoryName(name, fs);
      await createFile(path, kind, options);
    }
    const { checkSqliteFile } = await import("./_file_header.ts");
    checkSqliteFile(path);
  }
  let db: SqliteDatabase | undefined;
  try {
    db = await openDb(path, options);
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
    const from = migrate(db, kind, true);
    if (from > SCHEMA_VERSION) {
      throw new SessionFileError(
        path,
        `an mtsession file of schema ${from}, newer than this version (${SCHEMA_VERSION})`,
        "upgrade mtsession",
      );
    }
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof SessionError) throw e;
    // What the quick look cannot see (on Bun: a link to nothing beside the
    // file) the full check words.
    if (quick) await explainFailedOpen(path);
    if (isBusy(e)) throw new SessionInUseError(path, { cause: e });
    if (isCorrupt(e)) {
      throw corruptedFile(path, e);
    }
    throw e;
  }
}

/**
 * Refuses to create `name.session` for a `name` that is a directory: the
 * caller meant a session inside it.
 *
 * @param name The session name.
 * @param fs node:fs.
 * @throws {SessionFileError} When `name` is a directory.
 */
export function refuseDirectoryName(
  name: string,
  fs: Pick<NodeFsModule, "statSync">,
): void {
  if (fs.statSync(name, { throwIfNoEntry: false })?.isDirectory()) {
    throw new SessionFileError(
      name,
      "a directory",
      `give a session name, e.g. ${name.replace(/[\\/]+$/, "")}/my_account`,
    );
  }
}

/**
 * After the driver failed to open a file the quick look passed: throws the
 * full check's error if it finds one (a link beside the file), after
 * removing the empty -wal SQLite may have made before it gave up.
 */
async function explainFailedOpen(path: string): Promise<void> {
  const fs = await loadFs();
  const { checkSqliteFile } = await import("./_file_header.ts");
  try {
    checkSqliteFile(path);
  } catch (e) {
    if (!(e instanceof SessionFileError)) throw e;
    const wal = fs.lstatSync(`${path}-wal`, { throwIfNoEntry: false });
    if (wal?.isFile() && wal.size === 0) {
      try {
        fs.unlinkSync(`${path}-wal`);
      } catch { /* gone already */ }
    }
    throw e;
  }
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
  const db = await openSqliteFile(path, "file", options, name);
  return new SqliteStorage(
    db,
    FILE_SESSION_ID,
    {
      ...sqliteStorageOptions(path, options, {
        onClose: () => db.close(),
        onDestroy: () => removeFiles(path),
      }),
      // No other storage writes on this connection.
      ownConnection: true,
    },
  );
}

/** What a storage of a file or store gets: its label, batching, hooks. */
export function sqliteStorageOptions(
  label: string,
  o: SqliteSessionOptions,
  hooks: Pick<SqliteStorageOptions, "onClose" | "onDestroy">,
): SqliteStorageOptions {
  // The connection is the storage's (or its store's) own: it checkpoints.
  return { label, ...batchOptions(o), ...hooks, checkpointWal: true };
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
