// Bad files: zero-length, not SQLite, truncated, another program's SQLite
// database, corrupted (bad header, damaged pages of a Telethon file and of
// an mtsession file), a directory. Every entry point that takes a file —
// openSession, readSessionFile, importSessionFile (into memory and into a
// new file) and the CLI (info, convert) — answers with a typed error and
// leaves the file byte for byte as it was, with no -wal, -shm or -journal
// beside it.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  importSessionFile,
  openSession,
  readSessionFile,
  SessionError,
  SessionFileError,
} from "../mod.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { checkSqliteFile } from "../src/sqlite/_file_header.ts";
import { looksLikeSoundFile } from "../src/sqlite/_file_probe.ts";
import { runCliProcess } from "./_cli.ts";
import { fixturePath, loadFixtureJson, runtime } from "./_fixtures.ts";
import { bytes, seeded } from "./_random.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-badfiles-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const TELETHON = fixturePath("telethon/sqlite/v7-full.session");
const PAGE = 4096;

/** An mtsession file with a few hundred peers (made once). */
let ours: Uint8Array = new Uint8Array(0);

before(async () => {
  const path = join(dir, "ours-source.session");
  const s = await openSession(path);
  await s.setDc(2, "149.154.167.51", 443);
  await s.setAuthKey(new Uint8Array(256).fill(0x5c));
  await s.processEntities(
    Array.from({ length: 600 }, (_, i) => ({
      _: "user",
      id: 1000 + i,
      accessHash: BigInt(i) * 7919n - 2n ** 62n,
      username: `peer_number_${i}`,
      phone: `1555${String(i).padStart(6, "0")}`,
      firstName: `Peer ${i}`,
    })),
  );
  await s.close();
  ours = new Uint8Array(readFileSync(path));
});

function damagePages(source: Uint8Array, pages: number[]): Uint8Array {
  const out = new Uint8Array(source);
  for (const p of pages) {
    // Page p (1-based) starts at (p - 1) * PAGE; its first 8 bytes stay.
    const start = (p - 1) * PAGE + 8;
    out.fill(0xee, start, Math.min(out.length, p * PAGE));
  }
  return out;
}

/** name → how to make the file at a path. */
const CASES: Array<[string, (path: string) => void | Promise<void>]> = [
  ["a zero-length file", (p) => writeFileSync(p, "")],
  ["a text file", (p) => writeFileSync(p, "not a database\n".repeat(40))],
  ["random bytes", (p) => writeFileSync(p, bytes(seeded(3), 8192))],
  [
    "an SQLite header alone (100 bytes)",
    (p) => writeFileSync(p, readFileSync(TELETHON).subarray(0, 100)),
  ],
  [
    "a truncated Telethon file",
    (p) => writeFileSync(p, readFileSync(TELETHON).subarray(0, 8192)),
  ],
  [
    "a truncated mtsession file",
    (p) => writeFileSync(p, ours.subarray(0, Math.floor(ours.length / 2))),
  ],
  ["another program's SQLite database", async (p) => {
    const db = await openDefaultDatabase(p);
    db.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);" +
        "INSERT INTO notes (body) VALUES ('a'), ('b');",
    );
    db.close();
  }],
  ["an empty SQLite database", async (p) => {
    const db = await openDefaultDatabase(p);
    db.exec("CREATE TABLE t (x); DROP TABLE t; VACUUM");
    db.close();
  }],
  ["a bad page size in the header", (p) => {
    const b = new Uint8Array(readFileSync(TELETHON));
    b[16] = 0x03;
    b[17] = 0x00;
    writeFileSync(p, b);
  }],
  ["a Telethon file with damaged pages", (p) => {
    const b = new Uint8Array(readFileSync(TELETHON));
    b.fill(0xee, 100, PAGE);
    writeFileSync(p, b);
  }],
  ["an mtsession file with its second page damaged", (p) => {
    writeFileSync(p, damagePages(ours, [2]));
  }],
  ["an mtsession file with pages in the middle damaged", (p) => {
    const pages = Math.floor(ours.length / PAGE);
    writeFileSync(
      p,
      damagePages(ours, [Math.floor(pages / 3), Math.floor(pages / 2)]),
    );
  }],
  ["an mtsession file with its last page damaged", (p) => {
    writeFileSync(p, damagePages(ours, [Math.floor(ours.length / PAGE)]));
  }],
];

let n = 0;
async function make(
  build: (path: string) => void | Promise<void>,
): Promise<{ path: string; before: Uint8Array }> {
  const sub = join(dir, `case${n++}`);
  mkdirSync(sub);
  const path = join(sub, "bad.session");
  await build(path);
  return { path, before: new Uint8Array(readFileSync(path)) };
}

function assertUntouched(path: string, before: Uint8Array): void {
  assert.deepEqual(new Uint8Array(readFileSync(path)), before, "bytes changed");
  const dirName = join(path, "..");
  assert.deepEqual(
    readdirSync(dirName).filter((f) => f !== "bad.session"),
    [],
    "files appeared beside it",
  );
}

/**
 * Opens the file and reads everything; a damaged page may only show when
 * it is read, so "typed" covers the open and every read after it.
 */
async function openAndReadAll(path: string): Promise<unknown> {
  try {
    const s = await openSession(path);
    try {
      await s.countPeers();
      const peers = await s.listPeers();
      for (const p of peers.slice(0, 50)) await s.getPeer(p.id);
      await s.getPeer("@peer_number_599");
      await s.getPeer("+15550000599");
      await s.getUpdateStates();
      await s.listCachedFiles();
    } finally {
      await s.close();
    }
    return undefined;
  } catch (e) {
    return e;
  }
}

describe(`bad files get typed errors and stay untouched (${runtime})`, () => {
  for (const [what, build] of CASES) {
    describe(what, () => {
      it("openSession", async () => {
        const { path, before } = await make(build);
        const e = await openAndReadAll(path);
        if (what.startsWith("an mtsession file with")) {
          // Damaged pages nothing reads may go unnoticed; anything noticed
          // is typed.
          assert.ok(
            e === undefined || e instanceof SessionFileError,
            `${what}: ${e}`,
          );
        } else {
          assert.ok(e instanceof SessionFileError, `${what}: ${e}`);
        }
        assertUntouched(path, before);
      });

      it("the quick look before opening passes none of it", async () => {
        const { path } = await make(build);
        let refused = false;
        try {
          checkSqliteFile(path);
        } catch {
          refused = true;
        }
        // It agrees with the full header check: it never accepts what that
        // refuses, and accepts what that passes on to SQLite.
        assert.equal(await looksLikeSoundFile(path), !refused);
      });

      it("readSessionFile and importSessionFile", async () => {
        const { path, before } = await make(build);
        const read = await readSessionFile(path).catch((x) => x);
        const intoMemory = await importSessionFile(path).catch((x) => x);
        const target = join(dir, `import${n++}`);
        const intoFile = await importSessionFile(path, { into: target })
          .catch((x) => x);
        for (const e of [read, intoMemory, intoFile]) {
          if (
            what.startsWith("an mtsession file with") && !(e instanceof Error)
          ) {
            continue; // the damage is in a page the reader never needs
          }
          assert.ok(e instanceof SessionFileError, `${what}: ${e}`);
        }
        if (intoFile instanceof Error) {
          assert.ok(!existsSync(`${target}.session`), "a target was created");
        } else {
          await intoFile.close();
        }
        if (!(intoMemory instanceof Error)) await intoMemory.close();
        assertUntouched(path, before);
      });

      it("the CLI: info and convert", { timeout: 60_000 }, async () => {
        const { path, before } = await make(build);
        for (
          const args of [
            ["info", path],
            ["info", path, "--json", "--peers"],
            ["convert", path, "--to", "telethon"],
          ]
        ) {
          const r = runCliProcess(args);
          if (r.status === 0 && what.startsWith("an mtsession file with")) {
            continue; // the damage is in a page the reader never needs
          }
          assert.equal(r.status, 1, `${args.join(" ")}: ${r.stderr}`);
          assert.equal(r.stdout, "");
          const lines = r.stderr.trim().split("\n");
          assert.equal(lines.length, 1, r.stderr);
          assert.match(lines[0]!, /^mtsession: /);
          assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, "a stack trace");
        }
        assertUntouched(path, before);
      });
    });
  }

  it("a directory is refused by every entry point", async () => {
    const path = join(dir, `dir${n++}.session`);
    mkdirSync(path);
    assert.ok(
      (await openSession(path).catch((e) => e)) instanceof SessionError,
    );
    assert.ok(
      (await readSessionFile(path).catch((e) => e)) instanceof SessionError,
    );
    // A folder is read as Telegram Desktop's tdata, which this one is not.
    const r = runCliProcess(["info", path]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /^mtsession: .*is not a Telegram Desktop tdata folder .*not modified\n$/,
    );
  });

  it("the quick look before opening passes a sound file, and no directory", async () => {
    const path = join(dir, `probe${n++}.session`);
    writeFileSync(path, ours);
    assert.equal(await looksLikeSoundFile(path), true);
    assert.equal(await looksLikeSoundFile(join(dir, "missing.session")), false);
    mkdirSync(`${path}.d`);
    assert.equal(await looksLikeSoundFile(`${path}.d`), false);
  });

  it("a good copy of the damaged files still opens (the fixtures are sound)", async () => {
    const path = join(dir, `good${n++}.session`);
    copyFileSync(TELETHON, path);
    // Every entity of the manifest but Telethon's own (0, self id) row.
    const entities = loadFixtureJson("telethon/manifest.json").sqlite_sessions
      .find((x: { file: string }) => x.file === "sqlite/v7-full.session")
      .entities.filter((x: { id: number }) => x.id !== 0);
    assert.equal(
      (await readSessionFile(path)).peers.length,
      entities.length,
    );
    writeFileSync(path, ours);
    const s = await openSession(path);
    assert.equal(await s.countPeers(), 600);
    await s.close();
  });
});
