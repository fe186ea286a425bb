// What a Session keeps beside its auth state and caches: every data center
// it knows, the permanent keys of the DCs other than the main one (loaded
// on open, like the auth state), temporary keys, client values and message
// references (read from the storage when asked). Session's methods of the
// same names are thin calls into this. Private to the library.

import { copyDc } from "./_copy.ts";
import {
  checkAuthKey,
  checkBytes,
  checkDc,
  checkDcId,
  checkDcs,
  checkRef,
  checkTempKey,
  checkValueName,
  MAX_RAW,
} from "./_validate.ts";
import type { MessageRefFilter, SessionStorage } from "./storage.ts";
import type {
  ClientValue,
  DataCenter,
  DcAuthKey,
  MessageRef,
  TempAuthKey,
} from "./types.ts";

/** The whole-session part of a Session. */
export class WholeSession {
  readonly #storage: SessionStorage;
  #dcs: DataCenter[];
  readonly #keys: Map<number, Uint8Array>;
  // Key writes reach the storage one after the other, in call order.
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(
    storage: SessionStorage,
    dcs: DataCenter[],
    keys: DcAuthKey[],
  ) {
    this.#storage = storage;
    this.#dcs = dcs;
    this.#keys = new Map(keys.map((k) => [k.dcId, k.key]));
  }

  /** Loads the data centers and the other DCs' keys from `storage`. */
  static async load(storage: SessionStorage): Promise<WholeSession> {
    const [dcs, keys] = await Promise.all([
      storage.getDcs(),
      storage.getAuthKeys(),
    ]);
    return new WholeSession(storage, dcs, keys);
  }

  #serial(write: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(write);
    this.#tail = run.catch(() => {});
    return run;
  }

  get dcs(): DataCenter[] {
    return this.#dcs.map(copyDc);
  }

  dc(id: number, mediaOnly: boolean): DataCenter | undefined {
    const d = this.#dcs.find((x) => x.id === id && x.mediaOnly === mediaOnly);
    return d && copyDc(d);
  }

  async setDcs(dcs: readonly DataCenter[]): Promise<void> {
    const clean = checkDcs(dcs);
    await this.#serial(() => this.#storage.setDcs(clean));
    this.#dcs = clean;
  }

  /** Adds a data center, or replaces the one with its id and kind. */
  async putDc(dc: DataCenter): Promise<void> {
    const clean = checkDc(dc);
    const at = this.#dcs.findIndex((d) =>
      d.id === clean.id && d.mediaOnly === clean.mediaOnly
    );
    const next = [...this.#dcs];
    if (at < 0) next.push(clean);
    else next[at] = clean;
    await this.setDcs(next);
  }

  /** The key of a DC other than the main one. */
  otherKey(dcId: number): Uint8Array | null {
    return this.#keys.get(dcId)?.slice() ?? null;
  }

  otherKeys(): DcAuthKey[] {
    return [...this.#keys].sort((a, b) => a[0] - b[0]).map(([dcId, key]) => ({
      dcId,
      key: key.slice(),
    }));
  }

  async setOtherKey(dcId: number, key: Uint8Array | null): Promise<void> {
    const id = checkDcId(dcId);
    const clean = key === null ? null : checkAuthKey(key);
    await this.#serial(() =>
      this.#storage.setAuthKeys([{ dcId: id, key: clean }])
    );
    if (clean === null) this.#keys.delete(id);
    else this.#keys.set(id, clean);
  }

  async tempKey(
    dcId: number,
    index: number,
    now: number,
  ): Promise<Uint8Array | null> {
    const all = await this.#storage.getTempAuthKeys(now);
    return all.find((k) => k.dcId === dcId && k.index === index)?.key ?? null;
  }

  tempKeys(now: number): Promise<TempAuthKey[]> {
    return this.#storage.getTempAuthKeys(now);
  }

  async setTempKey(
    dcId: number,
    index: number,
    key: Uint8Array | null,
    expiresAt: number,
  ): Promise<void> {
    const id = checkDcId(dcId);
    checkTempKey(index, key === null ? 0 : expiresAt);
    const clean = key === null ? null : checkAuthKey(key);
    await this.#serial(() =>
      this.#storage.setTempAuthKeys([{
        dcId: id,
        index,
        key: clean,
        expiresAt: key === null ? 0 : expiresAt,
      }])
    );
  }

  async deleteTempKeys(dcId?: number): Promise<void> {
    const all = await this.#storage.getTempAuthKeys(0);
    const gone = all.filter((k) => dcId === undefined || k.dcId === dcId);
    if (gone.length === 0) return;
    await this.#serial(() =>
      this.#storage.setTempAuthKeys(
        gone.map((k) => ({ ...k, key: null, expiresAt: 0 })),
      )
    );
  }

  value(name: string): Promise<Uint8Array | undefined> {
    return this.#storage.getValue(checkValueName(name));
  }

  values(): Promise<ClientValue[]> {
    return this.#storage.listValues();
  }

  setValues(
    changes: readonly { name: string; value: Uint8Array | null }[],
  ): Promise<void> {
    const clean = changes.map((c) => ({
      name: checkValueName(c.name),
      value: c.value === null
        ? null
        : checkBytes(c.value, "the value", MAX_RAW),
    }));
    return this.#storage.setValues(clean);
  }

  putRefs(refs: readonly MessageRef[]): Promise<void> {
    return this.#storage.putMessageRefs(refs.map(checkRef));
  }

  refsOf(peerId: number): Promise<MessageRef[]> {
    return this.#storage.getMessageRefs(peerId);
  }

  refs(): Promise<MessageRef[]> {
    return this.#storage.listMessageRefs();
  }

  deleteRefs(filter: MessageRefFilter): Promise<void> {
    if (typeof filter !== "object" || filter === null) {
      throw new TypeError("Expected a message reference filter");
    }
    return this.#storage.deleteMessageRefs(filter);
  }

  /** Waits for the key writes in flight. */
  settle(): Promise<unknown> {
    return this.#tail;
  }
}
