// A WholePart whose message references wait in a write-behind queue (the
// batched backends). Private to the library.

import { copyRef } from "../_copy.ts";
import type { MessageRef } from "../types.ts";
import type { WholePart } from "./whole_methods.ts";

/** A queue message references wait in (a WriteBehind). */
export interface RefQueue {
  add(refs: readonly MessageRef[]): Promise<void>;
  flush(): Promise<void>;
}

/**
 * A part whose message references wait in `queue`: stored through it
 * (copies: the caller's objects may change while they wait), and written
 * before every read or delete of references.
 */
export function queuedRefs(part: WholePart, queue: RefQueue): WholePart {
  return {
    dcs: () => part.dcs(),
    setDcs: (dcs) => part.setDcs(dcs),
    authKeys: () => part.authKeys(),
    setAuthKeys: (changes) => part.setAuthKeys(changes),
    tempAuthKeys: (now) => part.tempAuthKeys(now),
    setTempAuthKeys: (changes) => part.setTempAuthKeys(changes),
    value: (name) => part.value(name),
    values: () => part.values(),
    setValues: (changes) => part.setValues(changes),
    putRefs: (refs) => queue.add(refs.map(copyRef)),
    refsOf: async (peerId) => {
      await queue.flush();
      return await part.refsOf(peerId);
    },
    refs: async () => {
      await queue.flush();
      return await part.refs();
    },
    deleteRefs: async (filter) => {
      await queue.flush();
      await part.deleteRefs(filter);
    },
  };
}
