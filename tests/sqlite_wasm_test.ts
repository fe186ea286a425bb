// SQLite in WebAssembly (sql.js 1.17, the npm package) behind the driver
// interface: the driver conformance suite on its in-memory files, and
// session files read from and written to bytes exactly as the file
// readers and writers do on disk. sql.js runs in every runtime, so these
// run on Deno, Bun and Node; tests/browser_wasm_test.ts runs the same in
// Chromium.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import initSqlJs from "sql.js";
import {
  fromSqlJs,
  readSessionBytes,
  type SqlJsStaticLike,
  writeSessionBytes,
} from "../adapters/sqlite_wasm.ts";
import { readSessionFile } from "../src/files.ts";
import { SessionFileError } from "../src/errors.ts";
import { describeSqliteDriver } from "./_driver_conformance.ts";
import { sqlJsPlace } from "./_sql_js.ts";
import { fixturePath } from "./_fixtures.ts";

const SQL = await initSqlJs() as unknown as SqlJsStaticLike;

const conformanceFiles = fromSqlJs(SQL);
describeSqliteDriver(
  "sql.js",
  (path) => Promise.resolve(conformanceFiles.open(path)),
  sqlJsPlace(conformanceFiles),
);

const FIXTURES = [
  "telethon/sqlite/v7-full.session",
  "pyrogram/sqlite/pyrogram-2.0.106-user.session",
  "pyrogram/sqlite/kurigram-2.1.35-user.session",
  "mtsession/schema1.session",
  "mtsession/schema2.session",
  "mtsession/schema3.session",
];

describe("sql.js files", () => {
  it("a file's bytes: open, written back on the last close, read-only copies refuse writes", () => {
    const files = fromSqlJs(SQL);
    assert.throws(
      () => files.open("a.session", { create: false }),
      /no such file/,
    );
    const a = files.open("a.session");
    const b = files.open("a.session");
    a.exec(
      "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (-9223372036854775808)",
    );
    assert.deepEqual(b.prepare("SELECT v FROM t").get(), { v: -(2n ** 63n) });
    assert.throws(() => files.remove("a.session"), /it is open/);
    const ro = files.open("a.session", { readonly: true });
    assert.throws(
      () => ro.exec("INSERT INTO t VALUES (1)"),
      /readonly|query_only/i,
    );
    ro.close();
    a.close();
    b.close();
    const bytes = files.readFile("a.session")!;
    assert.equal(
      new TextDecoder().decode(bytes.subarray(0, 15)),
      "SQLite format 3",
    );
    const copy = files.load(bytes);
    copy.exec("INSERT INTO t VALUES (2)");
    copy.close();
    assert.deepEqual(
      files.readFile("a.session"),
      bytes,
      "load() writes nothing back",
    );
    files.remove("a.session");
    assert.equal(files.exists("a.session"), false);
  });
});

describe("readSessionBytes() and writeSessionBytes() over sql.js", () => {
  let dir = "";
  const sqlite = fromSqlJs(SQL);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mtsession-wasm-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const fixture of FIXTURES) {
    it(`reads ${fixture} from its bytes as readSessionFile() reads the file; the bytes stay as they were`, async () => {
      const path = fixturePath(fixture);
      const bytes = new Uint8Array(readFileSync(path));
      const before = bytes.slice();
      const fromBytes = await readSessionBytes(bytes, sqlite, fixture);
      const fromFile = await readSessionFile(path);
      assert.deepEqual(fromBytes, fromFile);
      assert.deepEqual(bytes, before);
      assert.ok(fromBytes.auth.authKey !== null);
    });
  }

  for (
    const format of ["telethon", "telethon2", "pyrogram", "mtsession"] as const
  ) {
    it(`writes a ${format} file to bytes that readSessionFile() reads back`, async () => {
      const source = await readSessionFile(
        fixturePath("telethon/sqlite/v7-full.session"),
      );
      // As the CLI does: a Pyrogram file must say the API id and whether
      // the account is a bot.
      const data = {
        ...source,
        auth: {
          ...source.auth,
          apiId: source.auth.apiId ?? 12345,
          isBot: source.auth.isBot ?? false,
        },
      };
      const written = await writeSessionBytes(format, data, sqlite);
      const file = join(dir, `out-${format}.session`);
      writeFileSync(file, written.bytes);
      const viaFile = await readSessionFile(file);
      const viaBytes = await readSessionBytes(written.bytes, sqlite);
      assert.deepEqual(viaBytes, viaFile);
      assert.deepEqual(viaFile.auth.authKey, source.auth.authKey);
      assert.equal(viaFile.auth.dcId, source.auth.dcId);
      assert.equal(
        viaFile.kind.library,
        format === "telethon2" ? "telethon" : format,
      );
      assert.deepEqual(
        viaFile.peers.map((p) => [p.id, p.accessHash]),
        // Telethon 2 keeps no peer cache in the file.
        format === "telethon2"
          ? []
          : source.peers.map((p) => [p.id, p.accessHash]),
      );
      assert.equal(written.notes.length > 0, format !== "mtsession");
    });
  }

  it("refuses what is not a session file, naming it", async () => {
    const refuse = async (bytes: Uint8Array, why: RegExp): Promise<void> => {
      await assert.rejects(
        readSessionBytes(bytes, sqlite, "dropped.session"),
        (e: unknown) =>
          e instanceof SessionFileError && why.test(e.message) &&
          e.message.startsWith("dropped.session"),
      );
    };
    await refuse(new Uint8Array(0), /empty/);
    await refuse(
      new TextEncoder().encode("1BVtsOK4Bu..."),
      /not an SQLite database/,
    );
    const files = fromSqlJs(SQL);
    const other = files.open("other.db");
    other.exec("CREATE TABLE notes (v TEXT)");
    other.close();
    await refuse(
      files.readFile("other.db")!,
      /another program \(tables: notes\)/,
    );
    const good = new Uint8Array(readFileSync(fixturePath(FIXTURES[0]!)));
    await refuse(good.slice(0, 4096 + 100), /corrupted|not a Telethon/);
  });
});
