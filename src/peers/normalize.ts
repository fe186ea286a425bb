/**
 * Turns users, chats and channels as clients hand them over into
 * {@linkcode PeerRecord}s.
 *
 * @module
 */

import { toInt64, toSafeInteger } from "../_int64.ts";
import type { PeerRecord } from "../types.ts";
import { markPeerId } from "./ids.ts";
import { storableName, storableUsernames } from "./_text.ts";
import {
  constructorName,
  field,
  flag,
  isObject,
  text,
  type TlObject,
} from "./_tl.ts";

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
  if (!isObject(value)) return false;
  const name = constructorName(value);
  return name !== undefined && ENTITY_NAMES.has(name);
}

function* usernameList(o: TlObject): Generator<unknown> {
  yield field(o, "username");
  const list = field(o, "usernames");
  if (Array.isArray(list)) {
    for (const item of list) yield isObject(item) ? item.username : item;
  }
}

function usernamesOf(o: TlObject): string[] {
  const one = field(o, "username");
  // The usual entity: one username or none, no list.
  if (field(o, "usernames") === undefined) {
    return storableUsernames(typeof one === "string" ? [one] : []);
  }
  return storableUsernames(usernameList(o));
}

function phoneOf(o: TlObject): string | null {
  const raw = field(o, "phone");
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const digits = String(raw).replace(/\D/g, "");
  return digits.length > 0 ? digits : null;
}

function userName(o: TlObject): string | null {
  const parts = [text(o, "firstName"), text(o, "lastName")].filter(
    (x): x is string => x !== null,
  );
  return parts.length > 0 ? storableName(parts.join(" ")) : null;
}

function hashOf(o: TlObject): bigint | undefined {
  const raw = field(o, "accessHash");
  if (raw === undefined || raw === null) return undefined;
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
  if (!isObject(entity) || !isEntity(entity)) return undefined;
  const name = constructorName(entity);
  const id = () => toSafeInteger(field(entity, "id"), `${name}.id`);
  switch (name) {
    case "user": {
      if (flag(entity, "min")) return undefined;
      const accessHash = hashOf(entity);
      if (accessHash === undefined) return undefined;
      return {
        id: markPeerId("user", id()),
        type: flag(entity, "bot") ? "bot" : "user",
        accessHash,
        usernames: usernamesOf(entity),
        phone: phoneOf(entity),
        name: userName(entity),
        updatedAt,
      };
    }
    case "chat":
    case "chatForbidden":
      return {
        id: markPeerId("chat", id()),
        type: "chat",
        accessHash: 0n,
        usernames: [],
        phone: null,
        name: storableName(text(entity, "title")),
        updatedAt,
      };
    case "channel":
    case "channelForbidden": {
      if (flag(entity, "min")) return undefined;
      const accessHash = hashOf(entity);
      if (accessHash === undefined) return undefined;
      const group = flag(entity, "megagroup") || flag(entity, "gigagroup");
      return {
        id: markPeerId("channel", id()),
        type: group ? "supergroup" : "channel",
        accessHash,
        usernames: usernamesOf(entity),
        phone: null,
        name: storableName(text(entity, "title")),
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
  const visit = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      if (depth > 1) return;
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    if (isEntity(value)) {
      out.push(value);
      return;
    }
    if (depth > 1) return;
    for (const key of ["chats", "users"]) {
      const list = value[key];
      if (Array.isArray(list)) {
        for (const item of list) {
          if (isObject(item) && isEntity(item)) out.push(item);
        }
      }
    }
    for (const key of ["chat", "channel", "user"]) {
      const one = value[key];
      if (isObject(one) && isEntity(one)) out.push(one);
    }
  };
  visit(tlo, 0);
  return out;
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
  for (const entity of collectEntities(tlo)) {
    try {
      const record = entityToPeer(entity, updatedAt);
      if (record) records.push(record);
    } catch (e) {
      refused.push(e);
    }
  }
  return { records, refused };
}
