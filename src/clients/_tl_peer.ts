// Reading the kind and name of a peer from the TL bytes mtcute keeps with it
// (`PeerInfo.complete`: a serialized User or Chat), without a TL schema.
//
// Only the head of each constructor is read. It has been the same for many
// layers while the constructor ids changed with every new trailing field:
//   user    flags:# flags2:# id:long access_hash:flags.0?long
//           first_name:flags.1?string last_name:flags.2?string   (bot: flags.14)
//   channel flags:# flags2:# id:long access_hash:flags.13?long title:string
//           (megagroup: flags.8, gigagroup: flags.26)
//   chat    flags:# id:long title:string
// and the short constructors, whose ids are stable: userEmpty, chatEmpty,
// chatForbidden, channelForbidden. The id read must equal the peer's id,
// or the result is discarded (a layout that moved is never trusted).
// Private to the library.

import { ByteReader } from "../strings/_bytes.ts";
import { parsePeerId } from "../peers/ids.ts";
import type { PeerType } from "../types.ts";

const USER_EMPTY = 0xd3bc4b7a;
const CHAT_EMPTY = 0x29562865;
const CHAT = 0x41cbf256;
const CHAT_FORBIDDEN = 0x6592a1a7;
const CHANNEL_FORBIDDEN = 0x17d493d5;

/** What the head of a serialized peer says. */
export interface PeerSummary {
  /** The kind of peer. */
  readonly type: PeerType;
  /** Display name or title, or null. */
  readonly name: string | null;
}

function joinName(first: string | null, last: string | null): string | null {
  const parts = [first, last].filter((x): x is string =>
    x !== null && x.length > 0
  );
  return parts.length > 0 ? parts.join(" ") : null;
}

function nonEmpty(s: string): string | null {
  return s.length > 0 ? s : null;
}

function read(bytes: Uint8Array, kind: string, bareId: number): PeerSummary {
  const r = new ByteReader(bytes);
  const ctor = r.u32le();
  const id = (): void => {
    if (r.i64le() !== BigInt(bareId)) throw new Error("id mismatch");
  };
  if (kind === "user") {
    if (ctor === USER_EMPTY) {
      id();
      return { type: "user", name: null };
    }
    const flags = r.u32le();
    r.u32le(); // flags2
    id();
    if (flags & 1) r.i64le();
    const first = flags & 2 ? r.tlString() : null;
    const last = flags & 4 ? r.tlString() : null;
    return {
      type: flags & (1 << 14) ? "bot" : "user",
      name: joinName(first, last),
    };
  }
  if (kind === "chat") {
    switch (ctor) {
      case CHAT_EMPTY:
        id();
        return { type: "chat", name: null };
      case CHAT_FORBIDDEN:
        id();
        return { type: "chat", name: nonEmpty(r.tlString()) };
      case CHAT:
        r.u32le();
        id();
        return { type: "chat", name: nonEmpty(r.tlString()) };
      default:
        throw new Error("unknown chat constructor");
    }
  }
  if (ctor === CHANNEL_FORBIDDEN) {
    const flags = r.u32le();
    id();
    r.i64le();
    return {
      type: flags & (1 << 8) ? "supergroup" : "channel",
      name: nonEmpty(r.tlString()),
    };
  }
  const flags = r.u32le();
  r.u32le(); // flags2
  id();
  if (flags & (1 << 13)) r.i64le();
  const group = (flags & (1 << 8)) !== 0 || (flags & (1 << 26)) !== 0;
  return {
    type: group ? "supergroup" : "channel",
    name: nonEmpty(r.tlString()),
  };
}

/**
 * The kind and name of a peer from its serialized User/Chat, or undefined
 * when the bytes do not read as expected for that id.
 *
 * @param bytes TL bytes of a User, Chat or Channel.
 * @param markedId The peer's marked id.
 * @returns The summary, or undefined.
 */
export function readPeerSummary(
  bytes: Uint8Array,
  markedId: number,
): PeerSummary | undefined {
  if (bytes.length < 12) return undefined;
  try {
    const { kind, id } = parsePeerId(markedId);
    return read(bytes, kind, id);
  } catch {
    return undefined;
  }
}
