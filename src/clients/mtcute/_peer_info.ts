// mtcute's PeerInfo and the session's PeerRecord, one into the other.
// Private to the library.

import { parsePeerId } from "../../peers/ids.ts";
import type { PeerRecord, PeerType } from "../../types.ts";
import { readPeerSummary } from "../_tl_peer.ts";
import { fromFastString, toFastString } from "./_codecs.ts";
import type { MtcutePeerInfo } from "./types.ts";

/**
 * The session's record of a peer: type and name from its TL bytes when
 * they are readable, else the kind of its id; the TL bytes themselves as
 * the record's raw bytes (none when empty); `min` when mtcute says so.
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
  const record: PeerRecord = {
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
  if (peer.isMin === true) record.min = true;
  if (peer.complete instanceof Uint8Array && peer.complete.length > 0) {
    record.raw = peer.complete;
  }
  return record;
}

/**
 * mtcute's PeerInfo of a session record (a basic chat's hash is empty, as
 * mtcute writes it; a record without raw bytes has empty TL bytes).
 *
 * @param record The record (a copy: its bytes are not shared).
 */
export function toInfo(record: PeerRecord): MtcutePeerInfo {
  const info: MtcutePeerInfo = {
    id: record.id,
    accessHash: parsePeerId(record.id).kind === "chat"
      ? ""
      : toFastString(record.accessHash),
    isMin: record.min === true,
    usernames: [...record.usernames],
    updated: record.updatedAt * 1000,
    complete: record.raw ?? new Uint8Array(0),
  };
  if (record.phone !== null) info.phone = record.phone;
  return info;
}
