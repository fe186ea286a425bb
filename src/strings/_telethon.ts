// Telethon v1 StringSession: "1" + urlsafe base64 (with "=" padding) of
// dc u8 | IPv4 (4) or IPv6 (16) | port u16 BE | auth key (256).

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import type { AuthState } from "../types.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./_ip.ts";
import { type DecodedSessionString, Unfit } from "./types.ts";
import { blankAuth, keyOrNull } from "./_common.ts";

/** Decodes a Telethon string session. */
export function decodeTelethon(text: string): DecodedSessionString {
  if (!text.startsWith("1")) throw new Unfit('does not start with "1"');
  const rest = text.slice(1);
  if (rest.length !== 352 && rest.length !== 368) {
    throw new Unfit(
      `is ${text.length} characters; Telethon strings are 353 (IPv4) or ` +
        `369 (IPv6) with "=" padding`,
    );
  }
  const bytes = decodeBase64(rest, "either");
  if (!bytes) throw new Unfit("is not valid base64");
  const ipv6 = rest.length === 368;
  // GramJS's rule, which Telethon strings of 369 characters share with
  // GramJS strings: a big-endian int16 above 100 after the dc byte is an
  // IPv6 address, anything else is GramJS's address length.
  if (ipv6 && ((bytes[1]! << 8) | bytes[2]!) <= 100) {
    throw new Unfit("has GramJS's layout (an address length after the dc)");
  }
  const r = new ByteReader(bytes);
  const dcId = r.u8();
  const ip = r.bytes(ipv6 ? 16 : 4);
  const port = r.u16be();
  const key = r.bytes(256);
  if (dcId === 0) throw new Unfit("has dc id 0");
  if (port === 0) throw new Unfit("has port 0");
  const auth: AuthState = {
    ...blankAuth(),
    dcId,
    serverAddress: ipv6 ? formatIpv6(ip) : formatIpv4(ip),
    port,
    authKey: keyOrNull(key),
  };
  return {
    format: "telethon",
    layout: ipv6 ? "telethon-ipv6" : "telethon-ipv4",
    auth,
  };
}

/** Encodes a Telethon string session; the auth state must be complete. */
export function encodeTelethon(
  dcId: number,
  address: string,
  port: number,
  key: Uint8Array,
): string {
  if (dcId > 255) throw new Unfit(`cannot carry dc id ${dcId} (one byte)`);
  const ip = parseIpv4(address) ?? parseIpv6(address);
  if (!ip) {
    throw new Unfit(
      "needs an IP address (Telethon packs the address as IP bytes, not a " +
        "host name)",
    );
  }
  const bytes = new ByteWriter().u8(dcId).bytes(ip).u16be(port).bytes(key)
    .finish();
  return "1" + encodeBase64(bytes, "urlsafe", true);
}
