// SQLite file sessions and stores on the runtime at hand: the storage and
// store conformance suites, durability, locking with real processes, files
// that are not ours left untouched, permissions.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  listSessions,
  openSession,
  openSessionStore,
  readSessionFile,
  SessionFileError,
  SessionInUseError,
  type SessionStorage,
} from "../mod.ts";
import { openFileStorage } from "../src/sqlite/session_file.ts";
import type { SqliteStorage } from "../src/sqlite/sqlite_storage.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { describeSessionStorage } from "./_conformance.ts";
import { describeSessionStore } from "./_store_conformance.ts";
import { fixturePath, runtime } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `s${n++}`);

// Which file each storage of the suite is, for reopening it.
const fileOf = new WeakMap<object, string>();
const openFile = async (name: string): Promise<SqliteStorage> => {
  const s = await openFileStorage(name, { flushDelayMs: 5 });
  fileOf.set(s, name);
  return s;
};
describeSessionStorage(
  `sqlite file (${runtime})`,
  () => openFile(fresh()),
  (closed) => openFile(fileOf.get(closed)!),
);

describe("SQLite file sessions", () => {
  it("creates name.session with mode 0600 and reopens it with everything", async () => {
    const name = fresh();
    const s = await openSession(name);
    await s.setDc(4, "149.154.167.91", 443);
    await s.setAuthKey(new Uint8Array(256).fill(3));
    s.takeoutId = 2n ** 63n - 1n;
    await s.processEntities({
      _: "user",
      id: 5_123_456_789,
      accessHash: -(2n ** 63n),
      username: "Big",
      phone: "79991234567",
      firstName: "Big",
    });
    await s.setUpdateState({
      entityId: -1001876543210,
      pts: 4321,
      qts: 0,
      date: 1699999200.5,
      seq: 0,
    });
    await s.close();
    assert.equal(statSync(`${name}.session`).mode & 0o777, 0o600);
    const again = await openSession(`${name}.session`);
    assert.equal(again.dcId, 4);
    assert.deepEqual(again.authKey, new Uint8Array(256).fill(3));
    assert.equal(again.takeoutId, 2n ** 63n - 1n);
    assert.deepEqual(await again.getInputPeer("@big"), {
      _: "inputPeerUser",
      userId: 5_123_456_789,
      accessHash: -(2n ** 63n),
    });
    assert.deepEqual(await again.getInputPeer("+7 999 123 45 67"), {
      _: "inputPeerUser",
      userId: 5_123_456_789,
      accessHash: -(2n ** 63n),
    });
    assert.deepEqual(await again.getUpdateStates(), [{
      entityId: -1001876543210,
      pts: 4321,
      qts: 0,
      date: 1699999200.5,
      seq: 0,
    }]);
    await again.close();
  });

  it("batches peers: nothing reaches the file before the delay, all after save()", async () => {
    const name = fresh();
    const s = await openSession(name, { flushDelayMs: 60_000 });
    await s.processEntities(
      Array.from(
        { length: 50 },
        (_, i) => ({ _: "user", id: i + 1, accessHash: BigInt(i) }),
      ),
    );
    // The file itself (read from a copy) has none of them yet.
    assert.equal((await readSessionFile(`${name}.session`)).peers.length, 0);
    // A read through the session writes the batch first: it sees them all.
    assert.equal(await s.countPeers(), 50, "reads see pending writes");
    await s.save();
    assert.equal((await readSessionFile(`${name}.session`)).peers.length, 50);
    await s.close();
    const again = await openSession(name);
    assert.equal(await again.countPeers(), 50);
    await again.close();
  });

  it("batched peers reach the file after flushDelayMs or at maxBatch; auth at once", async () => {
    const name = fresh();
    const file = `${name}.session`;
    const s = await openSession(name, { flushDelayMs: 40, maxBatch: 30 });
    await s.setDc(4, "149.154.167.91", 443);
    s.authKey = new Uint8Array(256).fill(4);
    await s.processEntities({ _: "user", id: 1, accessHash: 1n });
    const early = await readSessionFile(file);
    assert.equal(early.auth.dcId, 4, "setDc is durable when it resolves");
    assert.equal(early.peers.length, 0);
    await new Promise((r) => setTimeout(r, 150));
    const later = await readSessionFile(file);
    assert.equal(later.peers.length, 1, "written after the delay");
    assert.ok(later.auth.authKey !== null, "the key setter's write landed");
    await s.processEntities(
      Array.from(
        { length: 30 },
        (_, i) => ({ _: "user", id: 100 + i, accessHash: 1n }),
      ),
    );
    assert.equal(
      (await readSessionFile(file)).peers.length,
      31,
      "written at once at maxBatch",
    );
    await s.close();
  });

  it("a second opener in this process gets SessionInUseError at once", async () => {
    const name = fresh();
    const s = await openSession(name);
    const started = Date.now();
    await assert.rejects(openSession(name), SessionInUseError);
    assert.ok(Date.now() - started < 5000);
    await s.close();
    const again = await openSession(name);
    await again.close();
  });

  it("a second process gets the typed in-use error; with wait it gets in after the first closes", async () => {
    const name = fresh();
    const s = await openSession(name);
    await s.setDc(2, "149.154.167.51", 443);
    const child = await runChild(name, "nowait");
    assert.equal(child.code, 3, child.output);
    assert.match(child.output, /SessionInUseError/);
    assert.doesNotMatch(child.output, /database is locked/);
    const waiting = runChild(name, "wait");
    await new Promise((r) => setTimeout(r, 300));
    await s.close();
    const waited = await waiting;
    assert.equal(waited.code, 0, waited.output);
    assert.match(waited.output, /dc=2/);
  });

  it("delete() removes the file and its -wal/-shm", async () => {
    const name = fresh();
    const s = await openSession(name);
    await s.processEntities({ _: "user", id: 1, accessHash: 1n });
    await s.save();
    assert.ok(existsSync(`${name}.session-wal`), "a WAL while open");
    // A leftover SQLite closing would not remove.
    writeFileSync(`${name}.session-journal`, "stale");
    await s.delete();
    assert.deepEqual(
      readdirSync(dir).filter((f) =>
        f.startsWith(name.split("/").pop()! + ".")
      ),
      [],
    );
  });

  it("listSessions names the .session files of a directory", async () => {
    const sub = mkdtempSync(join(dir, "list-"));
    for (const x of ["b", "a"]) await (await openSession(join(sub, x))).close();
    writeFileSync(join(sub, "notes.txt"), "x");
    assert.deepEqual(await listSessions(sub), ["a", "b"]);
  });

  it("clone() copies a file session into memory", async () => {
    const s = await openSession(fresh());
    await s.setAuthKey(new Uint8Array(256).fill(8));
    await s.processEntities({
      _: "user",
      id: 1,
      accessHash: 1n,
      username: "x_y_z",
    });
    const c = await s.clone();
    assert.equal(c.storage.kind, "memory");
    assert.equal((await c.getPeer("@x_y_z"))?.id, 1);
    await s.close();
  });
});

describe("files that are not ours are refused and left untouched", () => {
  const cases: Array<[string, (p: string) => void, RegExp]> = [
    ["a zero-length file", (p) => writeFileSync(p, ""), /empty file/],
    [
      "a text file",
      (p) =>
        writeFileSync(p, "hello, this is not a database at all".repeat(10)),
      /not an SQLite database/,
    ],
    [
      "a Telethon session",
      (p) => copyFileSync(fixturePath("telethon/sqlite/v7-full.session"), p),
      /Telethon session file/,
    ],
    [
      "a Pyrogram session",
      (p) =>
        copyFileSync(
          fixturePath("pyrogram/sqlite/pyrogram-2.0.106-user.session"),
          p,
        ),
      /Pyrogram session file/,
    ],
    [
      "a truncated database",
      (p) =>
        writeFileSync(
          p,
          readFileSync(fixturePath("telethon/sqlite/v7-full.session")).subarray(
            0,
            8192,
          ),
        ),
      /truncated/,
    ],
    ["a corrupted database", (p) => {
      const b = readFileSync(fixturePath("telethon/sqlite/v7-full.session"));
      b.fill(0xee, 100, 4096);
      writeFileSync(p, b);
    }, /corrupted|Telethon/],
  ];
  for (const [what, make, found] of cases) {
    it(what, async () => {
      const path = `${fresh()}.session`;
      make(path);
      const before = readFileSync(path);
      const e = await openSession(path).catch((x) => x);
      assert.ok(e instanceof SessionFileError, `${what}: ${e}`);
      assert.match(e.found, found);
      assert.deepEqual(readFileSync(path), before, "the file is unchanged");
      assert.ok(!existsSync(`${path}-wal`) && !existsSync(`${path}-journal`));
    });
  }
});

// The sessions of a store keep the whole session too: each storage of this
// suite is session "s" of a store file of its own; reopening it closes the
// store and opens the file and the session again.
const storeOf = new WeakMap<
  object,
  { path: string; store: { close(): Promise<void> } }
>();
const stores: { close(): Promise<void> }[] = [];
after(async () => {
  for (const s of stores) await s.close().catch(() => {});
});
const openInStore = async (path: string): Promise<SessionStorage> => {
  const store = await openSessionStore(path, { flushDelayMs: 5 });
  stores.push(store);
  const { storage } = await store.open("s");
  storeOf.set(storage, { path, store });
  return storage;
};
describeSessionStorage(
  `sqlite store session (${runtime})`,
  () => openInStore(join(dir, `store${n++}.db`)),
  async (closed) => {
    const { path, store } = storeOf.get(closed)!;
    await store.close();
    return await openInStore(path);
  },
);

describe("SQLite stores", () => {
  it("lookups keep sessions apart whatever their ids hold (quotes, NUL, lone surrogates)", async () => {
    const store = await openSessionStore(join(dir, `store${n++}.db`));
    const ids = [
      "it's",
      "a\0b",
      "a",
      "\ud800x",
      "x\udfff",
      "'; --",
      "$&$'$`$$",
      "\u{1F600}",
    ];
    for (const [i, id] of ids.entries()) {
      const s = await store.open(id);
      await s.processEntities({
        _: "user",
        id: 100 + i,
        accessHash: BigInt(i) - 2n ** 63n,
        username: `user${i}name`,
        phone: `7900${i}`,
        firstName: `N${i}`,
      });
      // The same username and phone in every session, each its own peer.
      await s.processEntities({
        _: "user",
        id: 1000 + i,
        accessHash: 1n,
        username: "samename",
        phone: "79999",
      });
      await s.close();
    }
    for (const [i, id] of ids.entries()) {
      const s = await store.open(id);
      assert.equal(
        (await s.getPeer(100 + i))?.accessHash,
        BigInt(i) - 2n ** 63n,
      );
      assert.equal((await s.getPeer(`@user${i}name`))?.id, 100 + i);
      assert.equal((await s.getPeer(`+7900${i}`))?.id, 100 + i);
      assert.equal((await s.getPeer(`N${i}`))?.id, 100 + i);
      assert.equal((await s.getPeer("@samename"))?.id, 1000 + i);
      assert.equal((await s.getPeer("+79999"))?.id, 1000 + i);
      // Another session's peer is not this one's.
      const other = (i + 1) % ids.length;
      assert.equal(await s.getPeer(100 + other), undefined);
      assert.equal(await s.getPeer(`@user${other}name`), undefined);
      await s.close();
    }
    await store.close();
  });

  it("delete() removes every row of the session, in every table, and keeps the others'", async () => {
    const path = join(dir, `store${n++}.db`);
    const store = await openSessionStore(path);
    for (const id of ["a", "b"]) {
      const s = await store.open(id);
      await s.setDc(2, "149.154.167.51", 443);
      await s.setDataCenters([{
        id: 4,
        testMode: false,
        mediaOnly: false,
        ipv4: "149.154.167.91",
        ipv6: null,
        port: 443,
      }]);
      await s.setAuthKeyFor(4, new Uint8Array(256).fill(4));
      await s.setTempAuthKey(
        4,
        0,
        new Uint8Array(256).fill(5),
        Date.now() + 1e6,
      );
      await s.setValue("v", new Uint8Array([1]));
      await s.putMessageRef({ peerId: 7, chatId: -42, messageId: 1 });
      await s.processEntities({
        _: "user",
        id: 7,
        accessHash: 1n,
        username: "x",
      });
      await s.setUpdateState({ entityId: 0, pts: 1, qts: 0, date: 1, seq: 0 });
      await s.cacheFile({
        md5: new Uint8Array(16).fill(1),
        size: 1,
        type: "photo",
        id: 1n,
        accessHash: 1n,
      });
      await s.close();
    }
    await store.delete("b");
    await store.close();
    const db = await openDefaultDatabase(path, { create: false });
    try {
      const tables = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'mts_%' AND name <> 'mts_meta'",
      ).all().map((r) => String(r.name));
      assert.equal(tables.length, 10);
      for (const table of tables) {
        const count = (id: string): number =>
          Number(
            db.prepare(
              `SELECT count(*) AS n FROM ${table} WHERE session_id = ?`,
            )
              .get(id)!.n,
          );
        assert.equal(count("b"), 0, table);
        assert.ok(count("a") > 0, `${table} of a is kept`);
      }
    } finally {
      db.close();
    }
  });
});

describeSessionStore(`sqlite store (${runtime})`, () => {
  const path = join(dir, `store${n++}.db`);
  return { open: () => openSessionStore(path) };
}, { shared: false });

const CHILD = fileURLToPath(new URL("./_open_child.ts", import.meta.url));

function runChild(
  name: string,
  mode: string,
): Promise<{ code: number; output: string }> {
  const args = runtime === "deno"
    ? ["run", "-A", CHILD, name, mode]
    : [CHILD, name, mode];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}
