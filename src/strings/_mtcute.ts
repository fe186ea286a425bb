// mtcute string sessions: base64url (no padding) of
//   u8 version | int32 LE flags (1 self, 2 test mode, 4 media DC)
//   | main DC | [media DC] | [int53 LE user id + TL Bool] | TL bytes key
// The DC is a TL dcOption object (constructor 0x18b7a10d) in versions 1
// and 2, and TL bytes of mtcute's own DC record (_mtcute_dc.ts) in
// version 3. Version 1 has no media DC. Which versions wrote and read what:
//   0.0.1–0.7.0   write v2; read v1, v2 (0.7.0 also takes 3 as v2)
//   0.7.1–0.17.2  write v3 with DC records of version 1, test mode in flag
//                 2; read v1, v2, v3 (0.7.1's export still asked for v2
//                 and failed)
//   0.19.0 on     write v3 with DC records of version 2, test mode in the
//                 record; read v3 only (flag 2 still read as test mode,
//                 for both DCs)
// Padding and the standard alphabet are accepted, as mtcute's own decoder
// (Buffer's "base64url") accepts them.

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { blankAuth, userIdOf } from "./_common.ts";
import { readMtcuteDc, readTlDcOption, writeMtcuteDc } from "./_mtcute_dc.ts";
import type { DataCenter } from "../types.ts";
import { type DcOption, type DecodedSessionString, Unfit } from "./types.ts";

const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;
// The string's flags each version knows.
const FLAGS: Record<number, number> = { 1: 3, 2: 7, 3: 7 };

/** Decodes an mtcute string session (versions 1, 2 and 3). */
export function decodeMtcute(text: string): DecodedSessionString {
  const bytes = decodeBase64(text, "either");
  if (!bytes) throw new Unfit("is not valid base64url");
  const r = new ByteReader(bytes);
  const version = r.u8();
  const known = FLAGS[version];
  if (known === undefined) {
    throw new Unfit("does not start with version byte 1, 2 or 3");
  }
  const flags = r.i32le();
  if (flags & ~known) throw new Unfit("has unknown flags");
  const legacyTest = (flags & 2) !== 0;
  const hasMedia = (flags & 4) !== 0;
  let main: DcOption;
  let media: DcOption | undefined;
  if (version === 3) {
    const withTest = (dc: DcOption): DcOption =>
      legacyTest ? { ...dc, testMode: true } : dc;
    main = withTest(readMtcuteDc(r.tlBytes(), true));
    media = hasMedia ? withTest(readMtcuteDc(r.tlBytes(), true)) : undefined;
  } else {
    main = readTlDcOption(r, legacyTest);
    media = hasMedia ? readTlDcOption(r, legacyTest) : undefined;
  }
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
    layout: `mtcute-v${version}`,
    auth: {
      ...blankAuth(),
      dcId: main.id,
      serverAddress: main.address,
      port: main.port,
      authKey: key,
      testMode: main.testMode,
      userId,
      isBot,
    },
    dataCenters: media ? [dataCenterOf(media)] : [],
    authKeys: [],
    ...(media ? { mediaDc: media } : {}),
  };
}

/** An mtcute media DC as one of the session's data centers. */
export function dataCenterOf(dc: DcOption): DataCenter {
  return {
    id: dc.id,
    testMode: dc.testMode,
    mediaOnly: true,
    ipv4: dc.ipv6 ? null : dc.address,
    ipv6: dc.ipv6 ? dc.address : null,
    port: dc.port,
  };
}

/**
 * The media DC an mtcute string names, from the session's data centers:
 * the main DC's media entry, else the first media entry; `undefined` when
 * there is none.
 */
export function mediaDcOf(
  dcs: readonly DataCenter[],
  mainDc: number,
): DcOption | undefined {
  const dc = dcs.find((d) => d.mediaOnly && d.id === mainDc) ??
    dcs.find((d) => d.mediaOnly);
  const address = dc?.ipv4 ?? dc?.ipv6;
  if (dc === undefined || address === undefined || address === null) {
    return undefined;
  }
  return {
    id: dc.id,
    address,
    port: dc.port,
    ipv6: dc.ipv4 === null,
    mediaOnly: true,
    testMode: dc.testMode,
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
