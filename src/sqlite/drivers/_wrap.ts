// The skeleton every driver wrapper shares: a SqliteDatabase over a
// driver's own database and statements. Each driver says how a statement
// is set up (exact 64-bit integers), how it closes, and how a row it
// returns becomes a plain SqlRow. Private to the library.

import type {
  SqliteDatabase,
  SqliteDriverName,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "../driver.ts";

/** A driver's statement, as the wrapper calls it. */
export interface DriverStatement {
  run(...params: SqlValue[]): unknown;
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

/** A driver's database, as the wrapper calls it. */
export interface DriverDatabase<S extends DriverStatement> {
  exec(sql: string): unknown;
  prepare(sql: string): S;
  close(): unknown;
}

/** How one driver differs from the others. */
export interface DriverSpec<S extends DriverStatement> {
  /** Which driver this is. */
  readonly driver: SqliteDriverName | "sql.js";
  /**
   * Sets a new statement up to return exact integers. Returns false for a
   * statement that returns no rows when the driver refuses `get`/`all` on
   * those (better-sqlite3): they are run instead.
   */
  setup(statement: S): boolean | void;
  /** Closes the database (default: `close()`); called once. */
  close?(): void;
  /** Whether the database is still open, when the driver can tell. */
  isOpen?(): boolean;
  /** Turns a row the driver returned into a plain SqlRow (default: as is). */
  row?(row: Record<string, unknown>): SqlRow;
  /**
   * Sets a statement (already set up) to return rows as arrays of column
   * values, where the driver can, and returns how to read its first row
   * for one parameter; undefined where it cannot.
   */
  values?(
    statement: S,
  ): ((param: SqlValue) => unknown[] | undefined) | undefined;
}

/**
 * Where a wrapped database keeps {@linkcode firstValues}' fast path (not
 * part of the public interface).
 */
const VALUES: unique symbol = Symbol("mtsession.firstValues");

/**
 * A statement with one `?` that returns its first row as column values in
 * SELECT order (the row's columns, no names), or undefined for no row.
 * Integers are exact as with `get()`; a BLOB is a `Uint8Array`, possibly of
 * a subclass (better-sqlite3's `Buffer`). On our own wrappers it reads the
 * driver's array rows directly (no object per row, no name per column);
 * on any other SqliteDatabase it reads `get()`'s row.
 *
 * @param db The database.
 * @param sql One statement with exactly one `?`.
 * @returns The reader.
 */
export function firstValues(
  db: SqliteDatabase,
  sql: string,
): (param: SqlValue) => unknown[] | undefined {
  const fast = (db as { [VALUES]?: (sql: string) => unknown })[VALUES];
  const own = fast?.(sql) as
    | ((param: SqlValue) => unknown[] | undefined)
    | undefined;
  if (own !== undefined) return own;
  const stmt = db.prepare(sql);
  return (param) => {
    const row = stmt.get(param);
    return row === undefined ? undefined : Object.values(row);
  };
}

/** The common interface over one driver's database. */
export function wrapDriver<S extends DriverStatement>(
  db: DriverDatabase<S>,
  path: string,
  spec: DriverSpec<S>,
): SqliteDatabase {
  const fix = spec.row;
  let closed = false;
  const wrapped: SqliteDatabase = {
    driver: spec.driver,
    path,
    exec(sql: string): void {
      db.exec(sql);
    },
    prepare(sql: string): SqliteStatement {
      const stmt = db.prepare(sql);
      const reader = spec.setup(stmt) !== false;
      return {
        run(...params: SqlValue[]): void {
          stmt.run(...params);
        },
        get(...params: SqlValue[]): SqlRow | undefined {
          if (!reader) {
            stmt.run(...params);
            return undefined;
          }
          // Some drivers say null for "no row".
          const row = stmt.get(...params) as Record<string, unknown> | null;
          if (row === null || row === undefined) return undefined;
          return fix === undefined ? row as SqlRow : fix(row);
        },
        all(...params: SqlValue[]): SqlRow[] {
          if (!reader) {
            stmt.run(...params);
            return [];
          }
          const rows = stmt.all(...params) as Record<string, unknown>[];
          return fix === undefined ? rows as SqlRow[] : rows.map(fix);
        },
      };
    },
    close(): void {
      if (closed || spec.isOpen?.() === false) return;
      closed = true;
      if (spec.close === undefined) db.close();
      else spec.close();
    },
  };
  const values = spec.values;
  if (values !== undefined) {
    Object.defineProperty(wrapped, VALUES, {
      value: (sql: string) => {
        const stmt = db.prepare(sql);
        spec.setup(stmt);
        return values(stmt);
      },
    });
  }
  return wrapped;
}
