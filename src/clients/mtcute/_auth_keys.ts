// mtcute's IAuthKeysRepository over the session's keys: the main DC's key
// is the session's `authKey`, every other DC's its `authKeyFor(dc)`, the
// temporary keys its temporary keys — all durable when the call resolves.
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
    if (key !== null && s.dcId === null) {
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
      return;
    }
    await s.setAuthKeyFor(dc, key);
  }

  get(dc: number): Promise<Uint8Array | null> {
    return Promise.resolve(this.#b.session.authKeyFor(dc));
  }

  async setTemp(
    dc: number,
    idx: number,
    key: Uint8Array | null,
    expires: number,
  ): Promise<void> {
    await this.#b.session.setTempAuthKey(dc, idx, key, expires);
  }

  async getTemp(
    dc: number,
    idx: number,
    now: number,
  ): Promise<Uint8Array | null> {
    return await this.#b.session.getTempAuthKey(dc, idx, now);
  }

  async deleteByDc(dc: number): Promise<void> {
    await this.#b.session.deleteTempAuthKeys(dc);
    await this.#b.session.setAuthKeyFor(dc, null);
  }

  async deleteAll(): Promise<void> {
    const s = this.#b.session;
    await s.deleteTempAuthKeys();
    for (const { dcId } of s.authKeys()) await s.setAuthKeyFor(dcId, null);
  }
}
