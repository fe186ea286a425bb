// The skeleton every driver wrapper shares: a SqliteDatabase over a
// driver's own database and statements. Each driver says how it prepares
// a statement (turning on exact 64-bit integers), how it closes, and how
// a row it returns becomes a plain SqlRow. Private to the library.

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

/** A compiled statement; `reader` false: it returns no rows. */
export interface Prepared {
  readonly statement: DriverStatement;
  readonly reader?: boolean;
}

/** What one driver contributes to its wrapper. */
export interface DriverParts {
  /** Which driver this is. */
  readonly driver: SqliteDriverName;
  /** The database file, `":memory:"`, or `""` when unknown. */
  readonly path: string;
  /** Runs SQL without results. */
  exec(sql: string): void;
  /**
   * Compiles a statement, set up to return exact integers. `reader` false
   * marks one that returns no rows (better-sqlite3 refuses `get`/`all` on
   * those: they are run instead).
   */
  prepare(sql: string): Prepared;
  /** Closes the database (called once). */
  close(): void;
  /** Whether the database is still open, when the driver can tell. */
  isOpen?(): boolean;
  /** Turns a row the driver returned into a plain SqlRow (default: as is). */
  row?(row: Record<string, unknown>): SqlRow;
}

/** The common interface over one driver's database. */
export function wrapDriver(parts: DriverParts): SqliteDatabase {
  const fix = parts.row;
  let closed = false;
  return {
    driver: parts.driver,
    path: parts.path,
    exec(sql: string): void {
      parts.exec(sql);
    },
    prepare(sql: string): SqliteStatement {
      const { statement: stmt, reader = true } = parts.prepare(sql);
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
      if (closed || parts.isOpen?.() === false) return;
      closed = true;
      parts.close();
    },
  };
}
