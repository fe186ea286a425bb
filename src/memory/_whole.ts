// The parts of a session beside auth and peers that memory keeps in maps:
// data centers, the keys of other DCs, temporary keys, client values and
// message references. Synchronous, with the ordering rules of the
// SessionStorage contract; every value is copied in and out. Private to
// the library.

import { copyDc, copyDcKey, copyRef, copyTempKey } from "../_copy.ts";
import type {
  ClientValueChange,
  DcAuthKeyChange,
  MessageRefFilter,
  TempAuthKeyChange,
} from "../storage.ts";
import type {
  ClientValue,
  DataCenter,
  DcAuthKey,
  MessageRef,
  TempAuthKey,
} from "../types.ts";

function byNumber(a: number, b: number): number {
  return a - b;
}

/** Data centers, keys, values and message references, in maps. */
export class WholeSessionMaps {
  #dcs: DataCenter[] = [];
  #keys = new Map<number, Uint8Array>();
  /** Temporary keys by `dc:index`. */
  #temp = new Map<string, TempAuthKey>();
  #values = new Map<string, Uint8Array>();
  /** References per peer, by `chat:message`, oldest first. */
  #refs = new Map<number, Map<string, MessageRef>>();

  dcs(): DataCenter[] {
    return this.#dcs.map(copyDc);
  }

  setDcs(dcs: readonly DataCenter[]): void {
    this.#dcs = dcs.map(copyDc);
  }

  authKeys(): DcAuthKey[] {
    return [...this.#keys.keys()].sort(byNumber).map((dcId) =>
      copyDcKey({ dcId, key: this.#keys.get(dcId)! })
    );
  }

  setAuthKeys(changes: readonly DcAuthKeyChange[]): void {
    for (const c of changes) {
      if (c.key === null) this.#keys.delete(c.dcId);
      else this.#keys.set(c.dcId, c.key.slice());
    }
  }

  tempAuthKeys(now: number): TempAuthKey[] {
    const out: TempAuthKey[] = [];
    for (const t of this.#temp.values()) {
      if (t.expiresAt > now) out.push(copyTempKey(t));
    }
    return out.sort((a, b) => a.dcId - b.dcId || a.index - b.index);
  }

  setTempAuthKeys(changes: readonly TempAuthKeyChange[]): void {
    for (const c of changes) {
      const k = `${c.dcId}:${c.index}`;
      if (c.key === null) this.#temp.delete(k);
      else {
        this.#temp.set(k, copyTempKey({ ...c, key: c.key }));
      }
    }
  }

  value(name: string): Uint8Array | undefined {
    return this.#values.get(name)?.slice();
  }

  values(): ClientValue[] {
    return [...this.#values.keys()].sort().map((name) => ({
      name,
      value: this.#values.get(name)!.slice(),
    }));
  }

  setValues(changes: readonly ClientValueChange[]): void {
    for (const c of changes) {
      if (c.value === null) this.#values.delete(c.name);
      else this.#values.set(c.name, c.value.slice());
    }
  }

  putRefs(refs: readonly MessageRef[]): void {
    for (const r of refs) {
      let of = this.#refs.get(r.peerId);
      if (of === undefined) this.#refs.set(r.peerId, of = new Map());
      const k = `${r.chatId}:${r.messageId}`;
      if (!of.has(k)) of.set(k, copyRef(r));
    }
  }

  refsOf(peerId: number): MessageRef[] {
    const of = this.#refs.get(peerId);
    return of === undefined ? [] : [...of.values()].map(copyRef);
  }

  refs(): MessageRef[] {
    const out: MessageRef[] = [];
    for (const of of this.#refs.values()) {
      for (const r of of.values()) out.push(copyRef(r));
    }
    return out;
  }

  deleteRefs(filter: MessageRefFilter): void {
    if ("all" in filter) this.#refs.clear();
    else if ("peerIds" in filter) {
      for (const id of filter.peerIds) this.#refs.delete(id);
    } else {
      const gone = new Set(
        filter.messageIds.map((m) => `${filter.chatId}:${m}`),
      );
      for (const [peer, of] of this.#refs) {
        for (const k of gone) of.delete(k);
        if (of.size === 0) this.#refs.delete(peer);
      }
    }
  }

  /** How many entries of each kind (for summaries: no secret). */
  get counts(): { dcs: number; keys: number; values: number } {
    return {
      dcs: this.#dcs.length,
      keys: this.#keys.size,
      values: this.#values.size,
    };
  }

  clear(): void {
    this.#dcs = [];
    this.#keys.clear();
    this.#temp.clear();
    this.#values.clear();
    this.#refs.clear();
  }
}
