// Data centers, keys of other DCs, temporary keys, client values and
// message references of one session in IndexedDB. Every write is one
// transaction. Private to the library.

import { copyDc, copyRef } from "../_copy.ts";
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
import {
  inTransaction,
  request,
  type SessionMeta,
  sessionRange,
  type StoredRef,
} from "./_db.ts";
import type { IdbDatabaseLike, IdbKeyRangeStatic } from "./idb.ts";

/** A stored key of another DC. */
interface StoredKey {
  readonly dcId: number;
  readonly key: Uint8Array;
}

/** A stored client value. */
interface StoredValue {
  readonly name: string;
  readonly value: Uint8Array;
}

function refOf(r: StoredRef): MessageRef {
  return copyRef({
    peerId: r.peerId,
    chatId: r.chatId,
    messageId: r.messageId,
  });
}

/** The parts of one session beside auth, peers, states and files. */
export class IdbWholeSession {
  #db: IdbDatabaseLike;
  #range: IdbKeyRangeStatic;
  #sid: string;

  constructor(db: IdbDatabaseLike, range: IdbKeyRangeStatic, sid: string) {
    this.#db = db;
    this.#range = range;
    this.#sid = sid;
  }

  #all<T>(store: "dckeys" | "tempkeys" | "values" | "refs"): Promise<T[]> {
    return inTransaction(
      this.#db,
      store,
      "readonly",
      async (tx) =>
        await request(
          tx.objectStore(store).getAll(sessionRange(this.#range, this.#sid)),
        ) as T[],
    );
  }

  // ---- data centers --------------------------------------------------------

  dcs(): Promise<DataCenter[]> {
    return inTransaction(this.#db, "dcs", "readonly", async (tx) => {
      const list = await request(tx.objectStore("dcs").get(this.#sid)) as
        | DataCenter[]
        | undefined;
      return (list ?? []).map(copyDc);
    });
  }

  setDcs(dcs: readonly DataCenter[]): Promise<void> {
    return inTransaction(this.#db, "dcs", "readwrite", async (tx) => {
      await request(tx.objectStore("dcs").put(dcs.map(copyDc), this.#sid));
    });
  }

  // ---- keys of other DCs ---------------------------------------------------

  async authKeys(): Promise<DcAuthKey[]> {
    return (await this.#all<StoredKey>("dckeys")).map((k) => ({
      dcId: k.dcId,
      key: k.key.slice(),
    }));
  }

  setAuthKeys(changes: readonly DcAuthKeyChange[]): Promise<void> {
    return inTransaction(this.#db, "dckeys", "readwrite", async (tx) => {
      const store = tx.objectStore("dckeys");
      const writes = changes.map((c) =>
        c.key === null ? store.delete([this.#sid, c.dcId]) : store.put(
          { dcId: c.dcId, key: c.key.slice() } satisfies StoredKey,
          [this.#sid, c.dcId],
        )
      );
      await Promise.all(writes.map(request));
    });
  }

  // ---- temporary keys ------------------------------------------------------

  // A read deletes nothing: `now` is the caller's clock, which may run
  // ahead; an expired key is only left out.
  async tempAuthKeys(now: number): Promise<TempAuthKey[]> {
    return (await this.#all<TempAuthKey>("tempkeys"))
      .filter((t) => t.expiresAt > now)
      .map((t) => ({
        dcId: t.dcId,
        index: t.index,
        key: t.key.slice(),
        expiresAt: t.expiresAt,
      }));
  }

  setTempAuthKeys(changes: readonly TempAuthKeyChange[]): Promise<void> {
    return inTransaction(this.#db, "tempkeys", "readwrite", async (tx) => {
      const store = tx.objectStore("tempkeys");
      const writes = changes.map((c) => {
        const key = [this.#sid, c.dcId, c.index];
        return c.key === null ? store.delete(key) : store.put(
          {
            dcId: c.dcId,
            index: c.index,
            key: c.key.slice(),
            expiresAt: c.expiresAt,
          } satisfies TempAuthKey,
          key,
        );
      });
      await Promise.all(writes.map(request));
    });
  }

  // ---- client values -------------------------------------------------------

  value(name: string): Promise<Uint8Array | undefined> {
    return inTransaction(this.#db, "values", "readonly", async (tx) => {
      const v = await request(
        tx.objectStore("values").get([this.#sid, name]),
      ) as StoredValue | undefined;
      return v?.value.slice();
    });
  }

  async values(): Promise<ClientValue[]> {
    // IndexedDB orders texts by code unit, as the contract wants.
    return (await this.#all<StoredValue>("values")).map((v) => ({
      name: v.name,
      value: v.value.slice(),
    }));
  }

  setValues(changes: readonly ClientValueChange[]): Promise<void> {
    return inTransaction(this.#db, "values", "readwrite", async (tx) => {
      const store = tx.objectStore("values");
      const writes = changes.map((c) =>
        c.value === null ? store.delete([this.#sid, c.name]) : store.put(
          { name: c.name, value: c.value.slice() } satisfies StoredValue,
          [this.#sid, c.name],
        )
      );
      await Promise.all(writes.map(request));
    });
  }

  // ---- message references --------------------------------------------------

  /**
   * Writes a batch of references in one transaction; one already stored
   * keeps its place (its sequence number), a new one gets the next.
   */
  putRefs(batch: readonly MessageRef[]): Promise<void> {
    const sid = this.#sid;
    return inTransaction(
      this.#db,
      ["refs", "sessions"],
      "readwrite",
      async (tx) => {
        const refs = tx.objectStore("refs");
        const sessions = tx.objectStore("sessions");
        const byMessage = refs.index("message");
        const [meta, ...known] = await Promise.all([
          request(sessions.get(sid)),
          ...batch.map((r) =>
            request(byMessage.count([sid, r.chatId, r.messageId, r.peerId]))
          ),
        ]) as [SessionMeta | undefined, ...number[]];
        let seq = meta?.refSeq ?? 0;
        const seen = new Set<string>();
        const writes = [];
        for (let i = 0; i < batch.length; i++) {
          const r = batch[i]!;
          const k = `${r.peerId}:${r.chatId}:${r.messageId}`;
          if (known[i]! > 0 || seen.has(k)) continue;
          seen.add(k);
          writes.push(refs.put(
            {
              s: sid,
              peerId: r.peerId,
              seq: ++seq,
              chatId: r.chatId,
              messageId: r.messageId,
            } satisfies StoredRef,
          ));
        }
        if (writes.length > 0) {
          writes.push(sessions.put(
            {
              createdAt: meta?.createdAt ?? Math.floor(Date.now() / 1000),
              writes: meta?.writes ?? 0,
              refSeq: seq,
            } satisfies SessionMeta,
            sid,
          ));
        }
        await Promise.all(writes.map(request));
      },
    );
  }

  refsOf(peerId: number): Promise<MessageRef[]> {
    return inTransaction(this.#db, "refs", "readonly", async (tx) => {
      const all = await request(
        tx.objectStore("refs").getAll(
          sessionRange(this.#range, this.#sid, peerId),
        ),
      ) as StoredRef[];
      return all.map(refOf);
    });
  }

  async refs(): Promise<MessageRef[]> {
    return (await this.#all<StoredRef>("refs")).map(refOf);
  }

  deleteRefs(filter: MessageRefFilter): Promise<void> {
    const sid = this.#sid;
    return inTransaction(this.#db, "refs", "readwrite", async (tx) => {
      const refs = tx.objectStore("refs");
      if ("all" in filter) {
        await request(refs.delete(sessionRange(this.#range, sid)));
      } else if ("peerIds" in filter) {
        await Promise.all(
          [...new Set(filter.peerIds)].map((id) =>
            request(refs.delete(sessionRange(this.#range, sid, id)))
          ),
        );
      } else {
        const byMessage = refs.index("message");
        const keys = await Promise.all(
          [...new Set(filter.messageIds)].map((m) =>
            request(
              byMessage.getAllKeys(
                sessionRange(this.#range, sid, filter.chatId, m),
              ),
            )
          ),
        );
        await Promise.all(
          keys.flat().map((k) =>
            request(refs.delete(k as [string, number, number]))
          ),
        );
      }
    });
  }
}
