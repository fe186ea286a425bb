// What the Telethon and Pyrogram writers share: SQLite values, the auth
// patch with every field, and writing a layout into an empty database
// (its DDL, then rows keyed by column name, put in the layout's column
// order). Private to src/foreign/.

import type { AuthState, DcAuthKey } from "../types.ts";
import type { SqliteDatabase, SqlValue } from "../sqlite/driver.ts";
import { withTransaction } from "../sqlite/transaction.ts";
import { SessionError } from "../errors.ts";
import {
  checkAuthKey,
  checkAuthPatch,
  checkDcId,
  checkDcs,
} from "../_validate.ts";
import { type DcCapacity, droppedDcParts } from "../strings/_dropped_dcs.ts";
import { listOf } from "./_notes.ts";
import type { Table } from "./_schema.ts";
import type { ForeignData } from "./types.ts";

/**
 * SQLite's INTEGER for whole numbers (drivers bind JS numbers as REAL).
 *
 * @param n A whole number.
 * @returns It as a bigint.
 */
export function int(n: number): bigint {
  return BigInt(n);
}

/**
 * An INTEGER when whole, else the REAL (Telethon's float dates).
 *
 * @param n A number.
 * @returns The value to bind.
 */
export function intOrReal(n: number): SqlValue {
  return Number.isInteger(n) ? BigInt(n) : n;
}

/**
 * Every field of a checked auth patch, `null` where missing.
 *
 * @param patch The auth fields given.
 * @returns All of them.
 * @throws {TypeError | RangeError} When a field is malformed.
 */
export function fullAuth(patch: Partial<AuthState>): AuthState {
  const a = checkAuthPatch(patch ?? {});
  return {
    dcId: a.dcId ?? null,
    serverAddress: a.serverAddress ?? null,
    port: a.port ?? null,
    authKey: a.authKey ?? null,
    testMode: a.testMode ?? null,
    apiId: a.apiId ?? null,
    userId: a.userId ?? null,
    isBot: a.isBot ?? null,
    date: a.date ?? null,
    takeoutId: a.takeoutId ?? null,
  };
}

/**
 * Writes a layout into an empty database, in one transaction: its DDL,
 * statement by statement, then what `fill` inserts.
 *
 * @param db An open, empty database.
 * @param what The format, for the message ("Telethon").
 * @param ddl The layout's statements.
 * @param fill Inserts the rows.
 * @throws {SessionError} When the database is not empty.
 */
export function writeFresh(
  db: SqliteDatabase,
  what: string,
  ddl: readonly string[],
  fill: () => void,
): void {
  ensureEmpty(db, what);
  withTransaction(db, () => {
    for (const statement of ddl) db.exec(statement);
    fill();
  });
}

function ensureEmpty(db: SqliteDatabase, what: string): void {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master").get();
  if (Number(row?.n ?? 0) !== 0) {
    throw new SessionError(
      `Cannot write a ${what} session into this database: it is not empty; ` +
        `write into a new database`,
    );
  }
}

/** How a row goes in: plainly, or replacing a row with the same key. */
export type InsertVerb = "INSERT" | "INSERT OR REPLACE";

/**
 * Inserts rows into a layout's table: each row gives a value for every
 * column, and the table's columns say which go in, in what order.
 *
 * @param db The connection.
 * @param verb `INSERT` or `INSERT OR REPLACE`.
 * @param table The table and its columns.
 * @param rows The rows.
 */
export function insertRows<C extends string>(
  db: SqliteDatabase,
  verb: InsertVerb,
  table: Table<C>,
  rows: Iterable<Readonly<Record<C, SqlValue>>>,
): void {
  const columns = table.columns;
  const insert = db.prepare(
    `${verb} INTO ${table.name} (${columns.join(", ")}) VALUES (${
      columns.map(() => "?").join(", ")
    })`,
  );
  for (const row of rows) insert.run(...columns.map((c) => row[c]));
}

/**
 * The data centers and other DCs' keys of what a writer takes, checked;
 * keys of the main DC left out, by ascending DC id.
 *
 * @param data What to write.
 * @param mainDc The main DC.
 * @returns The checked lists.
 * @throws {TypeError | RangeError} When an entry is malformed.
 */
export function wholeOf(
  data: ForeignData,
  mainDc: number | null,
): { dcs: ReturnType<typeof checkDcs>; keys: DcAuthKey[] } {
  const dcs = checkDcs(data.dataCenters ?? []);
  const keys = (data.authKeys ?? []).map((k) => ({
    dcId: checkDcId(k?.dcId),
    key: checkAuthKey(k?.key),
  })).filter((k) => k.dcId !== mainDc).sort((a, b) => a.dcId - b.dcId);
  return { dcs, keys };
}

/**
 * Notes the data centers and keys a format drops, by DC ("Telethon files
 * do not store the DC 2 media address and the auth key of DC 4").
 *
 * @param what The format, for the note ("Telethon").
 * @param data What to write.
 * @param mainDc The main DC.
 * @param cap What the format holds.
 * @param notes Where the note goes.
 */
export function noteDcLosses(
  what: string,
  data: ForeignData,
  mainDc: number | null,
  cap: DcCapacity,
  notes: string[],
): void {
  const { dcs, keys } = wholeOf(data, mainDc);
  const parts = droppedDcParts(mainDc, dcs, keys, cap);
  if (parts.length > 0) {
    notes.push(
      `${what} files do not store ${listOf(parts.map((p) => `the ${p}`), 8)}`,
    );
  }
}
