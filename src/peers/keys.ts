/**
 * Reading lookup keys the way Telethon users write them: marked and bare
 * ids, `@names`, `t.me` links, invite links, phone numbers in any common
 * spelling; and TL objects (input peers, peers, users, chats, channels).
 *
 * @module
 */

import { fromHex } from "../_hex.ts";
import { decodeBase64 } from "../_base64.ts";
import { toSafeInteger } from "../_int64.ts";
import type { PeerKeyKind } from "../errors.ts";
import type { PeerLookup } from "../storage.ts";
import type { PeerRecord } from "../types.ts";
import { CHANNEL_ID_OFFSET } from "./ids.ts";
import { isInputPeerLike, markedIdOf } from "./input_peer.ts";
import { entityToPeer, isEntity } from "./normalize.ts";
import { isObject, type TlObject } from "./_tl.ts";

/**
 * The marked ids a numeric key may stand for, in order of preference. A
 * negative id is exact; a positive one is a user, then a channel, then a
 * basic chat, as Telethon resolves it.
 *
 * @param id A marked or bare id.
 * @returns Candidate marked ids, most likely first.
 */
export function idCandidates(id: number): number[] {
  if (id < 0) return [id];
  if (id === 0) return [];
  const out = [id];
  if (id < Number.MAX_SAFE_INTEGER - CHANNEL_ID_OFFSET) {
    out.push(-(CHANNEL_ID_OFFSET + id));
  }
  out.push(-id);
  return out;
}

/**
 * Digits of a phone number written with `+`, spaces, dashes of any
 * kind, dots, slashes or parentheses, optionally as a `tel:` link, or
 * undefined when the text is not a phone number.
 *
 * @param text The key.
 * @returns The digits, or undefined.
 *
 * @example Usage
 * ```ts
 * import { parsePhone } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parsePhone("+44 (7700) 900-123"), "447700900123");
 * assert.equal(parsePhone("tel:+44\u20137700\u2013900123"), "447700900123");
 * assert.equal(parsePhone("alice"), undefined);
 * ```
 */
export function parsePhone(text: string): string | undefined {
  let t = text.trim();
  if (/^tel:/i.test(t)) t = t.slice(4).replace(/[;?].*$/, "").trim();
  // Dashes: hyphen, figure/en/em dashes, minus sign, fullwidth hyphen.
  if (!/^\+?[\d\s()./\-\u2010-\u2015\u2212\uff0d]+$/.test(t)) return undefined;
  const digits = t.replace(/\D/g, "");
  return digits.length > 0 ? digits : undefined;
}

const LINK =
  /^(?:@|(?:https?:\/\/)?(?:www\.)?(?:telegram\.(?:me|dog)|t\.me)\/(@|\+|joinchat\/)?|tg:\/\/join\?invite=|tg:\/\/resolve\?domain=)/i;
// 3-32 characters: a letter first, no "__", no "_" last.
const USERNAME_SHAPE = /^[a-z]\w{1,30}[a-z\d]$/i;

function validUsername(t: string): boolean {
  return USERNAME_SHAPE.test(t) && !t.includes("__");
}

/** What a text key says about a username or invite link. */
export interface ParsedUsername {
  /** The lower-cased username, when the key is a valid one. */
  readonly username?: string;
  /** The invite hash, when the key is an invite link. */
  readonly invite?: string;
}

/**
 * Reads `@name`, `name`, `t.me/name`, `telegram.me/name`, `tg://resolve`
 * and invite links (`t.me/+hash`, `t.me/joinchat/hash`, `tg://join`).
 *
 * @param text The key.
 * @returns The username (lower-cased) or invite hash found.
 *
 * @example Usage
 * ```ts
 * import { parseUsername } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseUsername("https://t.me/ExampleChannel"), { username: "examplechannel" });
 * assert.deepEqual(parseUsername("t.me/+AbCdEf"), { invite: "AbCdEf" });
 * assert.deepEqual(parseUsername("not a username"), {});
 * ```
 */
export function parseUsername(text: string): ParsedUsername {
  let t = text.trim();
  // The common key, "@name", without the link patterns.
  const at = atUsername(t);
  if (at !== undefined) return { username: at };
  const m = LINK.exec(t);
  if (m) {
    t = t.slice(m[0].length);
    const isInvite = m[1] !== undefined ||
      m[0].toLowerCase().startsWith("tg://join");
    if (isInvite) {
      const hash = t.replace(/[/?#].*$/, "");
      return hash.length > 0 ? { invite: hash } : {};
    }
    t = t.replace(/[?#].*$/, "").replace(/\/+$/, "");
  }
  return validUsername(t) ? { username: t.toLowerCase() } : {};
}

/**
 * The lower-cased username of a key that is exactly `@` and a valid
 * username (the common key, resolved without a plan), else undefined.
 *
 * @param key The key as given.
 * @returns The username, or undefined.
 */
export function atUsername(key: string): string | undefined {
  if (key.charCodeAt(0) !== 64) return undefined;
  const name = key.slice(1);
  return validUsername(name) ? name.toLowerCase() : undefined;
}

/**
 * The chat id inside an old-style invite hash (16 bytes: link type, chat
 * id, random; or 12 bytes: chat id, random), as Telethon decodes it. New
 * invite hashes carry no id and give undefined.
 *
 * @param hash The part of the link after `+` or `joinchat/`.
 * @returns The bare chat id, or undefined.
 */
export function inviteChatId(hash: string): number | undefined {
  let bytes: Uint8Array | undefined;
  if (/^[a-f\d]+$/i.test(hash) && (hash.length === 24 || hash.length === 32)) {
    bytes = fromHex(hash);
  } else {
    bytes = decodeBase64(hash, "urlsafe");
  }
  if (bytes === undefined) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let id: number;
  if (bytes.length === 16) id = view.getUint32(4);
  else if (bytes.length === 12) id = view.getUint32(0);
  else return undefined;
  return id > 0 ? id : undefined;
}

/** How a text key is resolved: the lookups to try, and what to report. */
export interface TextKeyPlan {
  /** The lookups, in order; the first that finds a peer answers. */
  readonly steps: readonly PeerLookup[];
  /** What was not found when none does (a phone is never shown). */
  missing(): { readonly kind: PeerKeyKind; readonly key: string };
}

/**
 * The order in which a text key is tried, shared by
 * `Session.getInputPeer` and the synchronous GramJS binding so that both
 * answer alike: a phone number; a numeric id (when the text is one; a
 * negative one is only an id); a username or `t.me` link; the chat of an
 * old-style invite link; last, an exact display name or title.
 *
 * @param key The key as given.
 * @returns The lookups and the "not found" description.
 * @throws {TypeError} When the key is empty.
 */
export function planTextKey(key: string): TextKeyPlan {
  const text = key.trim();
  if (text === "") throw new TypeError("Expected a non-empty peer key");
  const steps: PeerLookup[] = [];
  const numeric = /^-?\d+$/.test(text);
  const phone = numeric && text.startsWith("-") ? undefined : parsePhone(text);
  if (phone !== undefined) steps.push({ by: "phone", value: phone });
  if (numeric) {
    steps.push({ by: "id", ids: idCandidates(toSafeInteger(text, "peer id")) });
  }
  const { username, invite } = parseUsername(text);
  if (username !== undefined) steps.push({ by: "username", value: username });
  const chatId = invite === undefined ? undefined : inviteChatId(invite);
  if (chatId !== undefined) steps.push({ by: "id", ids: idCandidates(chatId) });
  steps.push({ by: "name", value: key });
  const missing = () =>
    phone !== undefined
      ? { kind: "phone" as const, key: "<phone number>" }
      : numeric
      ? { kind: "id" as const, key: text }
      : username !== undefined
      ? { kind: "username" as const, key: `@${username}` }
      : invite !== undefined
      ? { kind: "invite" as const, key: "<invite link>" }
      : { kind: "name" as const, key: JSON.stringify(key) };
  return { steps, missing };
}

/** How an object key is resolved. */
export type ObjectKeyPlan =
  /** The key is an input peer: it answers itself. */
  | { readonly as: "input"; readonly value: TlObject }
  /** The key is a User/Chat/Channel with a usable hash: its record. */
  | { readonly as: "entity"; readonly value: PeerRecord }
  /** Look these marked ids up; `key` is what to report when none is found. */
  | {
    readonly as: "ids";
    readonly ids: readonly number[];
    readonly key: string;
  };

/**
 * Which object keys answer themselves in {@linkcode planObjectKey}: `any`
 * (an input peer as it is, a User/Chat/Channel with a usable hash by its
 * record), only an `entity`, or `none` (every object is looked up by the id
 * it names).
 */
export type ObjectKeyDirect = "any" | "entity" | "none";

/**
 * How an object key is resolved, shared by `Session.getInputPeer` /
 * `getPeer` and the synchronous GramJS binding: an entity by its own hash
 * (when allowed), a min entity or one without a hash by its id; an input
 * peer as it is (when allowed), else, like a `peer*` object, by the id it
 * names.
 *
 * @param key The key as given.
 * @param direct Which keys answer themselves.
 * @returns The answer, or the ids to look up.
 * @throws {TypeError} When the key is not an object naming a peer.
 * @throws {TypeError | RangeError} When an id or hash in it is malformed.
 */
export function planObjectKey(
  key: unknown,
  direct: "entity" | "none",
): Exclude<ObjectKeyPlan, { as: "input" }>;
export function planObjectKey(
  key: unknown,
  direct: ObjectKeyDirect,
): ObjectKeyPlan;
export function planObjectKey(
  key: unknown,
  direct: ObjectKeyDirect,
): ObjectKeyPlan {
  if (!isObject(key)) {
    throw new TypeError(
      "Expected a peer key: an id, a string, or a TL peer object",
    );
  }
  let marked: number | undefined;
  if (isEntity(key)) {
    const record = entityToPeer(key, Math.floor(Date.now() / 1000));
    if (record && direct !== "none") return { as: "entity", value: record };
    // A min entity, one without a hash, or "none": look its id up.
    marked = entityToPeer({ ...key, min: false, accessHash: 0n }, 0)?.id;
  } else if (isInputPeerLike(key) && direct === "any") {
    return { as: "input", value: key };
  } else {
    marked = markedIdOf(key);
  }
  if (marked === undefined) {
    throw new TypeError(
      "Expected a peer key: this object is not an input peer with an id, " +
        "a peer or a User/Chat/Channel",
    );
  }
  return { as: "ids", ids: [marked], key: String(marked) };
}
