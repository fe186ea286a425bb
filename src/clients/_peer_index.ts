// A synchronous, indexed copy of a session's peers, for client APIs that
// must answer without awaiting (GramJS's `getInputEntity`). It merges the
// way every SessionStorage does (see SessionStorage.putPeers) and resolves
// keys the way Session.getInputPeer does, so the copy and the storage agree.
// Private to the library.

import { toSafeInteger } from "../_int64.ts";
import type { PeerKeyKind } from "../errors.ts";
import { idCandidates, planTextKey } from "../peers/keys.ts";
import { PeerIndex as BaseIndex } from "../peers/_peer_index.ts";
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
   * Resolves a text key as `Session.getInputPeer` does (the order of
   * `planTextKey`).
   */
  findText(key: string): IndexFound {
    const plan = planTextKey(key);
    for (const step of plan.steps) {
      const record = this.find(step);
      if (record) return { as: "record", value: record };
    }
    return { as: "missing", ...plan.missing() };
  }
}
