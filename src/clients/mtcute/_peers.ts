// mtcute's IPeersRepository: full peers go to the session's indexed peers;
// min peers (and peers the session cannot take) and the TL bytes are in
// the memory area. Private to the library.

import type { PeerRecord } from "../../types.ts";
import type { Bridge } from "./_bridge.ts";
import { toInfo, toRecord } from "./_peer_info.ts";
import type { MtcutePeerInfo, MtcutePeersRepository } from "./types.ts";

/** The peer cache. */
export class Peers implements MtcutePeersRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async store(peer: MtcutePeerInfo): Promise<void> {
    const { memory, session } = this.#b;
    let record: PeerRecord | undefined;
    if (!peer.isMin) {
      try {
        record = toRecord(peer);
      } catch {
        record = undefined;
      }
    }
    if (record === undefined) {
      // A min peer (or one the session cannot take): never let it replace
      // a full one in the session; keep it in memory for getById.
      memory.setMinPeer(peer);
      return;
    }
    memory.deleteMinPeer(peer.id);
    memory.setComplete(peer.id, peer.complete);
    await session.putPeers([record]);
  }

  async getById(id: number): Promise<MtcutePeerInfo | null> {
    if (!Number.isSafeInteger(id) || id === 0) return null;
    const record = await this.#b.session.storage.findPeer({
      by: "id",
      ids: [id],
    });
    return record ? this.#info(record) : this.#b.memory.minPeer(id);
  }

  async getByUsername(username: string): Promise<MtcutePeerInfo | null> {
    const value = username.replace(/^@/, "").toLowerCase();
    if (value === "") return null;
    const record = await this.#b.session.storage.findPeer({
      by: "username",
      value,
    });
    return record ? this.#info(record) : null;
  }

  async getByPhone(phone: string): Promise<MtcutePeerInfo | null> {
    const value = phone.replace(/\D/g, "");
    if (value === "") return null;
    const record = await this.#b.session.storage.findPeer({
      by: "phone",
      value,
    });
    return record ? this.#info(record) : null;
  }

  async deleteAll(): Promise<void> {
    const { memory, session } = this.#b;
    const ids = (await session.listPeers()).map((p) => p.id);
    if (ids.length > 0) await session.storage.deletePeers(ids);
    memory.clearPeers();
  }

  #info(record: PeerRecord): MtcutePeerInfo {
    return toInfo(record, this.#b.memory.complete(record.id));
  }
}
