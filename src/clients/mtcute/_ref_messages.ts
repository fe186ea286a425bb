// mtcute's IReferenceMessagesRepository, over the memory area. Private to
// the library.

import type { Bridge } from "./_bridge.ts";
import type { MtcuteReferenceMessagesRepository } from "./types.ts";

/** Reference messages: which message mentions a peer. */
export class RefMessages implements MtcuteReferenceMessagesRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  store(peerId: number, chatId: number, msgId: number): Promise<void> {
    this.#b.memory.storeRef(peerId, chatId, msgId);
    return Promise.resolve();
  }

  getByPeer(peerId: number): Promise<[number, number] | null> {
    return Promise.resolve(this.#b.memory.latestRef(peerId));
  }

  delete(chatId: number, msgIds: number[]): Promise<void> {
    this.#b.memory.deleteRefs(chatId, msgIds);
    return Promise.resolve();
  }

  deleteByPeer(peerId: number): Promise<void> {
    this.#b.memory.deleteRefsOf(peerId);
    return Promise.resolve();
  }

  deleteAll(): Promise<void> {
    this.#b.memory.clearRefs();
    return Promise.resolve();
  }
}
