/**
 * An mtcute storage provider (`{ driver, kv, authKeys, peers, refMessages }`
 * for `new TelegramClient({ storage })` of `@mtcute/core` and its runtime
 * packages) backed by any mtsession {@linkcode Session}.
 *
 * mtcute's repositories are mapped onto the session: every auth key and
 * DC, the logged-in user, the update states, the peers (min ones and
 * mtcute's TL bytes included), the reference messages and every other
 * key-value entry go to the session's storage; nothing is kept in memory
 * only (see {@linkcode mtcuteStorage}). The shapes are in `types.ts`.
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
 * Where mtcute's data goes — all of it into the session, so all of it
 * persists with the session's storage (memory, a SQLite file, PostgreSQL,
 * Deno KV, your own):
 *
 * | mtcute                                 | kept in the session as                                         |
 * | -------------------------------------- | -------------------------------------------------------------- |
 * | auth key of the main DC                | `authKey`, written at once                                     |
 * | auth keys of other DCs                 | `authKeyFor(dc)`, written at once                              |
 * | temporary (PFS) keys                   | its temporary keys (`getTempAuthKey`), written at once         |
 * | `dc_main`                              | `dcId`, `serverAddress`, `port`, `testMode` and a data center  |
 * | `dc_media`                             | the media-only data center of the main DC                      |
 * | `current_user`                         | `userId` and `isBot`; premium, usernames: value `mtcute:current_user` |
 * | `updates_pts/qts/date/seq`             | update state 0, written on `driver.save()`                     |
 * | `updates_channel:<id>`                 | the update state of that channel (marked id)                   |
 * | `salts:<dc>` and every other kv key    | the client value `mtcute:<key>`                                |
 * | peers, min peers, `PeerInfo.complete`  | its peers: merged, indexed; `min`; the TL bytes as `raw`       |
 * | reference messages                     | its message references                                         |
 *
 * Values, references and peers are written in the storage's batches:
 * durable on `driver.save()` (mtcute saves after storing peers and the
 * current user), as with mtcute's own SQLite storage. So after a restart
 * mtcute finds everything it stored. Differences from mtcute's storages: a
 * full peer is never replaced by a min one; a peer's `updated` time is
 * kept in whole seconds; `kv.deleteAll()` (mtcute's `storage.clear()`)
 * keeps the DCs, which belong with the key.
 *
 * @param session The mtsession session to use.
 * @param options Closing and test-mode options.
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
