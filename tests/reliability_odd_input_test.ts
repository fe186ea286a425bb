// Odd input gets the same typed answer on Deno, Bun and Node and changes
// nothing on disk:
// - session names with white space at an end, `.`, `..`, `""`, a trailing
//   separator, `.session` alone, a NUL: TypeError before anything is
//   touched; a name that is a directory (or whose `.session` is one):
//   SessionFileError; a name ending in `.session` is kept as it is;
// - what is beside a session file: a `-wal`, `-shm` or `-journal` that is a
//   symbolic link (to a file or to nothing) or a directory, and a `-wal`
//   that is not a write-ahead log, has a damaged header, or comes from a
//   database of another page size: SessionFileError from every entry
//   point, every file (and every link and its target) as it was. A sound
//   -wal a kill left behind still opens with what it holds.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  importSessionFile,
  openSession,
  openSessionStore,
  readSessionFile,
  SessionFileError,
} from "../mod.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { fixturePath, runtime } from "./_fixtures.ts";
import { bytes, seeded } from "./_random.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-odd-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const TELETHON = fixturePath("telethon/sqlite/v7-full.session");

/** Every path under `d` with what it is (a link's target, a file's bytes). */
function snapshot(d: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string, rel: string): void => {
    for (const name of readdirSync(p).sort()) {
      const full = join(p, name);
      const st = lstatSync(full);
      const key = `${rel}${name}`;
      if (st.isSymbolicLink()) out.set(key, `-> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.set(key, "dir");
        walk(full, `${key}/`);
      } else {
        out.set(key, Buffer.from(readFileSync(full)).toString("base64"));
      }
    }
  };
  walk(d, "");
  return out;
}

/** Runs `fn` with `d` as the working directory. */
async function inDir<T>(d: string, fn: () => Promise<T>): Promise<T> {
  const was = process.cwd();
  process.chdir(d);
  try {
    return await fn();
  } finally {
    process.chdir(was);
  }
}

describe(`odd session names (${runtime})`, () => {
  const cwd = join(dir, "names");
  before(() => {
    mkdirSync(join(cwd, "sub"), { recursive: true });
    mkdirSync(join(cwd, "adir"));
    mkdirSync(join(cwd, "bdir.session"));
  });

  const refused: Array<[string, RegExp]> = [
    ["", /Expected a session name/],
    ["   ", /Expected a session name/],
    [" z ", /white space/],
    [" z", /white space/],
    ["z ", /white space/],
    ["z\n", /white space/],
    ["sub/ z", /white space/],
    ["z .session", /white space/],
    [".", /names a directory/],
    ["..", /names a directory/],
    ["sub/.", /names a directory/],
    ["sub/..", /names a directory/],
    ["sub/", /path separator/],
    [".session", /nothing before \.session/],
    ["sub/.session", /nothing before \.session/],
    ["a\u0000b", /NUL/],
  ];

  for (const [name, message] of refused) {
    it(`${JSON.stringify(name)}: TypeError, nothing created`, async () => {
      const before = snapshot(cwd);
      await inDir(cwd, async () => {
        const open = await openSession(name).catch((e) => e);
        assert.ok(open instanceof TypeError, String(open));
        assert.match(open.message, message);
        const imported = await importSessionFile(TELETHON, { into: name })
          .catch((e) => e);
        assert.ok(imported instanceof TypeError, String(imported));
        assert.match(imported.message, message);
      });
      assert.deepEqual(snapshot(cwd), before);
    });
  }

  for (const [name, path] of [["adir", "adir"], ["bdir", "bdir.session"]]) {
    it(`${JSON.stringify(name)} (${path} a directory): SessionFileError, nothing created`, async () => {
      const before = snapshot(cwd);
      await inDir(cwd, async () => {
        for (
          const e of [
            await openSession(name!).catch((x) => x),
            await importSessionFile(TELETHON, { into: name! }).catch((x) => x),
          ]
        ) {
          assert.ok(e instanceof SessionFileError, String(e));
          assert.equal(e.path, path);
          assert.equal(e.found, "a directory");
        }
      });
      assert.deepEqual(snapshot(cwd), before);
    });
  }

  it('"x" is x.session, "x.session" too (never x.session.session); a directory beside an existing session does not matter', async () => {
    await inDir(cwd, async () => {
      const a = await openSession("x");
      await a.setDc(2, "149.154.167.51", 443);
      await a.close();
      const b = await openSession("x.session");
      assert.equal(b.dcId, 2);
      await b.close();
      assert.ok(!existsSync("x.session.session"));
      writeFileSync("adir.session", readFileSync("x.session"));
      const c = await openSession("adir");
      assert.equal(c.dcId, 2);
      await c.close();
      rmSync("adir.session");
      rmSync("x.session");
    });
  });

  for (
    const path of [" s.db", "s.db ", "", ".", "sub/", "sub/..", "s\u0000.db"]
  ) {
    it(`openSessionStore(${JSON.stringify(path)}): TypeError, nothing created`, async () => {
      const before = snapshot(cwd);
      await inDir(cwd, async () => {
        const e = await openSessionStore(path).catch((x) => x);
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, /^Database path /);
      });
      assert.deepEqual(snapshot(cwd), before);
    });
  }
});

/** A sound mtsession file, closed (nothing beside it). */
let sound: Uint8Array = new Uint8Array(0);
/** What a kill leaves: the file and its -wal, with peer 7 only in the -wal. */
let crashed: { db: Uint8Array; wal: Uint8Array } = {
  db: new Uint8Array(0),
  wal: new Uint8Array(0),
};
/** A -wal of another database whose pages are 1024 bytes. */
let smallPagesWal: Uint8Array = new Uint8Array(0);

before(async () => {
  const work = join(dir, "make");
  mkdirSync(work);
  const path = join(work, "s.session");
  const s = await openSession(path);
  await s.setDc(2, "149.154.167.51", 443);
  await s.setAuthKey(new Uint8Array(256).fill(0x3c));
  await s.save();
  await s.close();
  sound = new Uint8Array(readFileSync(path));
  const live = await openSession(path);
  await live.processEntities({
    _: "user",
    id: 7,
    accessHash: 77n,
    username: "seven",
  });
  await live.save();
  crashed = {
    db: new Uint8Array(readFileSync(path)),
    wal: new Uint8Array(readFileSync(`${path}-wal`)),
  };
  await live.close();
  const other = join(work, "other.db");
  const db = await openDefaultDatabase(other);
  db.exec("PRAGMA page_size = 1024");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (x)");
  for (let i = 0; i < 20; i++) db.exec(`INSERT INTO t VALUES (${i})`);
  smallPagesWal = new Uint8Array(readFileSync(`${other}-wal`));
  db.close();
});

/** How to put an unfit file beside `path` (links are relative). */
const BESIDE: Array<[string, string, (path: string) => void]> = [
  ["-wal", "a link to a file", (p) => {
    writeFileSync(`${p}.target`, "precious");
    symlinkSync("s.session.target", `${p}-wal`);
  }],
  ["-shm", "a link to a file", (p) => {
    writeFileSync(`${p}.target`, "precious");
    symlinkSync("s.session.target", `${p}-shm`);
  }],
  ["-journal", "a link to a file", (p) => {
    writeFileSync(`${p}.target`, "precious".repeat(100));
    symlinkSync("s.session.target", `${p}-journal`);
  }],
  ["-wal", "a link to nothing", (p) => symlinkSync("nothing", `${p}-wal`)],
  ["-shm", "a link to nothing", (p) => symlinkSync("nothing", `${p}-shm`)],
  ["-wal", "a directory", (p) => mkdirSync(`${p}-wal`)],
  ["-wal", "random bytes", (p) => {
    writeFileSync(`${p}-wal`, bytes(seeded(4), 4096 + 32));
  }],
  ["-wal", "10 bytes", (p) => writeFileSync(`${p}-wal`, "0123456789")],
  ["-wal", "a log with a damaged header", (p) => {
    const wal = new Uint8Array(crashed.wal);
    wal[13] = wal[13]! ^ 0xff; // the checkpoint sequence, checksum kept
    writeFileSync(p, crashed.db);
    writeFileSync(`${p}-wal`, wal);
  }],
  ["-wal", "the log of a database with 1024-byte pages", (p) => {
    writeFileSync(`${p}-wal`, smallPagesWal);
  }],
];

describe(`unfit files beside a session (${runtime})`, () => {
  let n = 0;
  for (const [suffix, what, make] of BESIDE) {
    it(`${suffix} is ${what}: SessionFileError everywhere, nothing touched`, async () => {
      const d = join(dir, `beside${n++}`);
      mkdirSync(d);
      const path = join(d, "s.session");
      writeFileSync(path, sound);
      make(path);
      const before = snapshot(d);
      const errors = [
        await openSession(path).catch((e) => e),
        await readSessionFile(path).catch((e) => e),
        await importSessionFile(path).catch((e) => e),
        await openSessionStore(path).catch((e) => e),
      ];
      for (const e of errors) {
        assert.ok(e instanceof SessionFileError, `${what}: ${e}`);
        assert.equal(e.path, path);
        assert.ok(e.found.includes("-wal") || e.found.includes(suffix));
      }
      assert.deepEqual(snapshot(d), before);
    });
  }

  it("a sound -wal a kill left opens, with what it holds", async () => {
    const d = join(dir, "crashed");
    mkdirSync(d);
    const path = join(d, "s.session");
    writeFileSync(path, crashed.db);
    writeFileSync(`${path}-wal`, crashed.wal);
    assert.equal((await readSessionFile(path)).peers.length, 1);
    const s = await openSession(path);
    assert.equal((await s.getPeer("@seven"))?.accessHash, 77n);
    await s.close();
  });

  it("an empty -wal, and a -journal linking to nothing, are no log", async () => {
    const d = join(dir, "harmless");
    mkdirSync(d);
    const path = join(d, "s.session");
    writeFileSync(path, sound);
    writeFileSync(`${path}-wal`, "");
    symlinkSync("nothing", `${path}-journal`);
    assert.equal((await readSessionFile(path)).auth.dcId, 2);
    const s = await openSession(path);
    assert.equal(s.dcId, 2);
    await s.close();
  });

  it("a session that is a link has its -wal judged where SQLite keeps it", async () => {
    const d = join(dir, "linked");
    mkdirSync(join(d, "real"), { recursive: true });
    const real = join(d, "real", "s.session");
    writeFileSync(real, sound);
    writeFileSync(`${real}-wal`, smallPagesWal);
    symlinkSync(real, join(d, "s.session"));
    const before = snapshot(d);
    const e = await readSessionFile(join(d, "s.session")).catch((x) => x);
    assert.ok(e instanceof SessionFileError, String(e));
    assert.match(e.found, /another database's -wal/);
    assert.deepEqual(snapshot(d), before);
  });
});
