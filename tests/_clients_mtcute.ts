// Test helpers for the mtcute binding: mtcute's real TelegramClient from
// @mtcute/core, given a platform, a crypto provider and a transport that
// never touch the network (nothing here connects), and mtcute-shaped TL
// objects with mtcute's own Long; and mtcute's own SQLite storage over the
// runtime's SQLite module, to compare the binding with.

import {
  BaseSqliteStorage,
  BaseSqliteStorageDriver,
  type ISqliteDatabase,
  Long,
} from "@mtcute/core";
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

// ---- mtcute's own SQLite storage, as the reference ------------------------

/** The part of a native SQLite statement mtcute's storage calls. */
interface NativeStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** The part of a native SQLite database mtcute's storage calls. */
interface NativeDatabase {
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  close(): void;
}

// In constants, so that no type checker resolves a module of another
// runtime.
const BUN_SQLITE = "bun:sqlite";
const NODE_SQLITE = "node:sqlite";

/** Bytes as a plain Uint8Array (Bun may hand out a Buffer). */
function plain(value: unknown): unknown {
  return value instanceof Uint8Array && value.constructor !== Uint8Array
    ? new Uint8Array(value)
    : value;
}

/** A row with plain bytes and a plain prototype. */
function plainRow(row: unknown): unknown {
  if (typeof row !== "object" || row === null) return row ?? undefined;
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, plain(v)]),
  );
}

/**
 * Opens a file as mtcute's `ISqliteDatabase`: node:sqlite on Node and
 * Deno, bun:sqlite on Bun (as @mtcute/node, @mtcute/deno and @mtcute/bun
 * do), with `transaction()` as BEGIN/COMMIT/ROLLBACK where the driver has
 * none.
 */
async function sqliteOpener(): Promise<(path: string) => ISqliteDatabase> {
  let open: (path: string) => NativeDatabase;
  if ("Bun" in globalThis) {
    const { Database } = await import(BUN_SQLITE) as {
      Database: new (path: string) => NativeDatabase;
    };
    open = (path) => new Database(path);
  } else {
    const { DatabaseSync } = await import(NODE_SQLITE) as {
      DatabaseSync: new (path: string) => NativeDatabase;
    };
    open = (path) => new DatabaseSync(path);
  }
  return (path) => {
    const db = open(path);
    const transaction = <F extends (...args: never[]) => unknown>(fn: F): F =>
      ((...args: Parameters<F>) => {
        db.exec("BEGIN");
        try {
          const out = fn(...args);
          db.exec("COMMIT");
          return out;
        } catch (e) {
          db.exec("ROLLBACK");
          throw e;
        }
      }) as F;
    return {
      transaction: transaction as ISqliteDatabase["transaction"],
      prepare: (sql: string) => {
        const stmt = db.prepare(sql);
        return {
          run: (...params: unknown[]) => void stmt.run(...params),
          get: (...params: unknown[]) => plainRow(stmt.get(...params)),
          all: (...params: unknown[]) => stmt.all(...params).map(plainRow),
        };
      },
      exec: (sql: string) => db.exec(sql),
      close: () => db.close(),
    } as ISqliteDatabase;
  };
}

/**
 * mtcute's own SQLite storage (`BaseSqliteStorage` of @mtcute/core, the
 * one @mtcute/node, @mtcute/bun and @mtcute/deno wrap) over a file: the
 * reference the binding is compared with.
 */
export async function mtcuteSqliteStorage(
  path: string,
): Promise<BaseSqliteStorage> {
  const open = await sqliteOpener();
  class TestSqliteDriver extends BaseSqliteStorageDriver {
    _createDatabase(): ISqliteDatabase {
      return open(path);
    }
  }
  const driver = new TestSqliteDriver();
  driver.setup({ create: () => ({}) } as never, platform);
  return new BaseSqliteStorage(driver);
}
