// mtcute string session v3: base64url (no padding) of
//   u8 3 | int32 LE flags (1 self, 2 legacy test mode, 4 media DC)
//   | TL bytes main DC | [TL bytes media DC] | [int53 LE user id + TL Bool]
//   | TL bytes auth key
// DC blob: u8 2 | u8 id | u8 flags (1 ipv6, 2 media only, 4 test mode)
//          | TL string address | int32 LE port

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { blankAuth, userIdOf } from "./_common.ts";
import { type DcOption, type DecodedSessionString, Unfit } from "./types.ts";

const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

function readDc(blob: Uint8Array): DcOption {
  const r = new ByteReader(blob);
  const version = r.u8();
  if (version !== 2) throw new Unfit(`has a DC blob of version ${version}`);
  const id = r.u8();
  const flags = r.u8();
  if (flags & ~7) throw new Unfit("has unknown DC flags");
  const address = r.tlString();
  const port = r.i32le();
  if (r.remaining !== 0) throw new Unfit("has trailing bytes in a DC blob");
  if (id === 0 || port <= 0 || port > 65535 || address === "") {
    throw new Unfit("has an invalid DC option");
  }
  return {
    id,
    address,
    port,
    ipv6: (flags & 1) !== 0,
    mediaOnly: (flags & 2) !== 0,
    testMode: (flags & 4) !== 0,
  };
}

function writeDc(dc: DcOption): Uint8Array {
  const flags = (dc.ipv6 ? 1 : 0) | (dc.mediaOnly ? 2 : 0) |
    (dc.testMode ? 4 : 0);
  return new ByteWriter().u8(2).u8(dc.id).u8(flags).tlString(dc.address)
    .i32le(dc.port).finish();
}

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
  const main = readDc(r.tlBytes());
  const media = flags & 4 ? readDc(r.tlBytes()) : undefined;
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
  const w = new ByteWriter().u8(3).i32le(flags).tlBytes(writeDc(main));
  if (a.media) w.tlBytes(writeDc(a.media));
  if (a.self) {
    w.i64le(BigInt(a.self.userId)).u32le(a.self.isBot ? BOOL_TRUE : BOOL_FALSE);
  }
  w.tlBytes(a.key);
  return encodeBase64(w.finish(), "urlsafe", false);
}
