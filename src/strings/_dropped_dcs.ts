// What a target format cannot carry of a session's other data centers and
// keys, named per DC ("auth key of DC 4", "DC 2 media address", "DC 2 IPv6
// address"). Shared by droppedFields (strings/codec.ts) and the notes of
// the foreign file writers. Private to the library; imports no storage.

import type { DataCenter, DcAuthKey } from "../types.ts";
import { canonicalAddress } from "./_ip.ts";

/** How much of the data centers and keys a format holds. */
export interface DcCapacity {
  /**
   * Which data centers besides the main DC's address: `none`, the main
   * DC's `media` one (mtcute), every `non-media` one (Telethon 2 files),
   * or `all` (mtsession).
   */
  readonly dcs: "none" | "media" | "non-media" | "all";
  /** Whether the permanent keys of the other DCs are held. */
  readonly keys: boolean;
  /** The main DC's address as the format keeps it, or `null`. */
  readonly mainAddress: string | null;
}

/** The media entry mtcute keeps: the main DC's, else the first one. */
function mediaPick(
  dcs: readonly DataCenter[],
  mainDc: number | null,
): DataCenter | undefined {
  return dcs.find((d) => d.mediaOnly && d.id === mainDc) ??
    dcs.find((d) => d.mediaOnly);
}

/**
 * Names what a format drops of the data centers and other DCs' keys.
 *
 * @param mainDc The session's main DC id.
 * @param dcs The session's data centers.
 * @param keys Permanent keys of DCs (a key of the main DC is not counted).
 * @param cap What the format holds.
 * @returns One phrase per dropped part, e.g. "auth key of DC 4".
 */
export function droppedDcParts(
  mainDc: number | null,
  dcs: readonly DataCenter[],
  keys: readonly DcAuthKey[],
  cap: DcCapacity,
): string[] {
  const out: string[] = [];
  const media = cap.dcs === "media" ? mediaPick(dcs, mainDc) : undefined;
  const main = cap.mainAddress === null
    ? null
    : canonicalAddress(cap.mainAddress);
  for (const dc of dcs) {
    const addresses: [string, string][] = [];
    if (dc.ipv4 !== null) addresses.push(["IPv4", dc.ipv4]);
    if (dc.ipv6 !== null) addresses.push(["IPv6", dc.ipv6]);
    const kept = (address: string): boolean => {
      if (cap.dcs === "all") return true;
      if (cap.dcs === "non-media" && !dc.mediaOnly) return true;
      if (dc === media) return address === (dc.ipv4 ?? dc.ipv6);
      return !dc.mediaOnly && dc.id === mainDc &&
        canonicalAddress(address) === main;
    };
    const dropped = addresses.filter(([, a]) => !kept(a));
    if (dropped.length === 0) continue;
    const name = `DC ${dc.id}${dc.mediaOnly ? " media" : ""}`;
    out.push(
      dropped.length === addresses.length
        ? `${name} address${dropped.length > 1 ? "es" : ""}`
        : `${name} ${dropped[0]![0]} address`,
    );
  }
  if (!cap.keys) {
    for (const k of keys) {
      if (k.dcId !== mainDc) out.push(`auth key of DC ${k.dcId}`);
    }
  }
  return out;
}
