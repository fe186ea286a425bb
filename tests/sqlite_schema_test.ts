// Files written by an older mtsession are upgraded in place, losing
// nothing: the fixture tests/fixtures/mtsession/schema1.session was written
// by mtsession at schema 1 (usernames only in mts_usernames, rowid tables),
// schema2.session by mtsession at schema 2 (opening a copy of schema1),
// schema3.session by mtsession at schema 3 (the same), and schema1.json
// lists what all three hold. Each is upgraded to the current schema (4:
// input peers from an index) on every driver of the runtime, in one
// transaction.

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
import type { SqliteDriverName } from "../src/sqlite/driver.ts";
import type { SqliteSessionOptions } from "../src/sqlite/session_file.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { SQL } from "../src/sqlite/sqlite_storage.ts";
import { denoSqliteModule, driversHere } from "./_drivers.ts";
import { fixturePath, hex, loadFixtureJson, runtime } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-schema-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const FIXTURE = fixturePath("mtsession/schema1.session");
const FIXTURES: Record<number, string> = {
  1: FIXTURE,
  2: fixturePath("mtsession/schema2.session"),
  3: fixturePath("mtsession/schema3.session"),
};
const want = loadFixtureJson("mtsession/schema1.json");
const wantPeers: PeerRecord[] = want.peers.map((p: PeerRecord) => ({
  ...p,
  accessHash: BigInt(p.accessHash),
}));

/** A private copy of the schema-1 (or another) fixture, as `name.session`. */
function copyOfFixture(schema = 1): string {
  const path = join(dir, `old${n++}.session`);
  copyFileSync(FIXTURES[schema]!, path);
  chmodSync(path, 0o600);
  return path;
}

/** Session options that pick one driver. */
function withDriver(name: SqliteDriverName): SqliteSessionOptions {
  return name === "@db/sqlite" && denoSqliteModule !== undefined
    ? { driver: name, module: denoSqliteModule }
    : { driver: name };
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

const key = (seed: number): Uint8Array =>
  new Uint8Array(256).map((_, i) => (i * 11 + seed) & 0xff);

for (const schema of [1, 2, 3]) {
  describe(`schema ${schema} files are upgraded to schema ${SCHEMA_VERSION} on every driver (${runtime})`, () => {
    it(`the fixture really is schema ${schema}`, async () => {
      assert.equal(SCHEMA_VERSION, 4);
      assert.equal((await meta(FIXTURES[schema]!)).schema, String(schema));
    });

    for (const d of driversHere()) {
      it(`${d.name}: keeps the login, every peer and the caches, then holds the whole session`, async () => {
        const path = copyOfFixture(schema);
        const options = withDriver(d.name);
        const s = await openSession(path, options);
        assert.equal(s.dcId, want.dcId);
        assert.deepEqual(s.authKey, hex(want.authKeyHex));
        // Upgraded peers are full peers without raw bytes: no new field.
        assert.deepEqual(
          (await s.listPeers()).sort(byId),
          wantPeers.sort(byId),
        );
        assert.equal((await s.getUpdateState(0))?.pts, 100);
        assert.equal((await s.listCachedFiles()).length, 1);
        const st = s.storage;
        assert.deepEqual(await st.getDcs(), []);
        assert.deepEqual(await st.listValues(), []);

        const dcs = [{
          id: 2,
          testMode: false,
          mediaOnly: false,
          ipv4: "149.154.167.51",
          ipv6: null,
          port: 443,
        }, {
          id: 2,
          testMode: false,
          mediaOnly: true,
          ipv4: null,
          ipv6: "2001:67c:4e8:f002::b",
          port: 443,
        }];
        const expiresAt = 1_700_000_000_123; // ms: exact
        const raw = new Uint8Array(700).map((_, i) => (i * 7) & 0xff);
        await st.setDcs(dcs);
        await st.setAuthKeys([{ dcId: 4, key: key(4) }]);
        await st.setTempAuthKeys([
          { dcId: 2, index: 1, key: key(21), expiresAt },
        ]);
        await st.setValues([{ name: "dc_media", value: new Uint8Array([5]) }]);
        await st.putMessageRefs([
          { peerId: 777_000_001, chatId: -1001234567890, messageId: 42 },
        ]);
        await st.putPeers([
          { ...wantPeers.find((p) => p.id === 1)!, raw },
          {
            id: 777_000_001,
            type: "user",
            accessHash: 3n,
            usernames: [],
            phone: null,
            name: "Min",
            updatedAt: 1_800_000_000,
            min: true,
          },
        ]);
        await s.close();

        const after = await meta(path);
        assert.equal(after.schema, String(SCHEMA_VERSION));
        assert.equal(after.integrity, "ok");
        const again = await openSession(path, options);
        const t = again.storage;
        assert.deepEqual(await t.getDcs(), dcs);
        assert.deepEqual(await t.getAuthKeys(), [{ dcId: 4, key: key(4) }]);
        assert.deepEqual(await t.getTempAuthKeys(expiresAt - 1), [
          { dcId: 2, index: 1, key: key(21), expiresAt },
        ]);
        assert.deepEqual(await t.getTempAuthKeys(expiresAt), []);
        assert.deepEqual(await t.getValue("dc_media"), new Uint8Array([5]));
        assert.deepEqual(await t.getMessageRefs(777_000_001), [
          { peerId: 777_000_001, chatId: -1001234567890, messageId: 42 },
        ]);
        const one = await t.findPeer({ by: "username", value: "zeta" });
        assert.deepEqual(one?.raw, raw);
        assert.deepEqual(one?.usernames, ["zeta", "alpha"]);
        assert.equal(one?.min, undefined);
        const min = await t.findPeer({ by: "id", ids: [777_000_001] });
        assert.equal(min?.min, true);
        assert.equal(min?.raw, undefined);
        await again.close();
      });

      it(`${d.name}: an upgrade that fails leaves the file as it was`, async () => {
        const path = copyOfFixture(schema);
        // A table in the way of the last step's first index: every earlier
        // step has run when it fails.
        const db = await d.open(path);
        db.exec("CREATE TABLE mts_peers_key (x)");
        db.close();
        const before = readFileSync(path);
        await assert.rejects(
          openSession(path, withDriver(d.name)),
          /mts_peers_key/,
        );
        assert.deepEqual(readFileSync(path), before, "byte for byte");
        assert.equal((await meta(path)).schema, String(schema));
        // Out of the way, the same file upgrades.
        const fix = await d.open(path);
        fix.exec("DROP TABLE mts_peers_key");
        fix.close();
        const s = await openSession(path, withDriver(d.name));
        assert.deepEqual(
          (await s.listPeers()).sort(byId),
          wantPeers.sort(byId),
        );
        await s.close();
        assert.equal((await meta(path)).schema, String(SCHEMA_VERSION));
      });
    }

    it("readSessionFile reads it and leaves it byte for byte", async () => {
      const path = copyOfFixture(schema);
      const before = readFileSync(path);
      const read = await readSessionFile(path);
      assert.equal(read.kind.library, "mtsession");
      assert.equal(read.kind.schema, schema);
      assert.deepEqual(read.peers.slice().sort(byId), wantPeers.sort(byId));
      assert.deepEqual(readFileSync(path), before);
    });
  });
}

describe(`message references are read through an index, oldest first (${runtime})`, () => {
  it("by peer: the peer index, no sort", async () => {
    const db = await openDefaultDatabase(":memory:");
    migrateSqlite(db);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${SQL.refsOf}`).all("s", 1)
      .map((r) => String(r.detail));
    assert.deepEqual(plan, [
      "SEARCH mts_message_refs USING INDEX mts_message_refs_peer (session_id=? AND peer_id=?)",
    ]);
    const drop = db.prepare(`EXPLAIN QUERY PLAN ${SQL.dropRefsTo}`)
      .all("s", 1, 2).map((r) => String(r.detail));
    assert.equal(drop.length, 1);
    assert.match(
      drop[0]!,
      /^SEARCH mts_message_refs USING (COVERING )?INDEX mts_message_refs_msg \(session_id=\? AND chat_id=\? AND msg_id=\?\)$/,
    );
    db.close();
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
    ["keyById", ["s", 1]],
    ["keyByUsername", ["s", "s", "name"]],
    ["keyByPhone", ["s", "15550001111"]],
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
        assert.match(
          step,
          /^SEARCH .*\((session_id=\? AND \w+=\?|\w+=\? AND session_id=\?)\)$/,
          step,
        );
        // An input peer's parts come from an index alone (schema 4).
        if (name.startsWith("key") && step.startsWith("SEARCH p ")) {
          assert.match(step, /USING COVERING INDEX mts_peers_(key|phone) /);
        }
      }
    });
  }
});
