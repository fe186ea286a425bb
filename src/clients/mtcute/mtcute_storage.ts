/**
 * An mtcute storage provider (`{ driver, kv, authKeys, peers, refMessages }`
 * for `new TelegramClient({ storage })` of `@mtcute/core` and its runtime
 * packages) backed by any mtsession {@linkcode Session}.
 *
 * mtcute's repositories are mapped onto the session: the main DC's auth
 * key and the DC, the logged-in user, the update states and the peers go
 * to the session's storage; what the session has no place for is kept in
 * memory (see {@linkcode mtcuteStorage}). The shapes are in `types.ts`.
 *
 * @module
 */

import type { Session } from "../../session.ts";
import { AuthKeys } from "./_auth_keys.ts";
import { Bridge } from "./_bridge.ts";
import { Driver } from "./_driver.ts";
import { KeyValue } from "./_key_value.ts";
import { Peers } from "./_peers.ts";
import { RefMessages } from "./_ref_messages.ts";
import type { MtcuteStorage, MtcuteStorageOptions } from "./types.ts";

/**
 * Makes an mtcute storage provider backed by an mtsession
 * {@linkcode Session}: pass it as `storage` to mtcute's `TelegramClient`
 * (`@mtcute/node`, `@mtcute/bun`, `@mtcute/deno`, or `@mtcute/core` with
 * your own platform). Any session works — memory, a session string, a
 * SQLite file — and `importSession`/`exportSession` read and write it.
 *
 * Where mtcute's data goes:
 *
 * | mtcute                                   | kept in                                                      |
 * | ---------------------------------------- | ------------------------------------------------------------ |
 * | auth key of the main DC                  | the session's `authKey`, written at once                     |
 * | `dc_main`                                | the session's `dcId`, `serverAddress`, `port`, `testMode`    |
 * | `current_user`                           | the session's `userId` and `isBot` (premium, usernames: memory) |
 * | `updates_pts/qts/date/seq`               | the session's update state 0, written on `driver.save()`     |
 * | `updates_channel:<id>`                   | the session's update state of that channel (marked id)       |
 * | peers (not min)                          | the session's peers: merged, indexed by id, username, phone |
 * | auth keys of other DCs, temporary keys   | memory                                                       |
 * | `dc_media`, `salts:<dc>`, other kv keys  | memory                                                       |
 * | min peers, `PeerInfo.complete` bytes     | memory (complete: the latest `completeCacheSize` peers)      |
 * | reference messages                       | memory                                                       |
 *
 * So after a restart mtcute finds its login, its DC (media DC = main DC),
 * the update states and every cached peer (as input peers; full objects it
 * fetches again when it needs them), and it reconnects to other DCs with
 * new keys. A full peer is never replaced by a min one (mtcute's own
 * storages do replace it).
 *
 * @param session The mtsession session to use.
 * @param options Closing, test mode and memory options.
 * @returns The storage provider.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import { TelegramClient } from "@mtcute/node";
 *
 * const session = await openSession("my_account"); // my_account.session
 * const tg = new TelegramClient({
 *   apiId: 12345,
 *   apiHash: "0123456789abcdef0123456789abcdef",
 *   storage: mtcuteStorage(session, { closeSession: true }),
 * });
 * await tg.start({ botToken: "123:abc" });
 * ```
 */
export function mtcuteStorage(
  session: Session,
  options: MtcuteStorageOptions = {},
): MtcuteStorage {
  if (
    typeof session !== "object" || session === null ||
    typeof session.processEntities !== "function" ||
    typeof session.getAuth !== "function"
  ) {
    throw new TypeError("Expected an mtsession Session (see openSession)");
  }
  const bridge = new Bridge(session, { ...options });
  return {
    driver: new Driver(bridge),
    kv: new KeyValue(bridge),
    authKeys: new AuthKeys(bridge),
    peers: new Peers(bridge),
    refMessages: new RefMessages(bridge),
    session,
  };
}
