// An account's MTP config, <folder>/configs, encrypted with the local key:
// one QByteArray holding MTP::Config::serialize() (Account::writeMtpConfig /
// readMtpConfig in storage/storage_account.cpp; mtproto/mtproto_config.cpp).
// Its second int32 says whether the account is on the test servers. Telegram
// Desktop uses the config only when all of it reads, its DC options
// included (Config::FromSerialized, DcOptions::constructFromSerialized in
// mtproto/mtproto_dc_options.cpp); otherwise, as when there is no config, it
// starts with its built-in production config (Account::start in
// main/main_account.cpp). New configs carry the built-in DC list and the
// default field values of ConfigFields (mtproto/mtproto_config.h); Telegram
// Desktop replaces them with the server's config once connected.
// Private to the library.

import { ByteReader, ByteWriter, Truncated } from "../strings/_bytes.ts";
import {
  readQByteArray,
  readQString,
  writeQByteArray,
  writeQString,
} from "./_qt_stream.ts";

const CONFIG_VERSION = 1; // kVersion in mtproto_config.cpp
const DC_OPTIONS_VERSION = 2; // kVersion in mtproto_dc_options.cpp
const PRODUCTION = 0; // MTP::Environment::Production
const TEST = 1; // MTP::Environment::Test
const MAX_IP_SIZE = 45;
const MAX_SECRET_SIZE = 32;

/**
 * Reads the environment of a serialized config as Telegram Desktop would.
 *
 * @param serialized The serialized config.
 * @returns `true` for test, `false` for production, `null` when Telegram
 * Desktop would not use this config (and start in production).
 */
export function configTestMode(serialized: Uint8Array): boolean | null {
  const r = new ByteReader(serialized);
  try {
    if (r.i32be() !== CONFIG_VERSION) return null;
    const environment = r.i32be();
    if (environment !== PRODUCTION && environment !== TEST) return null;
    const options = readQByteArray(r);
    for (let i = 0; i < 19; i++) r.i32be();
    readQString(r); // internalLinksDomain
    for (let i = 0; i < 6; i++) r.i32be();
    readQString(r); // txtDomainString
    for (let i = 0; i < 3; i++) r.i32be();
    if (r.remaining > 0) {
      readQString(r); // reactionDefaultEmoji
      r.u64be(); // reactionDefaultCustom
    }
    if (r.remaining > 0) r.i32be(); // ratingDecay
    if (r.remaining > 0) {
      readQString(r); // gifSearchUsername
      readQString(r); // venueSearchUsername
    }
    if (!dcOptionsRead(options ?? new Uint8Array(0))) return null;
    return environment === TEST;
  } catch (e) {
    if (e instanceof Truncated) return null;
    throw e;
  }
}

function dcOptionsRead(bytes: Uint8Array): boolean {
  const r = new ByteReader(bytes);
  const minusVersion = r.i32be();
  const version = minusVersion < 0 ? -minusVersion : 0;
  const count = version > 0 ? r.i32be() : minusVersion;
  if (count < 0) return false; // tdesktop reads on until the data runs out
  for (let i = 0; i < count; i++) {
    r.i32be(); // id
    r.i32be(); // flags
    r.i32be(); // port
    const ipSize = r.i32be();
    if (ipSize <= 0 || ipSize > MAX_IP_SIZE) return false;
    r.bytes(ipSize);
    if (version > 0) {
      const secretSize = r.i32be();
      if (secretSize < 0 || secretSize > MAX_SECRET_SIZE) return false;
      r.bytes(secretSize);
    }
  }
  if (r.remaining > 0 && version > 1) {
    const keys = r.i32be();
    if (keys < 0) return false;
    for (let i = 0; i < keys; i++) {
      r.i32be(); // DC id
      readQByteArray(r); // RSA n
      readQByteArray(r); // RSA e
    }
  }
  return true;
}

type BuiltInDc = readonly [id: number, ip: string];

// kBuiltInDcs* in mtproto/mtproto_dc_options.cpp, all on port 443.
const PRODUCTION_DCS: readonly BuiltInDc[] = [
  [1, "149.154.175.50"],
  [2, "149.154.167.51"],
  [2, "95.161.76.100"],
  [3, "149.154.175.100"],
  [4, "149.154.167.91"],
  [5, "149.154.171.5"],
];
const PRODUCTION_DCS_V6: readonly BuiltInDc[] = [
  [1, "2001:0b28:f23d:f001:0000:0000:0000:000a"],
  [2, "2001:067c:04e8:f002:0000:0000:0000:000a"],
  [3, "2001:0b28:f23d:f003:0000:0000:0000:000a"],
  [4, "2001:067c:04e8:f004:0000:0000:0000:000a"],
  [5, "2001:0b28:f23f:f005:0000:0000:0000:000a"],
];
const TEST_DCS: readonly BuiltInDc[] = [
  [1, "149.154.175.10"],
  [2, "149.154.167.40"],
  [3, "149.154.175.117"],
];
const TEST_DCS_V6: readonly BuiltInDc[] = [
  [1, "2001:0b28:f23d:f001:0000:0000:0000:000e"],
  [2, "2001:067c:04e8:f002:0000:0000:0000:000e"],
  [3, "2001:0b28:f23d:f003:0000:0000:0000:000e"],
];

// dcOption flags (api.tl): ipv6 = bit 0, static = bit 4.
const FLAG_IPV6 = 1;
const FLAG_STATIC = 16;

function encodeDcOptions(testMode: boolean): Uint8Array {
  const v4 = testMode ? TEST_DCS : PRODUCTION_DCS;
  const v6 = testMode ? TEST_DCS_V6 : PRODUCTION_DCS_V6;
  // Grouped by DC, IPv4 before IPv6, as DcOptions keeps them.
  const all = [
    ...v4.map(([id, ip]) => ({ id, ip, flags: FLAG_STATIC })),
    ...v6.map(([id, ip]) => ({ id, ip, flags: FLAG_STATIC | FLAG_IPV6 })),
  ].sort((a, b) => a.id - b.id);
  const w = new ByteWriter().i32be(-DC_OPTIONS_VERSION).i32be(all.length);
  for (const { id, ip, flags } of all) {
    w.i32be(id).i32be(flags).i32be(443).i32be(ip.length);
    for (let i = 0; i < ip.length; i++) w.u8(ip.charCodeAt(i));
    w.i32be(0); // no secret
  }
  return w.i32be(0).finish(); // no CDN keys
}

/**
 * A new serialized config with Telegram Desktop's defaults.
 *
 * @param testMode Whether the account is on the test servers.
 * @returns The serialized config.
 */
export function encodeConfig(testMode: boolean): Uint8Array {
  const w = new ByteWriter().i32be(CONFIG_VERSION).i32be(
    testMode ? TEST : PRODUCTION,
  );
  writeQByteArray(w, encodeDcOptions(testMode));
  for (
    const v of [
      200, // chatSizeMax
      10000, // megagroupSizeMax
      100, // forwardedCountMax
      120000, // onlineUpdatePeriod
      5000, // offlineBlurTimeout
      30000, // offlineIdleTimeout
      1000, // onlineFocusTimeout
      300000, // onlineCloudTimeout
      30000, // notifyCloudDelay
      1500, // notifyDefaultDelay
      0, // legacy savedGifsLimit
      172800, // editTimeLimit
      172800, // revokeTimeLimit
      172800, // revokePrivateTimeLimit
      0, // revokePrivateInbox
      30, // stickersRecentLimit
      0, // legacy stickersFavedLimit
      0, // legacy pinnedDialogsCountMax
      0, // legacy pinnedDialogsInFolderMax
    ]
  ) w.i32be(v);
  writeQString(w, "https://t.me/");
  for (
    const v of [
      86400 * 7, // channelsReadMediaPeriod
      20000, // callReceiveTimeoutMs
      90000, // callRingTimeoutMs
      30000, // callConnectTimeoutMs
      10000, // callPacketTimeoutMs
      testMode ? 2 : 4, // webFileDcId
    ]
  ) w.i32be(v);
  writeQString(w, testMode ? "tapv3.stel.com" : "apv3.stel.com");
  w.i32be(1).i32be(0).i32be(1024); // phone calls on, not blocked, caption max
  writeQString(w, "\u{1F44D}"); // reactionDefaultEmoji
  w.u64be(0n); // reactionDefaultCustom
  w.i32be(2419200); // ratingDecay
  writeQString(w, testMode ? "izgifbot" : "gif");
  writeQString(w, testMode ? "foursquarebot" : "foursquare");
  return w.finish();
}
