// mtcute's IAuthKeysRepository: the main DC's key is the session's; the
// keys of other DCs and the temporary keys are in the memory area.
// Private to the library.

import { dcAddress } from "../../strings/dc_table.ts";
import type { Bridge } from "./_bridge.ts";
import type { MtcuteAuthKeysRepository } from "./types.ts";

/** Auth keys per DC. */
export class AuthKeys implements MtcuteAuthKeysRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async set(dc: number, key: Uint8Array | null): Promise<void> {
    const s = this.#b.session;
    if (key === null) {
      this.#b.memory.setKey(dc, null);
      if (dc === s.dcId && s.authKey !== null) await s.setAuthKey(null);
      return;
    }
    if (dc === s.dcId) {
      await s.setAuthKey(key);
    } else if (s.dcId === null) {
      // mtcute keeps its default DC to itself until it changes: the first
      // DC that gets a key is the one the client logged in on.
      const testMode = this.#b.testModeFor(null);
      const table = dcAddress(dc, testMode);
      await s.setAuth({
        dcId: dc,
        serverAddress: table?.address ?? null,
        port: table?.port ?? null,
        authKey: key,
      });
    } else {
      this.#b.memory.setKey(dc, key);
    }
  }

  get(dc: number): Promise<Uint8Array | null> {
    const s = this.#b.session;
    if (dc === s.dcId) return Promise.resolve(s.authKey);
    return Promise.resolve(this.#b.memory.key(dc) ?? null);
  }

  setTemp(
    dc: number,
    idx: number,
    key: Uint8Array | null,
    expires: number,
  ): Promise<void> {
    this.#b.memory.setTempKey(dc, idx, key, expires);
    return Promise.resolve();
  }

  getTemp(dc: number, idx: number, now: number): Promise<Uint8Array | null> {
    return Promise.resolve(this.#b.memory.tempKey(dc, idx, now));
  }

  async deleteByDc(dc: number): Promise<void> {
    this.#b.memory.deleteTempKeys(dc);
    await this.set(dc, null);
  }

  async deleteAll(): Promise<void> {
    this.#b.memory.clearKeys();
    const s = this.#b.session;
    if (s.authKey !== null) await s.setAuthKey(null);
  }
}
