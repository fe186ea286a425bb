// Pyrogram session strings: urlsafe base64 of a struct, told apart by
// length as Pyrogram does. Written without "=":
//   351 chars: >B?256sI?   dc, test mode, key, user id u32, bot   (0.15–1.4)
//   356 chars: >B?256sQ?   dc, test mode, key, user id u64, bot   (1.3–1.4)
//   362 chars: >BI?256sQ?  dc, api id, test mode, key, user id, bot (2.x)
// Readers add the "=" padding back before decoding, and Python's decoder
// takes any number of "=" after the data: 0.15–1.2 read every string as the
// 263-byte layout (so 352 characters, padded, are fine), 1.3–1.4 take 351
// characters as that layout and anything else as the 267-byte one, 2.x take
// exactly 351 or 356 as the old layouts and anything else as the current
// one. 0.15–1.4 also remove white space anywhere in the string. So the
// layout is decided here by the length of the data alone, with white space
// and trailing "=" removed. The address comes from the DC table.

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import type { AuthState } from "../types.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { blankAuth, bool, decodes, userIdOf } from "./_common.ts";
import { decodeMtkruto } from "./_mtkruto.ts";
import { dcAddress } from "./dc_table.ts";
import { type DecodedSessionString, Unfit } from "./types.ts";

type Layout = "current" | "old-32" | "old-64";

const LAYOUT_BY_LENGTH: Record<number, Layout> = {
  351: "old-32",
  356: "old-64",
  362: "current",
};

const SIZES: Record<Layout, number> = {
  "current": 271,
  "old-32": 263,
  "old-64": 267,
};

// The white space Pyrogram 0.15–1.4 strip (Python's `\s`; JavaScript's
// differs only in control and format characters no one pastes).
const WHITE_SPACE = /\s/g;

/** Decodes a Pyrogram session string of any of its three layouts. */
export function decodePyrogram(text: string): DecodedSessionString {
  const data = text.replace(WHITE_SPACE, "").replace(/=+$/, "");
  const layout = LAYOUT_BY_LENGTH[data.length];
  if (layout === undefined) {
    throw new Unfit(
      `is ${data.length} characters without padding; Pyrogram strings are ` +
        `351, 356 or 362`,
    );
  }
  const bytes = decodeBase64(data, "either");
  if (!bytes || bytes.length !== SIZES[layout]) {
    throw new Unfit("is not valid base64 of the right size");
  }
  // An MTKruto auth string of the 2024 layouts (dc, key, api id) can have
  // the current length and fill that struct too, as dc 1 with an api id of
  // 0x310002FE–0x350002FE (the DC digit, then the TL padding and key
  // header), ids Telegram has not issued: such a string is MTKruto's.
  // (MTKruto strings of an old layout's length never pass: the byte after
  // the dc is the DC digit, where those layouts keep the test-mode boolean,
  // read strictly as 0 or 1; Python takes any byte but writes only those.)
  if (decodes(decodeMtkruto, text)) {
    throw new Unfit("is a complete MTKruto auth string");
  }
  const r = new ByteReader(bytes);
  const dcId = r.u8();
  const apiId = layout === "current" ? r.u32be() : null;
  const testMode = bool(r.u8(), "test mode");
  const key = r.bytes(256);
  const userId = userIdOf(layout === "old-32" ? BigInt(r.u32be()) : r.u64be());
  const isBot = bool(r.u8(), "bot flag");
  if (apiId === 0) throw new Unfit("has api id 0");
  const dc = dcAddress(dcId, testMode);
  if (!dc) {
    throw new Unfit(
      `names dc ${dcId}, which Telegram's ${
        testMode ? "test" : "production"
      } servers do not have`,
    );
  }
  const auth: AuthState = {
    ...blankAuth(),
    dcId,
    serverAddress: dc.address,
    port: dc.port,
    authKey: key,
    testMode,
    apiId,
    userId,
    isBot,
  };
  return {
    format: "pyrogram",
    layout: `pyrogram-${layout}`,
    auth,
    dataCenters: [],
    authKeys: [],
  };
}
/** Encodes a Pyrogram session string in the given layout. */
export function encodePyrogram(
  layout: Layout,
  a: {
    dcId: number;
    apiId: number | null;
    testMode: boolean;
    key: Uint8Array;
    userId: number;
    isBot: boolean;
  },
): string {
  if (a.dcId > 255) throw new Unfit(`cannot carry dc id ${a.dcId} (one byte)`);
  const w = new ByteWriter().u8(a.dcId);
  if (layout === "current") w.u32be(a.apiId!);
  w.u8(a.testMode ? 1 : 0).bytes(a.key);
  if (layout === "old-32") {
    if (a.userId >= 2 ** 32) {
      throw new Unfit("old-32 layout cannot carry a user id of 2^32 or more");
    }
    w.u32be(a.userId);
  } else {
    w.u64be(BigInt(a.userId));
  }
  w.u8(a.isBot ? 1 : 0);
  return encodeBase64(w.finish(), "urlsafe", false);
}
