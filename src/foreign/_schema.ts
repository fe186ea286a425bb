// Tables of a session format (a name and its columns, as the layouts in
// telethon/_layout.ts and pyrogram/_layout.ts give them), the introspection
// of a database (tables with their columns in declaration order, indexes,
// the CREATE statements, the number in a `version` table) and the SELECT
// the readers run. Private to src/foreign/.

import type { SqliteDatabase, SqlRow } from "../sqlite/driver.ts";
import { toInt } from "./_values.ts";

/** A table of a session format: its name and columns, in their order. */
export interface Table<C extends string = string> {
  /** The table's name. */
  readonly name: string;
  /** Its columns (all of them for a writer, those a detector needs else). */
  readonly columns: readonly C[];
}

/** What a database holds, as sqlite_master and table_info tell it. */
export interface SchemaInfo {
  /** Table name → column names in declaration order. */
  readonly tables: ReadonlyMap<string, readonly string[]>;
  /** Names of the indexes (automatic ones included). */
  readonly indexes: ReadonlySet<string>;
  /** Table name → its CREATE TABLE statement. */
  readonly sql: ReadonlyMap<string, string>;
}

/**
 * Reads the tables, their columns and the indexes of a database.
 *
 * @param db The connection.
 * @returns The schema.
 */
export function readSchema(db: SqliteDatabase): SchemaInfo {
  const tables = new Map<string, string[]>();
  const sql = new Map<string, string>();
  const indexes = new Set<string>();
  const master = db.prepare(
    "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index')",
  ).all();
  const columns = db.prepare(
    "SELECT name FROM pragma_table_info(?) ORDER BY cid",
  );
  for (const row of master) {
    const name = String(row.name);
    if (row.type === "index") {
      indexes.add(name);
      continue;
    }
    if (name.startsWith("sqlite_")) continue;
    tables.set(name, columns.all(name).map((c) => String(c.name)));
    sql.set(name, typeof row.sql === "string" ? row.sql : "");
  }
  return { tables, indexes, sql };
}

/**
 * Whether the database has `table` with every one of its columns.
 *
 * @param schema The schema.
 * @param table A table of a layout.
 * @returns Whether they are all there.
 */
export function hasTable(schema: SchemaInfo, table: Table): boolean {
  const have = schema.tables.get(table.name);
  return have !== undefined && table.columns.every((c) => have.includes(c));
}

/**
 * Whether `table` exists and has the column `column`.
 *
 * @param schema The schema.
 * @param table A table name.
 * @param column A column name.
 * @returns Whether it is there.
 */
export function hasColumn(
  schema: SchemaInfo,
  table: string,
  column: string,
): boolean {
  return schema.tables.get(table)?.includes(column) ?? false;
}

/**
 * The rows of `SELECT columns FROM table`, then `tail` (an ORDER BY).
 *
 * @param db The connection.
 * @param table The table's name.
 * @param columns Column names or expressions.
 * @param tail What follows the FROM clause, with its leading space.
 * @returns The rows.
 */
export function selectRows(
  db: SqliteDatabase,
  table: string,
  columns: readonly string[],
  tail = "",
): SqlRow[] {
  return db.prepare(`SELECT ${columns.join(", ")} FROM ${table}${tail}`).all();
}

/**
 * The largest number in the `version` table's `column`, or null when there
 * is none (or it is not an integer). Telethon's first files have no primary
 * key on that table, so more than one row is possible.
 *
 * @param db The connection.
 * @param column `version` (Telethon) or `number` (Pyrogram).
 * @returns The stored version number.
 */
export function storedVersion(
  db: SqliteDatabase,
  column: "version" | "number",
): number | null {
  let best: number | null = null;
  for (const row of db.prepare(`SELECT ${column} AS v FROM version`).all()) {
    const v = toInt(row.v);
    if (v !== null && (best === null || v > best)) best = v;
  }
  return best;
}
