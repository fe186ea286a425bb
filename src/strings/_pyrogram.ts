// Pyrogram session strings, told apart by length as Pyrogram does:
//   351 chars: >B?256sI?   dc, test mode, key, user id u32, bot   (0.15–1.x)
//   356 chars: >B?256sQ?   dc, test mode, key, user id u64, bot   (1.3–1.4)
//   any other: >BI?256sQ?  dc, api id, test mode, key, user id, bot (2.x)
// urlsafe base64 without "=". The address comes from the DC table.

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import type { AuthState } from "../types.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { blankAuth, bool, userIdOf } from "./_common.ts";
import { dcAddress } from "./dc_table.ts";
import { type DecodedSessionString, Unfit } from "./types.ts";

type Layout = "current" | "old-32" | "old-64";

const SIZES: Record<Layout, number> = {
  "current": 271,
  "old-32": 263,
  "old-64": 267,
};

/** Decodes a Pyrogram session string of any of its three layouts. */
export function decodePyrogram(text: string): DecodedSessionString {
  let layout: Layout;
  if (text.length === 351) layout = "old-32";
  else if (text.length === 356) layout = "old-64";
  else if (
    text.length === 362 || (text.length === 364 && text.endsWith("=="))
  ) {
    layout = "current";
  } else {
    throw new Unfit(
      `is ${text.length} characters; Pyrogram strings are 351, 356 or 362`,
    );
  }
  const bytes = decodeBase64(text, "either");
  if (!bytes || bytes.length !== SIZES[layout]) {
    throw new Unfit("is not valid base64 of the right size");
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
  return { format: "pyrogram", layout: `pyrogram-${layout}`, auth };
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
