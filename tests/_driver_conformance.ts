// The SQLite driver conformance suite: every driver wrapper runs it, on real
// files in a temporary directory. It checks the contract written in
// src/sqlite/driver.ts. describeSqliteDriver("node:sqlite", openNodeSqlite)
// and so on; `name` must start with the wrapper's `driver` value.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SqliteDatabase, SqlValue } from "../src/sqlite/driver.ts";
import { withTransaction } from "../src/sqlite/transaction.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Reads an INTEGER column: a bigint, or a number only if it is exact. */
export function exactInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    return BigInt(value);
  }
  assert.fail(`expected an exact integer, got ${typeof value} ${value}`);
}

/** Asserts a plain Uint8Array (not a Buffer or other subclass) with bytes. */
export function assertBytes(value: unknown, expected: Uint8Array): void {
  assert.ok(value instanceof Uint8Array, `expected bytes, got ${value}`);
  assert.equal(
    Object.getPrototypeOf(value),
    Uint8Array.prototype,
    "expected a plain Uint8Array, not a subclass such as Buffer",
  );
  assert.deepEqual([...value], [...expected]);
}

/**
 * Where a driver's files live: a temporary directory on disk (the
 * default), or, for a driver with files of its own (sql.js in a page),
 * those.
 */
export interface DriverFiles {
  /** Makes the place the files go; called before the first test. */
  setUp(): void;
  /** The path of a new file named `name` there. */
  path(name: string): string;
  /** Whether a file exists. */
  exists(path: string): boolean;
  /** Removes the place and every file in it; called after the last test. */
  tearDown(): void;
}

function diskFiles(): DriverFiles {
  let dir = "";
  return {
    setUp(): void {
      dir = mkdtempSync(join(tmpdir(), "mtsession-driver-"));
    },
    path: (name: string): string => join(dir, name),
    exists: existsSync,
    tearDown(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the driver contract against a wrapper that opens `path`. */
export function describeSqliteDriver(
  name: string,
  open: (path: string) => Promise<SqliteDatabase>,
  files: DriverFiles = diskFiles(),
): void {
  describe(`SQLite driver conformance: ${name}`, () => {
    let made = 0;
    const opened: SqliteDatabase[] = [];
    const file = (): string => files.path(`db${++made}.sqlite`);
    const fresh = async (path: string = file()): Promise<SqliteDatabase> => {
      const db = await open(path);
      opened.push(db);
      return db;
    };

    before(() => {
      files.setUp();
    });
    after(() => {
      for (const db of opened) {
        try {
          db.close();
        } catch {
          // already broken; the directory goes anyway
        }
      }
      files.tearDown();
    });

    it("names its driver and file", async () => {
      const path = file();
      const db = await fresh(path);
      assert.ok(
        name.startsWith(db.driver),
        `"${name}" should start with driver "${db.driver}"`,
      );
      assert.equal(db.path, path);
    });

    it("round-trips ±2^63 and 2^53+1 exactly through bind and read", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE ints (k INTEGER PRIMARY KEY, v INTEGER)");
      const values = [
        INT64_MIN,
        INT64_MIN + 1n,
        INT64_MAX,
        INT64_MAX - 1n,
        2n ** 53n + 1n,
        -(2n ** 53n) - 1n,
        2n ** 53n,
        2n ** 32n + 1n,
        -(2n ** 31n),
        0n,
        -1n,
      ];
      const insert = db.prepare("INSERT INTO ints (k, v) VALUES (?, ?)");
      values.forEach((v, k) => insert.run(k, v));
      const byKey = db.prepare("SELECT v FROM ints WHERE k = ?");
      values.forEach((v, k) => assert.equal(exactInt(byKey.get(k)?.v), v));
      assert.deepEqual(
        db.prepare("SELECT v FROM ints ORDER BY k").all().map((r) =>
          exactInt(r.v)
        ),
        values,
      );
      // The bound values compare equal inside SQLite: no detour via double.
      const count = db.prepare("SELECT count(*) AS n FROM ints WHERE v = ?");
      for (const v of [INT64_MIN, INT64_MAX, 2n ** 53n + 1n]) {
        assert.equal(exactInt(count.get(v)?.n), 1n, `binding ${v}`);
      }
      assert.equal(
        exactInt(count.get(2n ** 53n + 2n)?.n),
        0n,
        "2^53+2 must not match 2^53+1",
      );
      // Values SQLite computes itself, never bound from JavaScript.
      const computed = db.prepare(
        "SELECT -9223372036854775807 - 1 AS min, 9223372036854775807 AS max, " +
          "9007199254740993 AS above, typeof(9223372036854775807) AS t",
      ).get();
      assert.equal(exactInt(computed?.min), INT64_MIN);
      assert.equal(exactInt(computed?.max), INT64_MAX);
      assert.equal(exactInt(computed?.above), 2n ** 53n + 1n);
      assert.equal(computed?.t, "integer");
    });

    it("stores ids beyond 2^32 (5e9) as INTEGER PRIMARY KEY", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE peers (id INTEGER PRIMARY KEY, name TEXT)");
      const insert = db.prepare("INSERT INTO peers (id, name) VALUES (?, ?)");
      insert.run(5_000_000_000, "number");
      insert.run(5_000_000_001n, "bigint");
      insert.run(-1_002_876_543_210, "channel");
      const byId = db.prepare("SELECT id, name FROM peers WHERE id = ?");
      const a = byId.get(5_000_000_000);
      assert.equal(exactInt(a?.id), 5_000_000_000n);
      assert.equal(a?.name, "number");
      assert.equal(byId.get(5_000_000_001)?.name, "bigint");
      assert.equal(byId.get(5_000_000_000n)?.name, "number");
      assert.equal(
        exactInt(byId.get(-1_002_876_543_210n)?.id),
        -1_002_876_543_210n,
      );
      const stats = db.prepare(
        "SELECT max(id) AS max, min(id) AS min, count(*) AS n, " +
          "typeof(max(id)) AS t FROM peers",
      ).get();
      assert.equal(exactInt(stats?.max), 5_000_000_001n);
      assert.equal(exactInt(stats?.min), -1_002_876_543_210n);
      assert.equal(exactInt(stats?.n), 3n);
      assert.equal(stats?.t, "integer");
    });

    it("returns BLOBs byte for byte as plain Uint8Arrays", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE blobs (k INTEGER PRIMARY KEY, b BLOB)");
      const all256 = new Uint8Array(256).map((_, i) => i);
      const blobs: Uint8Array[] = [
        new Uint8Array([]),
        new Uint8Array([0]),
        new Uint8Array([0, 0, 1, 0, 0]),
        all256,
        all256.slice().reverse(),
      ];
      const insert = db.prepare("INSERT INTO blobs (k, b) VALUES (?, ?)");
      blobs.forEach((b, k) => insert.run(k, b));
      // A view into a larger buffer binds only the bytes it covers.
      const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
      insert.run(100, backing.subarray(2, 5));

      const byKey = db.prepare(
        "SELECT b, typeof(b) AS t, length(b) AS n FROM blobs WHERE k = ?",
      );
      blobs.forEach((expected, k) => {
        const row = byKey.get(k);
        assertBytes(row?.b, expected);
        assert.equal(row?.t, "blob", `blob ${k} must stay a BLOB`);
        assert.equal(exactInt(row?.n), BigInt(expected.length));
      });
      assertBytes(byKey.get(100)?.b, new Uint8Array([1, 2, 3]));
      for (const row of db.prepare("SELECT b FROM blobs ORDER BY k").all()) {
        assert.equal(Object.getPrototypeOf(row.b), Uint8Array.prototype);
      }
      // Each read gives its own bytes: changing one changes nothing else.
      const first = byKey.get(3)?.b as Uint8Array;
      first[0] = 0xff;
      assertBytes(byKey.get(3)?.b, all256);
      // Binding reads the bytes at bind time.
      const mine = new Uint8Array([1, 2, 3]);
      insert.run(101, mine);
      mine[0] = 7;
      assertBytes(byKey.get(101)?.b, new Uint8Array([1, 2, 3]));
    });

    it("returns rows as plain objects", async () => {
      const db = await fresh();
      const row = db.prepare("SELECT 1 AS a, 'x' AS b").get();
      assert.ok(row !== undefined);
      assert.equal(Object.getPrototypeOf(row), Object.prototype);
      assert.deepEqual(Object.keys(row), ["a", "b"]);
      const rows = db.prepare("SELECT 1 AS a UNION ALL SELECT 2").all();
      assert.equal(rows.length, 2);
      for (const r of rows) {
        assert.equal(Object.getPrototypeOf(r), Object.prototype);
      }
    });

    it("get() with no row returns undefined, all() returns []", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
      const stmt = db.prepare("SELECT v FROM t WHERE k = ?");
      assert.equal(stmt.get(1), undefined);
      assert.deepEqual(stmt.all(1), []);
      // Statements that return no data: get() and all() still run them.
      assert.equal(
        db.prepare("INSERT INTO t VALUES (?, ?)").get(1, "a"),
        undefined,
      );
      assert.deepEqual(
        db.prepare("INSERT INTO t VALUES (?, ?)").all(2, "b"),
        [],
      );
      assert.deepEqual(db.prepare("SELECT v FROM t ORDER BY k").all(), [
        { v: "a" },
        { v: "b" },
      ]);
      assert.deepEqual(
        db.prepare("INSERT INTO t VALUES (?, ?) RETURNING v").get(3, "c"),
        { v: "c" },
      );
    });

    it("exec() runs several statements", async () => {
      const db = await fresh();
      db.exec(`
        CREATE TABLE a (x INTEGER);
        CREATE INDEX a_x ON a (x);
        INSERT INTO a VALUES (1);
        INSERT INTO a VALUES (2), (3);
        -- a comment at the end
      `);
      assert.equal(
        exactInt(db.prepare("SELECT sum(x) AS s FROM a").get()?.s),
        6n,
      );
      assert.throws(() => db.exec("INSERT INTO missing_table VALUES (1)"));
      assert.throws(() => db.prepare("SELEC 1"));
    });

    it("reuses a prepared statement with new parameters", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
      const insert = db.prepare("INSERT INTO t VALUES (?, ?)");
      const select = db.prepare("SELECT v FROM t WHERE k = ?");
      for (let k = 0; k < 50; k++) {
        insert.run(k, `v${k}`);
        assert.equal(select.get(k)?.v, `v${k}`);
      }
      assert.equal(select.get(7)?.v, "v7");
      assert.throws(() => insert.run(7, "duplicate"));
      assert.equal(select.get(7)?.v, "v7");
    });

    it("withTransaction() commits and returns fn's value", async () => {
      const path = file();
      const db = await fresh(path);
      db.exec("CREATE TABLE t (v INTEGER)");
      const insert = db.prepare("INSERT INTO t VALUES (?)");
      const result = withTransaction(db, () => {
        insert.run(1);
        insert.run(2);
        return "done";
      });
      assert.equal(result, "done");
      // Committed: another connection sees the rows.
      const other = await fresh(path);
      assert.equal(
        exactInt(other.prepare("SELECT count(*) AS n FROM t").get()?.n),
        2n,
      );
    });

    it("withTransaction() rolls back on throw and rethrows the error", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE t (v INTEGER UNIQUE)");
      const insert = db.prepare("INSERT INTO t VALUES (?)");
      const count = db.prepare("SELECT count(*) AS n FROM t");
      insert.run(1);
      const boom = new Error("boom");
      assert.throws(
        () =>
          withTransaction(db, () => {
            insert.run(2);
            insert.run(3);
            throw boom;
          }),
        (e) => e === boom,
      );
      assert.equal(exactInt(count.get()?.n), 1n);
      // A failing statement inside fn undoes the earlier ones too.
      assert.throws(() =>
        withTransaction(db, () => {
          insert.run(4);
          insert.run(1); // UNIQUE violation
        })
      );
      assert.equal(exactInt(count.get()?.n), 1n);
      // An async fn is refused and rolled back.
      assert.throws(
        () =>
          withTransaction(db, async () => {
            insert.run(5);
            await Promise.resolve();
          }),
        TypeError,
      );
      assert.equal(exactInt(count.get()?.n), 1n);
      // The connection is not left inside a transaction.
      withTransaction(db, () => insert.run(6));
      assert.equal(exactInt(count.get()?.n), 2n);
    });

    it("keeps data across close and reopen, leaving no WAL files", async () => {
      const path = file();
      const db = await fresh(path);
      assert.equal(
        db.prepare("PRAGMA journal_mode = WAL").get()?.journal_mode,
        "wal",
      );
      db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, h INTEGER, b BLOB)");
      const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
      insert.run(5_000_000_000n, INT64_MIN, new Uint8Array([0, 1, 2]));
      withTransaction(db, () => insert.run(1, INT64_MAX, null));
      const select = db.prepare("SELECT * FROM t ORDER BY k");
      select.all(); // a live statement must not keep the WAL open
      db.close();
      db.close(); // closing again does nothing
      assert.deepEqual(
        ["", "-wal", "-shm", "-journal"].filter((s) => files.exists(path + s)),
        [""],
        "close() must leave no -wal or -shm file",
      );

      const again = await fresh(path);
      const rows = again.prepare("SELECT * FROM t ORDER BY k").all();
      assert.equal(rows.length, 2);
      assert.equal(exactInt(rows[0]?.k), 1n);
      assert.equal(exactInt(rows[0]?.h), INT64_MAX);
      assert.equal(rows[0]?.b, null);
      assert.equal(exactInt(rows[1]?.k), 5_000_000_000n);
      assert.equal(exactInt(rows[1]?.h), INT64_MIN);
      assertBytes(rows[1]?.b, new Uint8Array([0, 1, 2]));
    });

    it("round-trips NULL in every column type", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, a)");
      const nulls: SqlValue[] = [null, null, null, null, null];
      db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)").run(...nulls);
      const row = db.prepare("SELECT * FROM t").get();
      assert.deepEqual(row, { i: null, r: null, s: null, b: null, a: null });
      assert.equal(db.prepare("SELECT NULL AS n").get()?.n, null);
      assert.equal(
        exactInt(
          db.prepare("SELECT count(*) AS n FROM t WHERE s IS ?").get(null)?.n,
        ),
        1n,
      );
    });

    it("round-trips TEXT with unicode, empty strings and REAL numbers", async () => {
      const db = await fresh();
      db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT, r REAL)");
      const texts = [
        "",
        "plain ascii",
        "Ünïcödé façade",
        "Привет, мир",
        "日本語のテキスト",
        "👩‍💻 emoji with ZWJ 🇺🇦",
        "quote ' double \" backslash \\ newline \n tab \t",
        "\u{10FFFF} last code point",
      ];
      const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
      texts.forEach((s, k) => insert.run(k, s, k + 0.5));
      const byKey = db.prepare(
        "SELECT s, r, length(s) AS n, typeof(s) AS t FROM t WHERE k = ?",
      );
      texts.forEach((s, k) => {
        const row = byKey.get(k);
        assert.equal(row?.s, s);
        assert.equal(row?.t, "text", "an empty string must not become NULL");
        assert.equal(exactInt(row?.n), BigInt([...s].length));
        assert.equal(row?.r, k + 0.5);
      });
      assert.equal(
        exactInt(
          db.prepare("SELECT k FROM t WHERE s = ?").get("Привет, мир")?.k,
        ),
        3n,
      );
    });
  });
}
