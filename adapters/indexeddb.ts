/**
 * IndexedDB storage, for browsers and workers: many sessions in one
 * database of the page's origin, or one session by name. Nothing leaves
 * the browser.
 *
 * - Records are structured clones: `bigint` access hashes and ids and
 *   `Uint8Array` keys come back exactly.
 * - Indexes for id, username, phone and name: no lookup scans.
 * - Peers and message references are batched; each batch is one
 *   transaction (all or nothing), merged by the rules every backend
 *   shares. Auth, data centers and keys are durable when set.
 * - A session is open in one tab or worker at a time (Web Locks):
 *   elsewhere, opening it throws `SessionInUseError`, or waits with
 *   `{ wait }`.
 *
 * @example Usage
 * ```ts ignore
 * import { openIndexedDbSession } from "@mtsession/mtsession/indexeddb";
 *
 * await using session = await openIndexedDbSession("main");
 * await session.setDc(2, "149.154.167.51", 443);
 * await session.processEntities({
 *   _: "user", id: 5123456789, accessHash: -(2n ** 63n), username: "big",
 * });
 * console.log(await session.getInputPeer("@big"));
 * // → { _: "inputPeerUser", userId: 5123456789, accessHash: -9223372036854775808n }
 * ```
 *
 * @module
 */

export {
  IndexedDbStore,
  type IndexedDbStoreOptions,
  openIndexedDbSession,
  openIndexedDbStore,
} from "../src/indexeddb/indexeddb_store.ts";
export {
  IndexedDbStorage,
  type IndexedDbStorageOptions,
} from "../src/indexeddb/indexeddb_storage.ts";
export {
  type IdbCursorLike,
  type IdbDatabaseLike,
  type IdbFactoryLike,
  type IdbIndexLike,
  type IdbKey,
  type IdbKeyRangeLike,
  type IdbKeyRangeStatic,
  type IdbObjectStoreLike,
  type IdbOpenRequestLike,
  type IdbQueryable,
  type IdbRequestLike,
  type IdbTransactionLike,
  type IndexedDbProvider,
  IndexedDbUnavailableError,
} from "../src/indexeddb/idb.ts";
export { SessionInUseError } from "../src/errors.ts";
export type { SessionStore, StoreOpenOptions } from "../src/store/store.ts";
