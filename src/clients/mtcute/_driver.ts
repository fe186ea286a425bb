// mtcute's IStorageDriver: loading and saving the update states, closing
// the session when asked to. Private to the library.

import type { Bridge } from "./_bridge.ts";
import type { MtcuteStorageDriver } from "./types.ts";

/** The storage's lifecycle. */
export class Driver implements MtcuteStorageDriver {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async load(): Promise<void> {
    await this.#b.states.load();
  }

  async save(): Promise<void> {
    if (this.#b.session.closed) return;
    await this.#b.states.save();
    await this.#b.session.save();
  }

  async destroy(): Promise<void> {
    if (this.#b.session.closed) return;
    try {
      await this.save();
    } finally {
      if (this.#b.options.closeSession) await this.#b.session.close();
    }
  }
}
