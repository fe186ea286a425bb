/**
 * Turns users, chats and channels as clients hand them over into
 * {@linkcode PeerRecord}s.
 *
 * @module
 */

import { toInt64, toSafeInteger } from "../_int64.ts";
import type { PeerRecord } from "../types.ts";
import { markPeerId } from "./ids.ts";
import { storableName, storableUsername, storableUsernames } from "./_text.ts";
import { constructorName, isObject, type TlObject } from "./_tl.ts";

const ENTITY_NAMES = new Set([
  "user",
  "userEmpty",
  "chat",
  "chatEmpty",
  "chatForbidden",
  "channel",
  "channelForbidden",
]);

/** Whether the object is a User/Chat/Channel constructor of any shape. */
export function isEntity(value: unknown): boolean {
  return isObject(value) && entityName(value) !== undefined;
}

// The constructor name of an entity, or undefined for anything else.
function entityName(o: TlObject): string | undefined {
  const name = constructorName(o);
  return name !== undefined && ENTITY_NAMES.has(name) ? name : undefined;
}

// The readers below take field values, read by name where they are used:
// a field read with a constant name is what engines read fastest, and
// every entity a client sees passes here. A field has its camelCase name
// (GramJS, mtcute) or its snake_case one (JSON); `or` reads the second when
// the first is absent. Names without capitals are the same in both.

function or(value: unknown, o: TlObject, snakeName: string): unknown {
  return value !== undefined ? value : o[snakeName];
}

function textOf(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function* usernameList(first: unknown, list: unknown[]): Generator<unknown> {
  yield first;
  for (const item of list) yield isObject(item) ? item.username : item;
}

function usernamesOf(one: unknown, list: unknown): string[] {
  // The usual entity: one username or none, no list.
  if (!Array.isArray(list)) {
    const u = storableUsername(one);
    return u === undefined ? [] : [u];
  }
  return storableUsernames(usernameList(one, list));
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function phoneOf(raw: unknown): string | null {
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const digits = typeof raw === "string" && isDigits(raw)
    ? raw
    : String(raw).replace(/\D/g, "");
  return digits.length > 0 ? digits : null;
}

function userName(first: string | null, last: string | null): string | null {
  const full = first === null
    ? last
    : last === null
    ? first
    : `${first} ${last}`;
  return full === null ? null : storableName(full);
}

// The ids and hashes below are read by toSafeInteger and toInt64, the
// usual shapes first: a bigint, or GramJS's big-integer around one (an
// object whose `value` is a bigint, and no long.js Long: no number `low`).
// What these take they take as those would, checked on a number or with
// one BigInt.asIntN, no bigint compared; anything else goes to them.

function bigintIn(raw: unknown): unknown {
  return typeof raw === "object" && raw !== null &&
      typeof (raw as TlObject).low !== "number"
    ? (raw as TlObject).value
    : raw;
}

function idOf(raw: unknown, what: string): number {
  const v = bigintIn(raw);
  if (typeof v === "bigint") {
    // Exact for every safe integer, and no safe integer past 2^53.
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
  }
  return toSafeInteger(raw, what);
}

function hashOf(raw: unknown): bigint | undefined {
  if (raw === undefined || raw === null) return undefined;
  const v = bigintIn(raw);
  if (typeof v === "bigint" && BigInt.asIntN(64, v) === v) return v;
  return toInt64(raw, "accessHash");
}

/**
 * Converts one entity to a record, or returns `undefined` for what must not
 * be cached: `min` users and channels (their access hash is not valid for
 * us), users and channels without an access hash, and empty constructors.
 *
 * @param entity A User, Chat or Channel object (GramJS, mtcute or JSON).
 * @param updatedAt Unix time (seconds) to stamp on the record.
 * @returns The record, or `undefined` when the entity is skipped.
 * @throws {TypeError | RangeError} When an id or hash is malformed.
 *
 * @example Usage
 * ```ts
 * import { entityToPeer } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const peer = entityToPeer(
 *   { _: "channel", id: 1987654321, accessHash: 5n, title: "News", megagroup: true },
 *   1700000000,
 * );
 * assert.equal(peer?.id, -1001987654321);
 * assert.equal(peer?.type, "supergroup");
 * assert.equal(entityToPeer({ _: "user", id: 1, min: true, accessHash: 1n }, 0), undefined);
 * ```
 */
export function entityToPeer(
  entity: unknown,
  updatedAt: number,
): PeerRecord | undefined {
  if (!isObject(entity)) return undefined;
  const name = entityName(entity);
  return name === undefined ? undefined : peerOf(entity, name, updatedAt);
}

// The record of an entity whose constructor is `name` (see entityToPeer).
function peerOf(
  o: TlObject,
  name: string,
  updatedAt: number,
): PeerRecord | undefined {
  switch (name) {
    case "user": {
      if (o.min === true) return undefined;
      const accessHash = hashOf(or(o.accessHash, o, "access_hash"));
      if (accessHash === undefined) return undefined;
      return {
        id: markPeerId("user", idOf(o.id, "user.id")),
        type: o.bot === true ? "bot" : "user",
        accessHash,
        usernames: usernamesOf(o.username, o.usernames),
        phone: phoneOf(o.phone),
        name: userName(
          textOf(or(o.firstName, o, "first_name")),
          textOf(or(o.lastName, o, "last_name")),
        ),
        updatedAt,
      };
    }
    case "chat":
    case "chatForbidden":
      return {
        id: markPeerId(
          "chat",
          idOf(o.id, name === "chat" ? "chat.id" : "chatForbidden.id"),
        ),
        type: "chat",
        accessHash: 0n,
        usernames: [],
        phone: null,
        name: storableName(textOf(o.title)),
        updatedAt,
      };
    case "channel":
    case "channelForbidden": {
      if (o.min === true) return undefined;
      const accessHash = hashOf(or(o.accessHash, o, "access_hash"));
      if (accessHash === undefined) return undefined;
      const group = o.megagroup === true || o.gigagroup === true;
      return {
        id: markPeerId(
          "channel",
          idOf(o.id, name === "channel" ? "channel.id" : "channelForbidden.id"),
        ),
        type: group ? "supergroup" : "channel",
        accessHash,
        usernames: usernamesOf(o.username, o.usernames),
        phone: null,
        name: storableName(textOf(o.title)),
        updatedAt,
      };
    }
    default:
      return undefined;
  }
}

/**
 * Collects the entities a TL result carries: the object itself when it is a
 * User/Chat/Channel, its `users`, `chats`, `user`, `chat` and `channel`
 * fields, or the elements of an array (each read the same way, one level).
 *
 * @param tlo What the client received.
 * @returns The entities found, in order: chats before users, as received.
 */
export function collectEntities(tlo: unknown): TlObject[] {
  const out: TlObject[] = [];
  visit(tlo, 0, out, []);
  return out;
}

const LISTS = ["chats", "users"] as const;
const SINGLES = ["chat", "channel", "user"] as const;

// Adds the entities `value` carries to `out`, and their constructor names
// to `names` (each entity's name is read once).
function visit(
  value: unknown,
  depth: number,
  out: TlObject[],
  names: string[],
): void {
  if (Array.isArray(value)) {
    if (depth > 1) return;
    for (const item of value) visit(item, depth + 1, out, names);
    return;
  }
  if (!isObject(value)) return;
  const name = entityName(value);
  if (name !== undefined) {
    out.push(value);
    names.push(name);
    return;
  }
  if (depth > 1) return;
  for (const key of LISTS) {
    const list = value[key];
    if (Array.isArray(list)) {
      for (const item of list) if (isObject(item)) add(item, out, names);
    }
  }
  for (const key of SINGLES) {
    const one = value[key];
    if (isObject(one)) add(one, out, names);
  }
}

function add(o: TlObject, out: TlObject[], names: string[]): void {
  const name = entityName(o);
  if (name === undefined) return;
  out.push(o);
  names.push(name);
}

/** The peers of a TL result, and what could not be read. */
export interface EntityPeers {
  /** The records of the entities that are cached. */
  readonly records: PeerRecord[];
  /** Why each malformed entity was refused (an id or hash unreadable). */
  readonly refused: unknown[];
}

/**
 * The records of every entity a TL result carries (see
 * {@linkcode collectEntities}); a malformed entity is refused alone.
 */
export function entityPeers(tlo: unknown, updatedAt: number): EntityPeers {
  const records: PeerRecord[] = [];
  const refused: unknown[] = [];
  const entities: TlObject[] = [];
  const names: string[] = [];
  visit(tlo, 0, entities, names);
  for (let i = 0; i < entities.length; i++) {
    try {
      const record = peerOf(entities[i]!, names[i]!, updatedAt);
      if (record) records.push(record);
    } catch (e) {
      refused.push(e);
    }
  }
  return { records, refused };
}
