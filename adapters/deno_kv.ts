/**
 * Deno KV storage: many sessions in one Deno KV database (a local file, or
 * the project's KV on Deno Deploy), keyed by id. Needs Deno with
 * `--unstable-kv` (or `"unstable": ["kv"]` in deno.json); on Node and Bun,
 * pass a `Kv` of the `@deno/kv` npm package.
 *
 * - Keys `["mtsession", sessionId, "peer", id]`, with index keys for every
 *   username and phone, so lookups never scan.
 * - Values keep `bigint` and `Uint8Array` as such: access hashes and keys
 *   are exact.
 * - Peers are batched and written in atomic operations of at most 1000
 *   mutations (a peer's record and its index entries always together),
 *   checked against the session's version key: concurrent writers merge
 *   without losing updates.
 * - The whole session: data centers, keys of other DCs, temporary keys
 *   (expired ones deleted when read), client values and message
 *   references (one key per reference, indexed by message). Keys are
 *   durable when set; references are batched like peers.
 * - Deno KV holds values up to 64 KiB and keys up to 2 KiB: a client value
 *   over that is refused alone (`setValues` stores the rest and throws
 *   `ValueRefusedError`), a peer record over it (its `raw` bytes) too (the
 *   next save throws `PeerRefusedError`).
 * - A session is open in one place at a time (a lease renewed while it is
 *   open): elsewhere `open()` throws `SessionInUseError`, or waits with
 *   `{ wait }`.
 *
 * @example Usage
 * ```ts ignore
 * import { openDenoKvStore } from "@mtsession/mtsession/deno-kv";
 *
 * await using store = await openDenoKvStore("./sessions.kv");
 * await using session = await store.open("main");
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
  type DenoKvOpenOptions,
  DenoKvStore,
  type DenoKvStoreOptions,
  openDenoKvStore,
} from "../src/deno_kv/deno_kv_store.ts";
export {
  DenoKvStorage,
  type DenoKvStorageOptions,
} from "../src/deno_kv/deno_kv_storage.ts";
export {
  type DenoKvAtomicOperation,
  type DenoKvEntryMaybe,
  type DenoKvKey,
  type DenoKvKeyPart,
  type DenoKvLike,
  DenoKvUnavailableError,
} from "../src/deno_kv/kv.ts";
export {
  PeerRefusedError,
  SessionInUseError,
  ValueRefusedError,
} from "../src/errors.ts";
export type { SessionStore, StoreOpenOptions } from "../src/store/store.ts";
