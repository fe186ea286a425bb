// Filling a storage with what a session file holds, in the order a
// Session wants it (the auth state first, peers oldest first). Shared by
// files.ts and bytes.ts. Private to the library.

import type { ForeignData } from "./types.ts";
import { Session } from "../session.ts";
import type { SessionStorage } from "../storage.ts";

/**
 * Puts everything `data` holds into `storage`, through a Session, and
 * saves.
 *
 * @param storage An empty storage.
 * @param data What to put there.
 *
 * @example Usage
 * ```ts
 * import { MemoryStorage } from "@mtsession/mtsession";
 * import { fill } from "./_fill.ts";
 * import assert from "node:assert/strict";
 *
 * const storage = new MemoryStorage();
 * await fill(storage, {
 *   auth: {
 *     dcId: 2, serverAddress: "149.154.167.51", port: 443, testMode: false,
 *     authKey: new Uint8Array(256).fill(7), apiId: null, userId: 1234567890,
 *     isBot: false, date: null, takeoutId: null,
 *   },
 * });
 * assert.equal((await storage.getAuth()).userId, 1234567890);
 * ```
 */
export async function fill(
  storage: SessionStorage,
  data: ForeignData,
): Promise<void> {
  const session = await Session.open(storage);
  await session.setAuth(data.auth);
  const dcs = data.dataCenters ?? [];
  if (dcs.length > 0) await session.setDataCenters(dcs);
  // The main DC's key is the auth state's: another entry never replaces it.
  for (const k of data.authKeys ?? []) {
    if (k.dcId !== session.dcId) await session.setAuthKeyFor(k.dcId, k.key);
  }
  for (const t of data.tempAuthKeys ?? []) {
    await session.setTempAuthKey(t.dcId, t.index, t.key, t.expiresAt);
  }
  const peers = [...(data.peers ?? [])].sort((a, b) =>
    a.updatedAt - b.updatedAt
  );
  if (peers.length > 0) await session.putPeers(peers);
  for (const s of data.updateStates ?? []) await session.setUpdateState(s);
  for (const f of data.files ?? []) await session.cacheFile(f);
  for (const v of data.values ?? []) await session.setValue(v.name, v.value);
  // In the order given: the oldest reference of a peer stays the first.
  for (const r of data.messageRefs ?? []) await session.putMessageRef(r);
  await session.save();
}
