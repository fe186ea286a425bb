// Telethon v1 StringSession: "1" + urlsafe base64 (with "=" padding) of
// dc u8 | IPv4 (4) or IPv6 (16) | port u16 BE | auth key (256).
//
// Telethon (1.2 onwards, unchanged since) reads 352 characters after the
// "1" as IPv4 and anything else as IPv6, with Python's decoder: padding is
// required and any number of "=" after it is taken. GramJS (2.5.32 on)
// reads Telethon strings too, with Node's decoder, which needs no padding:
// 352 characters as IPv4, else an IPv6 address when the big-endian int16
// after the dc is above 100, else its own layout. So an IPv6 string is
// read here with its padding, and without it or with more of it as GramJS
// reads it (an int16 above 100). A padded one with an int16 of 100 or less
// is Telethon's ("::ffff:…", "64:ff9b::…") unless GramJS reads it as a
// GramJS string, which only a 14-byte address ("149.154.167.51") makes as
// long: GramJS users get theirs, and the only Telethon strings left to
// GramJS are those of an address in e::/16, which IANA reserves.

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import type { AuthState } from "../types.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { decodeGramjs } from "./_gramjs.ts";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "./_ip.ts";
import { type DecodedSessionString, Unfit } from "./types.ts";
import { blankAuth, decodes, keyOrNull } from "./_common.ts";

/** Decodes a Telethon string session. */
export function decodeTelethon(text: string): DecodedSessionString {
  if (!text.startsWith("1")) throw new Unfit('does not start with "1"');
  const rest = text.slice(1);
  const data = rest.replace(/=+$/, "");
  const ipv6 = rest.length !== 352;
  if (ipv6 && rest.length !== 368 && data.length !== 367) {
    throw new Unfit(
      `is ${text.length} characters; Telethon strings are 353 (IPv4) or ` +
        `369 (IPv6) with "=" padding`,
    );
  }
  const bytes = decodeBase64(
    ipv6 && rest.length !== 368 ? data : rest,
    "either",
  );
  if (!bytes) throw new Unfit("is not valid base64");
  if (ipv6) {
    const int16 = (bytes[1]! << 8) | bytes[2]!;
    if (rest.length !== 368) {
      // Unpadded (GramJS) or padded more than needed (Telethon and GramJS):
      // read as GramJS reads it.
      if (int16 <= 100 || int16 > 0x7fff) {
        throw new Unfit(
          "has no padding or more than needed, and GramJS reads an int16 " +
            "outside 101–32767 after the dc as its own layout",
        );
      }
    } else if (
      int16 <= 100 && (bytes.length !== 275 || decodes(decodeGramjs, text))
    ) {
      throw new Unfit("has GramJS's layout (an address length after the dc)");
    }
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
    dataCenters: [],
    authKeys: [],
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
