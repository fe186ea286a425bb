// mtsession's own string format, version 1 (payload versions 1 and 2).
//
// Plain:     "mts1:"  + base64url (no padding) of  payload | CRC-32 BE
// Encrypted: "mts1e:" + base64url (no padding) of
//            u8 kdf (1 = PBKDF2-SHA256) | u32 BE iterations | 16-byte salt
//            | 12-byte IV | AES-256-GCM(payload | CRC-32, AAD = the header)
//
// payload: u8 version (1 or 2) | u16 BE presence flags | the present fields
// in flag order:
//   0x0001 dcId u32 | 0x0002 serverAddress (u8 length + UTF-8) | 0x0004 port u16
//   0x0008 authKey (256) | 0x0010 testMode known | 0x0020 testMode value
//   0x0040 apiId u32 | 0x0080 userId u64 | 0x0100 isBot known
//   0x0200 isBot value | 0x0400 date f64 | 0x0800 takeoutId i64
// then, in version 2 only, every data center and the other DCs' keys:
//   u8 count | per DC: u32 id | u8 flags (1 test mode, 2 media only,
//   4 IPv4 present, 8 IPv6 present) | [u8 length + UTF-8 IPv4]
//   | [u8 length + UTF-8 IPv6] | u16 port
//   u8 count | per key: u32 DC id | 256-byte key (ascending DC ids, never
//   the main DC's: that one is authKey)
// Version 1 is written when the session knows no data center and no other
// key, so such strings stay readable by every mtsession release; older
// releases refuse a version-2 payload by its version byte.
// Base64 must be canonical (re-encoding gives the same text), so any change
// of a character is caught, by the checksum or by the GCM tag.

import { decodeBase64, encodeBase64 } from "../_base64.ts";
import { checkDcs } from "../_validate.ts";
import { PassphraseError } from "../errors.ts";
import type { AuthState, DataCenter, DcAuthKey } from "../types.ts";
import { ByteReader, ByteWriter, decodeUtf8, encodeUtf8 } from "./_bytes.ts";
import { blankAuth } from "./_common.ts";
import { crc32 } from "./_crc32.ts";
import { type DecodedSessionString, Unfit } from "./types.ts";

/** Prefix of a plain mtsession string. */
export const PLAIN_PREFIX = "mts1:";
/** Prefix of an encrypted mtsession string. */
export const ENCRYPTED_PREFIX = "mts1e:";

/** Default PBKDF2-SHA256 iterations (OWASP's figure for SHA-256). */
export const DEFAULT_ITERATIONS = 600_000;
const MIN_ITERATIONS = 1_000;
const MAX_ITERATIONS = 10_000_000;

const F = {
  dcId: 0x0001,
  serverAddress: 0x0002,
  port: 0x0004,
  authKey: 0x0008,
  testModeKnown: 0x0010,
  testMode: 0x0020,
  apiId: 0x0040,
  userId: 0x0080,
  isBotKnown: 0x0100,
  isBot: 0x0200,
  date: 0x0400,
  takeoutId: 0x0800,
} as const;
const ALL_FLAGS = 0x0fff;

/** The session a payload holds. */
export interface NativeSession {
  auth: AuthState;
  dcs: DataCenter[];
  authKeys: DcAuthKey[];
}

const DC_FLAGS = { testMode: 1, mediaOnly: 2, ipv4: 4, ipv6: 8 } as const;

function shortText(w: ByteWriter, text: string, what: string): void {
  const bytes = encodeUtf8(text);
  if (bytes.length > 255) {
    throw new Unfit(`cannot carry ${what} over 255 bytes`);
  }
  w.u8(bytes.length).bytes(bytes);
}

function writeWhole(w: ByteWriter, s: NativeSession): void {
  if (s.dcs.length > 255 || s.authKeys.length > 255) {
    throw new Unfit("cannot carry more than 255 data centers or keys");
  }
  w.u8(s.dcs.length);
  for (const dc of s.dcs) {
    w.u32be(dc.id).u8(
      (dc.testMode ? DC_FLAGS.testMode : 0) |
        (dc.mediaOnly ? DC_FLAGS.mediaOnly : 0) |
        (dc.ipv4 === null ? 0 : DC_FLAGS.ipv4) |
        (dc.ipv6 === null ? 0 : DC_FLAGS.ipv6),
    );
    if (dc.ipv4 !== null) shortText(w, dc.ipv4, `DC ${dc.id}'s IPv4 address`);
    if (dc.ipv6 !== null) shortText(w, dc.ipv6, `DC ${dc.id}'s IPv6 address`);
    w.u16be(dc.port);
  }
  w.u8(s.authKeys.length);
  for (const k of s.authKeys) w.u32be(k.dcId).bytes(k.key);
}

function readWhole(r: ByteReader, mainDc: number | null): {
  dcs: DataCenter[];
  authKeys: DcAuthKey[];
} {
  const dcs: DataCenter[] = [];
  for (let n = r.u8(); n > 0; n--) {
    const id = r.u32be();
    const flags = r.u8();
    if (flags & ~0x0f) throw new Unfit(`has unknown flags for DC ${id}`);
    const ipv4 = flags & DC_FLAGS.ipv4 ? decodeUtf8(r.bytes(r.u8())) : null;
    const ipv6 = flags & DC_FLAGS.ipv6 ? decodeUtf8(r.bytes(r.u8())) : null;
    const dc: DataCenter = {
      id,
      testMode: (flags & DC_FLAGS.testMode) !== 0,
      mediaOnly: (flags & DC_FLAGS.mediaOnly) !== 0,
      ipv4,
      ipv6,
      port: r.u16be(),
    };
    dcs.push(dc);
  }
  try {
    checkDcs(dcs);
  } catch (e) {
    throw new Unfit(`has an unusable data center (${(e as Error).message})`);
  }
  const authKeys: DcAuthKey[] = [];
  for (let n = r.u8(); n > 0; n--) {
    const dcId = r.u32be();
    const last = authKeys.at(-1)?.dcId ?? 0;
    if (dcId <= last || dcId === mainDc) {
      throw new Unfit(`has an invalid or repeated key for DC ${dcId}`);
    }
    authKeys.push({ dcId, key: r.bytes(256) });
  }
  return { dcs, authKeys };
}

function payloadOf(s: NativeSession): Uint8Array {
  const a = s.auth;
  let flags = 0;
  const w = new ByteWriter();
  if (a.dcId !== null) {
    flags |= F.dcId;
    w.u32be(a.dcId);
  }
  if (a.serverAddress !== null) {
    const addr = encodeUtf8(a.serverAddress);
    if (addr.length > 255) {
      throw new Unfit("cannot carry an address over 255 bytes");
    }
    flags |= F.serverAddress;
    w.u8(addr.length).bytes(addr);
  }
  if (a.port !== null) {
    flags |= F.port;
    w.u16be(a.port);
  }
  if (a.authKey !== null) {
    flags |= F.authKey;
    w.bytes(a.authKey);
  }
  if (a.testMode !== null) {
    flags |= F.testModeKnown | (a.testMode ? F.testMode : 0);
  }
  if (a.apiId !== null) {
    flags |= F.apiId;
    w.u32be(a.apiId);
  }
  if (a.userId !== null) {
    flags |= F.userId;
    w.u64be(BigInt(a.userId));
  }
  if (a.isBot !== null) flags |= F.isBotKnown | (a.isBot ? F.isBot : 0);
  if (a.date !== null) {
    flags |= F.date;
    w.f64be(a.date);
  }
  if (a.takeoutId !== null) {
    flags |= F.takeoutId;
    w.i64be(a.takeoutId);
  }
  const whole = s.dcs.length > 0 || s.authKeys.length > 0;
  if (whole) writeWhole(w, s);
  const body = w.finish();
  const out = new ByteWriter().u8(whole ? 2 : 1).u16be(flags).bytes(body)
    .finish();
  return new ByteWriter().bytes(out).u32be(crc32(out)).finish();
}

function parsePayload(
  bytes: Uint8Array,
): NativeSession & { version: number } {
  if (bytes.length < 7) throw new Unfit("is too short");
  const body = bytes.subarray(0, bytes.length - 4);
  const sum = new DataView(bytes.buffer, bytes.byteOffset + body.length, 4)
    .getUint32(0);
  if (crc32(body) !== sum) {
    throw new Unfit(
      "fails its checksum: it was truncated or mistyped; copy it again",
    );
  }
  const r = new ByteReader(body);
  const version = r.u8();
  if (version !== 1 && version !== 2) {
    throw new Unfit(
      `has payload version ${version}, newer than this mtsession reads: ` +
        "upgrade mtsession",
    );
  }
  const flags = r.u16be();
  if (flags & ~ALL_FLAGS) {
    throw new Unfit(
      "uses fields this version does not know: upgrade mtsession",
    );
  }
  const a = blankAuth();
  if (flags & F.dcId) a.dcId = r.u32be();
  if (flags & F.serverAddress) a.serverAddress = decodeUtf8(r.bytes(r.u8()));
  if (flags & F.port) a.port = r.u16be();
  if (flags & F.authKey) a.authKey = r.bytes(256);
  if (flags & F.testModeKnown) a.testMode = (flags & F.testMode) !== 0;
  if (flags & F.apiId) a.apiId = r.u32be();
  if (flags & F.userId) {
    const id = r.u64be();
    if (id > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Unfit("has a user id out of range");
    }
    a.userId = Number(id);
  }
  if (flags & F.isBotKnown) a.isBot = (flags & F.isBot) !== 0;
  if (flags & F.date) a.date = r.f64be();
  if (flags & F.takeoutId) a.takeoutId = r.i64be();
  const whole = version === 2
    ? readWhole(r, a.dcId)
    : { dcs: [], authKeys: [] };
  if (r.remaining !== 0) throw new Unfit(`has ${r.remaining} trailing bytes`);
  return { version, auth: a, ...whole };
}

function decoded(
  p: NativeSession & { version: number },
  encrypted: boolean,
): DecodedSessionString {
  return {
    format: "mtsession",
    layout: `mtsession-v${p.version}${encrypted ? "-encrypted" : ""}`,
    auth: p.auth,
    dataCenters: p.dcs,
    authKeys: p.authKeys,
  };
}

function canonical(text: string): Uint8Array {
  const bytes = decodeBase64(text, "urlsafe");
  if (!bytes || encodeBase64(bytes, "urlsafe", false) !== text) {
    throw new Unfit(
      "is not canonical base64url without padding (a character was changed, " +
        "added or removed)",
    );
  }
  return bytes;
}

/** Encodes a plain mtsession string. */
export function encodeNative(s: NativeSession): string {
  return PLAIN_PREFIX + encodeBase64(payloadOf(s), "urlsafe", false);
}

/** Decodes a plain mtsession string. */
export function decodeNative(text: string): DecodedSessionString {
  if (text.startsWith(ENCRYPTED_PREFIX)) {
    throw new Unfit("is encrypted: pass the passphrase");
  }
  if (!text.startsWith(PLAIN_PREFIX)) {
    throw new Unfit(`does not start with "${PLAIN_PREFIX}"`);
  }
  return decoded(
    parsePayload(canonical(text.slice(PLAIN_PREFIX.length))),
    false,
  );
}

async function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    "raw",
    encodeUtf8(passphrase) as Uint8Array<ArrayBuffer>,
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return await crypto.subtle.deriveKey(
    {
      name: "PBKDF2",
      hash: "SHA-256",
      salt: salt as Uint8Array<ArrayBuffer>,
      iterations,
    },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

function checkIterations(n: number): number {
  if (!Number.isInteger(n) || n < MIN_ITERATIONS || n > MAX_ITERATIONS) {
    throw new RangeError(
      `Expected iterations between ${MIN_ITERATIONS} and ${MAX_ITERATIONS}, got ${n}`,
    );
  }
  return n;
}

/** Encodes an encrypted mtsession string. */
export async function encryptNative(
  s: NativeSession,
  passphrase: string,
  iterations = DEFAULT_ITERATIONS,
): Promise<string> {
  if (typeof passphrase !== "string" || passphrase.length === 0) {
    throw new TypeError("Expected a non-empty passphrase");
  }
  checkIterations(iterations);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const header = new ByteWriter().u8(1).u32be(iterations).bytes(salt).finish();
  const key = await deriveKey(passphrase, salt, iterations);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      {
        name: "AES-GCM",
        iv,
        additionalData: header as Uint8Array<ArrayBuffer>,
      },
      key,
      payloadOf(s) as Uint8Array<ArrayBuffer>,
    ),
  );
  const all = new ByteWriter().bytes(header).bytes(iv).bytes(sealed).finish();
  return ENCRYPTED_PREFIX + encodeBase64(all, "urlsafe", false);
}

/** Decodes an encrypted mtsession string. */
export async function decryptNative(
  text: string,
  passphrase: string | undefined,
): Promise<DecodedSessionString> {
  const bytes = canonical(text.slice(ENCRYPTED_PREFIX.length));
  const r = new ByteReader(bytes);
  const kdf = r.u8();
  if (kdf !== 1) throw new Unfit(`uses unknown key derivation ${kdf}`);
  const iterations = r.u32be();
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new Unfit(
      `states ${iterations} iterations, outside the allowed range`,
    );
  }
  const salt = r.bytes(16);
  const iv = r.bytes(12);
  const sealed = r.bytes(r.remaining);
  if (sealed.length < 16 + 7) throw new Unfit("is too short");
  if (passphrase === undefined || passphrase === "") {
    throw new PassphraseError(
      "This mtsession string is encrypted: pass its passphrase",
    );
  }
  const key = await deriveKey(passphrase, salt, iterations);
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: iv as Uint8Array<ArrayBuffer>,
          additionalData: bytes.subarray(0, 21) as Uint8Array<ArrayBuffer>,
        },
        key,
        sealed as Uint8Array<ArrayBuffer>,
      ),
    );
  } catch {
    throw new PassphraseError(
      "Cannot decrypt this mtsession string: the passphrase is wrong or the " +
        "string was changed",
    );
  }
  return decoded(parsePayload(plain), true);
}
