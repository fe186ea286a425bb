/**
 * Building input peers from cached records, and reading the keys that
 * already are (or name) a peer.
 *
 * @module
 */

import { toSafeInteger } from "../_int64.ts";
import type {
  InputPeerChannel,
  InputPeerChat,
  InputPeerUser,
  PeerRecord,
} from "../types.ts";
import { markPeerId, parsePeerId } from "./ids.ts";
import { constructorName, field, isObject, type TlObject } from "./_tl.ts";

/**
 * The TL-shaped input peer for a cached record.
 *
 * @param peer A cached peer.
 * @returns `inputPeerUser`, `inputPeerChat` or `inputPeerChannel`.
 *
 * @example Usage
 * ```ts
 * import { toInputPeer } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   toInputPeer({ id: -1001987654321, type: "channel", accessHash: -1n, usernames: [], phone: null, name: null, updatedAt: 0 }),
 *   { _: "inputPeerChannel", channelId: 1987654321, accessHash: -1n },
 * );
 * ```
 */
export function toInputPeer(
  peer: PeerRecord,
): InputPeerUser | InputPeerChat | InputPeerChannel {
  return inputPeerOf(peer.id, peer.accessHash);
}

/**
 * The input peer of a marked id and its access hash (what
 * {@linkcode toInputPeer} reads of a record). Private to the library.
 */
export function inputPeerOf(
  markedId: number,
  accessHash: bigint,
): InputPeerUser | InputPeerChat | InputPeerChannel {
  const { kind, id } = parsePeerId(markedId);
  switch (kind) {
    case "user":
      return userInputPeer(id, accessHash);
    case "chat":
      return { _: "inputPeerChat", chatId: id };
    case "channel":
      return { _: "inputPeerChannel", channelId: id, accessHash };
  }
}

/**
 * The input peer of a user's id (its marked id too) and access hash, with
 * no parse of the id: for a caller that knows the peer is a user. Private
 * to the library.
 */
export function userInputPeer(
  userId: number,
  accessHash: bigint,
): InputPeerUser {
  return { _: "inputPeerUser", userId, accessHash };
}

const INPUT_NAMES = new Set([
  "inputPeerUser",
  "inputPeerChat",
  "inputPeerChannel",
  "inputPeerSelf",
  "inputPeerEmpty",
  "inputPeerUserFromMessage",
  "inputPeerChannelFromMessage",
  "inputUser",
  "inputUserSelf",
  "inputUserFromMessage",
  "inputChannel",
  "inputChannelFromMessage",
]);

/** Whether the object already is an input peer (or InputUser/InputChannel). */
export function isInputPeerLike(value: unknown): value is TlObject {
  if (!isObject(value)) return false;
  const name = constructorName(value);
  return name !== undefined && INPUT_NAMES.has(name);
}

/**
 * The marked id an object names: input peers with an id, and `peerUser`,
 * `peerChat`, `peerChannel`. Undefined for anything else.
 */
export function markedIdOf(value: TlObject): number | undefined {
  const name = constructorName(value);
  const id = (camel: string) => toSafeInteger(field(value, camel), camel);
  switch (name) {
    case "peerUser":
    case "inputPeerUser":
    case "inputUser":
      return markPeerId("user", id("userId"));
    case "peerChat":
    case "inputPeerChat":
      return markPeerId("chat", id("chatId"));
    case "peerChannel":
    case "inputPeerChannel":
    case "inputChannel":
      return markPeerId("channel", id("channelId"));
    default:
      return undefined;
  }
}
