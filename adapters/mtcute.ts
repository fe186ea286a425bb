/**
 * mtcute binding: a storage provider for mtcute's `TelegramClient`
 * (`@mtcute/node`, `@mtcute/bun`, `@mtcute/deno`, `@mtcute/core`), backed
 * by any mtsession session (memory, a session string, a SQLite file, a
 * storage of your own). Nothing is imported from mtcute.
 *
 * What mtcute gains over its own storages: username lookups are served by
 * an index (mtcute's SQLite storage scans every row), a full peer is never
 * replaced by a min one, and the login converts to and from Telethon,
 * Pyrogram, GramJS and MTKruto strings. Everything mtcute stores persists
 * with the session; {@linkcode mtcuteStorage} lists where each part goes.
 *
 * @example Run mtcute on a session file
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
 * const self = await tg.start({ botToken: process.env.BOT_TOKEN! });
 * console.log(self.id, await session.getInputPeer(self.id));
 * ```
 *
 * @example What mtcute stores lands in the session
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import { mtcuteStorage } from "@mtsession/mtsession/mtcute";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * const storage = mtcuteStorage(session);
 * await storage.driver.load();
 * await storage.authKeys.set(2, new Uint8Array(256).fill(7));
 * await storage.peers.store({
 *   id: 5123456789,
 *   accessHash: "1|-2147483648", // mtcute's "low|high" form
 *   isMin: false,
 *   usernames: ["alice_l"],
 *   updated: Date.now(),
 *   phone: "447700900123",
 *   complete: new Uint8Array(0),
 * });
 * await storage.driver.save();
 *
 * assert.equal(session.dcId, 2);
 * assert.deepEqual(await session.getInputPeer("@Alice_L"), {
 *   _: "inputPeerUser",
 *   userId: 5123456789,
 *   accessHash: -(2n ** 63n) + 1n,
 * });
 * assert.equal((await storage.peers.getByPhone("447700900123"))?.id, 5123456789);
 * ```
 *
 * @module
 */

export { mtcuteStorage } from "../src/clients/mtcute/mtcute_storage.ts";
export type {
  MtcuteAuthKeysRepository,
  MtcuteKeyValueRepository,
  MtcutePeerInfo,
  MtcutePeersRepository,
  MtcuteReferenceMessagesRepository,
  MtcuteStorage,
  MtcuteStorageDriver,
  MtcuteStorageOptions,
} from "../src/clients/mtcute/types.ts";
