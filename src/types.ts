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
  /**
   * `true` for a "min" peer: one Telegram sent without a usable access hash
   * (`min` users and channels), addressable only through the message it was
   * seen in (see {@linkcode MessageRef}). Absent or `false` for a full peer.
   * A min record never replaces a full one.
   */
  min?: boolean;
  /**
   * The client's own serialized object for this peer (mtcute keeps the TL
   * bytes of the full `User` or `Chat` here): opaque bytes, stored and
   * returned as given. Absent when the client gave none; a record without
   * it keeps the bytes a known record has.
   */
  raw?: Uint8Array;
}

/**
 * A data center the session knows: where to reach it. A session may know
 * several (every DC it has talked to, and media-only DCs); the one it
 * logged in on is {@linkcode AuthState.dcId}.
 */
export interface DataCenter {
  /** Data-center id (1–5 in production, 1–3 in test mode). */
  id: number;
  /** Whether this DC belongs to Telegram's test servers. */
  testMode: boolean;
  /** Whether this entry is the DC's media-only endpoint. */
  mediaOnly: boolean;
  /** IPv4 address (or a host name), or `null` when not known. */
  ipv4: string | null;
  /** IPv6 address, or `null` when not known. */
  ipv6: string | null;
  /** TCP port (for both addresses). */
  port: number;
}

/**
 * The permanent auth key of a data center other than the main one (the
 * main DC's key is {@linkcode AuthState.authKey}).
 */
export interface DcAuthKey {
  /** Data-center id. */
  dcId: number;
  /** The 256-byte MTProto auth key: a password to the account. */
  key: Uint8Array;
}

/**
 * A temporary (perfect-forward-secrecy) auth key, bound to a permanent one;
 * a client may keep several per DC, by index.
 */
export interface TempAuthKey {
  /** Data-center id. */
  dcId: number;
  /** The client's index of the key within the DC (mtcute: connection kind). */
  index: number;
  /** The 256-byte temporary key. */
  key: Uint8Array;
  /** When it stops being valid, in the client's own time unit (mtcute: ms). */
  expiresAt: number;
}

/**
 * A named value a client owns and the session keeps for it, as opaque bytes
 * (mtcute's server salts, its media-DC record, …).
 */
export interface ClientValue {
  /** The name (1–256 characters, no NUL). */
  name: string;
  /** The bytes. */
  value: Uint8Array;
}

/**
 * Where a min peer was seen: a message that mentions it, which makes it
 * addressable (`inputPeerUserFromMessage`, `inputPeerChannelFromMessage`).
 */
export interface MessageRef {
  /** Marked id of the min peer. */
  peerId: number;
  /** Marked id of the chat the message is in. */
  chatId: number;
  /** The message id. */
  messageId: number;
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

/**
 * A TL-shaped `inputPeerUserFromMessage`: a min user, addressed through a
 * message that mentions it.
 */
export interface InputPeerUserFromMessage {
  /** Constructor name. */
  readonly _: "inputPeerUserFromMessage";
  /** The chat the message is in. */
  readonly peer: InputPeerUser | InputPeerChat | InputPeerChannel;
  /** The message id. */
  readonly msgId: number;
  /** The user's id. */
  readonly userId: number;
}

/**
 * A TL-shaped `inputPeerChannelFromMessage`: a min channel, addressed
 * through a message that mentions it.
 */
export interface InputPeerChannelFromMessage {
  /** Constructor name. */
  readonly _: "inputPeerChannelFromMessage";
  /** The chat the message is in. */
  readonly peer: InputPeerUser | InputPeerChat | InputPeerChannel;
  /** The message id. */
  readonly msgId: number;
  /** The channel's bare (positive) id. */
  readonly channelId: number;
}

/** The input peers a session can build from its cache. */
export type InputPeer =
  | InputPeerUser
  | InputPeerChat
  | InputPeerChannel
  | InputPeerUserFromMessage
  | InputPeerChannelFromMessage;
