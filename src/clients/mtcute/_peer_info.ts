// mtcute's PeerInfo and the session's PeerRecord, one into the other.
// Private to the library.

import { parsePeerId } from "../../peers/ids.ts";
import type { PeerRecord, PeerType } from "../../types.ts";
import { readPeerSummary } from "../_tl_peer.ts";
import { fromFastString, toFastString } from "./_codecs.ts";
import type { MtcutePeerInfo } from "./types.ts";

/** A copy of a PeerInfo, sharing no arrays or bytes with it. */
export function copyInfo(p: MtcutePeerInfo): MtcutePeerInfo {
  const out: MtcutePeerInfo = {
    id: p.id,
    accessHash: p.accessHash,
    isMin: Boolean(p.isMin),
    usernames: [...p.usernames],
    updated: p.updated,
    complete: p.complete.slice(),
  };
  if (p.phone !== undefined) out.phone = p.phone;
  return out;
}

/**
 * The session's record of a (full) peer: type and name from its TL bytes
 * when they are readable, else the kind of its id.
 *
 * @throws {TypeError | RangeError} When the id or the hash is malformed.
 */
export function toRecord(peer: MtcutePeerInfo): PeerRecord {
  const { kind } = parsePeerId(peer.id);
  const summary = peer.complete instanceof Uint8Array
    ? readPeerSummary(peer.complete, peer.id)
    : undefined;
  const fallback: PeerType = kind;
  const phone = kind === "user" && typeof peer.phone === "string"
    ? peer.phone.replace(/\D/g, "")
    : "";
  const updated = Number.isFinite(peer.updated)
    ? Math.floor(peer.updated / 1000)
    : Math.floor(Date.now() / 1000);
  return {
    id: peer.id,
    type: summary?.type ?? fallback,
    accessHash: kind === "chat" ? 0n : fromFastString(peer.accessHash),
    usernames: Array.isArray(peer.usernames)
      ? peer.usernames.map((u) => u.toLowerCase())
      : [],
    phone: phone.length > 0 ? phone : null,
    name: summary?.name ?? null,
    updatedAt: updated,
  };
}

/**
 * mtcute's PeerInfo of a session record.
 *
 * @param record The record.
 * @param complete The peer's TL bytes, when known.
 */
export function toInfo(
  record: PeerRecord,
  complete: Uint8Array | undefined,
): MtcutePeerInfo {
  const info: MtcutePeerInfo = {
    id: record.id,
    accessHash: toFastString(record.accessHash),
    isMin: false,
    usernames: [...record.usernames],
    updated: record.updatedAt * 1000,
    complete: complete ?? new Uint8Array(0),
  };
  if (record.phone !== null) info.phone = record.phone;
  return info;
}
