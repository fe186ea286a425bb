// Telethon and Pyrogram session files (src/foreign/): the vectors read back
// to their manifests without being touched, synthetic files of every other
// schema and fork detected and read, written files checked against the
// libraries' own reading rules, and damaged or unrelated files refused.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import {
  MissingFieldsError,
  SessionError,
  SessionFileError,
} from "../src/errors.ts";
import type { SqliteDatabase } from "../src/sqlite/driver.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import type { PeerRecord, UpdateState } from "../src/types.ts";
import type { ForeignKind, ForeignSession } from "../src/foreign/types.ts";
import { detectForeign } from "../src/foreign/_detect.ts";
import { readForeign } from "../src/foreign/_read.ts";
import { writePyrogram } from "../src/foreign/pyrogram/_write.ts";
import { writeTelethon } from "../src/foreign/telethon/_write_v1.ts";
import { writeTelethon2 } from "../src/foreign/telethon/_write_v2.ts";
import { readSessionFile, writeSessionFile } from "../src/foreign/_file.ts";
import { readSchema, type Table } from "../src/foreign/_schema.ts";
import { TELETHON_7 } from "../src/foreign/telethon/_layout.ts";
import {
  VERSION as PYROGRAM_VERSION,
  WRITE_LAYOUTS as PYROGRAM_LAYOUTS,
} from "../src/foreign/pyrogram/_layout.ts";
import {
  fixturePath,
  hex,
  loadFixtureJson,
  runtime,
  toHex,
} from "./_fixtures.ts";
import {
  keyLiteral,
  KURIGRAM_V4,
  KURIGRAM_V5,
  KURIGRAM_V6,
  KURIGRAM_V6_FROM_3,
  KURIGRAM_V7,
  KURIGRAM_V7_MIGRATED,
  memoryDb,
  PYROFORK_V4,
  PYROFORK_V4_BASE,
  PYROGRAM_V1,
  PYROGRAM_V3,
  PYROGRAM_V3_MIGRATED,
  run,
  TELETHON_V1,
  TELETHON_V10,
  TELETHON_V1_UPGRADED_TO_6,
  TELETHON_V2,
  TELETHON_V3,
  TELETHON_V4,
  TELETHON_V5,
  TELETHON_V7,
  tempDir,
} from "./_foreign_ddl.ts";

const telethonManifest = loadFixtureJson("telethon/manifest.json");
const pyrogramManifest = loadFixtureJson("pyrogram/manifest.json");
const TELETHON_V7_FILE = fixturePath("telethon/sqlite/v7-full.session");
const PYROGRAM_FILE = fixturePath(
  "pyrogram/sqlite/pyrogram-2.0.106-user.session",
);
const KURIGRAM_FILE = fixturePath(
  "pyrogram/sqlite/kurigram-2.1.35-user.session",
);

const tmp = tempDir("mtsession-foreign-");
after(() => tmp.remove());
let n = 0;
const fresh = (name = "s.session"): string => join(tmp.dir, `${n++}-${name}`);

const KEY = (byte: number): Uint8Array => new Uint8Array(256).fill(byte);
const CHANNEL = 1_000_000_000_000;

/** Bytes of a file and of any SQLite side files next to it. */
function snapshot(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const suffix of ["", "-wal", "-shm", "-journal"]) {
    if (existsSync(path + suffix)) {
      out[suffix] = toHex(new Uint8Array(readFileSync(path + suffix)));
    }
  }
  return out;
}

/** Reads a file and checks it was left byte for byte as it was. */
async function readUntouched(path: string): Promise<ForeignSession> {
  const before = snapshot(path);
  const session = await readSessionFile(path);
  assert.deepEqual(snapshot(path), before, "the file must not change");
  return session;
}

/** Expects readSessionFile to refuse the file, unmodified. */
async function refused(path: string, found: RegExp): Promise<SessionFileError> {
  const before = snapshot(path);
  const error = await readSessionFile(path).then(
    () => assert.fail("expected a SessionFileError"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SessionFileError, String(error));
  assert.match(error.found, found);
  assert.equal(error.path, path);
  assert.match(error.message, /it was not modified/);
  assert.deepEqual(snapshot(path), before);
  return error;
}

function byId(peers: readonly PeerRecord[]): Map<number, PeerRecord> {
  return new Map(peers.map((p) => [p.id, p]));
}

function peer(
  session: ForeignSession,
  id: number,
): PeerRecord {
  const p = session.peers.find((x) => x.id === id);
  assert.ok(p, `peer ${id} missing`);
  return p;
}

function kindOf(db: SqliteDatabase): ForeignKind {
  const kind = detectForeign(db);
  assert.ok(kind, "not detected");
  return kind;
}

function hasNote(session: { notes: string[] }, re: RegExp): void {
  assert.ok(
    session.notes.some((note) => re.test(note)),
    `no note matches ${re}: ${JSON.stringify(session.notes)}`,
  );
}

// ---------------------------------------------------------------- vectors

describe(`foreign vectors (${runtime})`, () => {
  it("reads Telethon v7-full to its manifest, without touching it", async () => {
    const m = telethonManifest.sqlite_sessions[0];
    const s = await readUntouched(TELETHON_V7_FILE);
    assert.deepEqual(s.kind, {
      library: "telethon",
      flavor: "telethon",
      schema: 7,
      storedVersion: 7,
      description: "a Telethon session file (schema 7)",
    });
    const selfRow = m.entities.find((e: { id: number }) => e.id === 0);
    assert.deepEqual(s.auth, {
      dcId: m.session.dc_id,
      serverAddress: m.session.server_address,
      port: m.session.port,
      authKey: hex(m.session.auth_key_hex),
      testMode: null,
      apiId: null,
      userId: Number(selfRow.hash), // the (0, self id) row
      isBot: null,
      date: null,
      takeoutId: BigInt(m.session.takeout_id),
    });
    assert.equal(s.auth.takeoutId, 7000000000000000003n);

    const expected = m.entities
      .filter((e: { id: number }) => e.id !== 0)
      .map((e: Record<string, unknown>): PeerRecord => {
        const id = Number(e.id);
        return {
          id,
          type: id > 0 ? "user" : id < -CHANNEL ? "channel" : "chat",
          accessHash: BigInt(e.hash as number | bigint),
          usernames: e.username === null ? [] : [e.username as string],
          phone: e.phone === null ? null : String(e.phone),
          name: e.name as string | null,
          updatedAt: Number(e.date),
        };
      });
    assert.equal(s.peers.length, expected.length);
    const got = byId(s.peers);
    for (const e of expected) assert.deepEqual(got.get(e.id), e, String(e.id));
    assert.equal(got.get(5223456789)?.accessHash, -(2n ** 63n));
    assert.equal(got.get(5123456789)?.accessHash, 2n ** 63n - 1n);
    assert.equal(got.get(111111111)?.phone, "447700900123"); // INTEGER column
    // dup_name: the newer holder comes later.
    const ids = s.peers.map((p) => p.id);
    assert.ok(ids.indexOf(666666661) < ids.indexOf(666666662));
    hasNote(s, /@dup_name .* the newest, 666666662, keeps it/);

    assert.deepEqual(
      s.updateStates,
      m.update_states.map((u: Record<string, number>): UpdateState => ({
        entityId: u.entity_id === 0 ? 0 : -(CHANNEL + u.entity_id!),
        pts: u.pts!,
        qts: u.qts!,
        date: u.date_unix!,
        seq: u.seq!,
      })),
    );
    assert.equal(s.updateStates[1]?.entityId, -1001876543210);
    assert.equal(s.updateStates[1]?.date, 1699999200.5); // REAL kept

    assert.deepEqual(
      s.files,
      m.sent_files.map((f: Record<string, unknown>) => ({
        md5: hex(f.md5_hex as string),
        size: Number(f.file_size),
        type: f.type === 1 ? "photo" : "document",
        id: BigInt(f.id as bigint),
        accessHash: BigInt(f.hash as bigint),
      })),
    );
    hasNote(s, /bot/);
    assert.equal(s.updateStates[0]?.entityId, 0);
  });

  for (
    const [file, flavor, schema, description] of [
      [
        PYROGRAM_FILE,
        "pyrogram",
        3,
        "a Pyrogram session file (schema 3)",
      ],
      [
        KURIGRAM_FILE,
        "kurigram",
        6,
        "a Kurigram or PyroTGFork session file (schema 6)",
      ],
    ] as const
  ) {
    it(`reads ${flavor} ${schema} to its manifest, without touching it`, async () => {
      const entry = pyrogramManifest.files.find((f: { file: string }) =>
        file.endsWith(f.file)
      );
      assert.ok(entry);
      const e = entry.expect;
      const s = await readUntouched(file);
      assert.deepEqual(s.kind, {
        library: "pyrogram",
        flavor,
        schema,
        storedVersion: e.schema_version,
        description,
      });
      assert.deepEqual(s.auth, {
        dcId: e.session.dc_id,
        serverAddress: e.session.server_address,
        port: e.session.port,
        authKey: hex(e.session.auth_key_hex),
        testMode: e.session.test_mode === 1,
        apiId: e.session.api_id,
        userId: e.session.user_id,
        isBot: e.session.is_bot === 1,
        date: e.session.date,
        takeoutId: null,
      });
      const types: Record<string, string> = {
        user: "user",
        bot: "bot",
        group: "chat",
        channel: "channel",
        supergroup: "supergroup",
      };
      const expected = e.peers
        .filter((p: { access_hash: unknown }) => p.access_hash !== null)
        .map((p: Record<string, unknown>): PeerRecord => ({
          id: Number(p.id),
          type: types[p.type as string] as PeerRecord["type"],
          accessHash: BigInt(p.access_hash as bigint),
          usernames: p.usernames as string[],
          phone: p.phone_number as string | null,
          name: null,
          updatedAt: Number(p.last_update_on),
        }));
      assert.equal(s.peers.length, expected.length);
      const got = byId(s.peers);
      for (const p of expected) {
        assert.deepEqual(got.get(p.id), p, String(p.id));
      }
      // The user stored with a NULL access hash is skipped, with a note.
      assert.equal(got.has(444444444), false);
      hasNote(s, /without an access hash \(444444444\)/);
      if (flavor === "kurigram") {
        assert.deepEqual(got.get(5223456789)?.usernames, [
          "multi_a",
          "multi_b",
        ]);
        assert.deepEqual(
          s.updateStates,
          e.update_states
            .map((u: Record<string, number | null>): UpdateState => ({
              entityId: Number(u.id),
              pts: Number(u.pts),
              qts: Number(u.qts ?? 0),
              date: Number(u.date),
              seq: Number(u.seq),
            }))
            .sort((a: UpdateState, b: UpdateState) =>
              a.entityId === 0 ? -1 : b.entityId === 0 ? 1 : 0
            ),
        );
        assert.equal(s.updateStates[1]?.entityId, -1001876543210); // marked
      } else {
        assert.deepEqual(got.get(5223456789)?.usernames, ["multi_a"]);
        assert.deepEqual(s.updateStates, []);
      }
      assert.deepEqual(s.files, []);
    });
  }
});

describe(`foreign vectors through node:sqlite (${runtime})`, () => {
  it("reads the same with driver node:sqlite", async () => {
    for (const file of [TELETHON_V7_FILE, PYROGRAM_FILE, KURIGRAM_FILE]) {
      const viaDefault = await readSessionFile(file);
      const viaNode = await readSessionFile(file, { driver: "node:sqlite" });
      assert.deepEqual(viaNode, viaDefault);
    }
  });
});

// ---------------------------------------------------------------- Telethon schemas

describe(`foreign Telethon schemas (${runtime})`, () => {
  it("schema 1: PK-less version, WITHOUT ROWID, old-style channel id, INTEGER phone", async () => {
    const db = await memoryDb([
      ...TELETHON_V1,
      "insert into version values (1)",
      `insert into sessions values (4, '149.154.167.91', 443, ${
        keyLiteral(4)
      })`,
      "insert into entities values (111111111, -5, 'Alice_L', 447700900123, 'Alice')",
      // 9-digit channel 123456789, marked the pre-1.18 way
      "insert into entities values (-100123456789, 77, 'oldchan', NULL, 'Old Channel')",
      // a basic chat whose id starts with 100: hash 0, stays a chat
      "insert into entities values (-1001234567, 0, NULL, NULL, 'Chat 100')",
      // chat range with a hash but not "-100…": neither
      "insert into entities values (-987654, 9, NULL, NULL, 'Odd')",
    ]);
    try {
      assert.ok(/without rowid/i.test(String(
        db.prepare("SELECT sql FROM sqlite_master WHERE name = 'entities'")
          .get()?.sql,
      )));
      const kind = kindOf(db);
      assert.equal(kind.flavor, "telethon");
      assert.equal(kind.schema, 1);
      assert.equal(kind.description, "a Telethon session file (schema 1)");
      const s = readForeign(db);
      assert.deepEqual(s.auth, {
        dcId: 4,
        serverAddress: "149.154.167.91",
        port: 443,
        authKey: KEY(4),
        testMode: null,
        apiId: null,
        userId: null,
        isBot: null,
        date: null,
        takeoutId: null,
      });
      assert.deepEqual(peer(s, 111111111), {
        id: 111111111,
        type: "user",
        accessHash: -5n,
        usernames: ["alice_l"],
        phone: "447700900123",
        name: "Alice",
        updatedAt: 0, // no date column before schema 7
      });
      assert.deepEqual(peer(s, -1000123456789), {
        id: -1000123456789,
        type: "channel",
        accessHash: 77n,
        usernames: ["oldchan"],
        phone: null,
        name: "Old Channel",
        updatedAt: 0,
      });
      assert.equal(peer(s, -1001234567).type, "chat");
      assert.equal(byId(s.peers).has(-100123456789), false);
      assert.equal(byId(s.peers).has(-987654), false);
      hasNote(s, /pre-1\.18 .*-100123456789 → -1000123456789/);
      hasNote(s, /skipped: -987654/);
      hasNote(s, /no self-id row/);
      hasNote(s, /Schema 1 entities may hold unusable access hashes/);
      assert.deepEqual(s.updateStates, []);
      assert.deepEqual(s.files, []);
    } finally {
      db.close();
    }
  });

  it("schema 2: the old sent_files layout is recognised and not read", async () => {
    const db = await memoryDb([
      ...TELETHON_V2,
      "insert into version values (2)",
      `insert into sessions values (2, '149.154.167.51', 443, ${
        keyLiteral(2)
      })`,
      `insert into sent_files values (x'${"11".repeat(16)}', 10, 123, 1)`,
    ]);
    try {
      assert.equal(kindOf(db).schema, 2);
      const s = readForeign(db);
      assert.equal(s.auth.dcId, 2);
      assert.deepEqual(s.files, []);
      hasNote(s, /1 row of the schema-2 file cache/);
    } finally {
      db.close();
    }
  });

  it("schema 3: WITHOUT ROWID sent_files with (md5, size, type, id, hash)", async () => {
    const db = await memoryDb([
      ...TELETHON_V3,
      "insert into version values (3)",
      `insert into sessions values (2, '149.154.167.51', 443, x'')`,
      `insert into sent_files values (x'${"22".repeat(16)}', 99, 0, ` +
      `9223372036854775807, -9223372036854775808)`,
      `insert into sent_files values (x'${"33".repeat(16)}', 29, 1, 5, 6)`,
      `insert into sent_files values (x'${"44".repeat(16)}', 29, 7, 5, 6)`,
    ]);
    try {
      assert.equal(kindOf(db).schema, 3);
      const s = readForeign(db);
      assert.equal(s.auth.authKey, null); // empty blob = no key
      assert.deepEqual(
        s.files.sort((a, b) => a.size - b.size),
        [
          {
            md5: hex("33".repeat(16)),
            size: 29,
            type: "photo",
            id: 5n,
            accessHash: 6n,
          },
          {
            md5: hex("22".repeat(16)),
            size: 99,
            type: "document",
            id: 2n ** 63n - 1n,
            accessHash: -(2n ** 63n),
          },
        ],
      );
      hasNote(s, /1 sent_files row could not be read/);
    } finally {
      db.close();
    }
  });

  it("schema 4: update_state with bare channel ids and REAL dates", async () => {
    const db = await memoryDb([
      ...TELETHON_V4,
      "insert into version values (4)",
      `insert into sessions values (2, '149.154.167.51', 443, ${
        keyLiteral(9)
      })`,
      "insert into update_state values (0, 100, 7, 1699999200, 3)",
      "insert into update_state values (1876543210, 4321, 0, 1699999200.25, 0)",
      "insert into update_state values (123456789, 5, NULL, NULL, NULL)",
    ]);
    try {
      assert.equal(kindOf(db).schema, 4);
      const s = readForeign(db);
      assert.deepEqual(s.updateStates, [
        { entityId: 0, pts: 100, qts: 7, date: 1699999200, seq: 3 },
        {
          entityId: -1001876543210,
          pts: 4321,
          qts: 0,
          date: 1699999200.25,
          seq: 0,
        },
        { entityId: -1000123456789, pts: 5, qts: 0, date: 0, seq: 0 },
      ]);
    } finally {
      db.close();
    }
  });

  it("schemas 5 and 6: takeout_id; the version row separates the same layouts", async () => {
    for (const version of [5, 6]) {
      const db = await memoryDb([
        ...TELETHON_V5,
        `insert into version values (${version})`,
        `insert into sessions values (2, '149.154.167.51', 443, ${
          keyLiteral(5)
        }, 9223372036854775807)`,
        "insert into entities values (5123456789, 1, 'big', '79991234567', 'Big')",
      ]);
      try {
        const kind = kindOf(db);
        assert.equal(kind.schema, version);
        const s = readForeign(db);
        assert.equal(s.auth.takeoutId, 2n ** 63n - 1n);
        assert.equal(peer(s, 5123456789).phone, "79991234567");
        assert.equal(
          s.notes.some((x) => /unusable access hashes/.test(x)),
          version === 5,
        );
      } finally {
        db.close();
      }
    }
    // The same layout with a version row that is neither 5 nor 6.
    const db = await memoryDb([
      ...TELETHON_V5,
      "insert into version values (9)",
    ]);
    try {
      const kind = kindOf(db);
      assert.equal(kind.schema, null);
      assert.equal(kind.storedVersion, 9);
      assert.equal(
        kind.description,
        "a Telethon session file (unknown schema, version row 9)",
      );
    } finally {
      db.close();
    }
  });

  it("schema 6 upgraded from 1 keeps WITHOUT ROWID and the PK-less version table", async () => {
    const db = await memoryDb([
      ...TELETHON_V1_UPGRADED_TO_6,
      "insert into version values (6)",
      `insert into sessions values (2, '149.154.167.51', 443, ${
        keyLiteral(6)
      }, NULL)`,
      "insert into entities values (-100987654321, 55, NULL, NULL, 'Old')",
      "insert into entities values (-1001987654321, 66, NULL, NULL, 'New')",
      "insert into update_state values (987654321, 1, 0, 1700000000, 0)",
    ]);
    try {
      const kind = kindOf(db);
      assert.equal(kind.schema, 6);
      const s = readForeign(db);
      assert.equal(peer(s, -1000987654321).accessHash, 55n); // re-marked
      assert.equal(peer(s, -1001987654321).accessHash, 66n); // 10 digits: same both ways
      assert.deepEqual(s.updateStates, [
        { entityId: -1000987654321, pts: 1, qts: 0, date: 1700000000, seq: 0 },
      ]);
      assert.ok(!s.notes.some((x) => /unusable/.test(x)));
    } finally {
      db.close();
    }
  });

  it("schema 7 written by Telethon 1.17 may hold old-style ids too; the newer row wins", async () => {
    const db = await memoryDb([
      ...TELETHON_V7,
      "insert into version values (7)",
      `insert into sessions values (2, '149.154.167.51', 443, ${
        keyLiteral(7)
      }, NULL)`,
      "insert into entities values (0, 1234567890, NULL, NULL, NULL, 1700000030)",
      // 1.17 wrote the channel the old way; 1.18+ later wrote the new form
      "insert into entities values (-100123456789, 1, 'oldname', NULL, 'Chan', 1600000000)",
      "insert into entities values (-1000123456789, 2, 'newname', NULL, 'Chan', 1700000000)",
      "insert into entities values (-100555555555, 3, NULL, NULL, 'Only old', 1600000000)",
      "insert into entities values (777, 4, 'dup', NULL, 'A', NULL)",
    ]);
    try {
      const s = readForeign(db);
      assert.equal(s.auth.userId, 1234567890);
      assert.deepEqual(peer(s, -1000123456789).usernames, ["newname"]);
      assert.equal(peer(s, -1000123456789).accessHash, 2n);
      assert.equal(peer(s, -1000555555555).accessHash, 3n);
      assert.equal(peer(s, 777).updatedAt, 0); // NULL date
      assert.equal(s.peers.length, 3);
      hasNote(s, /appeared twice/);
      hasNote(s, /2 channel ids were stored the pre-1\.18 way/);
    } finally {
      db.close();
    }
  });

  it("Telethon 2 (schema 10): home DC from user.dc, states, other keys noted", async () => {
    const db = await memoryDb([
      ...TELETHON_V10,
      "insert into version values (10)",
      `insert into datacenter values (2, '149.154.167.51:443', NULL, ${
        keyLiteral(2)
      })`,
      `insert into datacenter values (4, '149.154.167.92:443', NULL, ${
        keyLiteral(4)
      })`,
      "insert into datacenter values (5, '91.108.56.190:443', NULL, NULL)",
      "insert into user values (1234567890, 2, 1, 'selfuser')",
      "insert into state values (12345, 67, 1699999200, 890)",
      "insert into channelstate values (1876543210, 4321)",
    ]);
    try {
      const kind = kindOf(db);
      assert.deepEqual(kind, {
        library: "telethon",
        flavor: "telethon2",
        schema: 10,
        storedVersion: 10,
        description: "a Telethon 2 session file (schema 10)",
      });
      const s = readForeign(db);
      assert.deepEqual(s.auth, {
        dcId: 2,
        serverAddress: "149.154.167.51",
        port: 443,
        authKey: KEY(2),
        testMode: null,
        apiId: null,
        userId: 1234567890,
        isBot: true,
        date: null,
        takeoutId: null,
      });
      assert.deepEqual(s.updateStates, [
        { entityId: 0, pts: 12345, qts: 67, date: 1699999200, seq: 890 },
        { entityId: -1001876543210, pts: 4321, qts: 0, date: 0, seq: 0 },
      ]);
      assert.deepEqual(s.peers, []);
      // Every row is a data center; DC 4's key is kept as its own.
      const dc = (id: number, ipv4: string) => ({
        id,
        testMode: false,
        mediaOnly: false,
        ipv4,
        ipv6: null,
        port: 443,
      });
      assert.deepEqual(s.dataCenters, [
        dc(2, "149.154.167.51"),
        dc(4, "149.154.167.92"),
        dc(5, "91.108.56.190"),
      ]);
      assert.deepEqual(s.authKeys, [{ dcId: 4, key: KEY(4) }]);
    } finally {
      db.close();
    }
  });

  it("Telethon 2 with several datacenter rows: read → write → read equal, row for row", async () => {
    const rows = [
      `insert into datacenter values (1, '149.154.175.53:443', NULL, ${
        keyLiteral(1)
      })`,
      `insert into datacenter values (2, '149.154.167.51:443', '[2001:67c:4e8:f002::a]:443', ${
        keyLiteral(2)
      })`,
      `insert into datacenter values (4, NULL, '[2001:67c:4e8:f004::a]:443', ${
        keyLiteral(4)
      })`,
      "insert into datacenter values (5, '91.108.56.190:443', NULL, NULL)",
    ];
    const db = await memoryDb([
      ...TELETHON_V10,
      "insert into version values (10)",
      ...rows,
      "insert into user values (1234567890, 2, 0, NULL)",
      "insert into state values (12345, 67, 1699999200, 890)",
      "insert into channelstate values (1876543210, 4321)",
    ]);
    const copy = await memoryDb([]);
    try {
      const s = readForeign(db);
      assert.equal(s.auth.dcId, 2);
      assert.deepEqual(s.auth.authKey, KEY(2));
      assert.deepEqual(s.dataCenters.map((d) => [d.id, d.ipv4, d.ipv6]), [
        [1, "149.154.175.53", null],
        [2, "149.154.167.51", "2001:67c:4e8:f002::a"],
        [4, null, "2001:67c:4e8:f004::a"],
        [5, "91.108.56.190", null],
      ]);
      assert.deepEqual(s.authKeys, [
        { dcId: 1, key: KEY(1) },
        { dcId: 4, key: KEY(4) },
      ]);
      const notes = writeTelethon2(copy, s);
      assert.deepEqual(notes, []);
      assert.deepEqual(kindOf(copy), kindOf(db));
      const back = readForeign(copy);
      for (const k of ["auth", "dataCenters", "authKeys", "updateStates"]) {
        assert.deepEqual(
          back[k as keyof ForeignSession],
          s[k as keyof ForeignSession],
          k,
        );
      }
      // Row for row what Telethon 2 wrote.
      for (const t of ["datacenter", "user", "state", "channelstate"]) {
        const all = (d: SqliteDatabase) =>
          d.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all();
        assert.deepEqual(all(copy), all(db), t);
      }
    } finally {
      db.close();
      copy.close();
    }
  });

  it("Telethon 2 migrated from v7 without a user: IPv6 'ip:port' is split", async () => {
    const db = await memoryDb([
      ...TELETHON_V10,
      "insert into version values (10)",
      `insert into datacenter values (2, '2001:67c:4e8:f002::a:443', NULL, ${
        keyLiteral(3)
      })`,
    ]);
    try {
      const s = readForeign(db);
      assert.equal(s.auth.dcId, 2);
      assert.equal(s.auth.serverAddress, "2001:67c:4e8:f002::a");
      assert.equal(s.auth.port, 443);
      assert.deepEqual(s.auth.authKey, KEY(3));
      assert.equal(s.auth.userId, null);
      hasNote(s, /No user is logged in/);
      // Migrated into ipv4_addr, read as the IPv6 address it is.
      assert.deepEqual(s.dataCenters, [{
        id: 2,
        testMode: false,
        mediaOnly: false,
        ipv4: null,
        ipv6: "2001:67c:4e8:f002::a",
        port: 443,
      }]);
    } finally {
      db.close();
    }
  });
});

// ---------------------------------------------------------------- Pyrogram schemas

describe(`foreign Pyrogram schemas (${runtime})`, () => {
  it("schemas 1 and 2: no api_id; types as text in the INTEGER column; 0.15 channel ids", async () => {
    for (const version of [1, 2]) {
      const db = await memoryDb([
        ...PYROGRAM_V1,
        `INSERT INTO version VALUES (${version})`,
        `INSERT INTO sessions VALUES (1, 1, ${
          keyLiteral(1)
        }, 1600000000, 5123456789, 1)`,
        "INSERT INTO peers VALUES (5123456789, -9223372036854775808, 'user', 'Big', '+7 999 123', 1600000001)",
        "INSERT INTO peers VALUES (-100123456789, 8, 'supergroup', NULL, NULL, 1600000002)",
        "INSERT INTO peers VALUES (-987654321, NULL, 'group', NULL, NULL, 1600000003)",
        "INSERT INTO peers VALUES (42, 1, 'channel', NULL, NULL, 1600000004)",
      ]);
      try {
        const kind = kindOf(db);
        assert.equal(kind.flavor, "pyrogram");
        assert.equal(kind.schema, version);
        assert.equal(
          typeof db.prepare("SELECT type FROM peers LIMIT 1").get()?.type,
          "string",
        );
        const s = readForeign(db);
        assert.deepEqual(s.auth, {
          dcId: 1,
          serverAddress: "149.154.175.10", // test DC 1
          port: 80,
          authKey: KEY(1),
          testMode: true,
          apiId: null,
          userId: 5123456789,
          isBot: true,
          date: 1600000000,
          takeoutId: null,
        });
        hasNote(s, /no api_id column/);
        assert.deepEqual(peer(s, 5123456789), {
          id: 5123456789,
          type: "user",
          accessHash: -(2n ** 63n),
          usernames: ["big"],
          phone: "7999123",
          name: null,
          updatedAt: 1600000001,
        });
        assert.equal(peer(s, -1000123456789).type, "supergroup");
        assert.equal(peer(s, -987654321).accessHash, 0n);
        assert.equal(byId(s.peers).has(42), false);
        hasNote(s, /Pyrogram 0\.15 way/);
        hasNote(s, /does not fit its type skipped: 42/);
      } finally {
        db.close();
      }
    }
  });

  it("schema 3 migrated from 2: api_id is the last column and is read by name", async () => {
    const db = await memoryDb([
      ...PYROGRAM_V3_MIGRATED,
      "INSERT INTO version VALUES (3)",
      `INSERT INTO sessions VALUES (2, 0, ${
        keyLiteral(2)
      }, 1700000000, 1234567890, 0, 12345)`,
    ]);
    try {
      const cols = db.prepare("SELECT name FROM pragma_table_info('sessions')")
        .all().map((r) => r.name);
      assert.equal(cols[cols.length - 1], "api_id");
      const kind = kindOf(db);
      assert.equal(kind.schema, 3);
      const s = readForeign(db);
      assert.equal(s.auth.apiId, 12345);
      assert.equal(s.auth.userId, 1234567890);
      assert.equal(s.auth.testMode, false);
      assert.equal(s.auth.serverAddress, "149.154.167.51");
      hasNote(s, /migrated from schema 2/);
    } finally {
      db.close();
    }
  });

  it("Kurigram 4: every username from the usernames table; forum → supergroup", async () => {
    const db = await memoryDb([
      ...KURIGRAM_V4,
      "INSERT INTO version VALUES (4)",
      `INSERT INTO sessions VALUES (2, 12345, 0, ${
        keyLiteral(8)
      }, 1700000000, 1, 0)`,
      "INSERT INTO peers VALUES (5223456789, 5, 'user', NULL, 1700000001)",
      "INSERT INTO peers VALUES (-1001700000001, 6, 'forum', NULL, 1700000002)",
      "INSERT INTO usernames VALUES (5223456789, 'multi_a')",
      "INSERT INTO usernames VALUES (5223456789, 'multi_b')",
      "INSERT INTO usernames VALUES (-1001700000001, 'topics')",
    ]);
    try {
      const kind = kindOf(db);
      assert.deepEqual([kind.flavor, kind.schema], ["kurigram", 4]);
      const s = readForeign(db);
      assert.deepEqual(peer(s, 5223456789).usernames, ["multi_a", "multi_b"]);
      assert.equal(peer(s, -1001700000001).type, "supergroup");
      assert.deepEqual(peer(s, -1001700000001).usernames, ["topics"]);
    } finally {
      db.close();
    }
  });

  it("Kurigram 5 with PyroTGFork's version drift: the layout decides", async () => {
    const db = await memoryDb([
      ...KURIGRAM_V5,
      "INSERT INTO version VALUES (13)",
      `INSERT INTO sessions VALUES (2, 12345, 0, ${
        keyLiteral(8)
      }, 1700000000, 1, 0)`,
      "INSERT INTO peers VALUES (7, 5, 'bot', '123', 1700000001)",
      "INSERT INTO usernames VALUES (7, NULL)", // AioSQLiteStorage writes these
      "INSERT INTO update_state VALUES (0, 1, NULL, 1699999200, 2)",
      "INSERT INTO update_state VALUES (-1001876543210, 3, NULL, 1699999260.5, 4)",
    ]);
    try {
      const kind = kindOf(db);
      assert.deepEqual([kind.flavor, kind.schema, kind.storedVersion], [
        "kurigram",
        5,
        13,
      ]);
      const s = readForeign(db);
      assert.deepEqual(peer(s, 7), {
        id: 7,
        type: "bot",
        accessHash: 5n,
        usernames: [],
        phone: "123",
        name: null,
        updatedAt: 1700000001,
      });
      assert.deepEqual(s.updateStates, [
        { entityId: 0, pts: 1, qts: 0, date: 1699999200, seq: 2 },
        {
          entityId: -1001876543210,
          pts: 3,
          qts: 0,
          date: 1699999260.5,
          seq: 4,
        },
      ]);
      hasNote(s, /version table says 13.*schema 5/);
    } finally {
      db.close();
    }
  });

  it("Kurigram 6 migrated from upstream 3: the stale peers.username is ignored", async () => {
    const db = await memoryDb([
      ...KURIGRAM_V6_FROM_3,
      "INSERT INTO version VALUES (6)",
      `INSERT INTO sessions VALUES (2, 12345, 0, ${
        keyLiteral(8)
      }, 1700000000, 1, 0)`,
      "INSERT INTO peers VALUES (11, 5, 'user', 'stale', NULL, 1700000001)",
      "INSERT INTO peers VALUES (12, 6, 'user', NULL, NULL, 1700000002)",
      "INSERT INTO usernames VALUES (12, 'fresh')",
    ]);
    try {
      const kind = kindOf(db);
      assert.deepEqual([kind.flavor, kind.schema], ["kurigram", 6]);
      const s = readForeign(db);
      assert.deepEqual(peer(s, 11).usernames, []);
      assert.deepEqual(peer(s, 12).usernames, ["fresh"]);
      hasNote(s, /1 username left in the old peers\.username column/);
    } finally {
      db.close();
    }
  });

  it("Kurigram 6 (fresh) detects as 6", async () => {
    const db = await memoryDb([
      ...KURIGRAM_V6,
      "INSERT INTO version VALUES (6)",
    ]);
    try {
      assert.deepEqual([kindOf(db).flavor, kindOf(db).schema], ["kurigram", 6]);
    } finally {
      db.close();
    }
  });

  it("Kurigram 7: stored server address, direct and community types", async () => {
    for (
      const [ddl, insert] of [
        [
          KURIGRAM_V7,
          `INSERT INTO sessions VALUES (2, '149.154.167.50', 443, 12345, 0, ${
            keyLiteral(7)
          }, 1700000000, 1, 0)`,
        ],
        [
          KURIGRAM_V7_MIGRATED,
          `INSERT INTO sessions VALUES (2, 12345, 0, ${
            keyLiteral(7)
          }, 1700000000, 1, 0, '149.154.167.50', 443)`,
        ],
      ] as const
    ) {
      const db = await memoryDb([
        ...ddl,
        "INSERT INTO version VALUES (7)",
        insert,
        "INSERT INTO peers VALUES (-1001800000001, 1, 'direct', NULL, 1)",
        "INSERT INTO peers VALUES (-1001800000002, 2, 'community', NULL, 2)",
        "INSERT INTO peers VALUES (-1001800000003, 3, 'something', NULL, 3)",
      ]);
      try {
        const kind = kindOf(db);
        assert.deepEqual([kind.flavor, kind.schema], ["kurigram", 7]);
        const s = readForeign(db);
        assert.equal(s.auth.serverAddress, "149.154.167.50");
        assert.equal(s.auth.port, 443);
        assert.equal(s.auth.apiId, 12345);
        assert.equal(peer(s, -1001800000001).type, "supergroup");
        assert.equal(peer(s, -1001800000002).type, "channel");
        assert.equal(peer(s, -1001800000003).type, "channel");
        hasNote(s, /"direct" → supergroup/);
        hasNote(s, /"something" → channel/);
      } finally {
        db.close();
      }
    }
  });

  it("pyrofork 4: peers.username plus the usernames(id = username, peer_id) table", async () => {
    const db = await memoryDb([
      ...PYROFORK_V4,
      "INSERT INTO version VALUES (4)",
      `INSERT INTO sessions VALUES (2, 12345, 0, ${
        keyLiteral(3)
      }, 1700000000, 9, 0)`,
      "INSERT INTO peers VALUES (5223456789, 1, 'user', 'multi_a', NULL, 1700000001)",
      "INSERT INTO peers VALUES (100, 2, 'user', 'solo', NULL, 1700000002)",
      "INSERT INTO usernames (id, peer_id) VALUES ('multi_a', 5223456789)",
      "INSERT INTO usernames (id, peer_id) VALUES ('multi_b', 5223456789)",
      "INSERT INTO update_state VALUES (-1001876543210, 1, NULL, 1699999260, 2)",
    ]);
    try {
      const kind = kindOf(db);
      assert.deepEqual(kind, {
        library: "pyrogram",
        flavor: "pyrofork",
        schema: 4,
        storedVersion: 4,
        description: "a pyrofork session file (schema 4)",
      });
      const s = readForeign(db);
      assert.deepEqual(peer(s, 5223456789).usernames, ["multi_a", "multi_b"]);
      assert.deepEqual(peer(s, 100).usernames, ["solo"]);
      assert.deepEqual(s.updateStates, [
        { entityId: -1001876543210, pts: 1, qts: 0, date: 1699999260, seq: 2 },
      ]);
    } finally {
      db.close();
    }
    // Without the (unversioned) usernames table it is still pyrofork 4.
    const bare = await memoryDb([
      ...PYROFORK_V4_BASE,
      "INSERT INTO version VALUES (4)",
    ]);
    try {
      assert.deepEqual([kindOf(bare).flavor, kindOf(bare).schema], [
        "pyrofork",
        4,
      ]);
    } finally {
      bare.close();
    }
  });

  it("duplicate usernames: the newest last_update_on comes last", async () => {
    const db = await memoryDb([
      ...PYROGRAM_V3,
      "INSERT INTO version VALUES (3)",
      `INSERT INTO sessions VALUES (2, 1, 0, ${
        keyLiteral(3)
      }, 1700000000, 9, 0)`,
      "INSERT INTO peers VALUES (3, 1, 'user', 'same', NULL, 1700000300)",
      "INSERT INTO peers VALUES (1, 1, 'user', 'same', NULL, 1700000100)",
      "INSERT INTO peers VALUES (2, 1, 'user', 'same', NULL, 1700000200)",
    ]);
    try {
      const s = readForeign(db);
      assert.deepEqual(s.peers.map((p) => p.id), [1, 2, 3]);
      hasNote(s, /@same is cached for 3 peers .* the newest, 3, keeps it/);
    } finally {
      db.close();
    }
  });

  it("a WAL-mode file held open by its writer is read from the WAL, untouched", async () => {
    const path = fresh("wal.session");
    const db = await openDefaultDatabase(path);
    let closed = false;
    try {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA wal_autocheckpoint = 0");
      run(db, [...KURIGRAM_V6, "INSERT INTO version VALUES (6)"]);
      db.exec(
        `INSERT INTO sessions VALUES (2, 12345, 0, ${
          keyLiteral(6)
        }, 1700000000, 1234567890, 0)`,
      );
      db.exec(
        "INSERT INTO peers VALUES (111111111, 9, 'user', NULL, 1700000000)",
      );
      db.exec("INSERT INTO usernames VALUES (111111111, 'alice_l')");
      assert.ok(statSync(`${path}-wal`).size > 0, "the data is in the WAL");
      const header = new Uint8Array(readFileSync(path)).subarray(18, 20);
      assert.deepEqual([...header], [2, 2]); // WAL mode
      // Without its WAL the file holds no tables yet: the WAL is read.
      const mainOnly = fresh("main-only.session");
      copyFileSync(path, mainOnly);
      await refused(mainOnly, /no tables/);
      const s = await readUntouched(path);
      assert.equal(s.kind.flavor, "kurigram");
      assert.deepEqual(s.auth.authKey, KEY(6));
      assert.deepEqual(peer(s, 111111111).usernames, ["alice_l"]);
      db.close();
      closed = true;
      // Closed normally: still a WAL-mode file (bytes 18/19 = 2).
      const again = await readUntouched(path);
      assert.deepEqual(again.peers, s.peers);
    } finally {
      if (!closed) db.close();
    }
  });
});

// ---------------------------------------------------------------- writing

describe(`foreign writers (${runtime})`, () => {
  const whole = {
    auth: {
      dcId: 2,
      serverAddress: "149.154.167.51",
      port: 443,
      authKey: KEY(2),
      apiId: 12345,
      userId: 1234567890,
      isBot: false,
      testMode: false,
    },
    dataCenters: [
      {
        id: 2,
        testMode: false,
        mediaOnly: true,
        ipv4: "149.154.167.222",
        ipv6: null,
        port: 443,
      },
      {
        id: 4,
        testMode: false,
        mediaOnly: false,
        ipv4: "149.154.167.91",
        ipv6: null,
        port: 443,
      },
    ],
    authKeys: [{ dcId: 4, key: KEY(4) }, { dcId: 5, key: KEY(5) }],
  };

  it("Telethon 1 and Pyrogram files keep one DC: the others and their keys are named", async () => {
    for (const format of ["telethon", "pyrogram"] as const) {
      const notes = await writeSessionFile(fresh(), format, whole);
      const name = format === "telethon" ? "Telethon" : "Pyrogram";
      assert.ok(
        notes.includes(
          `${name} files do not store the DC 2 media ` +
            "address, the DC 4 address, the auth key of DC 4 and the auth " +
            "key of DC 5",
        ),
        JSON.stringify(notes),
      );
    }
  });

  it("a Telethon 2 file keeps every DC and key; media DCs are named", async () => {
    const path = fresh("telethon2.session");
    const notes = await writeSessionFile(path, "telethon2", whole);
    assert.ok(
      notes.includes("Telethon 2 files do not store the DC 2 media address"),
      JSON.stringify(notes),
    );
    hasNote({ notes }, /address of DC 5 was not known/);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const back = await readSessionFile(path);
    assert.equal(back.kind.flavor, "telethon2");
    assert.deepEqual(back.auth.authKey, KEY(2));
    assert.equal(back.auth.userId, 1234567890);
    assert.deepEqual(back.authKeys, whole.authKeys);
    assert.deepEqual(back.dataCenters.map((d) => [d.id, d.ipv4, d.port]), [
      [2, "149.154.167.51", 443],
      [4, "149.154.167.91", 443],
      [5, "91.108.56.130", 443], // Telegram's address of DC 5
    ]);
  });

  it("v7-full → Telethon file → read back equal; Telethon's reading rules hold", async () => {
    const source = await readSessionFile(TELETHON_V7_FILE);
    const path = fresh("telethon.session");
    const notes = await writeSessionFile(path, "telethon", source);
    assert.deepEqual(notes, []);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(tmp.dir).filter((f) =>
        f.includes(basename(path)) && f !== basename(path)
      ),
      [],
      "no temporary or journal file is left behind",
    );

    const back = await readUntouched(path);
    assert.deepEqual(back.kind, source.kind);
    assert.deepEqual(back.auth, source.auth);
    assert.deepEqual(back.peers, source.peers);
    assert.deepEqual(back.updateStates, source.updateStates);
    assert.deepEqual(back.files, source.files);

    const db = await openDefaultDatabase(path, { readonly: true });
    try {
      // Telethon: `select * from sessions`, five values unpacked by position.
      const row = db.prepare("select * from sessions").all();
      assert.equal(row.length, 1);
      assert.deepEqual(Object.keys(row[0]!), [
        "dc_id",
        "server_address",
        "port",
        "auth_key",
        "takeout_id",
      ]);
      assert.deepEqual(Object.values(row[0]!), [
        2n,
        "149.154.167.51",
        443n,
        source.auth.authKey,
        7000000000000000003n,
      ]);
      assert.deepEqual(db.prepare("select version from version").all(), [
        { version: 7n },
      ]);
      // The self-id row Telethon 1.37 reads the account id from.
      assert.equal(
        db.prepare("select hash from entities where id = 0").get()?.hash,
        1234567890n,
      );
      // Bare channel id in update_state; REAL date kept as REAL.
      assert.deepEqual(
        db.prepare(
          "select id, date, typeof(date) AS t from update_state order by id",
        ).all(),
        [
          { id: 0n, date: 1699999200n, t: "integer" },
          { id: 1876543210n, date: 1699999200.5, t: "real" },
        ],
      );
      // Phones are INTEGER, as Telethon stores them.
      assert.equal(
        db.prepare(
          "select typeof(phone) AS t from entities where id = 111111111",
        )
          .get()?.t,
        "integer",
      );
      // Exactly Telethon's DDL.
      const sql = db.prepare(
        "select sql from sqlite_master where type = 'table' order by rowid",
      ).all().map((r) => r.sql);
      assert.deepEqual(
        sql,
        telethonManifest.sqlite_sessions[0].raw_dump.schema_sql,
      );
      assert.equal(
        db.prepare("PRAGMA journal_mode").get()?.journal_mode,
        "delete",
      );
    } finally {
      db.close();
    }
  });

  it("Pyrogram vector → Pyrogram file → read back equal; Pyrogram's reading rules hold", async () => {
    const source = await readSessionFile(PYROGRAM_FILE);
    const path = fresh("pyrogram.session");
    const notes = await writeSessionFile(path, "pyrogram", source);
    assert.deepEqual(notes, []);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const back = await readUntouched(path);
    assert.deepEqual(back.kind, source.kind);
    assert.deepEqual(back.auth, source.auth);
    assert.deepEqual(back.peers, source.peers);
    assert.deepEqual(back.updateStates, []);

    const entry = pyrogramManifest.files.find((f: { file: string }) =>
      PYROGRAM_FILE.endsWith(f.file)
    );
    const db = await openDefaultDatabase(path, { readonly: true });
    try {
      assert.deepEqual(
        db.prepare(
          "SELECT name FROM pragma_table_info('sessions') ORDER BY cid",
        )
          .all().map((r) => r.name),
        entry.expect.session.sessions_columns_in_file_order,
      );
      assert.deepEqual(
        db.prepare("SELECT name FROM pragma_table_info('peers') ORDER BY cid")
          .all().map((r) => r.name),
        entry.expect.peers_column_order,
      );
      assert.deepEqual(db.prepare("SELECT number FROM version").all(), [
        { number: 3n },
      ]);
      assert.deepEqual(db.prepare("SELECT * FROM sessions").all(), [{
        dc_id: 2n,
        api_id: 12345n,
        test_mode: 0n,
        auth_key: source.auth.authKey,
        date: 1700000000n,
        user_id: 1234567890n,
        is_bot: 0n,
      }]);
      assert.deepEqual(
        db.prepare(
          "SELECT type, typeof(type) AS t FROM peers WHERE id = -987654321",
        )
          .get(),
        { type: "group", t: "text" },
      );
      const sql = db.prepare(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid",
      ).all().map((r) => r.sql);
      const target = pyrogramManifest.targets[0].files[0];
      assert.deepEqual(sql, target.raw_dump.schema_sql);
    } finally {
      db.close();
    }
  });

  it("Kurigram → Pyrogram 3 drops extra usernames and update states, with notes", async () => {
    const source = await readSessionFile(KURIGRAM_FILE);
    const path = fresh("from-kurigram.session");
    const notes = await writeSessionFile(path, "pyrogram", source);
    hasNote({ notes }, /other usernames of 1 peer \(5223456789\)/);
    hasNote({ notes }, /2 states were dropped/);
    const back = await readSessionFile(path);
    assert.equal(back.kind.flavor, "pyrogram");
    assert.deepEqual(back.auth, source.auth);
    assert.deepEqual(
      back.peers,
      source.peers.map((p) => ({ ...p, usernames: p.usernames.slice(0, 1) })),
    );
  });

  it("Pyrogram → Telethon: bots become users, supergroups channels, with notes", async () => {
    const source = await readSessionFile(KURIGRAM_FILE);
    const db = await openDefaultDatabase(":memory:");
    try {
      const notes = writeTelethon(db, source);
      hasNote({ notes }, /1 bot will read as users/);
      hasNote({ notes }, /3 supergroups will read as channels/);
      hasNote({ notes }, /do not store apiId, testMode, isBot and date/);
      const back = readForeign(db);
      assert.equal(back.kind.schema, 7);
      assert.equal(back.auth.userId, 1234567890);
      assert.equal(back.auth.serverAddress, "149.154.167.51");
      assert.deepEqual(back.updateStates, source.updateStates);
      const types = byId(back.peers);
      assert.equal(types.get(6123456789)?.type, "user");
      assert.equal(types.get(-1002876543210)?.type, "channel");
      assert.deepEqual(types.get(5223456789)?.usernames, ["multi_a"]);
    } finally {
      db.close();
    }
  });

  it("Telethon → Pyrogram needs the API id and bot flag; test mode comes from the address", async () => {
    const source = await readSessionFile(TELETHON_V7_FILE);
    const db = await openDefaultDatabase(":memory:");
    try {
      const error = (() => {
        try {
          writePyrogram(db, source);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(error instanceof MissingFieldsError);
      assert.equal(error.format, "pyrogram");
      assert.deepEqual(error.fields, ["apiId", "isBot"]);
      assert.equal(
        db.prepare("SELECT count(*) AS n FROM sqlite_master").get()?.n,
        0n,
        "nothing written",
      );
      const notes = writePyrogram(db, {
        ...source,
        auth: { ...source.auth, apiId: 12345, isBot: false },
      });
      hasNote({ notes }, /production DC, so test_mode is 0/);
      hasNote({ notes }, /takeout/);
      hasNote({ notes }, /names/);
      hasNote({ notes }, /2 states were dropped/);
      hasNote({ notes }, /2 cached files were dropped/);
      const back = readForeign(db);
      assert.deepEqual(back.auth, {
        ...source.auth,
        apiId: 12345,
        isBot: false,
        testMode: false,
        takeoutId: null,
        date: back.auth.date,
      });
      assert.equal(back.peers.length, source.peers.length);
      assert.equal(byId(back.peers).get(-987654321)?.type, "chat");
    } finally {
      db.close();
    }
    await assert.rejects(
      writeSessionFile(fresh(), "pyrogram", { auth: {} }),
      (e: unknown) =>
        e instanceof MissingFieldsError &&
        e.fields.join() === "dcId,apiId,testMode,authKey,userId,isBot",
    );
  });

  it("refuses to overwrite without force, replaces with force", async () => {
    const path = fresh("exists.session");
    writeFileSync(path, "keep me");
    const data = {
      auth: {
        dcId: 2,
        serverAddress: "149.154.167.51",
        port: 443,
        authKey: KEY(1),
      },
    };
    await assert.rejects(
      writeSessionFile(path, "telethon", data),
      (e: unknown) =>
        e instanceof SessionFileError && /existing file/.test(e.found),
    );
    assert.equal(readFileSync(path, "utf8"), "keep me");
    writeFileSync(`${path}-journal`, "stale journal of the old file");
    await writeSessionFile(path, "telethon", data, { force: true });
    assert.equal(existsSync(`${path}-journal`), false);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const s = await readSessionFile(path);
    assert.deepEqual(s.auth.authKey, KEY(1));
    hasNote(s, /no self-id row/);
  });

  it("each write layout lists every column its DDL creates, in order", async () => {
    const layouts: [string, readonly string[], readonly Table[]][] = [
      ["telethon 7", TELETHON_7.ddl, [
        TELETHON_7.version,
        TELETHON_7.sessions,
        TELETHON_7.entities,
        TELETHON_7.sentFiles,
        TELETHON_7.updateState,
      ]],
      ...Object.entries(PYROGRAM_LAYOUTS).map((
        [flavor, l],
      ): [string, readonly string[], readonly Table[]] => [
        `${flavor} ${l.schema}`,
        l.ddl,
        [PYROGRAM_VERSION, l.sessions, l.peers],
      ]),
    ];
    for (const [name, ddl, tables] of layouts) {
      const db = await memoryDb(ddl);
      try {
        const schema = readSchema(db);
        assert.deepEqual(
          [...schema.tables.keys()].sort(),
          tables.map((t) => t.name).sort(),
          name,
        );
        for (const t of tables) {
          assert.deepEqual(schema.tables.get(t.name), t.columns, name);
        }
      } finally {
        db.close();
      }
    }
  });

  it("writers refuse a database that is not empty", async () => {
    const db = await memoryDb(["CREATE TABLE t (x)"]);
    try {
      assert.throws(() => writeTelethon(db, { auth: {} }), SessionError);
      assert.throws(
        () =>
          writePyrogram(db, {
            auth: {
              dcId: 2,
              apiId: 1,
              testMode: false,
              authKey: KEY(1),
              userId: 1,
              isBot: false,
            },
          }),
        SessionError,
      );
    } finally {
      db.close();
    }
  });
});

// ---------------------------------------------------------------- refusals

describe(`foreign files refused (${runtime})`, () => {
  it("an SQLite database of another program", async () => {
    const path = fresh("other.db");
    const db = await openDefaultDatabase(path);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
    db.exec("CREATE TABLE sessions (id INTEGER)");
    db.close();
    const e = await refused(
      path,
      /another program \(tables: notes, sessions\)/,
    );
    assert.match(e.message, /not a Telethon or Pyrogram session file/);
    const again = await openDefaultDatabase(path, { readonly: true });
    try {
      assert.equal(detectForeign(again), undefined);
      assert.throws(() => readForeign(again), SessionError);
    } finally {
      again.close();
    }
  });

  it("a damaged mtsession file, and an SQLite file with no tables", async () => {
    const ours = fresh("ours.session");
    const db = await openDefaultDatabase(ours);
    db.exec("CREATE TABLE mts_meta (key TEXT PRIMARY KEY, value)");
    db.close();
    await refused(ours, /a damaged mtsession file/);
    const empty = fresh("empty.db");
    const e = await openDefaultDatabase(empty);
    e.exec("PRAGMA user_version = 1"); // writes the header: a 1-page database
    e.close();
    await refused(empty, /no tables/);
  });

  it("not SQLite, empty, missing, truncated, corrupted", async () => {
    const text = fresh("text.session");
    writeFileSync(text, "this is not a database, just some text ".repeat(10));
    await refused(text, /^not an SQLite database$/);

    const empty = fresh("empty.session");
    writeFileSync(empty, "");
    await refused(empty, /^an empty file$/);

    const tiny = fresh("tiny.session");
    writeFileSync(tiny, "SQLite format 3\u0000");
    await refused(tiny, /^not an SQLite database$/);

    const missing = fresh("missing.session");
    await assert.rejects(
      readSessionFile(missing),
      (e: unknown) =>
        e instanceof SessionFileError && /does not exist/.test(e.found),
    );
    assert.equal(existsSync(missing), false);

    const truncated = fresh("truncated.session");
    copyFileSync(TELETHON_V7_FILE, truncated);
    truncateSync(truncated, 6000);
    await refused(
      truncated,
      /^a truncated SQLite database \(6000 of 28672 bytes\)$/,
    );

    const corrupted = fresh("corrupted.session");
    const bytes = new Uint8Array(readFileSync(TELETHON_V7_FILE));
    bytes.fill(0xab, 4096); // every page after the schema page
    writeFileSync(corrupted, bytes);
    await refused(corrupted, /corrupted/);
  });
});
