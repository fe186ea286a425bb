/**
 * The whole-session methods of {@linkcode SessionStorage}, written once:
 * a storage extends {@linkcode WholeSessionMethods} and hands over, for
 * each call, the {@linkcode WholePart} that keeps its data centers, keys,
 * client values and message references, once it has checked it is open.
 * Every backend of the library does; a storage of your own may too.
 *
 * @module
 */

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

/**
 * What keeps one storage's whole-session data, with the semantics of the
 * `SessionStorage` method each member is named after (no open check: the
 * storage does that). A member may answer at once or with a promise.
 *
 * @example In maps (what `MemoryStorage` does, in short)
 * ```ts
 * import type { WholePart } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const values = new Map<string, Uint8Array>();
 * const part: Pick<WholePart, "value" | "setValues"> = {
 *   value: (name) => values.get(name)?.slice(),
 *   setValues: (changes) => {
 *     for (const c of changes) {
 *       if (c.value === null) values.delete(c.name);
 *       else values.set(c.name, c.value.slice());
 *     }
 *   },
 * };
 * await part.setValues([{ name: "salts:2", value: new Uint8Array([1]) }]);
 * assert.deepEqual(await part.value("salts:2"), new Uint8Array([1]));
 * ```
 */
export interface WholePart {
  /** As {@linkcode SessionStorage.getDcs}. */
  dcs(): DataCenter[] | Promise<DataCenter[]>;
  /** As {@linkcode SessionStorage.setDcs}. */
  setDcs(dcs: readonly DataCenter[]): void | Promise<void>;
  /** As {@linkcode SessionStorage.getAuthKeys}. */
  authKeys(): DcAuthKey[] | Promise<DcAuthKey[]>;
  /** As {@linkcode SessionStorage.setAuthKeys}. */
  setAuthKeys(changes: readonly DcAuthKeyChange[]): void | Promise<void>;
  /** As {@linkcode SessionStorage.getTempAuthKeys}. */
  tempAuthKeys(now: number): TempAuthKey[] | Promise<TempAuthKey[]>;
  /** As {@linkcode SessionStorage.setTempAuthKeys}. */
  setTempAuthKeys(changes: readonly TempAuthKeyChange[]): void | Promise<void>;
  /** As {@linkcode SessionStorage.getValue}. */
  value(name: string): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** As {@linkcode SessionStorage.listValues}. */
  values(): ClientValue[] | Promise<ClientValue[]>;
  /** As {@linkcode SessionStorage.setValues}. */
  setValues(changes: readonly ClientValueChange[]): void | Promise<void>;
  /** As {@linkcode SessionStorage.putMessageRefs}. */
  putRefs(refs: readonly MessageRef[]): void | Promise<void>;
  /** As {@linkcode SessionStorage.getMessageRefs}. */
  refsOf(peerId: number): MessageRef[] | Promise<MessageRef[]>;
  /** As {@linkcode SessionStorage.listMessageRefs}. */
  refs(): MessageRef[] | Promise<MessageRef[]>;
  /** As {@linkcode SessionStorage.deleteMessageRefs}. */
  deleteRefs(filter: MessageRefFilter): void | Promise<void>;
}

/**
 * The whole-session half of `SessionStorage` (data centers, the other DCs'
 * keys, temporary keys, client values, message references) for a storage
 * that keeps it in a {@linkcode WholePart}: extend it and implement
 * `wholePart`.
 *
 * @example A storage of your own keeping the whole session in memory
 * ```ts
 * import { MemoryStorage, WholeSessionMethods } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * // MemoryStorage is one: its whole-session methods come from here.
 * const storage = new MemoryStorage();
 * assert.ok(storage instanceof WholeSessionMethods);
 * await storage.setValues([{ name: "dc_media", value: new Uint8Array([4]) }]);
 * assert.deepEqual(await storage.getValue("dc_media"), new Uint8Array([4]));
 * ```
 */
export abstract class WholeSessionMethods {
  /**
   * The part keeping the whole session, once the storage has checked it is
   * open to `what` (a closed storage throws `SessionClosedError`).
   *
   * @param what What the caller is about to do, for the error.
   * @returns The part.
   */
  protected abstract wholePart(what: string): WholePart;

  /** {@inheritDoc SessionStorage.getDcs} */
  async getDcs(): Promise<DataCenter[]> {
    return await this.wholePart("read the data centers").dcs();
  }

  /** {@inheritDoc SessionStorage.setDcs} */
  async setDcs(dcs: readonly DataCenter[]): Promise<void> {
    await this.wholePart("store the data centers").setDcs(dcs);
  }

  /** {@inheritDoc SessionStorage.getAuthKeys} */
  async getAuthKeys(): Promise<DcAuthKey[]> {
    return await this.wholePart("read the auth keys").authKeys();
  }

  /** {@inheritDoc SessionStorage.setAuthKeys} */
  async setAuthKeys(changes: readonly DcAuthKeyChange[]): Promise<void> {
    await this.wholePart("store auth keys").setAuthKeys(changes);
  }

  /** {@inheritDoc SessionStorage.getTempAuthKeys} */
  async getTempAuthKeys(now: number): Promise<TempAuthKey[]> {
    return await this.wholePart("read the temporary keys").tempAuthKeys(now);
  }

  /** {@inheritDoc SessionStorage.setTempAuthKeys} */
  async setTempAuthKeys(changes: readonly TempAuthKeyChange[]): Promise<void> {
    await this.wholePart("store temporary keys").setTempAuthKeys(changes);
  }

  /** {@inheritDoc SessionStorage.getValue} */
  async getValue(name: string): Promise<Uint8Array | undefined> {
    return await this.wholePart("read a client value").value(name);
  }

  /** {@inheritDoc SessionStorage.listValues} */
  async listValues(): Promise<ClientValue[]> {
    return await this.wholePart("list client values").values();
  }

  /** {@inheritDoc SessionStorage.setValues} */
  async setValues(changes: readonly ClientValueChange[]): Promise<void> {
    await this.wholePart("store client values").setValues(changes);
  }

  /** {@inheritDoc SessionStorage.putMessageRefs} */
  async putMessageRefs(refs: readonly MessageRef[]): Promise<void> {
    await this.wholePart("store message references").putRefs(refs);
  }

  /** {@inheritDoc SessionStorage.getMessageRefs} */
  async getMessageRefs(peerId: number): Promise<MessageRef[]> {
    return await this.wholePart("read message references").refsOf(peerId);
  }

  /** {@inheritDoc SessionStorage.listMessageRefs} */
  async listMessageRefs(): Promise<MessageRef[]> {
    return await this.wholePart("list message references").refs();
  }

  /** {@inheritDoc SessionStorage.deleteMessageRefs} */
  async deleteMessageRefs(filter: MessageRefFilter): Promise<void> {
    await this.wholePart("delete message references").deleteRefs(filter);
  }
}
