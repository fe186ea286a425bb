// Test helpers for the mtcute binding: mtcute's real TelegramClient from
// @mtcute/core, given a platform, a crypto provider and a transport that
// never touch the network (nothing here connects), and mtcute-shaped TL
// objects with mtcute's own Long.

import { Long } from "@mtcute/core";
import { BaseTelegramClient, TelegramClient } from "@mtcute/core/client.js";
import type { ICorePlatform } from "@mtcute/core";
import type { tl } from "@mtcute/core";
import type { MtcuteStorage } from "../adapters/mtcute.ts";

const platform: ICorePlatform = {
  beforeExit: () => () => {},
  log: () => {},
  getDefaultLogLevel: () => 0,
  getDeviceModel: () => "mtsession tests",
};

function offline(): never {
  throw new Error("the tests never use the network or crypto");
}

// Only the storage is exercised: any crypto or transport call would be a
// bug in the test (it would mean a connection attempt).
const crypto = {
  initialize: () => {},
  sha1: offline,
  sha256: offline,
  pbkdf2: offline,
  hmacSha256: offline,
  createAesCtr: offline,
  createAesIge: offline,
  factorizePQ: offline,
  gzip: offline,
  gunzip: offline,
  randomFill: offline,
  randomBytes: offline,
};

const transport = {
  connect: offline,
  packetCodec: offline,
};

/** mtcute's real low-level client over a storage; never connected. */
export function mtBaseClient(
  storage: MtcuteStorage,
  options: { testMode?: boolean } = {},
): BaseTelegramClient {
  return new BaseTelegramClient({
    apiId: 12345,
    apiHash: "0123456789abcdef",
    storage,
    platform,
    crypto,
    transport: transport as never,
    testMode: options.testMode ?? false,
    updates: false,
  });
}

/** mtcute's real high-level client over a storage; never connected. */
export function mtClient(
  storage: MtcuteStorage,
  options: { testMode?: boolean } = {},
): TelegramClient {
  return new TelegramClient({
    apiId: 12345,
    apiHash: "0123456789abcdef",
    storage,
    platform,
    crypto,
    transport: transport as never,
    testMode: options.testMode ?? false,
    updates: false,
  });
}

/** A signed 64-bit value as mtcute's Long. */
export function long(value: bigint): Long {
  return Long.fromString(value.toString());
}

/** Long back to bigint. */
export function big(value: { toString(): string } | undefined): bigint {
  if (value === undefined) throw new Error("no value");
  return BigInt(value.toString());
}

/** An mtcute `user`. */
export function mtUser(o: {
  id: number;
  hash: bigint;
  first?: string;
  last?: string;
  username?: string;
  usernames?: string[];
  phone?: string;
  bot?: boolean;
  min?: boolean;
}): tl.RawUser {
  return {
    _: "user",
    id: o.id,
    accessHash: long(o.hash),
    ...(o.first === undefined ? {} : { firstName: o.first }),
    ...(o.last === undefined ? {} : { lastName: o.last }),
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.usernames === undefined ? {} : {
      usernames: o.usernames.map((u) => ({
        _: "username" as const,
        username: u,
        active: true,
      })),
    }),
    ...(o.phone === undefined ? {} : { phone: o.phone }),
    bot: o.bot ?? false,
    min: o.min ?? false,
  };
}

/** An mtcute `channel` (a supergroup with `megagroup`). */
export function mtChannel(o: {
  id: number;
  hash: bigint;
  title: string;
  username?: string;
  megagroup?: boolean;
  min?: boolean;
}): tl.RawChannel {
  return {
    _: "channel",
    id: o.id,
    accessHash: long(o.hash),
    title: o.title,
    photo: { _: "chatPhotoEmpty" },
    date: 0,
    megagroup: o.megagroup ?? false,
    broadcast: !(o.megagroup ?? false),
    min: o.min ?? false,
    ...(o.username === undefined ? {} : { username: o.username }),
  };
}

/** An mtcute basic `chat`. */
export function mtChat(id: number, title: string): tl.RawChat {
  return {
    _: "chat",
    id,
    title,
    photo: { _: "chatPhotoEmpty" },
    participantsCount: 3,
    date: 0,
    version: 1,
  };
}
