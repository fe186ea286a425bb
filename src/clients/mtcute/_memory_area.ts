// What mtcute stores that the session has no place for (yet): the one place
// where the binding keeps anything in memory only. Every value is copied in
// and out, as a storage does. Private to the library.

import type { CurrentUser } from "./_codecs.ts";
import { copyInfo } from "./_peer_info.ts";
import type { MtcutePeerInfo } from "./types.ts";

interface TempKey {
  readonly key: Uint8Array;
  readonly expires: number;
}

/** The memory-only part of an mtcute storage. */
export class MemoryArea {
  /** Permanent keys of DCs other than the session's. */
  readonly #keys = new Map<number, Uint8Array>();
  /** Temporary keys by `dc:index`. */
  readonly #tempKeys = new Map<string, TempKey>();
  /** Key-value entries the session has no field for. */
  readonly #kv = new Map<string, Uint8Array>();
  /** The current user as mtcute last wrote it (premium, usernames). */
  #user: CurrentUser | null = null;
  /** Min peers, and peers the session refused, by marked id. */
  readonly #minPeers = new Map<number, MtcutePeerInfo>();
  /** TL bytes of recently stored peers, by marked id (oldest first). */
  readonly #complete = new Map<number, Uint8Array>();
  readonly #completeMax: number;
  /** Reference messages: peer → `chat:msg` → [chat, msg]. */
  readonly #refs = new Map<number, Map<string, [number, number]>>();

  /** @param completeMax How many peers' TL bytes to keep (0: none). */
  constructor(completeMax: number) {
    this.#completeMax = completeMax;
  }

  // ---- auth keys of other DCs, temporary keys -------------------------------

  key(dc: number): Uint8Array | undefined {
    return this.#keys.get(dc)?.slice();
  }

  setKey(dc: number, key: Uint8Array | null): void {
    if (key === null) this.#keys.delete(dc);
    else this.#keys.set(dc, key.slice());
  }

  tempKey(dc: number, idx: number, now: number): Uint8Array | null {
    const found = this.#tempKeys.get(`${dc}:${idx}`);
    if (!found || now > found.expires) return null;
    return found.key.slice();
  }

  setTempKey(
    dc: number,
    idx: number,
    key: Uint8Array | null,
    expires: number,
  ): void {
    const k = `${dc}:${idx}`;
    if (key === null) this.#tempKeys.delete(k);
    else this.#tempKeys.set(k, { key: key.slice(), expires });
  }

  deleteTempKeys(dc: number): void {
    for (const k of [...this.#tempKeys.keys()]) {
      if (k.startsWith(`${dc}:`)) this.#tempKeys.delete(k);
    }
  }

  clearKeys(): void {
    this.#keys.clear();
    this.#tempKeys.clear();
  }

  // ---- the key-value area ---------------------------------------------------

  kv(key: string): Uint8Array | null {
    return this.#kv.get(key)?.slice() ?? null;
  }

  setKv(key: string, value: Uint8Array): void {
    this.#kv.set(key, value.slice());
  }

  deleteKv(key: string): void {
    this.#kv.delete(key);
  }

  clearKv(): void {
    this.#kv.clear();
  }

  // ---- the current user -----------------------------------------------------

  /** What mtcute last wrote of the user, if it is this user. */
  user(userId: number): CurrentUser | null {
    const user = this.#user;
    if (user?.userId !== userId) return null;
    return { ...user, usernames: [...user.usernames] };
  }

  setUser(user: CurrentUser | null): void {
    this.#user = user === null
      ? null
      : { ...user, usernames: [...user.usernames] };
  }

  // ---- peers ----------------------------------------------------------------

  minPeer(id: number): MtcutePeerInfo | null {
    const min = this.#minPeers.get(id);
    return min ? copyInfo(min) : null;
  }

  setMinPeer(peer: MtcutePeerInfo): void {
    this.#minPeers.set(peer.id, copyInfo(peer));
  }

  deleteMinPeer(id: number): void {
    this.#minPeers.delete(id);
  }

  complete(id: number): Uint8Array | undefined {
    return this.#complete.get(id)?.slice();
  }

  /** Keeps a peer's TL bytes as the newest (empty bytes: forgets them). */
  setComplete(id: number, bytes: Uint8Array): void {
    const max = this.#completeMax;
    this.#complete.delete(id);
    if (max <= 0 || bytes.length === 0) return;
    this.#complete.set(id, bytes.slice());
    while (this.#complete.size > max) {
      const oldest = this.#complete.keys().next();
      if (oldest.done) break;
      this.#complete.delete(oldest.value);
    }
  }

  clearPeers(): void {
    this.#minPeers.clear();
    this.#complete.clear();
  }

  // ---- reference messages ---------------------------------------------------

  storeRef(peerId: number, chatId: number, msgId: number): void {
    let refs = this.#refs.get(peerId);
    if (!refs) this.#refs.set(peerId, refs = new Map());
    refs.set(`${chatId}:${msgId}`, [chatId, msgId]);
  }

  /** The reference with the highest message id. */
  latestRef(peerId: number): [number, number] | null {
    let best: [number, number] | null = null;
    for (const ref of this.#refs.get(peerId)?.values() ?? []) {
      if (best === null || ref[1] > best[1]) best = ref;
    }
    return best === null ? null : [best[0], best[1]];
  }

  deleteRefs(chatId: number, msgIds: readonly number[]): void {
    for (const [peerId, refs] of this.#refs) {
      for (const msgId of msgIds) refs.delete(`${chatId}:${msgId}`);
      if (refs.size === 0) this.#refs.delete(peerId);
    }
  }

  deleteRefsOf(peerId: number): void {
    this.#refs.delete(peerId);
  }

  clearRefs(): void {
    this.#refs.clear();
  }
}
