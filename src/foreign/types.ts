/**
 * The shapes of foreign session files as the library hands them out:
 * what a file is ({@linkcode ForeignKind}), what reading one gives
 * ({@linkcode ForeignSession}) and what a writer takes
 * ({@linkcode ForeignData}). Re-exported by mod.ts (through files.ts); the
 * readers and writers behind them are private.
 *
 * @module
 */

import type {
  AuthState,
  CachedFile,
  ClientValue,
  DataCenter,
  DcAuthKey,
  MessageRef,
  PeerRecord,
  TempAuthKey,
  UpdateState,
} from "../types.ts";

/**
 * The library whose session file this is; `"tdata"` for a Telegram
 * Desktop `tdata` folder.
 *
 * @example Usage
 * ```ts
 * import type { ForeignLibrary } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const library: ForeignLibrary = "pyrogram";
 * assert.equal(library, "pyrogram");
 * ```
 */
export type ForeignLibrary = "telethon" | "pyrogram" | "mtsession" | "tdata";

/**
 * Which line of the library wrote the file:
 *
 * - `telethon`: Telethon v1, SQLite schemas 1–7.
 * - `telethon2`: the Telethon 2 rewrite, schema 10.
 * - `pyrogram`: upstream Pyrogram, schemas 1–3.
 * - `kurigram`: Kurigram and PyroTGFork, schemas 4–7 (usernames in their
 *   own `usernames(id, username)` table).
 * - `pyrofork`: pyrofork's own schema 4 (`peers.username` kept, extra
 *   usernames in `usernames(id = the username, peer_id)`).
 * - `tdata`: a Telegram Desktop `tdata` folder (one of its accounts).
 *
 * @example Usage
 * ```ts
 * import type { ForeignFlavor } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const flavor: ForeignFlavor = "kurigram";
 * assert.equal(flavor, "kurigram");
 * ```
 */
export type ForeignFlavor =
  | "telethon"
  | "telethon2"
  | "pyrogram"
  | "kurigram"
  | "pyrofork"
  | "mtsession"
  | "tdata";

/**
 * What a foreign session file is.
 *
 * @example Usage
 * ```ts
 * import type { ForeignKind } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const kind: ForeignKind = {
 *   library: "telethon",
 *   flavor: "telethon",
 *   schema: 7,
 *   storedVersion: 7,
 *   description: "a Telethon session file (schema 7)",
 * };
 * assert.equal(kind.schema, 7);
 * ```
 */
export interface ForeignKind {
  /** The library. */
  readonly library: ForeignLibrary;
  /** The line of the library (fork) that wrote it. */
  readonly flavor: ForeignFlavor;
  /**
   * The schema, as the writer numbers it, told from the tables and columns;
   * `null` when the layout fits more than one number and the `version`
   * table does not settle it.
   */
  readonly schema: number | null;
  /**
   * The number in the file's `version` table, which may disagree with
   * `schema` (PyroTGFork's drift), or `null` when there is none; for a
   * tdata folder, the version of the Telegram Desktop that wrote its
   * `key_datas` (e.g. 6001002), and `schema` is `null`.
   */
  readonly storedVersion: number | null;
  /**
   * A phrase for messages, e.g. "a Telethon session file (schema 7)".
   */
  readonly description: string;
}

/**
 * Everything read from a foreign session file.
 *
 * @example Usage
 * ```ts
 * import type { ForeignSession } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const session: ForeignSession = {
 *   kind: {
 *     library: "pyrogram",
 *     flavor: "pyrogram",
 *     schema: 3,
 *     storedVersion: 3,
 *     description: "a Pyrogram session file (schema 3)",
 *   },
 *   auth: {
 *     dcId: 2, serverAddress: "149.154.167.51", port: 443, authKey: null,
 *     testMode: false, apiId: 12345, userId: null, isBot: null, date: 0,
 *     takeoutId: null,
 *   },
 *   dataCenters: [],
 *   authKeys: [],
 *   peers: [],
 *   updateStates: [],
 *   files: [],
 *   notes: [],
 * };
 * assert.equal(session.auth.dcId, 2);
 * ```
 */
export interface ForeignSession {
  /** What the file is. */
  kind: ForeignKind;
  /** DC, auth key and account. Fields the format lacks are `null`. */
  auth: AuthState;
  /**
   * Every data center the file names (Telethon 2: one per `datacenter`
   * row, the home DC's included; mtsession: every known one, in order;
   * tdata: Telegram's address of each DC the account has a key for);
   * empty for the formats of one DC.
   */
  dataCenters: DataCenter[];
  /**
   * The permanent keys of the DCs other than the home one (Telethon 2,
   * mtsession, tdata); the home DC's is `auth.authKey`.
   */
  authKeys: DcAuthKey[];
  /**
   * The cached peers, oldest first: when two peers share a username, the
   * later one is the newer, which is the one that keeps it.
   */
  peers: PeerRecord[];
  /** Update states: the account's (entity 0) first, then by entity id. */
  updateStates: UpdateState[];
  /** Telethon's cache of uploaded files. */
  files: CachedFile[];
  /** mtsession files only: the temporary keys not expired when read. */
  tempAuthKeys?: TempAuthKey[];
  /** mtsession files only: the client's own values, by name. */
  values?: ClientValue[];
  /** mtsession files only: message references, oldest first. */
  messageRefs?: MessageRef[];
  /**
   * What was dropped, guessed or could not be told, one sentence each,
   * for showing to a person. Empty when the file was read as it is.
   */
  notes: string[];
}

/**
 * What a writer takes: the auth state (any field may be missing) and the
 * caches. The `ForeignSession` that `readForeign` returns fits as is.
 *
 * @example Usage
 * ```ts
 * import type { ForeignData } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const data: ForeignData = {
 *   auth: { dcId: 2, authKey: new Uint8Array(256).fill(7), userId: 1234567890 },
 *   peers: [{
 *     id: 111111111, type: "user", accessHash: -8601234567890123456n,
 *     usernames: ["alice_l"], phone: "447700900123", name: "Alice Liddell",
 *     updatedAt: 1700000000,
 *   }],
 * };
 * assert.equal(data.peers?.length, 1);
 * ```
 */
export interface ForeignData {
  /** DC, auth key and account; missing fields count as unknown. */
  auth: Partial<AuthState>;
  /**
   * The session's data centers: a Telethon 2 file keeps the address of
   * every one that is not media-only; the other formats keep only the
   * main DC's (the notes name what is dropped).
   */
  dataCenters?: readonly DataCenter[];
  /**
   * Permanent keys of DCs other than the main one (a key of the main DC
   * is ignored: that one is `auth.authKey`). Only a Telethon 2 file keeps
   * them.
   */
  authKeys?: readonly DcAuthKey[];
  /** Cached peers. When two share a username, the later one keeps it. */
  peers?: readonly PeerRecord[];
  /** Update states: entity 0 and channels (marked ids). */
  updateStates?: readonly UpdateState[];
  /** Cached uploaded files (Telethon only). */
  files?: readonly CachedFile[];
  /** Temporary keys (mtsession only). */
  tempAuthKeys?: readonly TempAuthKey[];
  /** The client's own values (mtsession only). */
  values?: readonly ClientValue[];
  /** Message references, oldest first (mtsession only). */
  messageRefs?: readonly MessageRef[];
}
