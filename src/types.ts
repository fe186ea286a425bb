/**
 * The data a session holds: plain records, no behaviour.
 *
 * @module
 */

/**
 * What lets a client reconnect without logging in again.
 *
 * Every field is `null` when it is not known. A session that came from a
 * Telethon string, for instance, knows no API id, user id or bot flag.
 */
export interface AuthState {
  /** Data-center id (1–5 in production, 1–3 in test mode). */
  dcId: number | null;
  /** IPv4 or IPv6 address, or a host name, of the data center. */
  serverAddress: string | null;
  /** TCP port of the data center. */
  port: number | null;
  /** The 256-byte MTProto auth key: a password to the account. */
  authKey: Uint8Array | null;
  /** Whether the session belongs to Telegram's test servers. */
  testMode: boolean | null;
  /** The API id the session was created with. */
  apiId: number | null;
  /** The id of the logged-in account. */
  userId: number | null;
  /** Whether the logged-in account is a bot. */
  isBot: boolean | null;
  /** Unix time (seconds) of the last save, as Pyrogram keeps it. */
  date: number | null;
  /** Id of an open takeout session (Telethon), a signed 64-bit integer. */
  takeoutId: bigint | null;
}

/**
 * The kind of a cached peer.
 *
 * `chat` is a basic group; `supergroup` covers megagroups, gigagroups and
 * forums; `channel` is a broadcast channel.
 */
export type PeerType = "user" | "bot" | "chat" | "channel" | "supergroup";

/** Every value {@linkcode PeerType} can take, in a stable order. */
export const PEER_TYPES: readonly PeerType[] = [
  "user",
  "bot",
  "chat",
  "channel",
  "supergroup",
];

/**
 * A cached peer: what is needed to address it again without a lookup on
 * Telegram's side.
 */
export interface PeerRecord {
  /**
   * Marked id in Bot-API form: a user's own id, `-id` for a basic chat,
   * `-(10^12 + id)` for a channel or supergroup.
   */
  id: number;
  /** What kind of peer this is. */
  type: PeerType;
  /** Signed 64-bit access hash; `0n` for basic chats, which have none. */
  accessHash: bigint;
  /** Every known username, lower-cased, the primary one first. */
  usernames: readonly string[];
  /** Phone number as digits only, or `null` when not known. */
  phone: string | null;
  /** Display name ("first last") or title, or `null` when not known. */
  name: string | null;
  /** Unix time (seconds) when this record was last written. */
  updatedAt: number;
}

/**
 * Update state of the account (entity 0) or of one channel (by marked id).
 */
export interface UpdateState {
  /** 0 for the account-wide state, else the channel's marked id. */
  entityId: number;
  /** Message box sequence number. */
  pts: number;
  /** Secret-chat / bot update sequence number. */
  qts: number;
  /** Unix time (seconds) of the state; may carry a fraction. */
  date: number;
  /** Updates sequence number. */
  seq: number;
}

/** What kind of media an uploaded file became. */
export type FileType = "document" | "photo";

/**
 * An uploaded file remembered by content, so the same bytes are not sent
 * twice.
 */
export interface CachedFile {
  /** The 16-byte MD5 digest of the file's content. */
  md5: Uint8Array;
  /** Size of the file in bytes. */
  size: number;
  /** Whether the file became a document or a photo. */
  type: FileType;
  /** Telegram's id of the document or photo (signed 64-bit). */
  id: bigint;
  /** Its access hash (signed 64-bit). */
  accessHash: bigint;
}

/** A TL-shaped `inputPeerUser`, as mtcute and our lookups produce it. */
export interface InputPeerUser {
  /** Constructor name. */
  readonly _: "inputPeerUser";
  /** The user's id. */
  readonly userId: number;
  /** The user's access hash. */
  readonly accessHash: bigint;
}

/** A TL-shaped `inputPeerChat` (basic group). */
export interface InputPeerChat {
  /** Constructor name. */
  readonly _: "inputPeerChat";
  /** The chat's bare (positive) id. */
  readonly chatId: number;
}

/** A TL-shaped `inputPeerChannel` (channel or supergroup). */
export interface InputPeerChannel {
  /** Constructor name. */
  readonly _: "inputPeerChannel";
  /** The channel's bare (positive) id. */
  readonly channelId: number;
  /** The channel's access hash. */
  readonly accessHash: bigint;
}

/** The input peers a session can build from its cache. */
export type InputPeer = InputPeerUser | InputPeerChat | InputPeerChannel;
