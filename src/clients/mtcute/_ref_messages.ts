// mtcute's IReferenceMessagesRepository over the session's message
// references. Private to the library.

import type { Bridge } from "./_bridge.ts";
import type { MtcuteReferenceMessagesRepository } from "./types.ts";

/** Reference messages: which message mentions a peer. */
export class RefMessages implements MtcuteReferenceMessagesRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async store(peerId: number, chatId: number, msgId: number): Promise<void> {
    await this.#b.session.putMessageRef({ peerId, chatId, messageId: msgId });
  }

  async getByPeer(peerId: number): Promise<[number, number] | null> {
    const ref = await this.#b.session.getMessageRef(peerId);
    return ref === undefined ? null : [ref.chatId, ref.messageId];
  }

  async delete(chatId: number, msgIds: number[]): Promise<void> {
    if (msgIds.length === 0) return;
    await this.#b.session.deleteMessageRefs({ chatId, messageIds: msgIds });
  }

  async deleteByPeer(peerId: number): Promise<void> {
    await this.#b.session.deleteMessageRefs({ peerIds: [peerId] });
  }

  async deleteAll(): Promise<void> {
    await this.#b.session.deleteMessageRefs({ all: true });
  }
}
