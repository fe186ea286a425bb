// Runs the driver conformance suite for every SQLite driver the runtime at
// hand has, twice per driver: through openX(path) and through fromX(db) on
// a database built the way a user would (without the lossless-integer
// options, which fromX must force). Then checks the default driver choice
// and the error for a driver the runtime does not have.
//
// bun:sqlite runs under Bun; node:sqlite under Deno, Node 24 and Bun;
// better-sqlite3 under Node, Deno and Bun; @db/sqlite under Deno only, and
// only when MTSESSION_DENO_SQLITE_MODULE names the module to import (see
// tests/_drivers.ts, which lists what each runtime must offer).

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SessionError } from "../mod.ts";
import {
  fromBunSqlite,
  openBunSqlite,
  SqliteDriverUnavailableError,
} from "../adapters/bun_sqlite.ts";
import { fromNodeSqlite, openNodeSqlite } from "../adapters/node_sqlite.ts";
import {
  type BetterSqlite3DatabaseLike,
  fromBetterSqlite3,
  openBetterSqlite3,
} from "../adapters/better_sqlite3.ts";
import {
  type DenoSqliteModule,
  fromDenoSqlite,
  openDenoSqlite,
} from "../adapters/deno_sqlite.ts";
import type { SqliteDriverName } from "../src/sqlite/driver.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { withTransaction } from "../src/sqlite/transaction.ts";
import { runtime } from "./_fixtures.ts";
import { describeSqliteDriver, exactInt } from "./_driver_conformance.ts";
import { denoSqliteModule, EXPECTED_DRIVERS, hasDriver } from "./_drivers.ts";

// Driver modules for building databases "by hand". Specifiers in variables
// keep deno check from resolving modules it has no types for.
type Ctor<T> = new (path: string, options?: Record<string, unknown>) => T;
const bunSpecifier = "bun:sqlite";
const betterSpecifier = "better-sqlite3";
const BunDatabase: Ctor<Parameters<typeof fromBunSqlite>[0]> | undefined =
  hasDriver("bun:sqlite") ? (await import(bunSpecifier)).Database : undefined;
const nodeSqlite = hasDriver("node:sqlite")
  ? await import("node:sqlite")
  : undefined;
const BetterDatabase: Ctor<BetterSqlite3DatabaseLike> | undefined =
  hasDriver("better-sqlite3")
    ? (await import(betterSpecifier)).default
    : undefined;
const denoModule = denoSqliteModule;

if (BunDatabase !== undefined) {
  describeSqliteDriver("bun:sqlite", (path) => openBunSqlite(path));
  describeSqliteDriver(
    "bun:sqlite via fromBunSqlite(new Database(path))",
    (path) => Promise.resolve(fromBunSqlite(new BunDatabase(path))),
  );
}
if (nodeSqlite !== undefined) {
  describeSqliteDriver("node:sqlite", (path) => openNodeSqlite(path));
  describeSqliteDriver(
    "node:sqlite via fromNodeSqlite(new DatabaseSync(path))",
    (path) =>
      Promise.resolve(fromNodeSqlite(new nodeSqlite.DatabaseSync(path))),
  );
}
if (BetterDatabase !== undefined) {
  describeSqliteDriver("better-sqlite3", (path) => openBetterSqlite3(path));
  describeSqliteDriver(
    "better-sqlite3 via fromBetterSqlite3(new Database(path))",
    (path) => Promise.resolve(fromBetterSqlite3(new BetterDatabase(path))),
  );
}
if (denoModule !== undefined) {
  describeSqliteDriver(
    "@db/sqlite",
    (path) => openDenoSqlite(path, { module: denoModule }),
  );
  describeSqliteDriver(
    "@db/sqlite via fromDenoSqlite(new Database(path))",
    (path) => Promise.resolve(fromDenoSqlite(new denoModule.Database(path))),
  );
} else {
  describe("SQLite driver conformance: @db/sqlite", () => {
    it("needs Deno and MTSESSION_DENO_SQLITE_MODULE", {
      skip: runtime === "deno"
        ? "set MTSESSION_DENO_SQLITE_MODULE to the @db/sqlite module to run it"
        : "@db/sqlite is a Deno module",
    }, () => {});
  });
}

describe("SQLite drivers", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mtsession-drivers-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  let files = 0;
  const file = (): string => join(dir, `db${++files}.sqlite`);

  it(`${runtime} offers the expected drivers`, async () => {
    const loads: SqliteDriverName[] = [];
    for (
      const driver of ["bun:sqlite", "node:sqlite", "better-sqlite3"] as const
    ) {
      try {
        (await openDefaultDatabase(":memory:", { driver })).close();
        loads.push(driver);
      } catch (error) {
        assert.ok(error instanceof SqliteDriverUnavailableError, String(error));
      }
    }
    assert.deepEqual(loads.sort(), [...EXPECTED_DRIVERS[runtime]].sort());
  });

  it("openDefaultDatabase() picks the runtime's default driver", async () => {
    const expected = {
      bun: "bun:sqlite",
      deno: "node:sqlite",
      node: "better-sqlite3",
    }[runtime];
    const path = file();
    const db = await openDefaultDatabase(path);
    assert.equal(db.driver, expected);
    assert.equal(db.path, path);
    db.exec("CREATE TABLE t (v INTEGER)");
    db.prepare("INSERT INTO t VALUES (?)").run(2n ** 63n - 1n);
    assert.equal(
      exactInt(db.prepare("SELECT v FROM t").get()?.v),
      2n ** 63n - 1n,
    );
    db.close();
  });

  it("openDefaultDatabase() follows an explicit driver and the open options", async () => {
    const path = file();
    const db = await openDefaultDatabase(path, { driver: "node:sqlite" });
    assert.equal(db.driver, "node:sqlite");
    db.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)");
    db.close();
    const reader = await openDefaultDatabase(path, { readonly: true });
    assert.equal(exactInt(reader.prepare("SELECT v FROM t").get()?.v), 1n);
    assert.throws(() => reader.exec("INSERT INTO t VALUES (2)"));
    reader.close();
    const missing = join(dir, "missing.sqlite");
    await assert.rejects(
      openDefaultDatabase(missing, { create: false }),
      (e) => !(e instanceof SqliteDriverUnavailableError),
    );
    assert.equal(existsSync(missing), false);
  });

  it("a driver the runtime lacks throws SqliteDriverUnavailableError", {
    skip: runtime === "bun" ? "Bun has every npm-installable driver" : false,
  }, async () => {
    const absent: SqliteDriverName = "bun:sqlite";
    const error = await openDefaultDatabase(":memory:", { driver: absent })
      .catch((e) => e);
    assert.ok(error instanceof SqliteDriverUnavailableError);
    assert.ok(error instanceof SessionError);
    assert.equal(error.name, "SqliteDriverUnavailableError");
    assert.equal(error.driver, absent);
    assert.equal(error.runtime, runtime);
    assert.ok(
      error.cause !== undefined,
      "the import or load error is the cause",
    );
    assert.match(
      error.message,
      new RegExp(
        `^Cannot use SQLite driver "bun:sqlite" on ${runtime}: it is built into Bun only; .*"node:sqlite"`,
      ),
    );
    if (runtime === "node") {
      assert.match(error.message, /npm install better-sqlite3/);
    }
    // The adapter entry point throws the same class.
    const direct = await openBunSqlite(":memory:").catch((e) => e);
    assert.ok(direct instanceof SqliteDriverUnavailableError);
  });

  it("@db/sqlite outside Deno, or without a usable module, is unavailable", async () => {
    if (runtime !== "deno") {
      const error = await openDenoSqlite(":memory:").catch((e) => e);
      assert.ok(error instanceof SqliteDriverUnavailableError);
      assert.equal(error.driver, "@db/sqlite");
      assert.match(error.message, /Deno FFI module/);
      return;
    }
    const missing = pathToFileURL(join(dir, "no_such_module.ts")).href;
    const error = await openDenoSqlite(":memory:", { module: missing }).catch((
      e,
    ) => e);
    assert.ok(error instanceof SqliteDriverUnavailableError);
    assert.match(error.message, /--allow-ffi/);
    assert.ok(error.cause instanceof Error);
    const wrong = await openDefaultDatabase(":memory:", {
      driver: "@db/sqlite",
      module: {} as DenoSqliteModule,
    }).catch((e) => e);
    assert.ok(wrong instanceof SqliteDriverUnavailableError);
    assert.match(wrong.message, /no Database class/);
  });

  it("create: false creates nothing, and readonly refuses writes", async () => {
    const openers: Array<
      [
        SqliteDriverName,
        (
          path: string,
          o: { readonly?: boolean; create?: boolean },
        ) => Promise<{ exec(sql: string): void; close(): void }>,
      ]
    > = [];
    if (hasDriver("bun:sqlite")) openers.push(["bun:sqlite", openBunSqlite]);
    if (hasDriver("node:sqlite")) openers.push(["node:sqlite", openNodeSqlite]);
    if (hasDriver("better-sqlite3")) {
      openers.push(["better-sqlite3", openBetterSqlite3]);
    }
    if (denoModule !== undefined) {
      openers.push([
        "@db/sqlite",
        (p, o) => openDenoSqlite(p, { ...o, module: denoModule }),
      ]);
    }
    assert.ok(openers.length > 0);
    for (const [driver, openX] of openers) {
      const missing = join(dir, `missing-${driver.replace(/\W/g, "_")}.sqlite`);
      await assert.rejects(openX(missing, { create: false }), Error, driver);
      await assert.rejects(openX(missing, { readonly: true }), Error, driver);
      assert.equal(existsSync(missing), false, driver);
      const path = file();
      const db = await openX(path, {});
      db.exec("CREATE TABLE t (v INTEGER)");
      db.close();
      const again = await openX(path, { create: false });
      again.exec("INSERT INTO t VALUES (1)");
      again.close();
      const reader = await openX(path, { readonly: true });
      assert.throws(
        () => reader.exec("INSERT INTO t VALUES (2)"),
        Error,
        driver,
      );
      reader.close();
    }
  });

  it(
    "better-sqlite3 whose addon does not load is unavailable, with a rebuild hint",
    { skip: !hasDriver("better-sqlite3") },
    async () => {
      const error = await openBetterSqlite3(":memory:", {
        nativeBinding: join(dir, "no_such_addon.node"),
      }).catch((e) => e);
      assert.ok(error instanceof SqliteDriverUnavailableError);
      assert.match(
        error.message,
        runtime === "node"
          ? /does not load in Node .*npm rebuild better-sqlite3/
          : /install better-sqlite3 13 or newer/,
      );
    },
  );

  it(
    "fromBetterSqlite3() turns on safe integers for the user's own statements",
    { skip: BetterDatabase === undefined },
    () => {
      const raw = new BetterDatabase!(":memory:");
      const own = () =>
        (raw.prepare("SELECT 9007199254740993 AS v").get() as { v: unknown }).v;
      assert.equal(
        typeof own(),
        "number",
        "better-sqlite3 is lossy by default",
      );
      const db = fromBetterSqlite3(raw);
      assert.equal(own(), 2n ** 53n + 1n);
      assert.equal(
        db.prepare("SELECT 9007199254740993 AS v").get()?.v,
        2n ** 53n + 1n,
      );
      db.close();
    },
  );

  it(
    "fromBunSqlite() reads exact integers from a database opened without safeIntegers",
    { skip: BunDatabase === undefined },
    () => {
      const raw = new BunDatabase!(":memory:");
      const lossy =
        (raw.prepare("SELECT 9223372036854775807 AS v").get() as { v: unknown })
          .v;
      assert.notEqual(lossy, 2n ** 63n - 1n, "bun:sqlite is lossy by default");
      const db = fromBunSqlite(raw);
      assert.equal(
        db.prepare("SELECT 9223372036854775807 AS v").get()?.v,
        2n ** 63n - 1n,
      );
      assert.equal(
        db.prepare("SELECT 1 WHERE 0").get(),
        undefined,
        "null becomes undefined",
      );
      db.close();
    },
  );

  it(
    "fromNodeSqlite() reads exact integers from a database opened without readBigInts",
    { skip: nodeSqlite === undefined },
    () => {
      const raw = new nodeSqlite!.DatabaseSync(":memory:");
      assert.throws(
        () => raw.prepare("SELECT 9223372036854775807 AS v").get(),
        "node:sqlite throws beyond 2^53 by default",
      );
      const db = fromNodeSqlite(raw);
      assert.equal(db.path, ":memory:");
      assert.equal(
        db.prepare("SELECT 9223372036854775807 AS v").get()?.v,
        2n ** 63n - 1n,
      );
      db.close();
      db.close();
    },
  );

  it("withTransaction() inside withTransaction() fails and rolls the outer one back", async () => {
    const db = await openDefaultDatabase(":memory:");
    db.exec("CREATE TABLE t (v INTEGER)");
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    assert.throws(() =>
      withTransaction(db, () => {
        insert.run(1);
        withTransaction(db, () => insert.run(2));
      })
    );
    assert.equal(
      exactInt(db.prepare("SELECT count(*) AS n FROM t").get()?.n),
      0n,
    );
    db.close();
  });
});
