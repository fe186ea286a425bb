// The parts of a session beside auth and peers in Deno KV: data centers,
// the keys of other DCs, temporary keys, client values and message
// references. Keys are `[prefix, sessionId, kind, …]` (see
// deno_kv_storage.ts for the table). Private to the library.

import { copyDc, copyRef } from "../_copy.ts";
import { SessionError, ValueRefusedError } from "../errors.ts";
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
  commitAtomic,
  type DenoKvEntryMaybe,
  type DenoKvKey,
  type DenoKvLike,
} from "./kv.ts";
import {
  KEY_LIMIT,
  keySize,
  type Mutation,
  VALUE_LIMIT,
  writeInChunks,
} from "./_writes.ts";

/** What the storage lends: its database, its keys, its guarded writes. */
export interface KvWholeHost {
  readonly kv: DenoKvLike;
  /** The key `[prefix, sessionId, ...parts]`. */
  key(...parts: DenoKvKey): DenoKvKey;
  /**
   * Builds and commits, in runs that fit one atomic operation, mutations
   * checked against (and bumping) the session's version key: `build` is
   * called again when another writer got in first.
   */
  inRuns<T>(
    items: readonly T[],
    guess: (item: T) => number,
    build: (run: readonly T[]) => Promise<Mutation[]>,
  ): Promise<void>;
}

/** A temporary key as stored. */
interface StoredTempKey {
  readonly key: Uint8Array;
  readonly expiresAt: number;
}

/** A message reference as stored under its peer and sequence number. */
interface StoredRef {
  readonly chatId: number;
  readonly messageId: number;
}

/** How many list requests run at once. */
const PARALLEL = 16;

/** The last change of each key, in the order of those last changes. */
function lastOf<C>(changes: readonly C[], id: (c: C) => string): C[] {
  const last = new Map<string, C>();
  for (const c of changes) {
    const k = id(c);
    last.delete(k);
    last.set(k, c);
  }
  return [...last.values()];
}

/** Data centers, keys, values and message references of one session. */
export class KvWholeSession {
  #host: KvWholeHost;
  #storage: string;

  /**
   * @param host The storage's database, keys and guarded writes.
   * @param storage How to name the storage in errors.
   */
  constructor(host: KvWholeHost, storage: string) {
    this.#host = host;
    this.#storage = storage;
  }

  #key(...parts: DenoKvKey): DenoKvKey {
    return this.#host.key(...parts);
  }

  async #list(...parts: DenoKvKey): Promise<DenoKvEntryMaybe[]> {
    const out = [];
    for await (const e of this.#host.kv.list({ prefix: this.#key(...parts) })) {
      out.push(e);
    }
    return out;
  }

  /** The entries under each of many prefixes, a few lists at a time. */
  async #lists(prefixes: readonly DenoKvKey[]): Promise<DenoKvEntryMaybe[][]> {
    const out: DenoKvEntryMaybe[][] = [];
    for (let i = 0; i < prefixes.length; i += PARALLEL) {
      out.push(
        ...await Promise.all(
          prefixes.slice(i, i + PARALLEL).map((p) => this.#list(...p)),
        ),
      );
    }
    return out;
  }

  // ---- data centers --------------------------------------------------------

  async dcs(): Promise<DataCenter[]> {
    const e = await this.#host.kv.get(this.#key("dcs"));
    return e.value === null ? [] : (e.value as DataCenter[]).map(copyDc);
  }

  async setDcs(dcs: readonly DataCenter[]): Promise<void> {
    const key = this.#key("dcs");
    const list = dcs.map(copyDc);
    try {
      await commitAtomic(() =>
        list.length === 0
          ? this.#host.kv.atomic().delete(key)
          : this.#host.kv.atomic().set(key, list)
      );
    } catch (e) {
      if (!(e instanceof TypeError && /too large/i.test(e.message))) throw e;
      throw new SessionError(
        `Cannot store ${list.length} data centers in ${this.#storage}: ` +
          `the list is over ${VALUE_LIMIT} bytes; the known list was kept`,
        { cause: e },
      );
    }
  }

  // ---- keys of other DCs ---------------------------------------------------

  async authKeys(): Promise<DcAuthKey[]> {
    return (await this.#list("dckey")).map((e) => ({
      dcId: e.key[e.key.length - 1] as number,
      key: (e.value as Uint8Array).slice(),
    }));
  }

  async setAuthKeys(changes: readonly DcAuthKeyChange[]): Promise<void> {
    await writeInChunks(
      this.#host.kv,
      lastOf(changes, (c) => String(c.dcId)).map((c) => ({
        key: this.#key("dckey", c.dcId),
        value: c.key === null ? undefined : c.key.slice(),
      })),
    );
  }

  // ---- temporary keys ------------------------------------------------------

  // A read deletes nothing: `now` is the caller's clock, which may run
  // ahead; an expired key is only left out.
  async tempAuthKeys(now: number): Promise<TempAuthKey[]> {
    const out: TempAuthKey[] = [];
    for (const e of await this.#list("tempkey")) {
      const v = e.value as StoredTempKey;
      if (v.expiresAt > now) {
        out.push({
          dcId: e.key[e.key.length - 2] as number,
          index: e.key[e.key.length - 1] as number,
          key: v.key.slice(),
          expiresAt: v.expiresAt,
        });
      }
    }
    return out;
  }

  async setTempAuthKeys(changes: readonly TempAuthKeyChange[]): Promise<void> {
    await writeInChunks(
      this.#host.kv,
      lastOf(changes, (c) => `${c.dcId}:${c.index}`).map((c) => ({
        key: this.#key("tempkey", c.dcId, c.index),
        value: c.key === null
          ? undefined
          : { key: c.key.slice(), expiresAt: c.expiresAt },
      })),
    );
  }

  // ---- client values -------------------------------------------------------

  /** Why Deno KV cannot hold this name or value, or null when it can. */
  #unfit(name: string, value: Uint8Array | null): string | null {
    if (keySize(this.#key("value", name)) > KEY_LIMIT) {
      return `its key is over ${KEY_LIMIT} bytes`;
    }
    if (value !== null && value.length > VALUE_LIMIT) {
      return `its bytes are over ${VALUE_LIMIT} bytes`;
    }
    return null;
  }

  async value(name: string): Promise<Uint8Array | undefined> {
    const key = this.#key("value", name);
    // A name whose key cannot be written was never stored.
    if (keySize(key) > KEY_LIMIT) return undefined;
    const e = await this.#host.kv.get(key);
    return e.value === null ? undefined : (e.value as Uint8Array).slice();
  }

  async values(): Promise<ClientValue[]> {
    const out = (await this.#list("value")).map((e) => ({
      name: e.key[e.key.length - 1] as string,
      value: (e.value as Uint8Array).slice(),
    }));
    // KV orders texts by UTF-8 bytes; the contract is code-unit order.
    return out.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  }

  /**
   * Writes every change Deno KV can hold, then throws ValueRefusedError
   * for those it cannot (a name whose key is over 2 KiB, bytes over
   * 64 KiB). Removing such a name does nothing: it was never stored.
   */
  async setValues(changes: readonly ClientValueChange[]): Promise<void> {
    const mutations: Mutation[] = [];
    const refused: { name: string; reason: string }[] = [];
    for (const c of lastOf(changes, (c) => c.name)) {
      const unfit = this.#unfit(c.name, c.value);
      if (unfit === null) {
        mutations.push({
          key: this.#key("value", c.name),
          value: c.value === null ? undefined : c.value.slice(),
        });
      } else if (c.value !== null) {
        refused.push({ name: c.name, reason: unfit });
      }
    }
    await writeInChunks(this.#host.kv, mutations);
    if (refused.length > 0) throw new ValueRefusedError(this.#storage, refused);
  }

  // ---- message references --------------------------------------------------
  //
  // `["ref", peerId, seq]` → { chatId, messageId }: a peer's references in
  // the order first stored (seq from the counter `["refseq"]`), and
  // `["refmsg", chatId, messageId, peerId]` → seq: the same references by
  // message, so that deleting a chat's messages reads only theirs. Both
  // entries of a reference are written and deleted in one operation.

  /** Writes a batch of references; one already stored keeps its place. */
  async putRefs(batch: readonly MessageRef[]): Promise<void> {
    // The first of the same reference counts: it was stored first.
    const seen = new Set<string>();
    const refs: MessageRef[] = [];
    for (const r of batch) {
      const k = `${r.peerId}:${r.chatId}:${r.messageId}`;
      if (seen.has(k)) continue;
      seen.add(k);
      refs.push(r);
    }
    await this.#host.inRuns(refs, () => 2, async (run) => {
      const counterKey = this.#key("refseq");
      const indexKeys = run.map((r) =>
        this.#key("refmsg", r.chatId, r.messageId, r.peerId)
      );
      const [counter, ...known] = await this.#getMany([
        counterKey,
        ...indexKeys,
      ]);
      let seq = typeof counter === "number" ? counter : 0;
      const out: Mutation[] = [];
      run.forEach((r, i) => {
        if (known[i] !== null) return;
        seq++;
        const stored: StoredRef = { chatId: r.chatId, messageId: r.messageId };
        out.push({ key: this.#key("ref", r.peerId, seq), value: stored });
        out.push({ key: indexKeys[i]!, value: seq });
      });
      if (out.length > 0) out.push({ key: counterKey, value: seq });
      return out;
    });
  }

  async #getMany(keys: readonly DenoKvKey[]): Promise<unknown[]> {
    const groups: DenoKvKey[][] = [];
    for (let i = 0; i < keys.length; i += 10) {
      groups.push(keys.slice(i, i + 10));
    }
    const out: unknown[] = [];
    for (let i = 0; i < groups.length; i += PARALLEL) {
      const results = await Promise.all(
        groups.slice(i, i + PARALLEL).map((g) => this.#host.kv.getMany(g)),
      );
      for (const entries of results) for (const e of entries) out.push(e.value);
    }
    return out;
  }

  async refsOf(peerId: number): Promise<MessageRef[]> {
    return (await this.#list("ref", peerId)).map((e) => {
      const v = e.value as StoredRef;
      return copyRef({ peerId, chatId: v.chatId, messageId: v.messageId });
    });
  }

  async refs(): Promise<MessageRef[]> {
    return (await this.#list("ref")).map((e) => {
      const v = e.value as StoredRef;
      const peerId = e.key[e.key.length - 2] as number;
      return copyRef({ peerId, chatId: v.chatId, messageId: v.messageId });
    });
  }

  /** Both entries of each reference, as deletions, pair by pair. */
  #deletions(
    pairs: readonly {
      peerId: number;
      seq: number;
      chat: number;
      msg: number;
    }[],
  ): Mutation[] {
    const out: Mutation[] = [];
    for (const p of pairs) {
      out.push({ key: this.#key("ref", p.peerId, p.seq), value: undefined });
      out.push({
        key: this.#key("refmsg", p.chat, p.msg, p.peerId),
        value: undefined,
      });
    }
    return out;
  }

  async deleteRefs(filter: MessageRefFilter): Promise<void> {
    const pairs: { peerId: number; seq: number; chat: number; msg: number }[] =
      [];
    if ("chatId" in filter) {
      const ids = [...new Set(filter.messageIds)];
      const lists = await this.#lists(
        ids.map((m) => ["refmsg", filter.chatId, m]),
      );
      lists.forEach((entries, k) => {
        for (const e of entries) {
          pairs.push({
            peerId: e.key[e.key.length - 1] as number,
            seq: e.value as number,
            chat: filter.chatId,
            msg: ids[k]!,
          });
        }
      });
    } else {
      const peers = "all" in filter
        ? [await this.#list("ref")]
        : await this.#lists(
          [...new Set(filter.peerIds)].map((id) => ["ref", id]),
        );
      for (const entries of peers) {
        for (const e of entries) {
          const v = e.value as StoredRef;
          pairs.push({
            peerId: e.key[e.key.length - 2] as number,
            seq: e.key[e.key.length - 1] as number,
            chat: v.chatId,
            msg: v.messageId,
          });
        }
      }
    }
    // Each reference's two entries go in one operation; many references
    // may take several.
    await writeInChunks(this.#host.kv, this.#deletions(pairs), 2);
  }
}
