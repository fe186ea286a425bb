// The things the benchmark compares, behind one small interface: the raw
// SQLite driver doing the least work, mtsession (batched, and saving after
// every batch), mtcute's SQLite storage (its repository API, on
// @mtcute/core's base driver) and GramJS's MemorySession.

import { readFileSync } from "node:fs";
import process from "node:process";
import type { SynthUser } from "./data.ts";
// The memory map mtsession gives a session file, for raw-least.
import { MMAP_BYTES as RAW_MMAP_BYTES } from "../../src/sqlite/_mmap.ts";

/** Which runtime runs this process. */
export const RUNTIME: "deno" | "bun" | "node" = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/** One benchmarked store, opened on a file (or in memory). */
export interface Subject {
  /** Stores one batch of users (one RPC result's worth). */
  ingest(batch: readonly SynthUser[]): unknown;
  /** Makes everything durable after the last batch. */
  finish(): unknown;
  /** Looks up by id; resolves to the peer's id, or undefined. */
  byId(id: number): unknown;
  /** Looks up by username (lower case, no "@"). */
  byUsername(username: string): unknown;
  /** Looks up by phone (digits). */
  byPhone(phone: string): unknown;
  /** Whether the calls above return promises. */
  readonly async: boolean;
  /**
   * The same lookups one level down, where the subject has one: for
   * mtsession, `SessionStorage.findPeer` (mtcute's numbers are already at
   * its repository level).
   */
  readonly storage?: {
    byId(id: number): Promise<number | undefined>;
    byUsername(username: string): Promise<number | undefined>;
    byPhone(phone: string): Promise<number | undefined>;
  };
  /** Closes the store (not timed). */
  close(): unknown;
}

/** What a subject's constructor gets. */
export interface SubjectOptions {
  /** The file to use (created by the subject). */
  path: string;
  /** The users, already converted to the subject's input shape. */
  prepared: unknown[];
}

/** How to build each subject: convert data (untimed), then open. */
export interface SubjectFactory {
  /** A one-line description for the report. */
  describe: string;
  /** Whether it keeps a file (and so has a cold start). */
  file: boolean;
  /** Turns the synthetic users into this subject's input (untimed). */
  prepare(users: readonly SynthUser[]): Promise<unknown[]> | unknown[];
  /** Opens the subject. */
  open(options: SubjectOptions): Promise<Subject>;
}

// ---------------------------------------------------------------------------
// The raw driver of this runtime, reached through a specifier in a variable
// so that `deno check` does not need the npm packages' types.

interface RawStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}

interface RawDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): RawStatement;
  close(): unknown;
}

/** The driver mtsession picks by default on this runtime. */
export const RAW_DRIVER = RUNTIME === "bun"
  ? "bun:sqlite"
  : RUNTIME === "deno"
  ? "node:sqlite"
  : "better-sqlite3";

async function dynamicImport(specifier: string): Promise<
  Record<string, unknown>
> {
  return await import(specifier);
}

/**
 * Opens a database with this runtime's default driver, 64-bit exact
 * (safe integers / readBigInts), as mtsession's wrappers do.
 *
 * @param path The file.
 * @returns The open database.
 */
export async function openRawDatabase(path: string): Promise<RawDatabase> {
  const mod = await dynamicImport(RAW_DRIVER);
  if (RAW_DRIVER === "bun:sqlite") {
    const Database = mod.Database as new (
      p: string,
      o: Record<string, boolean>,
    ) => RawDatabase;
    return new Database(path, {
      create: true,
      readwrite: true,
      safeIntegers: true,
      strict: true,
    });
  }
  if (RAW_DRIVER === "node:sqlite") {
    const DatabaseSync = mod.DatabaseSync as new (
      p: string,
      o: Record<string, boolean>,
    ) => RawDatabase;
    return new DatabaseSync(path, { readBigInts: true });
  }
  const Database = (mod.default ?? mod) as new (p: string) => RawDatabase & {
    defaultSafeIntegers(on: boolean): unknown;
  };
  const db = new Database(path);
  db.defaultSafeIntegers(true);
  return db;
}

/**
 * The raw baseline's table: the least a lookup needs (the id as the rowid,
 * the access hash) and what the keys need (username, phone, each indexed;
 * the name, which every client keeps).
 */
export const RAW_SCHEMA = `
  CREATE TABLE IF NOT EXISTS peers (
    id INTEGER PRIMARY KEY,
    access_hash INTEGER NOT NULL,
    username TEXT,
    phone TEXT,
    name TEXT
  );
  CREATE INDEX IF NOT EXISTS peers_username ON peers (username);
  CREATE INDEX IF NOT EXISTS peers_phone ON peers (phone);
`;

/** The older baseline's table: every field mtsession keeps, two indexes. */
export const RAW_STAR_SCHEMA = `
  CREATE TABLE IF NOT EXISTS peers (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    hash INTEGER NOT NULL,
    username TEXT,
    phone TEXT,
    name TEXT,
    updated INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS peers_username ON peers (username);
  CREATE INDEX IF NOT EXISTS peers_phone ON peers (phone);
`;

interface ArrayRows {
  raw?(on: boolean): unknown; // better-sqlite3
  setReturnArrays?(on: boolean): void; // node:sqlite
  values?(...params: unknown[]): unknown[][]; // bun:sqlite
}

type ArrayLookup = (key: unknown) => unknown[] | undefined;

// A lookup statement's first row as an array of values, the cheapest row
// each driver returns (no object with named properties per row).
function arrayLookup(stmt: RawStatement): ArrayLookup {
  const s = stmt as RawStatement & ArrayRows;
  if (RAW_DRIVER === "bun:sqlite") {
    const values = s.values!.bind(s);
    return (key) => values(key)[0];
  }
  if (RAW_DRIVER === "node:sqlite") s.setReturnArrays!(true);
  else s.raw!(true);
  return (key) => s.get(key) as unknown[] | undefined;
}

/**
 * The raw driver doing the least: one prepared INSERT OR REPLACE per row,
 * one transaction per batch; lookups by one prepared SELECT of `columns`.
 * `least`: besides, reads through a memory map as large as mtsession's (no
 * read() per page outside SQLite's cache) and rows as arrays of values,
 * as mtsession's own lookups do: what is left is what the library adds.
 */
function rawSubject(star: boolean, least = false): SubjectFactory {
  const columns = star ? "*" : "id, access_hash";
  return {
    describe:
      `raw ${RAW_DRIVER}: table peers(id INTEGER PRIMARY KEY, ${
        star
          ? "type, hash, username, phone, name, updated"
          : "access_hash, username, phone, name"
      }), indexes on username and phone; one prepared INSERT OR REPLACE ` +
      "per row, one transaction per batch; one prepared " +
      `\`SELECT ${columns} FROM peers WHERE id = ?\` (username = ?, ` +
      "phone = ?); 64-bit safe integers, WAL, synchronous=NORMAL" +
      (least
        ? `; mmap_size=${RAW_MMAP_BYTES}, rows as arrays (${
          RAW_DRIVER === "bun:sqlite"
            ? "values()"
            : RAW_DRIVER === "node:sqlite"
            ? "setReturnArrays(true)"
            : "raw(true)"
        })`
        : "; no memory map, rows as objects"),
    file: true,
    prepare: (users) => users as unknown[],
    async open({ path }): Promise<Subject> {
      const db = await openRawDatabase(path);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      if (least) db.exec(`PRAGMA mmap_size = ${RAW_MMAP_BYTES}`);
      db.exec(star ? RAW_STAR_SCHEMA : RAW_SCHEMA);
      const now = Math.floor(Date.now() / 1000);
      const insert = star
        ? db.prepare(
          "INSERT OR REPLACE INTO peers (id, type, hash, username, phone, name, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        : db.prepare(
          "INSERT OR REPLACE INTO peers (id, access_hash, username, phone, name) VALUES (?, ?, ?, ?, ?)",
        );
      const put = star
        ? (u: SynthUser): unknown =>
          insert.run(
            u.id,
            "user",
            u.accessHash,
            u.username,
            u.phone,
            u.firstName,
            now,
          )
        : (u: SynthUser): unknown =>
          insert.run(u.id, u.accessHash, u.username, u.phone, u.firstName);
      const byId = db.prepare(`SELECT ${columns} FROM peers WHERE id = ?`);
      const byUsername = db.prepare(
        `SELECT ${columns} FROM peers WHERE username = ?`,
      );
      const byPhone = db.prepare(
        `SELECT ${columns} FROM peers WHERE phone = ?`,
      );
      const idOf = (row: unknown): number | undefined =>
        row ? Number((row as { id: bigint | number }).id) : undefined;
      const first = (row: unknown[] | undefined): number | undefined =>
        row ? Number(row[0] as bigint | number) : undefined;
      let lookups: Pick<Subject, "byId" | "byUsername" | "byPhone">;
      if (least) {
        const [id, username, phone] = [byId, byUsername, byPhone].map(
          arrayLookup,
        ) as [ArrayLookup, ArrayLookup, ArrayLookup];
        lookups = {
          byId: (k) => first(id(k)),
          byUsername: (k) => first(username(k)),
          byPhone: (k) => first(phone(k)),
        };
      } else {
        lookups = {
          byId: (id) => idOf(byId.get(id)),
          byUsername: (u) => idOf(byUsername.get(u)),
          byPhone: (p) => idOf(byPhone.get(p)),
        };
      }
      return {
        async: false,
        ingest(batch): void {
          db.exec("BEGIN IMMEDIATE");
          for (const u of batch) put(u);
          db.exec("COMMIT");
        },
        finish(): void {},
        ...lookups,
        close: () => db.close(),
      };
    },
  };
}

// ---------------------------------------------------------------------------
// mtsession, through its public API.

function plainUser(u: SynthUser): Record<string, unknown> {
  const o: Record<string, unknown> = {
    _: "user",
    id: u.id,
    accessHash: u.accessHash,
    firstName: u.firstName,
  };
  if (u.username !== null) o.username = u.username;
  if (u.phone !== null) o.phone = u.phone;
  return o;
}

function ours(saveEachBatch: boolean): SubjectFactory {
  return {
    describe: saveEachBatch
      ? "mtsession openSession(file): processEntities + save() per batch " +
        "(durable per batch, like raw)"
      : "mtsession openSession(file): processEntities per batch, default " +
        "write-behind (written after <= 1000 ms or at 2000 waiting peers, in " +
        "~4 ms transactions of whole batches), save() at the end",
    file: true,
    prepare: (users) => users.map(plainUser),
    async open({ path }): Promise<Subject> {
      const session = await (await import("../../mod.ts")).openSession(path);
      const idOf = (p: { userId?: number } | undefined): number | undefined =>
        p?.userId;
      const storage = session.storage;
      const found = async (
        p: Promise<{ id: number } | undefined>,
      ): Promise<number | undefined> => (await p)?.id;
      return {
        async: true,
        storage: {
          byId: (id) => found(storage.findPeer({ by: "id", ids: [id] })),
          byUsername: (u) =>
            found(storage.findPeer({ by: "username", value: u })),
          byPhone: (p) => found(storage.findPeer({ by: "phone", value: p })),
        },
        async ingest(batch): Promise<void> {
          await session.processEntities({ users: batch, chats: [] });
          if (saveEachBatch) await session.save();
        },
        finish: () => session.save(),
        byId: async (id) =>
          idOf(await session.getInputPeer(id) as { userId?: number }),
        byUsername: async (u) =>
          idOf(await session.getInputPeer(`@${u}`) as { userId?: number }),
        byPhone: async (p) =>
          idOf(await session.getInputPeer(`+${p}`) as { userId?: number }),
        close: () => session.close(),
      };
    },
  };
}

// ---------------------------------------------------------------------------
// mtcute: BaseSqliteStorage on @mtcute/core's BaseSqliteStorageDriver, with
// the database @mtcute/node (better-sqlite3) or @mtcute/bun (bun:sqlite)
// would create: WAL on, synchronous left to the driver.

interface MtcutePeerInfo {
  id: number;
  accessHash: string;
  isMin: boolean;
  usernames: string[];
  updated: number;
  phone?: string;
  complete: Uint8Array;
}

interface MtcuteStorage {
  driver: {
    setup(log: unknown, platform: unknown): void;
    load(): Promise<void>;
    save(): unknown;
    destroy(): Promise<void>;
  };
  peers: {
    store(peer: MtcutePeerInfo): void;
    getById(id: number): { id: number } | null;
    getByUsername(username: string): { id: number } | null;
    getByPhone(phone: string): { id: number } | null;
  };
}

const MTCUTE_PLATFORM = {
  beforeExit: (): () => void => () => {},
  log: (): void => {},
  getDefaultLogLevel: (): null => null,
  getDeviceModel: (): string => "bench",
};

/**
 * Opens mtcute's SQLite storage on a file, as @mtcute/node (Node, Deno) or
 * @mtcute/bun (Bun) would, and loads it.
 *
 * @param path The file.
 * @param onImported Called once every module is imported (for cold starts).
 * @returns The loaded storage.
 */
export async function openMtcute(
  path: string,
  onImported: () => void = () => {},
): Promise<MtcuteStorage> {
  const core = await dynamicImport("@mtcute/core");
  const utils = await dynamicImport("@mtcute/core/utils.js");
  const driverName = RUNTIME === "bun" ? "bun:sqlite" : "better-sqlite3";
  const mod = await dynamicImport(driverName);
  onImported();
  const open = (): unknown => {
    if (driverName === "bun:sqlite") {
      const Database = mod.Database as new (p: string) => {
        exec(sql: string): void;
      };
      const db = new Database(path);
      db.exec("pragma journal_mode = WAL");
      return db;
    }
    const Database = (mod.default ?? mod) as new (p: string) => {
      pragma(sql: string): unknown;
    };
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    return db;
  };
  const Base = core.BaseSqliteStorageDriver as new () => object;
  class Driver extends Base {
    _createDatabase(): unknown {
      return open();
    }
  }
  const Storage = core.BaseSqliteStorage as new (d: unknown) => MtcuteStorage;
  const storage = new Storage(new Driver());
  const LogManager = utils.LogManager as new (
    tag: string | undefined,
    platform: unknown,
  ) => { level: number };
  const log = new LogManager(undefined, MTCUTE_PLATFORM);
  log.level = 0;
  storage.driver.setup(log, MTCUTE_PLATFORM);
  await storage.driver.load();
  return storage;
}

const mtcute: SubjectFactory = {
  describe:
    `mtcute 0.30.3 SqliteStorage (@mtcute/core BaseSqliteStorage on ${
      RUNTIME === "bun" ? "bun:sqlite" : "better-sqlite3"
    }, WAL): peers.store (TL-serialized user) + driver.save() per batch, ` +
    "peers.getById/getByUsername/getByPhone",
  file: true,
  async prepare(users): Promise<unknown[]> {
    // Only the TL objects are made here; serializing them is part of what
    // mtcute's PeersService does to store a peer, so it is timed.
    const core = await dynamicImport("@mtcute/core");
    const Long = core.Long as { fromString(s: string): unknown };
    return users.map((u) => ({
      user: {
        _: "user",
        id: u.id,
        accessHash: Long.fromString(u.accessHash.toString()),
        firstName: u.firstName,
        ...(u.username === null ? {} : { username: u.username }),
        ...(u.phone === null ? {} : { phone: u.phone }),
      },
      hash: u.accessHash,
    }));
  },
  async open({ path }): Promise<Subject> {
    const storage = await openMtcute(path);
    const utils = await dynamicImport("@mtcute/core/utils.js");
    const serialize = utils.serializeObject as (o: unknown) => Uint8Array;
    const fastString = utils.longToFastString as (l: unknown) => string;
    const idOf = (p: { id: number } | null): number | undefined => p?.id;
    return {
      async: false,
      ingest(batch): void {
        const now = Date.now();
        for (
          const item of batch as unknown as Array<{
            user: {
              id: number;
              accessHash: unknown;
              username?: string;
              phone?: string;
            };
          }>
        ) {
          const u = item.user;
          storage.peers.store({
            id: u.id,
            accessHash: fastString(u.accessHash),
            isMin: false,
            usernames: u.username === undefined ? [] : [u.username],
            updated: now,
            ...(u.phone === undefined ? {} : { phone: u.phone }),
            complete: serialize(u),
          });
        }
        storage.driver.save();
      },
      finish: () => storage.driver.save(),
      byId: (id) => idOf(storage.peers.getById(id)),
      byUsername: (u) => idOf(storage.peers.getByUsername(u)),
      byPhone: (p) => idOf(storage.peers.getByPhone(p)),
      close: () => storage.driver.destroy(),
    };
  },
};

// ---------------------------------------------------------------------------
// GramJS MemorySession (telegram 2.26.22): entities as Api.User objects.

const gramjs: SubjectFactory = {
  describe: "GramJS 2.26.22 MemorySession: processEntities(Api.User[]) per " +
    "batch, getInputEntity(id | @username | +phone)",
  file: false,
  async prepare(users): Promise<unknown[]> {
    const tl = await dynamicImport("telegram/tl/index.js");
    const bigInt = (await dynamicImport("big-integer")).default as (
      v: string,
    ) => unknown;
    const Api = tl.Api as {
      User: new (o: Record<string, unknown>) => unknown;
    };
    return users.map((u) =>
      new Api.User({
        id: bigInt(String(u.id)),
        accessHash: bigInt(u.accessHash.toString()),
        firstName: u.firstName,
        ...(u.username === null ? {} : { username: u.username }),
        ...(u.phone === null ? {} : { phone: u.phone }),
      })
    );
  },
  async open(): Promise<Subject> {
    const sessions = await dynamicImport("telegram/sessions/index.js");
    const MemorySession = sessions.MemorySession as new () => {
      processEntities(tlo: unknown): void;
      getInputEntity(key: unknown): { userId?: { toJSNumber(): number } };
    };
    const session = new MemorySession();
    const idOf = (
      p: { userId?: { toJSNumber(): number } } | undefined,
    ): number | undefined => p?.userId?.toJSNumber();
    const find = (key: unknown): number | undefined => {
      try {
        return idOf(session.getInputEntity(key));
      } catch {
        return undefined;
      }
    };
    return {
      async: false,
      ingest(batch): void {
        session.processEntities(batch);
      },
      finish(): void {},
      byId: (id) => find(id),
      byUsername: (u) => find(`@${u}`),
      byPhone: (p) => find(`+${p}`),
      close(): void {},
    };
  },
};

/** Every subject by name. */
export const SUBJECTS: Record<string, SubjectFactory> = {
  raw: rawSubject(false),
  "raw-star": rawSubject(true),
  "raw-least": rawSubject(false, true),
  ours: ours(false),
  "ours-save": ours(true),
  mtcute,
  gramjs,
};

/** The subjects run by default on this runtime. */
export function defaultSubjects(): string[] {
  return [
    "raw",
    "raw-star",
    "raw-least",
    "ours",
    "ours-save",
    "mtcute",
    "gramjs",
  ];
}

/**
 * Runs a full collection where the runtime lets us (Bun always; Node with
 * --expose-gc, Deno with --v8-flags=--expose-gc); whether it ran.
 */
export function collect(): boolean {
  const g = globalThis as {
    gc?: () => void;
    Bun?: { gc(force: boolean): void };
  };
  if (g.Bun) g.Bun.gc(true);
  else if (g.gc) g.gc();
  else return false;
  return true;
}

/** Current and peak resident set size, in bytes (Linux /proc). */
export function memory(): { rss: number; peak: number } {
  try {
    const text = readFileSync("/proc/self/status", "utf8");
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0) *
      1024;
    const rss = kb("VmRSS");
    if (rss > 0) return { rss, peak: kb("VmHWM") };
  } catch {
    // not Linux: fall back to the current RSS
  }
  const rss = process.memoryUsage().rss;
  return { rss, peak: rss };
}
