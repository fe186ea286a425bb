// mtcute's IPeersRepository over the session's indexed peers: full and
// min peers alike, with mtcute's TL bytes as the record's raw bytes (the
// session's merge rules never let a min peer replace a full one). mtcute's
// own storages find min peers by id only, not by username or phone: so do
// these lookups. Private to the library.

import type { PeerLookup } from "../../storage.ts";
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
    await this.#b.session.putPeers([toRecord(peer)]);
  }

  async getById(id: number): Promise<MtcutePeerInfo | null> {
    if (!Number.isSafeInteger(id) || id === 0) return null;
    const record = await this.#find({ by: "id", ids: [id] });
    return record ? toInfo(record) : null;
  }

  async getByUsername(username: string): Promise<MtcutePeerInfo | null> {
    const value = username.replace(/^@/, "").toLowerCase();
    if (value === "") return null;
    return this.#full(await this.#find({ by: "username", value }));
  }

  async getByPhone(phone: string): Promise<MtcutePeerInfo | null> {
    const value = phone.replace(/\D/g, "");
    if (value === "") return null;
    return this.#full(await this.#find({ by: "phone", value }));
  }

  async deleteAll(): Promise<void> {
    const { session } = this.#b;
    const ids = (await session.listPeers()).map((p) => p.id);
    if (ids.length > 0) await session.storage.deletePeers(ids);
  }

  // The storage's own lookup (indexed, a read of what waits in a batch
  // included): one await per call on the hot path.
  #find(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    return this.#b.session.storage.findPeer(lookup);
  }

  #full(record: PeerRecord | undefined): MtcutePeerInfo | null {
    return record === undefined || record.min === true ? null : toInfo(record);
  }
}
