// Telegram Desktop folders where a user meets them: readSessionFile() and
// importSessionFile() given a tdata folder, and the real CLI (a child
// process of the runtime at hand) showing and converting one, both ways,
// with folders written by writeTdata() and by @mtcute/convert's Tdata.

import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  decodeSessionString,
  importSessionFile,
  PassphraseError,
  readSessionFile,
  readTdata,
  SessionFileError,
  TdataAccountError,
  writeTdata,
} from "../mod.ts";
import { Tdata } from "@mtcute/convert";
import { Long } from "@mtcute/core";
import { runCliProcess } from "./_cli.ts";
import { hex, key, mtcuteOptions, scratchFolders } from "./_tdata_helpers.ts";

const newDir = scratchFolders("mtsession-tdata-cli-");
/** The auth key id, computed here with node:crypto. */
const keyId = (k: Uint8Array): string =>
  createHash("sha1").update(k).digest().subarray(12, 20).toString("hex");

const PASSCODE = "pässcode 7";
const ENV = { TD_PASSCODE: PASSCODE };
const ACCOUNTS = [
  {
    index: 0,
    userId: 5_123_456_789, // above 2^32
    mainDcId: 4,
    authKeys: new Map([[1, key(1)], [2, key(2)], [4, key(4)], [5, key(5)]]),
    keysToDestroy: [{ dcId: 3, authKey: key(3) }],
  },
  { index: 1, userId: 111111, mainDcId: 2, authKeys: new Map([[2, key(12)]]) },
  {
    index: 2,
    userId: 333333,
    mainDcId: 1,
    authKeys: new Map([[1, key(21)], [3, key(23)]]),
    testMode: true,
  },
];
const MTCUTE = {
  userId: 6_543_210_987,
  mainDcId: 5,
  keys: [[1, key(31)], [2, key(32)], [5, key(35)]] as const,
};

/** Every file under `dir` (relative path → bytes as hex), links refused. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else out[r] = hex(readFileSync(join(dir, r)));
    }
  };
  walk("");
  return out;
}

let ours = ""; // 3 accounts, a passcode, active 1
let mtcute = ""; // written by @mtcute/convert
let single = ""; // 1 account, no passcode, inside a "Telegram Desktop" folder
const sources: Array<[string, Record<string, string>]> = [];

before(async () => {
  ours = join(newDir(), "tdata");
  await writeTdata(ours, { accounts: ACCOUNTS, activeIndex: 1 }, {
    passcode: PASSCODE,
  });
  mtcute = join(newDir(), "tdata");
  const td = await Tdata.create({
    ...mtcuteOptions(mtcute),
    keyData: { count: 1, order: [0], active: 0 },
  });
  await td.writeMtpAuthorization({
    userId: Long.fromString(String(MTCUTE.userId)),
    mainDcId: MTCUTE.mainDcId,
    authKeys: MTCUTE.keys.map(([dcId, k]) => ({ dcId, key: k })),
    authKeysToDestroy: [],
  }, 0);
  await td.writeEmptyMapFile(0);
  const desktop = join(newDir(), "TelegramDesktop");
  mkdirSync(desktop);
  single = join(desktop, "tdata");
  await writeTdata(single, { accounts: [ACCOUNTS[0]!] });
  for (const dir of [ours, mtcute, desktop]) sources.push([dir, snapshot(dir)]);
});

function tdataKeys(
  account: { authKeys: ReadonlyMap<number, Uint8Array> },
): Array<[number, string]> {
  return [...account.authKeys].map(([dc, k]) => [dc, hex(k)]);
}

describe("readSessionFile() and importSessionFile() on a tdata folder", () => {
  it("read one account: main DC and key in auth, every other DC's key and address", async () => {
    const found = await readSessionFile(ours, {
      account: 0,
      passcode: PASSCODE,
    });
    assert.equal(found.kind.library, "tdata");
    assert.equal(found.kind.flavor, "tdata");
    assert.equal(found.kind.storedVersion, 6_000_000);
    assert.equal(found.auth.dcId, 4);
    assert.equal(found.auth.serverAddress, "149.154.167.91");
    assert.equal(found.auth.port, 443);
    assert.equal(hex(found.auth.authKey!), hex(key(4)));
    assert.equal(found.auth.userId, 5_123_456_789);
    assert.equal(found.auth.testMode, false);
    assert.equal(found.auth.apiId, null);
    assert.equal(found.auth.isBot, false);
    assert.deepEqual(
      found.authKeys.map((k) => [k.dcId, hex(k.key)]),
      [[1, hex(key(1))], [2, hex(key(2))], [5, hex(key(5))]],
    );
    assert.deepEqual(found.dataCenters.map((d) => [d.id, d.ipv4, d.port]), [
      [1, "149.154.175.53", 443],
      [2, "149.154.167.51", 443],
      [4, "149.154.167.91", 443],
      [5, "91.108.56.130", 443],
    ]);
    const notes = found.notes.join("\n");
    assert.match(notes, /account 0 was read, not 1 \(user 111111\) and 2/);
    assert.match(notes, /no api id/);
    assert.match(notes, /1 old key .* left out/);
  });

  it("a test account gets the test DCs' addresses", async () => {
    const found = await readSessionFile(ours, {
      account: 2,
      passcode: PASSCODE,
    });
    assert.equal(found.auth.testMode, true);
    assert.equal(found.auth.serverAddress, "149.154.175.10");
    assert.equal(found.auth.port, 80);
    assert.deepEqual(found.dataCenters.map((d) => [d.id, d.testMode]), [
      [1, true],
      [3, true],
    ]);
  });

  it("several accounts and no account: TdataAccountError with indexes and user ids, no key", async () => {
    const e = await readSessionFile(ours, { passcode: PASSCODE }).catch((
      x,
    ) => x);
    assert.ok(e instanceof TdataAccountError, String(e));
    assert.ok(e instanceof SessionFileError);
    assert.equal(e.requested, null);
    assert.deepEqual(e.accounts, [
      { index: 0, userId: 5_123_456_789, active: false },
      { index: 1, userId: 111111, active: true },
      { index: 2, userId: 333333, active: false },
    ]);
    assert.match(e.message, /3 accounts .*0: user 5123456789.*--account N/);
    const missing = await readSessionFile(ours, {
      account: 4,
      passcode: PASSCODE,
    }).catch((x) => x);
    assert.ok(missing instanceof TdataAccountError);
    assert.equal(missing.requested, 4);
    assert.match(missing.message, /without account 4/);
    for (const err of [e, missing]) {
      for (const a of ACCOUNTS) {
        for (const k of a.authKeys.values()) {
          assert.ok(!err.message.includes(hex(k).slice(0, 16)));
        }
      }
    }
  });

  it("a missing or wrong passcode is a PassphraseError", async () => {
    for (const passcode of [undefined, "wrong"]) {
      const e = await readSessionFile(ours, {
        account: 0,
        ...(passcode === undefined ? {} : { passcode }),
      }).catch((x) => x);
      assert.ok(e instanceof PassphraseError, String(e));
      assert.equal(e.format, null);
    }
  });

  it("one account needs no index; the folder holding tdata works too", async () => {
    const found = await readSessionFile(join(single, ".."));
    assert.equal(found.auth.dcId, 4);
    assert.equal(found.auth.userId, 5_123_456_789);
    assert.equal(found.authKeys.length, 3);
    const other = await readSessionFile(newDir()).catch((e) => e);
    assert.ok(other instanceof SessionFileError, String(other));
    assert.match(other.message, /not a Telegram Desktop tdata folder/);
  });

  it("reads what @mtcute/convert wrote", async () => {
    const found = await readSessionFile(mtcute);
    assert.equal(found.kind.storedVersion, 5_008_003);
    assert.equal(found.auth.dcId, 5);
    assert.equal(found.auth.userId, MTCUTE.userId);
    assert.equal(hex(found.auth.authKey!), hex(key(35)));
    assert.deepEqual(found.authKeys.map((k) => [k.dcId, hex(k.key)]), [
      [1, hex(key(31))],
      [2, hex(key(32))],
    ]);
  });

  it("importSessionFile() opens a session with every DC's key, in memory and in a new file", async () => {
    for (const into of [undefined, join(newDir(), "imported")]) {
      const session = await importSessionFile(ours, {
        account: 0,
        passcode: PASSCODE,
        ...(into === undefined ? {} : { into }),
      });
      try {
        assert.equal(session.dcId, 4);
        assert.equal(session.getAuth().userId, 5_123_456_789);
        assert.deepEqual(
          session.authKeys().map((k) => [k.dcId, hex(k.key)]),
          tdataKeys(ACCOUNTS[0]!),
        );
        assert.deepEqual(session.dataCenters.map((d) => d.id), [1, 2, 4, 5]);
      } finally {
        await session.close();
      }
    }
    const e = await importSessionFile(ours, { passcode: PASSCODE }).catch((
      x,
    ) => x);
    assert.ok(e instanceof TdataAccountError);
  });
});

describe("mtsession info on a tdata folder", () => {
  it("lists every account and every DC with its key id, never a key", () => {
    const r = runCliProcess(
      ["info", ours, "--passcode-env", "TD_PASSCODE"],
      "",
      ENV,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^source {7}tdata-folder$/m);
    assert.match(r.stdout, /^passcode {5}yes$/m);
    assert.match(r.stdout, /^accounts {5}3 \(active 1; .*--account N\)$/m);
    assert.match(r.stdout, /^account 1 \(active\)$/m);
    assert.match(r.stdout, /user id {6}5123456789/);
    for (const a of ACCOUNTS) {
      for (const [dc, k] of a.authKeys) {
        assert.ok(r.stdout.includes(`auth key id ${keyId(k)}`), `DC ${dc}`);
        assert.ok(!r.stdout.includes(hex(k).slice(0, 32)));
        assert.ok(!r.stderr.includes(hex(k).slice(0, 32)));
      }
    }
    assert.match(r.stdout, /DC 4 \(main\) +149\.154\.167\.91:443, auth key id/);
    assert.match(r.stdout, /DC 1 \(main\) +149\.154\.175\.10:80/); // test
    assert.match(
      r.stdout,
      new RegExp(`to destroy +DC 3, auth key id ${keyId(key(3))}`),
    );
    assert.match(r.stdout, /hidden \(--show-key prints them\)/);
  });

  it("--json has every account and DC; --show-key adds the keys", () => {
    const r = runCliProcess(
      ["info", ours, "--json", "--show-key", "--passcode-env", "TD_PASSCODE"],
      "",
      ENV,
    );
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.source, "tdata-folder");
    assert.equal(o.hasPasscode, true);
    assert.equal(o.activeIndex, 1);
    assert.deepEqual(
      o.accounts.map((a: { index: number; userId: number }) => [
        a.index,
        a.userId,
      ]),
      [[0, 5_123_456_789], [1, 111111], [2, 333333]],
    );
    assert.deepEqual(
      o.accounts[0].dataCenters.map((
        d: { id: number; main: boolean; authKeyId: string; authKey: string },
      ) => [d.id, d.main, d.authKeyId, d.authKey]),
      [...ACCOUNTS[0]!.authKeys].map((
        [dc, k],
      ) => [dc, dc === 4, keyId(k), hex(k)]),
    );
    assert.equal(o.accounts[2].testMode, true);
  });

  it("shows a folder @mtcute/convert wrote", () => {
    const r = runCliProcess(["info", mtcute, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.version, "5.8.3");
    assert.equal(o.accounts.length, 1);
    assert.equal(o.accounts[0].userId, MTCUTE.userId);
    assert.deepEqual(
      o.accounts[0].dataCenters.map((d: { id: number; authKeyId: string }) => [
        d.id,
        d.authKeyId,
      ]),
      MTCUTE.keys.map(([dc, k]) => [dc, keyId(k)]),
    );
    assert.ok(!("authKey" in o.accounts[0].dataCenters[0]));
  });

  it("a missing or wrong passcode: exit 1 and what to do", () => {
    const none = runCliProcess(["info", ours]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /protected by a local passcode.*--passcode-env/);
    const wrong = runCliProcess(
      ["info", ours, "--passcode-env", "TD_PASSCODE"],
      "",
      { TD_PASSCODE: "not it" },
    );
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /the passcode is wrong/);
    assert.equal(wrong.stdout, "");
    const unset = runCliProcess([
      "info",
      ours,
      "--passcode-env",
      "NO_SUCH_VAR",
    ]);
    assert.equal(unset.status, 2);
    assert.match(
      unset.stderr,
      /NO_SUCH_VAR: that environment variable is not set/,
    );
  });
});

describe("mtsession convert from a tdata folder", () => {
  it("several accounts and no --account: exit 1 listing them, nothing written", () => {
    const out = join(newDir(), "x.session");
    const r = runCliProcess(
      [
        "convert",
        ours,
        "--to",
        "mtsession-file",
        "--out",
        out,
        "--passcode-env",
        "TD_PASSCODE",
      ],
      "",
      ENV,
    );
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /3 accounts \(0: user 5123456789; 1: user 111111, active; 2: user 333333\).*--account N/,
    );
    assert.deepEqual(readdirSync(join(out, "..")), []);
    const bad = runCliProcess(
      [
        "convert",
        ours,
        "--to",
        "telethon",
        "--account",
        "5",
        "--passcode-env",
        "TD_PASSCODE",
      ],
      "",
      ENV,
    );
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /without account 5/);
    const notFolder = runCliProcess([
      "convert",
      "-",
      "--to",
      "telethon",
      "--account",
      "0",
    ]);
    assert.equal(notFolder.status, 2);
    assert.match(notFolder.stderr, /--account is for a tdata folder/);
  });

  it("--to telethon: the main DC's key, every other DC named as left out", async () => {
    const r = runCliProcess(
      [
        "convert",
        ours,
        "--account",
        "0",
        "--to",
        "telethon",
        "--passcode-env",
        "TD_PASSCODE",
      ],
      "",
      ENV,
    );
    assert.equal(r.status, 0, r.stderr);
    const decoded = await decodeSessionString(r.stdout.trim());
    assert.equal(decoded.format, "telethon");
    assert.equal(decoded.auth.dcId, 4);
    assert.equal(decoded.auth.serverAddress, "149.154.167.91");
    assert.equal(hex(decoded.auth.authKey!), hex(key(4)));
    for (const dc of [1, 2, 5]) {
      assert.match(r.stderr, new RegExp(`auth key of DC ${dc}\\b`));
    }
    assert.ok(!r.stderr.includes(hex(key(4)).slice(0, 32)));
  });

  it("--to pyrogram-file with --api-id: the main DC, user id above 2^32", async () => {
    const out = join(newDir(), "p.session");
    const r = runCliProcess(
      [
        "convert",
        mtcute,
        "--to",
        "pyrogram-file",
        "--out",
        out,
        "--api-id",
        "2040",
      ],
    );
    assert.equal(r.status, 0, r.stderr);
    const found = await readSessionFile(out);
    assert.equal(found.kind.library, "pyrogram");
    assert.equal(found.auth.dcId, 5);
    assert.equal(found.auth.userId, MTCUTE.userId);
    assert.equal(found.auth.apiId, 2040);
    assert.equal(found.auth.isBot, false);
    assert.equal(hex(found.auth.authKey!), hex(key(35)));
    assert.match(r.stderr, /auth key of DC 1/);
  });
});

describe("mtsession convert --to tdata", () => {
  function convert(
    args: string[],
    input = "",
  ): ReturnType<typeof runCliProcess> {
    return runCliProcess(["convert", ...args], input, ENV);
  }

  it("tdata → mtsession file → tdata keeps every DC's key, user and main DC", async () => {
    for (const index of [0, 1, 2]) {
      const dir = newDir();
      const file = join(dir, "m.session");
      const a = convert([
        ours,
        "--account",
        String(index),
        "--to",
        "mtsession-file",
        "--out",
        file,
        "--passcode-env",
        "TD_PASSCODE",
      ]);
      assert.equal(a.status, 0, a.stderr);
      const back = join(dir, "tdata");
      const b = convert([file, "--to", "tdata", "--out", back]);
      assert.equal(b.status, 0, b.stderr);
      const found = await readTdata(back);
      const want = ACCOUNTS[index]!;
      assert.equal(found.accounts.length, 1);
      const got = found.accounts[0]!;
      assert.equal(got.userId, want.userId);
      assert.equal(got.mainDcId, want.mainDcId);
      assert.equal(got.testMode, want.testMode === true);
      assert.deepEqual(tdataKeys(got), tdataKeys(want));
    }
  });

  it("tdata → Telethon 2 file → tdata with a passcode keeps every DC's key", async () => {
    const dir = newDir();
    const file = join(dir, "t2.session");
    const a = convert([mtcute, "--to", "telethon2-file", "--out", file]);
    assert.equal(a.status, 0, a.stderr);
    const back = join(dir, "tdata");
    const b = convert([
      file,
      "--to",
      "tdata",
      "--out",
      back,
      "--passcode-env",
      "TD_PASSCODE",
    ]);
    assert.equal(b.status, 0, b.stderr);
    await assert.rejects(readTdata(back), PassphraseError);
    const found = await readTdata(back, { passcode: PASSCODE });
    assert.equal(found.hasPasscode, true);
    const got = found.accounts[0]!;
    assert.equal(got.userId, MTCUTE.userId);
    assert.equal(got.mainDcId, 5);
    assert.deepEqual(
      tdataKeys(got),
      MTCUTE.keys.map(([dc, k]) => [dc, hex(k)]),
    );
    // @mtcute/convert reads it too.
    const td = await Tdata.open(mtcuteOptions(back, PASSCODE));
    const auth = await td.readMtpAuthorization(0);
    assert.equal(auth.userId.toString(), String(MTCUTE.userId));
    assert.deepEqual(
      auth.authKeys.map((k) => [k.dcId, hex(k.key)]),
      MTCUTE.keys.map(([dc, k]) => [dc, hex(k)]),
    );
  });

  it("a Telethon string (stdin) needs --user-id; a Pyrogram file brings its own", async () => {
    const t = convert(
      ["-", "--to", "tdata", "--out", join(newDir(), "t")],
      runCliProcess(["convert", single, "--to", "telethon"]).stdout,
    );
    assert.equal(t.status, 1);
    assert.match(t.stderr, /no user id \(give one: --user-id\)/);
    const out = join(newDir(), "t");
    const telethon =
      runCliProcess(["convert", single, "--to", "telethon"]).stdout;
    const ok = convert([
      "-",
      "--to",
      "tdata",
      "--out",
      out,
      "--user-id",
      "5123456789",
    ], telethon);
    assert.equal(ok.status, 0, ok.stderr);
    const got = (await readTdata(out)).accounts[0]!;
    assert.equal(got.userId, 5_123_456_789);
    assert.deepEqual(tdataKeys(got), [[4, hex(key(4))]]);

    const dir = newDir();
    const pyro = join(dir, "p.session");
    assert.equal(
      convert([
        single,
        "--to",
        "pyrogram-file",
        "--out",
        pyro,
        "--api-id",
        "2040",
      ]).status,
      0,
    );
    const back = join(dir, "tdata");
    const b = convert([pyro, "--to", "tdata", "--out", back]);
    assert.equal(b.status, 0, b.stderr);
    const again = (await readTdata(back)).accounts[0]!;
    assert.equal(again.userId, 5_123_456_789);
    assert.equal(again.mainDcId, 4);
    assert.deepEqual(tdataKeys(again), [[4, hex(key(4))]]);
  });

  it("--out must be new or an empty folder; a refused one is left as it was", async () => {
    const dir = newDir();
    const full = join(dir, "full");
    mkdirSync(full);
    writeFileSync(join(full, "keep.txt"), "mine");
    const file = join(dir, "file");
    writeFileSync(file, "also mine");
    for (const out of [full, file]) {
      const r = convert([single, "--to", "tdata", "--out", out]);
      assert.equal(r.status, 1, out);
      assert.match(r.stderr, /write to a new path or an empty folder/);
    }
    assert.deepEqual(readdirSync(full), ["keep.txt"]);
    assert.equal(readFileSync(file, "utf8"), "also mine");
    assert.deepEqual(readdirSync(dir).sort(), ["file", "full"]);
    const forced = convert([
      single,
      "--to",
      "tdata",
      "--out",
      join(dir, "n"),
      "--force",
    ]);
    assert.equal(forced.status, 2);
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const r = convert([single, "--to", "tdata", "--out", empty]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await readTdata(empty)).accounts[0]!.mainDcId, 4);
    const missingParent = convert([
      single,
      "--to",
      "tdata",
      "--out",
      join(dir, "no", "t"),
    ]);
    assert.equal(missingParent.status, 1);
    assert.deepEqual(readdirSync(dir).sort(), ["empty", "file", "full"]);
  });

  it("removes a stale folder a killed write left, keeps a fresh one", () => {
    const dir = newDir();
    const dead = spawnSync(process.execPath, ["--version"]).pid!;
    const stale = join(dir, `.out.mts${dead}-abcdefgh.tmp.tdata`);
    const fresh = join(dir, `.out.mts${dead}-ijklmnop.tmp.tdata`);
    for (const d of [stale, fresh]) {
      mkdirSync(join(d, "D877F783D5D3EF8C"), { recursive: true });
      writeFileSync(join(d, "key_datas"), "half");
    }
    const old = new Date(Date.now() - 60 * 60 * 1000);
    for (
      const p of [
        join(stale, "key_datas"),
        join(stale, "D877F783D5D3EF8C"),
        stale,
      ]
    ) {
      utimesSync(p, old, old);
    }
    const r = convert([single, "--to", "tdata", "--out", join(dir, "out")]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), [
      `.out.mts${dead}-ijklmnop.tmp.tdata`,
      "out",
    ]);
  });
});

describe("damaged tdata folders through readSessionFile, importSessionFile and the CLI", () => {
  const D877 = "D877F783D5D3EF8C";
  const cases: Array<[string, (dir: string) => void, RegExp, string]> = [
    [
      "truncated key_datas",
      (d) => {
        const p = join(d, "key_datas");
        writeFileSync(p, readFileSync(p).subarray(0, 40));
      },
      /key_datas is .*(truncated|MD5)/,
      "key_datas",
    ],
    [
      "a changed cipher-text byte",
      (d) => {
        const p = join(d, `${D877}s`);
        const b = readFileSync(p);
        b[40] = b[40]! ^ 1;
        writeFileSync(p, b);
      },
      /MD5/,
      `${D877}s`,
    ],
    [
      "a missing map",
      (d) => rmSync(join(d, D877, "maps")),
      /missing/,
      `${D877}/maps`,
    ],
    [
      "an empty folder",
      (d) => {
        rmSync(d, { recursive: true });
        mkdirSync(d);
      },
      /not a Telegram Desktop tdata folder/,
      "",
    ],
  ];
  for (const [what, damage, message, file] of cases) {
    it(`${what}: SessionFileError naming the file, exit 1, nothing written or changed`, async () => {
      const dir = newDir();
      const td = join(dir, "tdata");
      await writeTdata(td, { accounts: [ACCOUNTS[0]!] });
      damage(td);
      const before = snapshot(dir);
      const into = join(dir, "imported");
      const errors = [
        await readSessionFile(td).catch((e) => e),
        await importSessionFile(td, { into }).catch((e) => e),
      ];
      for (const e of errors) {
        assert.ok(e instanceof SessionFileError, `${what}: ${e}`);
        assert.equal(e.path, file === "" ? td : join(td, file));
        assert.match(e.message, message);
      }
      const r = runCliProcess(["info", td]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^mtsession: .*it was not modified\n$/);
      const c = runCliProcess([
        "convert",
        td,
        "--to",
        "tdata",
        "--out",
        join(dir, "out"),
      ]);
      assert.equal(c.status, 1);
      for (
        const text of [r.stdout, r.stderr, c.stderr, ...errors.map(String)]
      ) {
        for (const k of ACCOUNTS[0]!.authKeys.values()) {
          assert.ok(!text.includes(hex(k).slice(0, 16)));
        }
      }
      assert.deepEqual(snapshot(dir), before);
    });
  }
});

// Last: after every read, info and convert above.
describe("the source folders", () => {
  it("are byte for byte what they were, with no file added or removed", () => {
    assert.equal(sources.length, 3);
    for (const [dir, before] of sources) {
      assert.deepEqual(snapshot(dir), before, dir);
    }
  });
});
