/**
 * mtsession keeps Telegram MTProto client sessions — the login (data
 * center, auth key, account) and the caches beside it (peers, update
 * states, uploaded files) — on Deno, Bun and Node.
 *
 * This entry point is runtime-neutral: it imports no driver and no adapter.
 *
 * @example Resolve peers the way Telethon users expect
 * ```ts
 * import { openSession } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * await using session = await openSession(":memory:");
 * await session.processEntities({
 *   users: [{ _: "user", id: 111111111, accessHash: -8601234567890123456n, firstName: "Alice", username: "Alice_L" }],
 *   chats: [{ _: "chat", id: 987654321, title: "Basic Group" }],
 * });
 * assert.deepEqual(await session.getInputPeer("@alice_l"), {
 *   _: "inputPeerUser",
 *   userId: 111111111,
 *   accessHash: -8601234567890123456n,
 * });
 * assert.deepEqual(await session.getInputPeer(987654321), {
 *   _: "inputPeerChat",
 *   chatId: 987654321,
 * });
 * ```
 *
 * @module
 */

export type {
  AuthState,
  CachedFile,
  ClientValue,
  DataCenter,
  DcAuthKey,
  FileType,
  InputPeer,
  InputPeerChannel,
  InputPeerChannelFromMessage,
  InputPeerChat,
  InputPeerUser,
  InputPeerUserFromMessage,
  MessageRef,
  PeerRecord,
  PeerType,
  TempAuthKey,
  UpdateState,
} from "./src/types.ts";
export { PEER_TYPES } from "./src/types.ts";
export {
  type FormatAttempt,
  MissingFieldsError,
  PassphraseError,
  type PeerKeyKind,
  PeerNotFoundError,
  PeerRefusedError,
  type RefusedPeer,
  type RefusedValue,
  SessionClosedError,
  SessionError,
  SessionFileError,
  SessionInUseError,
  SessionStringError,
  type StringFormat,
  type TdataAccountChoice,
  TdataAccountError,
  ValueRefusedError,
  ZipError,
  type ZipProblem,
} from "./src/errors.ts";
export type {
  ClientValueChange,
  DcAuthKeyChange,
  MessageRefFilter,
  PeerLookup,
  SessionStorage,
  TempAuthKeyChange,
} from "./src/storage.ts";
export {
  type InputPeerLike,
  type PeerKey,
  Session,
  type SessionOptions,
} from "./src/session.ts";
export { MemoryStorage } from "./src/memory/memory_storage.ts";
export {
  type WholePart,
  WholeSessionMethods,
} from "./src/backend/whole_methods.ts";
export {
  isSessionStorage,
  listSessions,
  openSession,
  openSessionStore,
  type StringSessionOptions,
} from "./src/open.ts";
export type { SessionStore, StoreOpenOptions } from "./src/store/store.ts";
export type { SqliteSessionOptions } from "./src/sqlite/session_file.ts";
export type { SqliteSessionStore } from "./src/sqlite/sqlite_store.ts";
export {
  type ForeignData,
  type ForeignFlavor,
  type ForeignKind,
  type ForeignLibrary,
  type ForeignSession,
  importSessionFile,
  type ImportSessionFileOptions,
  readSessionFile,
  type ReadSessionFileOptions,
  type SessionFileFormat,
  writeSessionFile,
} from "./src/files.ts";
export {
  SqliteStorage,
  type SqliteStorageOptions,
} from "./src/sqlite/sqlite_storage.ts";
export { migrateSqlite, SCHEMA_VERSION } from "./src/sqlite/schema.ts";
export { withTransaction } from "./src/sqlite/transaction.ts";
export type {
  SqliteDatabase,
  SqliteDriverName,
  SqliteOpenOptions,
  SqliteStatement,
  SqlRow,
  SqlValue,
} from "./src/sqlite/driver.ts";
export {
  SqliteDriverUnavailableError,
  type SqliteRuntime,
} from "./src/sqlite/errors.ts";
export {
  decodeSessionString,
  droppedFields,
  encodeSessionString,
  type WholeSessionParts,
} from "./src/strings/codec.ts";
export {
  type DcOption,
  type DecodedSessionString,
  type DecodeOptions,
  type EncodeOptions,
  STRING_FORMATS,
} from "./src/strings/types.ts";
export {
  type DcAddress,
  dcAddress,
  findDcByAddress,
} from "./src/strings/dc_table.ts";
export {
  CHANNEL_ID_OFFSET,
  markPeerId,
  parsePeerId,
  type PeerKind,
} from "./src/peers/ids.ts";
export { entityToPeer } from "./src/peers/normalize.ts";
export { toInputPeer } from "./src/peers/input_peer.ts";
export {
  type ParsedUsername,
  parsePhone,
  parseUsername,
} from "./src/peers/keys.ts";
export {
  readTdata,
  readTdataFiles,
  type ReadTdataFilesOptions,
  type ReadTdataOptions,
  readTdataZip,
  type ReadTdataZipOptions,
  TdataAccount,
  type TdataAccountInit,
  TdataAccounts,
  type TdataKey,
  type TdataSkipped,
  type TdataSkipReason,
  type TdataWriteInput,
  writeTdata,
  type WriteTdataOptions,
} from "./src/tdata/tdata.ts";
