/**
 * {@linkcode SqliteDatabase} over `sql.js` (SQLite compiled to
 * WebAssembly), for browsers and any other runtime. The module is yours:
 * load it with `initSqlJs()` and hand it over; this file imports nothing
 * of it.
 *
 * sql.js keeps every database in memory. {@linkcode fromSqlJs} gives a
 * small set of in-memory files on top: a database opened on a path is
 * read from that file, and written back to it (whole, `export()`) when its
 * last connection closes. Connections to one path in one set share one
 * sql.js database, so what one commits the others see at once.
 *
 * @module
 */

import type {
  SqliteDatabase,
  SqliteOpenOptions,
  SqlRow,
  SqlValue,
} from "../driver.ts";
import { type DriverStatement, wrapDriver } from "./_wrap.ts";

/**
 * The part of a sql.js `Statement` the wrapper uses. Declared here so this
 * module needs neither the package nor its types.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import type { SqlJsStatementLike } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const SQL = await initSqlJs();
 * const stmt: SqlJsStatementLike = new SQL.Database().prepare("SELECT 1 AS one");
 * ```
 */
export interface SqlJsStatementLike {
  /** Binds positional values (resets the statement first). */
  bind(values?: SqlValue[]): boolean;
  /** Steps; `true` while there is a row. */
  step(): boolean;
  /** The current row's values; `{ useBigInt: true }` gives exact integers. */
  get(params?: null, config?: { useBigInt?: boolean }): unknown[];
  /** The result's column names. */
  getColumnNames(): string[];
  /** Resets the statement so it can run again. */
  reset(): unknown;
  /** Frees the statement. */
  free(): unknown;
}

/**
 * The part of a sql.js `Database` the wrapper uses.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import type { SqlJsDatabaseLike } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const SQL = await initSqlJs();
 * const db: SqlJsDatabaseLike = new SQL.Database();
 * ```
 */
export interface SqlJsDatabaseLike {
  /** Runs SQL without parameters. */
  exec(sql: string): unknown;
  /** Compiles a statement. */
  prepare(sql: string): SqlJsStatementLike;
  /** The database file's bytes. */
  export(): Uint8Array;
  /** Closes the database. */
  close(): unknown;
}

/**
 * The part of the module `initSqlJs()` resolves to that the wrapper uses.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import type { SqlJsStaticLike } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const SQL: SqlJsStaticLike = await initSqlJs();
 * ```
 */
export interface SqlJsStaticLike {
  /** Opens a database: empty, or from a database file's bytes. */
  readonly Database: new (data?: Uint8Array | null) => SqlJsDatabaseLike;
}

/**
 * In-memory database files over one sql.js module, and the way to open
 * them. Made by {@linkcode fromSqlJs}.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import { fromSqlJs } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const files = fromSqlJs(await initSqlJs());
 * const db = files.open("my.session");
 * db.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (9223372036854775807)");
 * db.close();
 * const bytes = files.readFile("my.session"); // an SQLite file, to download
 * ```
 */
export interface SqlJsFiles {
  /** `"sql.js"`. */
  readonly driver: "sql.js";
  /**
   * Opens a database on a path of this set (`":memory:"`: a private empty
   * database). With `readonly`, it is a copy of the file's current bytes on
   * which every write throws (`PRAGMA query_only`), and nothing goes back
   * to the file.
   *
   * @param path The file.
   * @param options How to open it.
   * @returns The open database.
   * @throws {Error} When the file does not exist and may not be created.
   */
  open(path: string, options?: SqliteOpenOptions): SqliteDatabase;
  /**
   * Opens a private copy of a database file's bytes. The bytes given are
   * never changed, and nothing is written anywhere: writes stay in the
   * copy, which goes when it is closed (or every write throws, with
   * `readonly`).
   *
   * @param bytes An SQLite database file.
   * @param options `readonly` makes every write throw.
   * @returns The open database (its `path` is `":memory:"`).
   */
  load(bytes: Uint8Array, options?: { readonly?: boolean }): SqliteDatabase;
  /**
   * The bytes of a file: what its open connections hold now, else what was
   * written last. `undefined` when there is no such file.
   *
   * @param path The file.
   * @returns A copy of its bytes.
   */
  readFile(path: string): Uint8Array | undefined;
  /**
   * Puts a file in the set (replacing one of that name, which must not be
   * open).
   *
   * @param path The file.
   * @param bytes Its bytes (copied).
   * @throws {Error} When the file is open.
   */
  writeFile(path: string, bytes: Uint8Array): void;
  /**
   * Whether the set has this file (open or not).
   *
   * @param path The file.
   * @returns `true` when it exists.
   */
  exists(path: string): boolean;
  /**
   * Removes a file that is not open. Removing a missing file does nothing.
   *
   * @param path The file.
   * @throws {Error} When the file is open.
   */
  remove(path: string): void;
}

const MEMORY = ":memory:";
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A live sql.js database shared by the connections to one path. */
interface Shared {
  readonly db: SqlJsDatabaseLike;
  connections: number;
}

/**
 * Turns sql.js's array rows into what the wrapper takes, with exact
 * integers, and resets the statement after every use (an active statement
 * would keep a read lock and stop `export()`).
 */
function adapt(stmt: SqlJsStatementLike): DriverStatement {
  let names: string[] | undefined;
  const bind = (params: SqlValue[]): void => {
    // sql.js binds a non-int32 number as a REAL: integers go as int64.
    const values = params.map((v) =>
      typeof v === "number" && Number.isSafeInteger(v) &&
        (v < INT32_MIN || v > INT32_MAX)
        ? BigInt(v)
        : v
    );
    stmt.bind(values);
  };
  const row = (): SqlRow => {
    names ??= stmt.getColumnNames();
    const values = stmt.get(null, { useBigInt: true });
    const out: SqlRow = {};
    names.forEach((name, i) => {
      out[name] = values[i] as SqlValue;
    });
    return out;
  };
  const rows = (params: SqlValue[], limit: number): SqlRow[] => {
    try {
      bind(params);
      const out: SqlRow[] = [];
      if (limit === 0) {
        // run(): to the end, for statements that return rows too.
        while (stmt.step());
        return out;
      }
      while (out.length < limit && stmt.step()) out.push(row());
      return out;
    } finally {
      stmt.reset();
    }
  };
  return {
    run: (...params: SqlValue[]): void => void rows(params, 0),
    get: (...params: SqlValue[]): SqlRow | undefined => rows(params, 1)[0],
    all: (...params: SqlValue[]): SqlRow[] => rows(params, Infinity),
  };
}

/**
 * Wraps one sql.js database; `release` runs once, when it is closed. The
 * statements prepared through this connection are freed then.
 */
function wrap(
  db: SqlJsDatabaseLike,
  path: string,
  release: (statements: SqlJsStatementLike[]) => void,
): SqliteDatabase {
  const prepared: SqlJsStatementLike[] = [];
  let open = true;
  return wrapDriver(
    {
      exec: (sql: string): unknown => db.exec(sql),
      prepare: (sql: string): DriverStatement => {
        const stmt = db.prepare(sql);
        prepared.push(stmt);
        return adapt(stmt);
      },
      close: (): void => {},
    },
    path,
    {
      driver: "sql.js",
      setup(): void {},
      isOpen: (): boolean => open,
      close(): void {
        open = false;
        release(prepared.splice(0));
      },
    },
  );
}

function freeAll(statements: SqlJsStatementLike[]): void {
  for (const s of statements) s.free();
}

/** A connection that is the only one of its database. */
function alone(db: SqlJsDatabaseLike, path: string): SqliteDatabase {
  return wrap(db, path, (statements) => {
    freeAll(statements);
    db.close();
  });
}

/**
 * Wraps a sql.js module you loaded (`await initSqlJs()`): a set of
 * in-memory database files and the way to open them behind mtsession's
 * driver interface, or a file's bytes ({@linkcode SqlJsFiles.load}).
 *
 * Integers come back as exact `bigint`s (sql.js's `useBigInt`), and
 * `number`s beyond 32 bits are bound as 64-bit integers (sql.js alone would
 * bind them as REAL). BLOBs are plain `Uint8Array`s.
 *
 * @param SQL The module `initSqlJs()` resolved to.
 * @returns The files, empty.
 *
 * @example Usage
 * ```ts ignore
 * import initSqlJs from "sql.js";
 * import { fromSqlJs } from "@mtsession/mtsession/sqlite-wasm";
 *
 * const files = fromSqlJs(await initSqlJs({ locateFile: (f) => `/assets/${f}` }));
 * const db = files.open(":memory:");
 * console.log(db.prepare("SELECT 9223372036854775807 AS max").get());
 * // { max: 9223372036854775807n }
 * db.close();
 * ```
 */
export function fromSqlJs(SQL: SqlJsStaticLike): SqlJsFiles {
  const stored = new Map<string, Uint8Array>();
  const live = new Map<string, Shared>();
  const bytesOf = (path: string): Uint8Array | undefined => {
    const shared = live.get(path);
    return shared === undefined ? stored.get(path) : shared.db.export();
  };
  const notOpen = (path: string, what: string): void => {
    if (live.has(path)) {
      throw new Error(`Cannot ${what} ${path}: it is open`);
    }
  };
  const load = (
    bytes: Uint8Array | undefined,
    readonly: boolean,
  ): SqlJsDatabaseLike => {
    // sql.js copies the bytes into its own memory.
    const db = new SQL.Database(bytes ?? null);
    if (readonly) db.exec("PRAGMA query_only = ON");
    return db;
  };
  return {
    driver: "sql.js",
    open(path: string, options: SqliteOpenOptions = {}): SqliteDatabase {
      const readonly = options.readonly === true;
      if (path === MEMORY) {
        return alone(load(undefined, readonly), path);
      }
      const bytes = bytesOf(path);
      if (bytes === undefined && (readonly || options.create === false)) {
        throw new Error(`Cannot open ${path}: no such file`);
      }
      if (readonly) {
        return alone(load(bytes, true), path);
      }
      let shared = live.get(path);
      if (shared === undefined) {
        shared = { db: load(bytes, false), connections: 0 };
        live.set(path, shared);
      }
      shared.connections++;
      const mine = shared;
      return wrap(mine.db, path, (s) => {
        freeAll(s);
        if (--mine.connections > 0) return;
        live.delete(path);
        try {
          stored.set(path, mine.db.export());
        } finally {
          mine.db.close();
        }
      });
    },
    load(
      bytes: Uint8Array,
      options: { readonly?: boolean } = {},
    ): SqliteDatabase {
      return alone(load(bytes, options.readonly === true), MEMORY);
    },
    readFile(path: string): Uint8Array | undefined {
      const bytes = bytesOf(path);
      return bytes === undefined ? undefined : bytes.slice();
    },
    writeFile(path: string, bytes: Uint8Array): void {
      notOpen(path, "replace");
      stored.set(path, bytes.slice());
    },
    exists(path: string): boolean {
      return live.has(path) || stored.has(path);
    },
    remove(path: string): void {
      notOpen(path, "remove");
      stored.delete(path);
    },
  };
}
