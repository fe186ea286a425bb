// MTKruto auth strings: base64url (no padding) of Telegram-RLE (a zero run
// becomes 00 n, n ≤ 255) of
//   TL string dc ("1".."5", "1-test".."3-test") | TL bytes key
//   [| int32 LE api id [| u8 bot | int64 LE user id]]
// No version byte; what follows the key grew twice:
//   0.1.142–0.1.170  dc | key                  (exportSessionString, 2024-01)
//   0.1.180–0.1.600  dc | key | api id          (api id only when known)
//   0.1.700 onwards  dc | key | api id | bot | user id   (2024-04)
// The older readers read the fields they knew and ignored the rest; the
// current one needs all five. Padding and the standard alphabet are
// accepted, as MTKruto's own decoder accepts them. The address comes from
// the DC table.

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { blankAuth, bool, userIdOf } from "./_common.ts";
import { dcAddress } from "./dc_table.ts";
import { type DecodedSessionString, Unfit } from "./types.ts";

function rleDecode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b !== 0) {
      out.push(b);
      continue;
    }
    const n = data[++i];
    if (n === undefined || n === 0) throw new Unfit("has a broken zero run");
    for (let k = 0; k < n; k++) out.push(0);
  }
  return Uint8Array.from(out);
}

function rleEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length;) {
    if (data[i] !== 0) {
      out.push(data[i++]!);
      continue;
    }
    let n = 0;
    while (i < data.length && data[i] === 0 && n < 255) {
      n++;
      i++;
    }
    out.push(0, n);
  }
  return Uint8Array.from(out);
}

/** The layouts, by what follows the key. */
const LAYOUT_BY_TAIL: Record<number, string> = {
  0: "mtkruto-dc-key",
  4: "mtkruto-dc-key-api",
  13: "mtkruto",
};

/** Decodes an MTKruto auth string of any of its three layouts. */
export function decodeMtkruto(text: string): DecodedSessionString {
  const raw = decodeBase64(text, "either");
  if (!raw) throw new Unfit("is not valid base64url");
  const r = new ByteReader(rleDecode(raw));
  const dc = r.tlString();
  const m = /^([1-5])(-test)?$/.exec(dc);
  if (!m) throw new Unfit("does not start with an MTKruto DC name");
  const dcId = Number(m[1]);
  const testMode = m[2] !== undefined;
  const key = r.tlBytes();
  if (key.length !== 256) throw new Unfit(`has a ${key.length}-byte key`);
  const layout = LAYOUT_BY_TAIL[r.remaining];
  if (layout === undefined) {
    throw new Unfit(`has ${r.remaining} bytes after the key`);
  }
  const apiId = r.remaining > 0 ? r.i32le() : null;
  const isBot = r.remaining > 0 ? bool(r.u8(), "bot flag") : null;
  const userId = r.remaining > 0 ? userIdOf(r.i64le()) : null;
  if (apiId !== null && apiId <= 0) throw new Unfit("has an invalid api id");
  const address = dcAddress(dcId, testMode);
  if (!address) throw new Unfit(`names dc ${dc}, which does not exist`);
  return {
    format: "mtkruto",
    dataCenters: [],
    authKeys: [],
    layout,
    auth: {
      ...blankAuth(),
      dcId,
      serverAddress: address.address,
      port: address.port,
      authKey: key,
      testMode,
      apiId,
      userId,
      isBot,
    },
  };
}

/** Encodes an MTKruto auth string. */
export function encodeMtkruto(a: {
  dcId: number;
  testMode: boolean;
  key: Uint8Array;
  apiId: number;
  isBot: boolean;
  userId: number;
}): string {
  if (!dcAddress(a.dcId, a.testMode) || a.dcId > 5) {
    throw new Unfit(
      `cannot name dc ${a.dcId}${a.testMode ? " (test)" : ""}: MTKruto ` +
        `knows DCs 1–5 and test DCs 1–3`,
    );
  }
  const w = new ByteWriter()
    .tlString(`${a.dcId}${a.testMode ? "-test" : ""}`)
    .tlBytes(a.key)
    .i32le(a.apiId)
    .u8(a.isBot ? 1 : 0)
    .i64le(BigInt(a.userId));
  return encodeBase64(rleEncode(w.finish()), "urlsafe", false);
}
