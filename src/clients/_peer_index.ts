// A synchronous, indexed copy of a session's peers, for client APIs that
// must answer without awaiting (GramJS's `getInputEntity`). It merges the
// way every SessionStorage does (see SessionStorage.putPeers) and resolves
// keys the way Session.getInputPeer does, so the copy and the storage agree.
// Private to the library.

import { toSafeInteger } from "../_int64.ts";
import type { PeerKeyKind } from "../errors.ts";
import {
  idCandidates,
  inviteChatId,
  parsePhone,
  parseUsername,
} from "../peers/keys.ts";
import { PeerIndex as BaseIndex } from "../peers/peer_index.ts";
import type { PeerRecord } from "../types.ts";

/** What a lookup in the index found. */
export type IndexFound =
  | { readonly as: "record"; readonly value: PeerRecord }
  | {
    readonly as: "missing";
    readonly kind: PeerKeyKind;
    readonly key: string;
  };

/**
 * The shared peer index, plus key resolution as `Session.getInputPeer` does
 * it, synchronously.
 */
export class PeerIndex extends BaseIndex {
  /**
   * Resolves a numeric id as `Session.getInputPeer` does: a negative id is
   * exact, a positive one is a user, then a channel, then a basic chat.
   */
  findId(value: number | bigint): IndexFound {
    const id = toSafeInteger(value, "peer id");
    const record = this.byId(idCandidates(id));
    return record
      ? { as: "record", value: record }
      : { as: "missing", kind: "id", key: String(id) };
  }

  /**
   * Resolves a text key as `Session.getInputPeer` does: a phone number,
   * then a numeric id, a username or `t.me` link, an old-style invite
   * link, and last an exact display name or title.
   */
  findText(key: string): IndexFound {
    const text = key.trim();
    if (text === "") throw new TypeError("Expected a non-empty peer key");
    const phone = parsePhone(text);
    if (phone !== undefined) {
      const record = this.byPhone(phone);
      if (record) return { as: "record", value: record };
      if (/^-?\d+$/.test(text)) {
        const found = this.findId(toSafeInteger(text, "peer id"));
        if (found.as === "record") return found;
      }
    }
    const { username, invite } = parseUsername(text);
    if (username !== undefined) {
      const record = this.byUsername(username);
      if (record) return { as: "record", value: record };
    }
    if (invite !== undefined) {
      const chatId = inviteChatId(invite);
      if (chatId !== undefined) {
        const record = this.byId(idCandidates(chatId));
        if (record) return { as: "record", value: record };
      }
    }
    const byName = this.byName(key);
    if (byName) return { as: "record", value: byName };
    if (phone !== undefined) {
      return { as: "missing", kind: "phone", key: "<phone number>" };
    }
    if (username !== undefined) {
      return { as: "missing", kind: "username", key: `@${username}` };
    }
    if (invite !== undefined) {
      return { as: "missing", kind: "invite", key: "<invite link>" };
    }
    return { as: "missing", kind: "name", key: JSON.stringify(key) };
  }
}
