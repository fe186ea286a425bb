// Zipped tdata folders and tdata files in memory: readTdataZip() on ZIPs
// made by the system `zip` command (the folder itself, the folder holding
// it, its contents), on ZIPs built here with node:zlib (stored and DEFLATE
// entries, data descriptors), read as bytes and as a Blob, equal to what
// readTdata() reads from the folder; readTdataFiles() on a Map; and every
// refusal a typed ZipError: cut short, damaged, encrypted, ZIP64, another
// method, an entry over the size bound (a zip bomb never inflated past it).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  PassphraseError,
  readTdata,
  readTdataFiles,
  readTdataZip,
  SessionFileError,
  type TdataAccounts,
  writeTdata,
  ZipError,
  type ZipProblem,
} from "../mod.ts";
import { MAX_ENTRY_BYTES, openZip } from "../src/tdata/_zip.ts";
import { hex, key, scratchFolders } from "./_tdata_helpers.ts";
import { buildZip, type Entry, filesUnder, HAS_ZIP } from "./_zip.ts";

const newDir = scratchFolders("mtsession-tdata-zip-");

const ACCOUNTS = [
  {
    index: 0,
    userId: 5_123_456_789,
    mainDcId: 2,
    authKeys: new Map([[1, key(1)], [2, key(2)], [4, key(4)]]),
    testMode: false,
  },
  {
    index: 1,
    userId: 777_000,
    mainDcId: 5,
    authKeys: new Map([[5, key(5)]]),
  },
];

/** What a reading found, keys as hex, comparable with deepEqual. */
function summary(found: TdataAccounts): unknown {
  return {
    json: found.toJSON(),
    keys: found.accounts.map((a) =>
      [...a.authKeys].map(([dc, k]) => [dc, hex(k)])
    ),
  };
}

async function refused(
  zip: Uint8Array,
  problem: ZipProblem,
  words: RegExp,
  options: { maxEntryBytes?: number } = {},
): Promise<void> {
  await assert.rejects(
    readTdataZip(zip, { name: "t.zip", ...options }),
    (e: unknown) => {
      assert.ok(e instanceof ZipError, String(e));
      assert.ok(e instanceof SessionFileError);
      assert.equal(e.problem, problem, e.message);
      assert.match(e.message, words);
      assert.match(e.message, /t\.zip/);
      return true;
    },
  );
}

let folder: string;
let fromDisk: unknown;

async function writeFolder(): Promise<string> {
  if (folder !== undefined) return folder;
  const desktop = join(newDir(), "Telegram Desktop");
  mkdirSync(desktop);
  folder = join(desktop, "tdata");
  await writeTdata(folder, { accounts: ACCOUNTS, activeIndex: 1 });
  fromDisk = summary(await readTdata(folder));
  return folder;
}

describe("readTdataZip() on ZIPs made by the zip command", () => {
  for (
    const [shape, cwd, what] of [
      ["the tdata folder itself", "..", "tdata"],
      ["the folder holding it", "../..", "Telegram Desktop"],
      ["the folder's contents", ".", "."],
    ] as const
  ) {
    it(`reads ${shape}, as readTdata() reads the folder`, {
      skip: HAS_ZIP ? false : "no zip command",
    }, async () => {
      const dir = await writeFolder();
      const zip = join(newDir(), "t.zip");
      execFileSync("zip", ["-r", "-q", zip, what], { cwd: join(dir, cwd) });
      const bytes = new Uint8Array(readFileSync(zip));
      assert.deepEqual(summary(await readTdataZip(bytes)), fromDisk);
      // A Blob (a browser File) is read in slices, with the same result.
      const blob = new Blob([bytes]);
      assert.deepEqual(summary(await readTdataZip(blob)), fromDisk);
    });
  }

  it("a zip -0 (stored) ZIP and one with a zip -e password", {
    skip: HAS_ZIP ? false : "no zip command",
  }, async () => {
    const dir = await writeFolder();
    const stored = join(newDir(), "s.zip");
    execFileSync("zip", ["-r", "-q", "-0", stored, "tdata"], {
      cwd: join(dir, ".."),
    });
    assert.deepEqual(
      summary(await readTdataZip(new Uint8Array(readFileSync(stored)))),
      fromDisk,
    );
    const locked = join(newDir(), "e.zip");
    execFileSync("zip", ["-r", "-q", "-P", "secret", locked, "tdata"], {
      cwd: join(dir, ".."),
    });
    await refused(
      new Uint8Array(readFileSync(locked)),
      "encrypted",
      /password/,
    );
  });
});

describe("readTdataZip() on ZIPs built here", () => {
  async function entries(
    method: number,
    descriptor = false,
  ): Promise<Entry[]> {
    const dir = await writeFolder();
    return [...filesUnder(join(dir, ".."))].map(([name, data]) => ({
      name,
      data,
      method,
      descriptor,
    }));
  }

  it("stored and DEFLATE entries, with and without data descriptors", async () => {
    for (const method of [0, 8]) {
      for (const descriptor of [false, true]) {
        const zip = buildZip(await entries(method, descriptor));
        assert.deepEqual(summary(await readTdataZip(zip)), fromDisk);
      }
    }
  });

  it("a ZIP cut short anywhere is a damaged ZIP, never a crash", async () => {
    const zip = buildZip(await entries(8));
    for (const cut of [0, 10, 30, zip.length - 22, zip.length - 1]) {
      await refused(zip.slice(0, cut), "damaged", /ZIP/);
    }
    // The central directory cut off from its end record.
    const tail = zip.slice(zip.length - 22);
    const shifted = new Uint8Array(200);
    shifted.set(tail, 200 - 22);
    await refused(shifted, "damaged", /outside the file/);
  });

  it("damaged entries: bad CRC, broken DEFLATE, sizes that lie", async () => {
    const good = await entries(8);
    const key = (list: Entry[]): Entry =>
      list.find((e) => e.name.endsWith("key_datas"))!;
    const badCrc = structuredClone(good);
    key(badCrc).crc = 1234;
    await refused(buildZip(badCrc), "damaged", /CRC-32/);
    const short = structuredClone(good);
    key(short).size = key(short).data.length + 5;
    await refused(buildZip(short), "damaged", /less than it declares/);
    const long = structuredClone(good);
    key(long).size = key(long).data.length - 5;
    await refused(buildZip(long), "damaged", /more than it declares/);
    // DEFLATE data whose bytes were flipped.
    const zip = buildZip(good);
    const at = findLocal(zip, key(good).name);
    const broken = zip.slice();
    for (let i = 0; i < 8; i++) broken[at + i] = 0xff;
    await refused(broken, "damaged", /damaged ZIP entry/);
  });

  it("refuses encrypted entries, other methods, ZIP64, split archives", async () => {
    const good = await entries(8);
    await refused(
      buildZip(good.map((e) => ({ ...e, flags: 1 }))),
      "encrypted",
      /password-protected/,
    );
    await refused(
      buildZip(good.map((e) => ({ ...e, method: 12 }))),
      "unsupported",
      /method 12/,
    );
    await refused(buildZip(good, { count: 0xffff }), "zip64", /ZIP64/);
    await refused(buildZip(good, { disk: 1 }), "unsupported", /split/);
    const twice = [...good, good[0]!];
    await refused(buildZip(twice), "damaged", /two entries are named/);
  });

  it("a zip bomb: an entry over the bound is refused unread, one lying about its size is cut at it", async () => {
    const big = new Uint8Array(64 * 1024 * 1024 + 1);
    const bomb = buildZip([{ name: "tdata/key_datas", data: big }]);
    assert.ok(bomb.length < 200_000, `${bomb.length}`);
    await refused(bomb, "too large", /67108865 bytes .* more than/);
    assert.equal(MAX_ENTRY_BYTES, 64 * 1024 * 1024);
    await refused(
      buildZip([{ name: "tdata/key_datas", data: new Uint8Array(2000) }]),
      "too large",
      /more than the 1000 allowed/,
      { maxEntryBytes: 1000 },
    );
    // Declaring 100 bytes while holding 64 MiB: inflating stops at 100.
    const liar = buildZip([{ name: "x", data: big, size: 100 }]);
    const archive = await openZip(liar, "liar.zip");
    await assert.rejects(
      archive.read(archive.entries[0]!),
      (e) => e instanceof ZipError && /more than it declares/.test(e.message),
    );
  });

  it("no tdata folder, or two, is a clear SessionFileError", async () => {
    await assert.rejects(
      readTdataZip(buildZip([{ name: "notes.txt", data: new Uint8Array(3) }]), {
        name: "t.zip",
      }),
      (e) =>
        e instanceof SessionFileError && !(e instanceof ZipError) &&
        /t\.zip is not a Telegram Desktop tdata folder/.test(e.message),
    );
    const one = await entries(8);
    const two = [
      ...one.map((e) => ({ ...e, name: `a/${e.name}` })),
      ...one.map((e) => ({ ...e, name: `b/${e.name}` })),
    ];
    await assert.rejects(
      readTdataZip(buildZip(two)),
      (e) => e instanceof SessionFileError && /several tdata/.test(e.message),
    );
  });

  it("a missing account file names its place in the ZIP", async () => {
    const some = (await entries(8)).filter((e) =>
      !e.name.endsWith("/maps") || e.name.split("/").length !== 3 ||
      !e.name.includes("D877F783D5D3EF8C/")
    );
    await assert.rejects(
      readTdataZip(buildZip(some), { name: "t.zip" }),
      (e) =>
        e instanceof SessionFileError &&
        e.path === "t.zip/tdata/D877F783D5D3EF8C/maps",
    );
  });
});

/** Where an entry's data starts (after its local header). */
function findLocal(zip: Uint8Array, name: string): number {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const want = new TextEncoder().encode(name);
  for (let i = 0; i + 30 < zip.length; i++) {
    if (v.getUint32(i, true) !== 0x04034b50) continue;
    const n = v.getUint16(i + 26, true);
    const got = zip.subarray(i + 30, i + 30 + n);
    if (n === want.length && got.every((b, j) => b === want[j])) {
      return i + 30 + n + v.getUint16(i + 28, true);
    }
  }
  throw new Error(`no ${name}`);
}

describe("readTdataFiles()", () => {
  it("reads a folder's files from a Map, as readTdata() reads the folder", async () => {
    const dir = await writeFolder();
    assert.deepEqual(summary(await readTdataFiles(filesUnder(dir))), fromDisk);
    const holding = filesUnder(join(dir, ".."));
    assert.ok(holding.has("tdata/key_datas"));
    assert.deepEqual(summary(await readTdataFiles(holding)), fromDisk);
  });

  it("a passcode: PassphraseError without it, the accounts with it", async () => {
    const dir = join(newDir(), "tdata");
    await writeTdata(dir, { accounts: [ACCOUNTS[1]!] }, { passcode: "pw" });
    const files = filesUnder(dir);
    await assert.rejects(readTdataFiles(files), PassphraseError);
    await assert.rejects(
      readTdataFiles(files, { passcode: "wrong" }),
      PassphraseError,
    );
    const found = await readTdataFiles(files, { passcode: "pw" });
    assert.equal(found.hasPasscode, true);
    assert.deepEqual(
      summary(found),
      summary(await readTdata(dir, { passcode: "pw" })),
    );
  });

  it("copies <name>0 and <name>1: the newer first, the other when it is damaged", async () => {
    const dir = await writeFolder();
    const files = filesUnder(dir);
    const keyData = files.get("key_datas")!;
    files.delete("key_datas");
    const broken = keyData.slice(0, 20);
    const modified = new Map([["key_data0", 2000], ["key_data1", 1000]]);
    // The newer copy is damaged: the older one is read.
    files.set("key_data0", broken);
    files.set("key_data1", keyData);
    assert.deepEqual(
      summary(await readTdataFiles(files, { modified })),
      fromDisk,
    );
    // Both damaged: both named in the error.
    files.set("key_data1", broken);
    await assert.rejects(
      readTdataFiles(files, { modified, name: "mem" }),
      (e) =>
        e instanceof SessionFileError && e.path === "mem/key_data0" &&
        /other copy key_data1/.test(e.message),
    );
    assert.ok(!existsSync(join(dir, "key_data0")));
  });

  it("bad arguments are TypeErrors", async () => {
    await assert.rejects(readTdataFiles({} as never), TypeError);
    await assert.rejects(readTdataZip("t.zip" as never), TypeError);
    await assert.rejects(
      readTdataZip(new Uint8Array(0), { maxEntryBytes: 0 }),
      RangeError,
    );
  });
});
