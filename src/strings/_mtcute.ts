// mtcute string session v3: base64url (no padding) of
//   u8 3 | int32 LE flags (1 self, 2 legacy test mode, 4 media DC)
//   | TL bytes main DC | [TL bytes media DC] | [int53 LE user id + TL Bool]
//   | TL bytes auth key
// DC blob: see _mtcute_dc.ts (read strictly here)

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { blankAuth, userIdOf } from "./_common.ts";
import { readMtcuteDc, writeMtcuteDc } from "./_mtcute_dc.ts";
import { type DcOption, type DecodedSessionString, Unfit } from "./types.ts";

const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

/** Decodes an mtcute v3 string session. */
export function decodeMtcute(text: string): DecodedSessionString {
  const bytes = decodeBase64(text, "urlsafe");
  if (!bytes || text.includes("=")) {
    throw new Unfit("is not unpadded base64url");
  }
  const r = new ByteReader(bytes);
  const version = r.u8();
  if (version !== 3) {
    throw new Unfit("does not start with version byte 3");
  }
  const flags = r.i32le();
  if (flags & ~7) throw new Unfit("has unknown flags");
  const main = readMtcuteDc(r.tlBytes(), true);
  const media = flags & 4 ? readMtcuteDc(r.tlBytes(), true) : undefined;
  let userId: number | null = null;
  let isBot: boolean | null = null;
  if (flags & 1) {
    userId = userIdOf(r.i64le());
    const ctor = r.u32le();
    if (ctor !== BOOL_TRUE && ctor !== BOOL_FALSE) {
      throw new Unfit("has an invalid TL Bool for the bot flag");
    }
    isBot = ctor === BOOL_TRUE;
  }
  const key = r.tlBytes();
  if (key.length !== 256) throw new Unfit(`has a ${key.length}-byte key`);
  if (r.remaining !== 0) throw new Unfit(`has ${r.remaining} trailing bytes`);
  return {
    format: "mtcute",
    layout: "mtcute-v3",
    auth: {
      ...blankAuth(),
      dcId: main.id,
      serverAddress: main.address,
      port: main.port,
      authKey: key,
      testMode: main.testMode || (flags & 2) !== 0,
      userId,
      isBot,
    },
    ...(media ? { mediaDc: media } : {}),
  };
}

/** Encodes an mtcute v3 string session. */
export function encodeMtcute(a: {
  dcId: number;
  address: string;
  port: number;
  testMode: boolean;
  key: Uint8Array;
  self: { userId: number; isBot: boolean } | null;
  media: DcOption | undefined;
}): string {
  if (a.dcId > 255) throw new Unfit(`cannot carry dc id ${a.dcId} (one byte)`);
  const main: DcOption = {
    id: a.dcId,
    address: a.address,
    port: a.port,
    ipv6: a.address.includes(":"),
    mediaOnly: false,
    testMode: a.testMode,
  };
  const flags = (a.self ? 1 : 0) | (a.media ? 4 : 0);
  const w = new ByteWriter().u8(3).i32le(flags).tlBytes(writeMtcuteDc(main));
  if (a.media) w.tlBytes(writeMtcuteDc(a.media));
  if (a.self) {
    w.i64le(BigInt(a.self.userId)).u32le(a.self.isBot ? BOOL_TRUE : BOOL_FALSE);
  }
  w.tlBytes(a.key);
  return encodeBase64(w.finish(), "urlsafe", false);
}
