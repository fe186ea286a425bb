// Files written by an older mtsession are upgraded in place, losing
// nothing: the fixture tests/fixtures/mtsession/schema1.session was written
// by mtsession at schema 1 (usernames only in mts_usernames, rowid tables),
// and schema1.json lists what it holds.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  migrateSqlite,
  openSession,
  openSessionStore,
  type PeerRecord,
  readSessionFile,
  SCHEMA_VERSION,
  SessionFileError,
} from "../mod.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { SQL } from "../src/sqlite/sqlite_storage.ts";
import { fixturePath, hex, loadFixtureJson, runtime } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-schema-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const FIXTURE = fixturePath("mtsession/schema1.session");
const want = loadFixtureJson("mtsession/schema1.json");
const wantPeers: PeerRecord[] = want.peers.map((p: PeerRecord) => ({
  ...p,
  accessHash: BigInt(p.accessHash),
}));

/** A private copy of the schema-1 fixture, as `name.session`. */
function copyOfFixture(): string {
  const path = join(dir, `old${n++}.session`);
  copyFileSync(FIXTURE, path);
  chmodSync(path, 0o600);
  return path;
}

const byId = (a: PeerRecord, b: PeerRecord): number => a.id - b.id;

async function meta(path: string): Promise<Record<string, string>> {
  const db = await openDefaultDatabase(path, { create: false });
  try {
    const out: Record<string, string> = {};
    for (const row of db.prepare("SELECT key, value FROM mts_meta").all()) {
      out[String(row.key)] = String(row.value);
    }
    out.integrity = String(
      Object.values(db.prepare("PRAGMA integrity_check").get()!)[0],
    );
    return out;
  } finally {
    db.close();
  }
}

describe(`schema 1 files are upgraded (${runtime})`, () => {
  it("the fixture really is schema 1", async () => {
    assert.ok(SCHEMA_VERSION > 1);
    assert.equal((await meta(FIXTURE)).schema, "1");
  });

  it("openSession upgrades a schema-1 file with every peer, in order", async () => {
    const path = copyOfFixture();
    const s = await openSession(path);
    assert.equal(s.dcId, want.dcId);
    assert.equal(s.serverAddress, want.serverAddress);
    assert.equal(s.port, want.port);
    assert.equal(s.apiId, want.apiId);
    assert.equal(s.userId, want.userId);
    assert.deepEqual(s.authKey, hex(want.authKeyHex));
    assert.deepEqual((await s.listPeers()).sort(byId), wantPeers.sort(byId));
    for (const p of wantPeers) {
      for (const u of p.usernames) {
        const found = await s.storage.findPeer({ by: "username", value: u });
        assert.equal(found?.id, p.id, `@${u}`);
      }
      if (p.phone !== null) {
        const found = await s.storage.findPeer({ by: "phone", value: p.phone });
        assert.equal(found?.id, p.id, p.phone);
      }
    }
    assert.equal((await s.getUpdateState(0))?.pts, 100);
    assert.equal((await s.listCachedFiles()).length, 1);
    // The upgraded file keeps working: a username moves to a new peer.
    await s.putPeers([{
      id: 9,
      type: "user",
      accessHash: 9n,
      usernames: ["alpha"],
      phone: null,
      name: null,
      updatedAt: 1_800_000_000,
    }]);
    assert.equal((await s.getPeer("@alpha"))?.id, 9);
    assert.deepEqual((await s.getPeer(1))?.usernames, ["zeta"]);
    await s.close();

    const after = await meta(path);
    assert.equal(after.schema, String(SCHEMA_VERSION));
    assert.equal(after.integrity, "ok");
    const again = await openSession(path);
    assert.deepEqual((await again.getPeer(1))?.usernames, ["zeta"]);
    assert.deepEqual((await again.getPeer(778))?.usernames, ["b", "c", "a"]);
    await again.close();
  });

  it("a session store of schema 1 is upgraded too", async () => {
    const path = copyOfFixture();
    const store = await openSessionStore(path);
    const s = await store.open("default");
    assert.deepEqual((await s.listPeers()).sort(byId), wantPeers.sort(byId));
    await s.close();
    await store.close();
  });

  it("migrateSqlite upgrades a connection you opened", async () => {
    const path = copyOfFixture();
    const db = await openDefaultDatabase(path, { create: false });
    migrateSqlite(db);
    const version = db.prepare(
      "SELECT value FROM mts_meta WHERE key = 'schema'",
    ).get();
    db.close();
    assert.equal(String(version?.value), String(SCHEMA_VERSION));
  });

  it("readSessionFile reads a schema-1 file and leaves it byte for byte", async () => {
    const path = copyOfFixture();
    const before = readFileSync(path);
    const read = await readSessionFile(path);
    assert.equal(read.kind.library, "mtsession");
    assert.equal(read.kind.schema, 1);
    assert.deepEqual(read.peers.slice().sort(byId), wantPeers.sort(byId));
    assert.deepEqual(readFileSync(path), before);
  });

  it("a file of a newer schema is refused, typed, and left untouched", async () => {
    const path = copyOfFixture();
    const db = await openDefaultDatabase(path, { create: false });
    db.prepare("UPDATE mts_meta SET value = ? WHERE key = 'schema'").run(
      String(SCHEMA_VERSION + 1),
    );
    db.close();
    const before = readFileSync(path);
    await assert.rejects(openSession(path), SessionFileError);
    await assert.rejects(readSessionFile(path), SessionFileError);
    assert.deepEqual(readFileSync(path), before);
  });
});

describe(`every peer lookup is an index search (${runtime})`, () => {
  // A lookup that scans costs ~N rows: at 100k peers that is a thousand
  // times slower. SQLite's planner has chosen such plans before (for a
  // partial index under bound parameters), so the plans are pinned here.
  const lookups: [keyof typeof SQL, unknown[]][] = [
    ["byId", ["s", 1]],
    ["byUsername", ["s", "s", "name"]],
    ["byPhone", ["s", "15550001111"]],
    ["byName", ["s", "Name"]],
  ];
  for (const [name, params] of lookups) {
    it(name, async () => {
      const db = await openDefaultDatabase(":memory:");
      migrateSqlite(db);
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${SQL[name]}`)
        .all(...(params as string[])).map((r) => String(r.detail));
      db.close();
      assert.ok(plan.length > 0);
      for (const step of plan) {
        if (step.startsWith("SCALAR SUBQUERY")) continue;
        if (step.startsWith("USE TEMP B-TREE FOR ORDER BY")) continue;
        assert.match(step, /^SEARCH .*\(session_id=\? AND \w+=\?\)$/, step);
      }
    });
  }
});
