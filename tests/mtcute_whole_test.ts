// Issue 11: nothing of mtcute's is memory-only. Every repository is written
// through mtcuteStorage() into a session (auth keys of several DCs,
// temporary keys, kv entries with dc_media and salts, the current user with
// premium and usernames, full and min peers with mtcute's TL bytes,
// reference messages); the session is closed and REOPENED; what mtcute's
// repository interfaces read back equals what mtcute's own SqliteStorage
// (@mtcute/core 0.30.3 over the runtime's SQLite) gives for the same writes
// after the same reopen. On every backend that persists: a SQLite file, the
// same MemoryStorage, PostgreSQL and Deno KV (when they are here).

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage as MtMemoryStorage } from "@mtcute/core";
import {
  __tlWriterMap,
  defaultProductionDc,
  longToFastString,
  serializeBasicDcOption,
  TlBinaryWriter,
  toggleChannelIdMark,
} from "@mtcute/core/utils.js";
import { MemoryStorage, openSession, Session } from "../mod.ts";
import {
  type MtcutePeerInfo,
  type MtcuteStorage,
  mtcuteStorage,
} from "../adapters/mtcute.ts";
import { openPostgresStore } from "../adapters/postgres.ts";
import { openDenoKvStore } from "../adapters/deno_kv.ts";
import {
  long,
  mtBaseClient,
  mtChannel,
  mtChat,
  mtcuteSqliteStorage,
  mtUser,
} from "./_clients_mtcute.ts";
import { DATABASE_URL, dropSchemas, PG_SKIP, uniqueSchema } from "./_pg_env.ts";
import { KV_SKIP } from "./_kv_env.ts";
import { runtime } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-mtcute-whole-"));
const schemas: string[] = [];
// Whatever a test opened, closed at the end even when the test failed.
const opened: { close(): unknown }[] = [];
after(async () => {
  for (const o of opened.reverse()) {
    await Promise.resolve(o.close()).catch(() => {});
  }
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(...schemas);
});
/** Remembers something to close at the end; returns it. */
function track<T extends { close(): unknown }>(o: T): T {
  opened.push(o);
  return o;
}
let files = 0;
const freshPath = (ext: string): string => join(dir, `f${files++}.${ext}`);

// ---- the backends -----------------------------------------------------------

/** One place a session lives, opened, closed and opened again. */
interface Place {
  open(): Promise<Session>;
  /** Closes what `open` gave (and whatever holds it). */
  close(session: Session): Promise<void>;
}

interface Backend {
  name: string;
  skip: string | false;
  place(): Place;
}

const backends: Backend[] = [
  {
    name: "SQLite file",
    skip: false,
    place: () => {
      const path = freshPath("session");
      return {
        open: async () => track(await openSession(path)),
        close: (s) => s.close(),
      };
    },
  },
  {
    // A memory session cannot be closed and opened again: a second
    // Session over the same MemoryStorage is the reopen.
    name: "the same MemoryStorage",
    skip: false,
    place: () => {
      const storage = new MemoryStorage();
      return {
        open: () => Session.open(storage),
        close: (s) => s.save(),
      };
    },
  },
  {
    name: "PostgreSQL",
    skip: PG_SKIP,
    place: () => {
      const schema = uniqueSchema("mtwhole");
      schemas.push(schema);
      const stores: { close(): Promise<void> }[] = [];
      return {
        open: async () => {
          const store = track(
            await openPostgresStore(DATABASE_URL!, { schema }),
          );
          stores.push(store);
          return await store.open("mtcute");
        },
        close: async (s) => {
          await s.close();
          for (const store of stores.splice(0)) await store.close();
        },
      };
    },
  },
  {
    name: "Deno KV",
    skip: KV_SKIP,
    place: () => {
      const path = freshPath("kv");
      const stores: { close(): Promise<void> }[] = [];
      return {
        open: async () => {
          const store = track(await openDenoKvStore(path));
          stores.push(store);
          return await store.open("mtcute");
        },
        close: async (s) => {
          await s.close();
          for (const store of stores.splice(0)) await store.close();
        },
      };
    },
  },
];

// ---- what mtcute writes -----------------------------------------------------

type PeerInfo = MtcutePeerInfo;

/**
 * The repositories both storages have: mtcute's interfaces, as our types
 * copy them (mtcute's SQLite storage answers some at once, not in a
 * promise: awaiting both is the same).
 */
type Repositories = Omit<MtcuteStorage, "session">;

const ALICE = 5123456789;
const BOB = 777000111;
const MIN_USER = 6000000001;
const NEWS = toggleChannelIdMark(1987654321);
const MIN_CHANNEL = toggleChannelIdMark(1555000111);
const GROUP = -987654321;
const T0 = 1_700_000_000_000; // mtcute's `updated`, in whole seconds

const key = (n: number): Uint8Array =>
  new Uint8Array(256).map((_, i) => (i * 7 + n * 31) & 0xff);
const tl = (obj: object): Uint8Array =>
  TlBinaryWriter.serializeObject(__tlWriterMap, obj as never);
const int32 = (v: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, v, true);
  return out;
};
const fast = (v: bigint): string => longToFastString(long(v));

/** mtcute's own bytes for what its services write to the kv area. */
async function mtcuteBytes(): Promise<{ user: Uint8Array; salts: Uint8Array }> {
  const scratch = new MtMemoryStorage();
  const tg = mtBaseClient(scratch as never);
  await tg.prepare();
  await tg.storage.self.store({
    userId: ALICE,
    isBot: false,
    isPremium: true,
    usernames: ["alice_l", "alice_alt"],
  });
  await tg.mt.storage.salts.store(2, [
    { _: "mt_future_salt", validSince: 1, validUntil: 2, salt: long(-5n) },
    {
      _: "mt_future_salt",
      validSince: 2,
      validUntil: 3,
      salt: long(2n ** 62n),
    },
  ]);
  const user = await scratch.kv.get("current_user");
  const salts = await scratch.kv.get("salts:2");
  await tg.destroy();
  assert.ok(user && salts);
  return { user, salts };
}

/** The peers mtcute stores, with mtcute's TL bytes. */
function peers(): PeerInfo[] {
  const alice = mtUser({
    id: ALICE,
    hash: -(2n ** 63n),
    first: "Alice",
    usernames: ["Alice_L", "alice_alt"],
    phone: "447700900123",
  });
  const news = mtChannel({
    id: 1987654321,
    hash: 2n ** 63n - 1n,
    title: "News",
    username: "newschan",
  });
  const minUser = mtUser({ id: MIN_USER, hash: 99n, first: "Min", min: true });
  const minChannel = mtChannel({
    id: 1555000111,
    hash: -7n,
    title: "Min Chan",
    min: true,
  });
  return [
    // Alice first with an old hash, then again with the new one.
    {
      id: ALICE,
      accessHash: fast(1n),
      isMin: false,
      usernames: ["alice_l"],
      updated: T0,
      complete: tl({ ...alice, accessHash: long(1n) }),
    },
    {
      id: ALICE,
      accessHash: fast(-(2n ** 63n)),
      isMin: false,
      usernames: ["alice_l", "alice_alt"],
      updated: T0 + 1000,
      phone: "447700900123",
      complete: tl(alice),
    },
    {
      id: BOB,
      accessHash: fast(42n),
      isMin: false,
      usernames: [],
      updated: T0 + 2000,
      complete: new Uint8Array(0),
    },
    {
      id: NEWS,
      accessHash: fast(2n ** 63n - 1n),
      isMin: false,
      usernames: ["newschan"],
      updated: T0 + 3000,
      complete: tl(news),
    },
    {
      id: GROUP,
      accessHash: "",
      isMin: false,
      usernames: [],
      updated: T0 + 4000,
      complete: tl(mtChat(987654321, "Group")),
    },
    {
      id: MIN_USER,
      accessHash: fast(99n),
      isMin: true,
      usernames: [],
      updated: T0 + 5000,
      complete: tl(minUser),
    },
    {
      id: MIN_CHANNEL,
      accessHash: fast(-7n),
      isMin: true,
      usernames: ["minchan"],
      updated: T0 + 6000,
      complete: tl(minChannel),
    },
  ];
}

const DCS = [1, 2, 3, 4, 5];
const E1 = T0 + 60_000;
const E2 = T0 + 120_000;

/** Every write, in the order mtcute's services would make them. */
async function writeEverything(
  r: Repositories,
  bytes: { user: Uint8Array; salts: Uint8Array },
): Promise<void> {
  await r.driver.load();
  await r.kv.set("dc_main", serializeBasicDcOption(defaultProductionDc.main));
  await r.kv.set("dc_media", serializeBasicDcOption(defaultProductionDc.media));
  // Permanent keys: the main DC's, other DCs', one removed, one DC dropped.
  for (const dc of DCS) await r.authKeys.set(dc, key(dc));
  await r.authKeys.set(3, null);
  // Temporary keys.
  await r.authKeys.setTemp(2, 0, key(20), E1);
  await r.authKeys.setTemp(2, 1, key(21), E2);
  await r.authKeys.setTemp(4, 0, key(40), E2);
  await r.authKeys.setTemp(4, 1, key(41), E2);
  await r.authKeys.setTemp(4, 1, null, 0);
  await r.authKeys.setTemp(5, 0, key(50), E2);
  await r.authKeys.deleteByDc(5);
  // The kv area: the current user, salts, update states, another key.
  await r.kv.set("current_user", bytes.user);
  await r.kv.set("salts:2", bytes.salts);
  await r.kv.set("salts:4", bytes.salts.slice(0, 28));
  await r.kv.set("salts:5", bytes.salts);
  // mtcute's SQLite storage batches kv writes but deletes at once: a
  // delete must follow a save there to win.
  await r.driver.save();
  await r.kv.delete("salts:5");
  await r.kv.set("some_client_key", new Uint8Array([1, 2, 3]));
  await r.kv.set("updates_pts", int32(1001));
  await r.kv.set("updates_qts", int32(7));
  await r.kv.set("updates_date", int32(1700000000));
  await r.kv.set("updates_seq", int32(33));
  await r.kv.set("updates_channel:1987654321", int32(4242));
  // Peers and the messages min peers were seen in.
  for (const p of peers()) await r.peers.store(p);
  await r.refMessages.store(MIN_USER, NEWS, 10);
  await r.refMessages.store(MIN_USER, NEWS, 12);
  await r.refMessages.store(MIN_USER, NEWS, 10);
  await r.refMessages.store(MIN_CHANNEL, GROUP, 5);
  await r.refMessages.store(MIN_CHANNEL, NEWS, 6);
  await r.refMessages.store(BOB, GROUP, 7);
  await r.refMessages.delete(NEWS, [10]);
  await r.refMessages.deleteByPeer(BOB);
  await r.driver.save();
}

const KV_KEYS = [
  "dc_main",
  "dc_media",
  "current_user",
  "salts:2",
  "salts:4",
  "salts:5",
  "some_client_key",
  "never_written",
  "updates_pts",
  "updates_qts",
  "updates_date",
  "updates_seq",
  "updates_channel:1987654321",
  "updates_channel:1",
];
const NOWS = [0, E1 - 1, E1, E2 - 1, E2];
const IDS = [ALICE, BOB, NEWS, GROUP, MIN_USER, MIN_CHANNEL, 12345];

/**
 * A peer as mtcute's code sees it: a field set to `undefined` is a field
 * not there (mtcute's SQLite storage gives `phone: undefined`).
 */
function seen(peer: PeerInfo | null): PeerInfo | null {
  if (peer === null) return null;
  return Object.fromEntries(
    Object.entries(peer).filter(([, v]) => v !== undefined),
  ) as unknown as PeerInfo;
}

/** Everything mtcute can read back, through its repository interfaces. */
async function readEverything(r: Repositories): Promise<unknown> {
  await r.driver.load();
  const out: Record<string, unknown> = {};
  for (const dc of DCS) out[`key ${dc}`] = await r.authKeys.get(dc);
  for (const dc of DCS) {
    for (const idx of [0, 1]) {
      for (const now of NOWS) {
        out[`temp ${dc}:${idx} at ${now}`] = await r.authKeys.getTemp(
          dc,
          idx,
          now,
        );
      }
    }
  }
  for (const k of KV_KEYS) out[`kv ${k}`] = await r.kv.get(k);
  for (const id of IDS) out[`peer ${id}`] = seen(await r.peers.getById(id));
  for (const u of ["alice_l", "alice_alt", "newschan", "minchan", "nobody"]) {
    out[`username ${u}`] = seen(await r.peers.getByUsername(u));
  }
  for (const p of ["447700900123", "15550001"]) {
    out[`phone ${p}`] = seen(await r.peers.getByPhone(p));
  }
  for (const id of IDS) out[`ref ${id}`] = await r.refMessages.getByPeer(id);
  return out;
}

/** What mtcute's high-level services make of it (a fresh client). */
async function readThroughClient(storage: unknown): Promise<unknown> {
  const tg = mtBaseClient(storage as never);
  await tg.prepare();
  const complete = await tg.storage.peers.getCompleteById(ALICE);
  const out = {
    self: await tg.storage.self.fetch(),
    dcs: await tg.mt.storage.dcs.fetch(),
    salts: (await tg.mt.storage.salts.fetch(2))?.map((s) => s.salt.toString()),
    state: await tg.storage.updates.getState(),
    news: await tg.storage.updates.getChannelPts(1987654321),
    minUser: await tg.storage.peers.getById(MIN_USER),
    minChannel: await tg.storage.peers.getById(MIN_CHANNEL),
    alice: complete?._ === "user" ? [complete.firstName, complete.phone] : null,
  };
  await tg.destroy();
  return JSON.parse(
    JSON.stringify(out, (_, v) => typeof v === "bigint" ? `${v}n` : v),
  );
}

describe("mtcuteStorage(): every repository persists, equal to mtcute's SqliteStorage", () => {
  for (const backend of backends) {
    it(`${backend.name} (${runtime}): written, closed, reopened, read back`, {
      skip: backend.skip,
    }, async () => {
      const bytes = await mtcuteBytes();
      // mtcute's own SQLite storage: write, close, reopen, read.
      const refPath = freshPath("mtcute.sqlite");
      const ref = await mtcuteSqliteStorage(refPath);
      track({ close: () => ref.driver.destroy() });
      await writeEverything(ref as unknown as Repositories, bytes);
      await ref.driver.destroy();
      const refAgain = await mtcuteSqliteStorage(refPath);
      track({ close: () => refAgain.driver.destroy() });
      const expected = await readEverything(
        refAgain as unknown as Repositories,
      );
      const expectedHigh = await readThroughClient(refAgain);
      await refAgain.driver.destroy();

      // Ours, on the backend: the same.
      const place = backend.place();
      const first = await place.open();
      await writeEverything(mtcuteStorage(first), bytes);
      await place.close(first);
      const again = await place.open();
      const storage = mtcuteStorage(again);
      const actual = await readEverything(storage);
      const actualHigh = await readThroughClient(mtcuteStorage(again));

      for (const k of Object.keys(expected as object)) {
        assert.deepEqual(
          (actual as Record<string, unknown>)[k],
          (expected as Record<string, unknown>)[k],
          k,
        );
      }
      assert.deepEqual(actual, expected);
      assert.deepEqual(actualHigh, expectedHigh);

      // The reference did keep it all (the comparison is not of nothing).
      const e = expected as Record<string, unknown>;
      assert.deepEqual(e["key 4"], key(4));
      assert.equal(e["key 3"], null);
      assert.deepEqual(e["temp 2:1 at 0"], key(21));
      assert.deepEqual(e["kv salts:2"], bytes.salts);
      assert.deepEqual(e["ref " + MIN_USER], [NEWS, 12]);
      assert.equal((e["peer " + MIN_CHANNEL] as PeerInfo).isMin, true);
      assert.ok((e["peer " + ALICE] as PeerInfo).complete.length > 0);
      assert.deepEqual(expectedHigh, {
        self: {
          userId: ALICE,
          isBot: false,
          isPremium: true,
          usernames: ["alice_l", "alice_alt"],
        },
        dcs: {
          main: {
            id: 2,
            ipAddress: "149.154.167.50",
            port: 443,
            ipv6: false,
            mediaOnly: false,
            testMode: false,
          },
          media: {
            id: 2,
            ipAddress: "149.154.167.222",
            port: 443,
            ipv6: false,
            mediaOnly: true,
            testMode: false,
          },
        },
        salts: ["-5", String(2n ** 62n)],
        state: [1001, 7, 1700000000, 33],
        news: 4242,
        minUser: {
          _: "inputPeerUserFromMessage",
          peer: {
            _: "inputPeerChannel",
            channelId: 1987654321,
            accessHash: JSON.parse(JSON.stringify(long(2n ** 63n - 1n))),
          },
          msgId: 12,
          userId: MIN_USER,
        },
        minChannel: {
          _: "inputPeerChannelFromMessage",
          peer: { _: "inputPeerChat", chatId: 987654321 },
          msgId: 5,
          channelId: 1555000111,
        },
        alice: ["Alice", "447700900123"],
      });

      // And the session holds it where other clients see it too.
      assert.deepEqual(again.authKeyFor(4), key(4));
      assert.deepEqual(again.dataCenters.map((d) => [d.id, d.mediaOnly]), [[
        2,
        false,
      ], [2, true]]);
      assert.equal((await again.getPeer(MIN_USER))?.min, true);
      assert.deepEqual(
        (await again.listValues()).map((v) => v.name),
        [
          "mtcute:current_user",
          "mtcute:salts:2",
          "mtcute:salts:4",
          "mtcute:some_client_key",
        ],
      );
      await place.close(again);
    });
  }
});
