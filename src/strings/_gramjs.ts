// GramJS StringSession: "1" + standard base64 (padded) of
// dc u8 | int16 BE address length | address (UTF-8) | int16 BE port | key.
// GramJS reads Telethon strings too; those are left to the Telethon codec.
// (GramJS 1.0.0-alpha of 2019 wrote Telethon's IPv4 layout itself, in the
// standard alphabet: the Telethon codec reads those.) GramJS 1.0.2–1.1.0
// read every string in this layout; 1.2.0 (2021-03) took 352 characters
// after the "1" for Telethon IPv4, 2.5.32 (2022-03) an int16 above 100 for
// Telethon IPv6. So 352 characters that do not decode to Telethon's 263
// bytes (a 1- or 3-byte address) are read here as GramJS 1.1 read them.
// Node's decoder takes either alphabet, with or without padding, and so
// does this one.

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import { ByteReader, ByteWriter, decodeUtf8, encodeUtf8 } from "./_bytes.ts";
import { blankAuth, keyOrNull } from "./_common.ts";
import { type DecodedSessionString, Unfit } from "./types.ts";

/** Decodes a GramJS string session (its own layout only). */
export function decodeGramjs(text: string): DecodedSessionString {
  if (!text.startsWith("1")) throw new Unfit('does not start with "1"');
  const rest = text.slice(1);
  const bytes = decodeBase64(rest, "either");
  if (!bytes) throw new Unfit("is not valid base64");
  if (rest.length === 352 && bytes.length === 263) {
    throw new Unfit("is 353 characters, which GramJS reads as Telethon IPv4");
  }
  const r = new ByteReader(bytes);
  const dcId = r.u8();
  const addressLength = r.u16be();
  if (addressLength > 100) {
    throw new Unfit("has an IPv6 address where GramJS expects a length");
  }
  const address = decodeUtf8(r.bytes(addressLength));
  const port = r.u16be();
  const key = r.bytes(256);
  if (r.remaining !== 0) {
    throw new Unfit(`has ${r.remaining} bytes too many for the GramJS layout`);
  }
  if (dcId === 0 || addressLength === 0 || port === 0) {
    throw new Unfit("has an empty dc id, address or port");
  }
  if (!/^[\x21-\x7e]+$/.test(address)) {
    throw new Unfit("has an address that is not printable");
  }
  return {
    format: "gramjs",
    dataCenters: [],
    authKeys: [],
    layout: "gramjs",
    auth: {
      ...blankAuth(),
      dcId,
      serverAddress: address,
      port,
      authKey: keyOrNull(key),
    },
  };
}

/** Encodes a GramJS string session that GramJS itself reads back. */
export function encodeGramjs(
  dcId: number,
  address: string,
  port: number,
  key: Uint8Array,
): string {
  if (dcId > 255) throw new Unfit(`cannot carry dc id ${dcId} (one byte)`);
  if (port > 32767) {
    throw new Unfit(`cannot carry port ${port}: GramJS reads it as int16`);
  }
  const addr = encodeUtf8(address);
  if (addr.length < 4 || addr.length > 100) {
    throw new Unfit(
      "needs an address of 4 to 100 bytes (GramJS misreads other lengths)",
    );
  }
  const bytes = new ByteWriter().u8(dcId).u16be(addr.length).bytes(addr)
    .u16be(port).bytes(key).finish();
  return "1" + encodeBase64(bytes, "standard", true);
}
