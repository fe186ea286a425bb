// Reading a Telethon 2 session file (schema 10): every `datacenter` row is
// read into a data center (and its key), the home DC's (from `user.dc`)
// also becomes the auth state; then `state` and `channelstate`. Private to
// src/foreign/.

import type { SqliteDatabase, SqlValue } from "../../sqlite/driver.ts";
import { CHANNEL_ID_OFFSET } from "../../peers/ids.ts";
import type { DataCenter } from "../../types.ts";
import { inferTestMode } from "../../strings/_common.ts";
import { checkDc } from "../../_validate.ts";
import type { ForeignSession } from "../types.ts";
import { type SchemaInfo, selectRows } from "../_schema.ts";
import { listOf } from "../_notes.ts";
import {
  authKeyOf,
  dcOf,
  positive,
  stateOf,
  toBool,
  toBytes,
  toInt,
  toText,
} from "../_values.ts";
import { CHANNEL_STATE, DATACENTER, STATE, USER } from "./_layout.ts";

/** A `datacenter` row: its id, `ip:port` addresses and auth key. */
interface DatacenterRow {
  /** The DC id, null when not an integer. */
  readonly id: number | null;
  /** `ipv4_addr`, e.g. "149.154.167.51:443". */
  readonly ipv4: string | null;
  /** `ipv6_addr`, e.g. "[2001:67c:4e8:f002::a]:443". */
  readonly ipv6: string | null;
  /** `auth`, as stored. */
  readonly auth: SqlValue | undefined;
}

/**
 * Reads a Telethon 2 file into `out`, adding notes on what was read
 * specially.
 *
 * @param db The connection.
 * @param s Its schema.
 * @param out Where to put what is read.
 */
export function readTelethon2(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  const dcs = readDatacenters(db);
  const home = readUser(db, s, dcs, out);
  readHomeDc(dcs, home, out);
  readEveryDc(dcs, home, out);
  readStates(db, s, out);
  out.notes.push(
    "Telethon 2 keeps no peer cache in the file: no peers were read",
  );
}

/** Every `datacenter` row, by id. */
function readDatacenters(db: SqliteDatabase): DatacenterRow[] {
  return selectRows(db, DATACENTER.name, DATACENTER.columns, " ORDER BY id")
    .map((r) => ({
      id: toInt(r.id),
      ipv4: toText(r.ipv4_addr),
      ipv6: toText(r.ipv6_addr),
      auth: r.auth,
    }));
}

/** Splits Telethon 2's `ip:port` (`[ip]:port` for IPv6), or null. */
function splitAddress(
  text: string | null,
): { host: string; port: number } | null {
  if (text === null) return null;
  const at = text.lastIndexOf(":");
  if (at <= 0) return null;
  const host = text.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  const port = Number(text.slice(at + 1));
  if (host === "" || !Number.isInteger(port) || port < 1 || port > 65535) {
    return null;
  }
  return { host, port };
}

function hasKey(dc: DatacenterRow): boolean {
  const a = toBytes(dc.auth);
  return a !== null && a.length > 0;
}

/**
 * Reads the account from `user` and returns the home DC: the user's, or
 * with no user the first DC that has an auth key.
 */
function readUser(
  db: SqliteDatabase,
  s: SchemaInfo,
  dcs: readonly DatacenterRow[],
  out: ForeignSession,
): number | null {
  const user = s.tables.has(USER.name)
    ? db.prepare(`SELECT ${USER.columns.join(", ")} FROM ${USER.name}`).get()
    : undefined;
  if (user !== undefined) {
    out.auth.userId = positive(toInt(user.id));
    out.auth.isBot = toBool(user.bot);
    return dcOf(user.dc);
  }
  const keyed = dcs.filter(hasKey);
  if (keyed.length === 0) return null;
  const home = keyed[0]!.id;
  out.notes.push(
    `No user is logged in; DC ${home} was read as the home DC` +
      (keyed.length > 1 ? ", the first of those with an auth key" : ""),
  );
  return home;
}

/** The home DC's address and key become the auth state. */
function readHomeDc(
  dcs: readonly DatacenterRow[],
  home: number | null,
  out: ForeignSession,
): void {
  out.auth.dcId = home;
  const dc = dcs.find((d) => d.id === home);
  if (dc !== undefined) {
    const addr = splitAddress(dc.ipv4) ?? splitAddress(dc.ipv6);
    out.auth.serverAddress = addr?.host ?? null;
    out.auth.port = addr?.port ?? null;
    out.auth.authKey = authKeyOf(dc.auth, out.notes);
  } else if (home !== null) {
    out.notes.push(`There is no datacenter row for the home DC ${home}`);
  }
}

/**
 * Every row as a data center (the home DC's too), and the keys of the
 * other DCs. Telethon 2 writes an IPv6 address migrated from a v1 file
 * into `ipv4_addr`: it is read as the IPv6 address it is. Test mode is
 * not stored: it is told from Telegram's DC table by the address.
 */
function readEveryDc(
  dcs: readonly DatacenterRow[],
  home: number | null,
  out: ForeignSession,
): void {
  const unusable: (number | string)[] = [];
  for (const row of dcs) {
    const dc = dataCenterOf(row);
    if (dc === undefined) {
      unusable.push(row.id ?? "?");
      continue;
    }
    out.dataCenters.push(dc);
    if (row.id === home || !hasKey(row)) continue;
    const key = authKeyOf(row.auth, out.notes);
    if (key !== null) out.authKeys.push({ dcId: dc.id, key });
  }
  if (unusable.length > 0) {
    out.notes.push(
      `The datacenter rows of DC ${listOf(unusable)} have no usable id or ` +
        `address: they and their keys were not read`,
    );
  }
}

function dataCenterOf(row: DatacenterRow): DataCenter | undefined {
  if (row.id === null || row.id < 1 || row.id > 0x7fffffff) return undefined;
  const first = splitAddress(row.ipv4);
  const second = splitAddress(row.ipv6);
  const v6 = (a: { host: string } | null): boolean =>
    a !== null && a.host.includes(":");
  const ipv4 = first !== null && !v6(first) ? first.host : null;
  const ipv6 = v6(second) ? second!.host : v6(first) ? first!.host : null;
  const port = first?.port ?? second?.port;
  if ((ipv4 === null && ipv6 === null) || port === undefined) return undefined;
  try {
    return checkDc({
      id: row.id,
      testMode: inferTestMode(ipv4 ?? ipv6),
      mediaOnly: false,
      ipv4,
      ipv6,
      port,
    });
  } catch {
    return undefined; // an address no client could use (white space, …)
  }
}

/** `state` (the account) and `channelstate` (pts by bare channel id). */
function readStates(
  db: SqliteDatabase,
  s: SchemaInfo,
  out: ForeignSession,
): void {
  if (s.tables.has(STATE.name)) {
    const st = db.prepare(
      `SELECT ${STATE.columns.join(", ")} FROM ${STATE.name}`,
    ).get();
    if (st !== undefined) out.updateStates.push(stateOf(0, st));
  }
  if (!s.tables.has(CHANNEL_STATE.name)) return;
  let n = 0;
  for (const r of selectRows(db, CHANNEL_STATE.name, CHANNEL_STATE.columns)) {
    const id = toInt(r.id);
    if (id === null || id <= 0 || id >= CHANNEL_ID_OFFSET) continue;
    out.updateStates.push({
      entityId: -(CHANNEL_ID_OFFSET + id),
      pts: toInt(r.pts) ?? 0,
      qts: 0,
      date: 0,
      seq: 0,
    });
    n++;
  }
  if (n > 0) {
    out.notes.push(
      "Telethon 2 stores only pts for channels: their qts, date and seq " +
        "read as 0",
    );
  }
}
