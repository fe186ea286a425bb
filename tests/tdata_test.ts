// Telegram Desktop tdata folders: the crypto primitives against node:crypto,
// round trips, Telegram Desktop's loading rules on hand-made folders,
// damaged folders (typed errors, folder left byte-identical), and
// interoperation with @mtcute/convert's Tdata (an independent reader and
// writer).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, pbkdf2Sync } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { inspect } from "node:util";
import {
  PassphraseError,
  readTdata,
  SessionFileError,
  TdataAccount,
  type TdataAccountInit,
  type TdataAccounts,
  writeTdata,
} from "../mod.ts";
import { md5 } from "../src/tdata/_md5.ts";
import { Aes256, igeDecrypt, igeEncrypt } from "../src/tdata/_aes.ts";
import { PASSCODE_ITERATIONS, passcodeKey } from "../src/tdata/_local_key.ts";
import { decryptLocal, encryptLocal } from "../src/tdata/_local_cipher.ts";
import { buildTdf, parseTdf } from "../src/tdata/_tdf.ts";
import { accountDataName, filePart } from "../src/tdata/_names.ts";
import { copiesToTry, readTdfFile } from "../src/tdata/_files.ts";
import {
  readQByteArray,
  readQString,
  writeQByteArray,
  writeQString,
} from "../src/tdata/_qt_stream.ts";
import { ByteReader, ByteWriter } from "../src/strings/_bytes.ts";
import {
  decodeAccountList,
  encodeAccountList,
  selectAccounts,
  sessionUniqueId,
} from "../src/tdata/_account_list.ts";
import {
  decodeAuthorization,
  decodeMtpData,
  encodeMtpData,
} from "../src/tdata/_mtp_authorization.ts";
import { configTestMode, encodeConfig } from "../src/tdata/_config.ts";
import { buildKeyData } from "../src/tdata/_key_data.ts";
import { sealEncrypted } from "../src/tdata/_encrypted.ts";
import { buildEmptyMap } from "../src/tdata/_map.ts";
import { Tdata } from "@mtcute/convert";
import { Long } from "@mtcute/core";
import { bytes, int, seeded } from "./_random.ts";
import {
  hex,
  key,
  mtcuteOptions,
  nodeIge,
  scratchFolders,
} from "./_tdata_helpers.ts";

const newDir = scratchFolders("mtsession-tdata-");

describe("tdata crypto primitives", () => {
  it("md5() equals node:crypto for every length up to 300 bytes", () => {
    const rand = seeded(5);
    for (let n = 0; n <= 300; n++) {
      const data = bytes(rand, n);
      assert.equal(
        hex(md5(data)),
        createHash("md5").update(data).digest("hex"),
        `length ${n}`,
      );
    }
  });

  it("Aes256 gives the FIPS-197 AES-256 vector and inverts it", () => {
    const aes = new Aes256(Uint8Array.from({ length: 32 }, (_, i) => i));
    const block = new Uint32Array([
      0x00112233,
      0x44556677,
      0x8899aabb,
      0xccddeeff,
    ]);
    aes.encryptWords(block);
    assert.deepEqual([...block], [
      0x8ea2b7ca,
      0x516745bf,
      0xeafc4990,
      0x4b496089,
    ]);
    aes.decryptWords(block);
    assert.deepEqual([...block], [
      0x00112233,
      0x44556677,
      0x8899aabb,
      0xccddeeff,
    ]);
  });

  it("igeEncrypt() and igeDecrypt() equal IGE over node:crypto's AES-256-ECB", () => {
    const rand = seeded(11);
    for (let round = 0; round < 40; round++) {
      const key = bytes(rand, 32);
      const iv = bytes(rand, 32);
      const plain = bytes(rand, 16 * int(rand, 1, 40));
      const sealed = igeEncrypt(plain, key, iv);
      assert.equal(hex(sealed), hex(nodeIge(plain, key, iv, true)));
      assert.equal(hex(igeDecrypt(sealed, key, iv)), hex(plain));
      assert.equal(hex(nodeIge(sealed, key, iv, false)), hex(plain));
    }
    assert.throws(
      () =>
        igeEncrypt(new Uint8Array(15), new Uint8Array(32), new Uint8Array(32)),
      RangeError,
    );
  });

  it("passcodeKey() is PBKDF2-HMAC-SHA512 over SHA-512(salt|passcode|salt)", async () => {
    const rand = seeded(3);
    const salt = bytes(rand, 32);
    for (
      const [passcode, iterations] of [["", 1], [
        "pässcode",
        PASSCODE_ITERATIONS,
      ]] as const
    ) {
      const pass = new TextEncoder().encode(passcode);
      const hash = createHash("sha512").update(salt).update(pass).update(salt)
        .digest();
      const expected = pbkdf2Sync(hash, salt, iterations, 256, "sha512");
      assert.equal(
        hex(await passcodeKey(pass, salt)),
        expected.toString("hex"),
      );
    }
  });

  it("encryptLocal() and decryptLocal() round-trip, with tdesktop's checks", async () => {
    const rand = seeded(8);
    const key = bytes(rand, 256);
    for (const n of [0, 1, 11, 12, 13, 28, 256, 1000]) {
      const data = bytes(rand, n);
      const sealed = await encryptLocal(data, key);
      assert.equal(sealed.length, 16 + Math.ceil((n + 4) / 16) * 16);
      const opened = await decryptLocal(sealed, key);
      assert.ok("data" in opened);
      assert.equal(hex(opened.data), hex(data));
      // The message key is SHA-1 of the plain text (length, data, padding).
      const plain = nodeIgeOpen(sealed, key);
      assert.equal(
        hex(sealed.subarray(0, 16)),
        createHash("sha1").update(plain).digest("hex").slice(0, 32),
      );
      assert.equal(Buffer.from(plain).readUInt32LE(0), n + 4);
    }
    const sealed = await encryptLocal(new Uint8Array(20), key);
    const changed = sealed.slice();
    changed[20]! ^= 1;
    assert.deepEqual(await decryptLocal(changed, key), { failure: "key" });
    assert.deepEqual(await decryptLocal(sealed, bytes(rand, 256)), {
      failure: "key",
    });
    assert.deepEqual(await decryptLocal(sealed.subarray(0, 40), key), {
      failure: "size",
    });
    assert.deepEqual(await decryptLocal(sealed.subarray(0, 16), key), {
      failure: "size",
    });
  });
});

/**
 * Opens a local encryption with node:crypto: the AES key and IV derived
 * here from the message key as MTProto 1.0 does for x = 8, independently
 * of src/tdata/_local_cipher.ts.
 */
function nodeIgeOpen(sealed: Uint8Array, key: Uint8Array): Uint8Array {
  const msgKey = sealed.subarray(0, 16);
  const sha1 = (...parts: Uint8Array[]): Buffer => {
    const h = createHash("sha1");
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const a = sha1(msgKey, key.subarray(8, 40));
  const b = sha1(key.subarray(40, 56), msgKey, key.subarray(56, 72));
  const c = sha1(key.subarray(72, 104), msgKey);
  const d = sha1(msgKey, key.subarray(104, 136));
  const aesKey = Buffer.concat([
    a.subarray(0, 8),
    b.subarray(8, 20),
    c.subarray(4, 16),
  ]);
  const iv = Buffer.concat([
    a.subarray(8, 20),
    b.subarray(0, 8),
    c.subarray(16, 20),
    d.subarray(0, 8),
  ]);
  return nodeIge(sealed.subarray(16), aesKey, iv, false);
}

describe("tdata containers and names", () => {
  it("buildTdf() writes TDF$, the version LE, the payload and tdesktop's MD5", () => {
    const payload = bytes(seeded(1), 37);
    const file = buildTdf(payload, 6001002);
    assert.equal(Buffer.from(file.subarray(0, 4)).toString("latin1"), "TDF$");
    assert.equal(Buffer.from(file).readInt32LE(4), 6001002);
    assert.equal(hex(file.subarray(8, 45)), hex(payload));
    const tail = Buffer.alloc(12);
    tail.writeInt32LE(37, 0);
    tail.writeInt32LE(6001002, 4);
    tail.write("TDF$", 8, "latin1");
    assert.equal(
      hex(file.subarray(45)),
      createHash("md5").update(payload).update(tail).digest("hex"),
    );
    assert.deepEqual(parseTdf(file), { version: 6001002, payload });
  });

  it("parseTdf() names what is wrong with a file", () => {
    const file = buildTdf(new Uint8Array([1, 2, 3]), 5008003);
    const problem = (f: Uint8Array): string => {
      const r = parseTdf(f);
      assert.ok("problem" in r);
      return r.problem;
    };
    assert.match(problem(file.subarray(0, 5)), /too short/);
    assert.match(problem(file.subarray(0, 20)), /truncated/);
    assert.match(problem(new Uint8Array(40)), /no "TDF\$" header/);
    const flipped = file.slice();
    flipped[9]! ^= 0x40;
    assert.match(problem(flipped), /MD5/);
    assert.match(problem(file.subarray(0, file.length - 1)), /MD5/);
    // Older versions read; one no Telegram Desktop can have written does not.
    assert.equal(
      (parseTdf(buildTdf(new Uint8Array(0), 1)) as { version: number }).version,
      1,
    );
    assert.match(
      problem(buildTdf(new Uint8Array(0), 100_000_000)),
      /newer than any Telegram Desktop/,
    );
  });

  it("QByteArray and QString keep null apart from empty", () => {
    const w = new ByteWriter();
    writeQByteArray(w, null);
    writeQByteArray(w, new Uint8Array(0));
    writeQByteArray(w, new Uint8Array([9, 8]));
    writeQString(w, "t.me/\u{1F44D}");
    const encoded = w.finish();
    assert.equal(
      hex(encoded.subarray(0, 14)),
      "ffffffff" + "00000000" + "00000002" + "0908",
    );
    const r = new ByteReader(encoded);
    assert.equal(readQByteArray(r), null);
    assert.deepEqual(readQByteArray(r), new Uint8Array(0));
    assert.deepEqual(readQByteArray(r), new Uint8Array([9, 8]));
    assert.equal(readQString(r), "t.me/\u{1F44D}");
    assert.equal(r.remaining, 0);
  });

  it("filePart() gives the folder names Telegram Desktop uses", () => {
    assert.equal(accountDataName(0), "data");
    assert.equal(accountDataName(1), "data#2");
    assert.equal(filePart(accountDataName(0)), "D877F783D5D3EF8C");
    assert.equal(filePart(accountDataName(1)), "A7FDF864FBC10B77");
    assert.equal(filePart(accountDataName(2)), "F8806DD0C461824F");
    // The name is the first 8 bytes of MD5, each byte low nibble first.
    for (let i = 0; i < 6; i++) {
      const digest = createHash("md5").update(accountDataName(i)).digest();
      const expected = [...digest.subarray(0, 8)].map((b) =>
        (b & 15).toString(16) + (b >> 4).toString(16)
      ).join("").toUpperCase();
      assert.equal(filePart(accountDataName(i)), expected);
    }
  });

  it("copiesToTry() takes <name>s, else <name>0 and <name>1 newest first", async () => {
    const dir = newDir();
    const put = (name: string, seconds: number): void => {
      writeFileSync(
        join(dir, name),
        buildTdf(new TextEncoder().encode(name), 6001002),
      );
      utimesSync(join(dir, name), seconds, seconds);
    };
    assert.deepEqual(await copiesToTry(dir, "map"), []);
    put("map1", 1000);
    assert.deepEqual(await copiesToTry(dir, "map"), [join(dir, "map1")]);
    put("map0", 2000);
    assert.deepEqual(await copiesToTry(dir, "map"), [
      join(dir, "map0"),
      join(dir, "map1"),
    ]);
    utimesSync(join(dir, "map1"), 3000, 3000);
    assert.deepEqual(await copiesToTry(dir, "map"), [
      join(dir, "map1"),
      join(dir, "map0"),
    ]);
    // The newer copy is damaged: the older one is read instead.
    const newer = readFileSync(join(dir, "map1"));
    newer[10]! ^= 1;
    writeFileSync(join(dir, "map1"), newer);
    utimesSync(join(dir, "map1"), 3000, 3000);
    const read = await readTdfFile(dir, "map");
    assert.equal(read?.path, join(dir, "map0"));
    assert.equal(new TextDecoder().decode(read?.payload), "map0");
    put("maps", 10);
    assert.deepEqual(await copiesToTry(dir, "map"), [join(dir, "maps")]);
    assert.equal(await readTdfFile(dir, "nothing"), null);
  });

  it("readTdfFile() reports every copy it tried when none passes", async () => {
    const dir = newDir();
    writeFileSync(join(dir, "key_data0"), "not a tdf file at all");
    writeFileSync(
      join(dir, "key_data1"),
      buildTdf(new Uint8Array(4), 6001002).subarray(0, 20),
    );
    utimesSync(join(dir, "key_data0"), 5000, 5000);
    utimesSync(join(dir, "key_data1"), 4000, 4000);
    const error = await readTdfFile(dir, "key_data").catch((e) => e);
    assert.ok(error instanceof SessionFileError);
    assert.equal(error.path, join(dir, "key_data0"));
    assert.match(error.message, /no "TDF\$" header.*key_data1 is truncated/);
  });
});

describe("tdata file contents", () => {
  const load = (users: Record<number, bigint>) => (index: number) =>
    Promise.resolve({
      sessionId: users[index] ?? 0n,
      value: index,
    });

  it("selectAccounts() skips bad and repeated indexes and repeated users", async () => {
    const r = await selectAccounts(
      { indexes: [0, 7, 0, 1, -1, 2, 3], active: 2 },
      load({ 0: 10n, 1: 11n, 2: 10n, 3: 13n }),
    );
    assert.deepEqual(r.loaded.map((a) => a.index), [0, 1, 3]);
    assert.deepEqual(r.skipped, [
      { index: 7, reason: "index out of range" },
      { index: 0, reason: "index repeated" },
      { index: -1, reason: "index out of range" },
      { index: 2, reason: "same account as an earlier one" },
    ]);
    // The stored active account was skipped: the first loaded is active.
    assert.equal(r.active, 0);
  });

  it("selectAccounts() loads an account without a user only last and alone", async () => {
    const noUser = await selectAccounts(
      { indexes: [0, 1], active: null },
      load({ 1: 5n }),
    );
    assert.deepEqual(noUser.loaded.map((a) => a.index), [1]);
    assert.deepEqual(noUser.skipped, [{ index: 0, reason: "no user" }]);
    const lastButNotAlone = await selectAccounts(
      { indexes: [1, 0], active: 0 },
      load({ 1: 5n }),
    );
    assert.deepEqual(lastButNotAlone.loaded.map((a) => a.index), [1]);
    assert.equal(lastButNotAlone.active, 1);
    const alone = await selectAccounts({ indexes: [3], active: 3 }, load({}));
    assert.deepEqual(alone.loaded.map((a) => a.index), [3]);
    const afterBadIndex = await selectAccounts(
      { indexes: [9, 4], active: null },
      load({}),
    );
    assert.deepEqual(afterBadIndex.loaded.map((a) => a.index), [4]);
  });

  it("sessionUniqueId() tells a test account from the same production user", () => {
    assert.equal(sessionUniqueId(0n, true), 0n);
    assert.equal(sessionUniqueId(42n, false), 42n);
    assert.equal(sessionUniqueId(42n, true), 42n | (1n << 56n));
  });

  it("encodeAccountList() and decodeAccountList() round-trip; bad counts are named", () => {
    const encoded = encodeAccountList([0, 2, 5], 2);
    assert.equal(
      hex(encoded),
      "00000003" + "00000000" + "00000002" + "00000005" + "00000002",
    );
    assert.deepEqual(decodeAccountList(encoded), {
      indexes: [0, 2, 5],
      active: 2,
    });
    assert.deepEqual(decodeAccountList(encoded.subarray(0, 16)), {
      indexes: [0, 2, 5],
      active: null,
    });
    assert.deepEqual(decodeAccountList(encoded.subarray(0, 10)), {
      problem: "cut short",
    });
    for (const count of [0, 7, -1]) {
      const r = decodeAccountList(new ByteWriter().i32be(count).finish());
      assert.ok(
        "problem" in r && r.problem.includes(`lists ${count} accounts`),
      );
    }
  });

  it("encodeMtpData() writes wide ids; decodeAuthorization() reads wide and legacy", () => {
    const keys = [{ dcId: 2, key: bytes(seeded(2), 256) }, {
      dcId: 4,
      key: bytes(seeded(4), 256),
    }];
    const destroy = [{ dcId: 1, key: bytes(seeded(1), 256) }];
    const data = encodeMtpData({
      userId: 6_123_456_789n,
      mainDcId: 4,
      keys,
      keysToDestroy: destroy,
    });
    const outer = Buffer.from(data);
    assert.equal(outer.readUInt32BE(0), 0x4b);
    assert.equal(outer.readUInt32BE(4), data.length - 8);
    assert.equal(outer.subarray(8, 16).toString("hex"), "ffffffffffffffff");
    assert.equal(outer.readBigUInt64BE(16), 6_123_456_789n);
    assert.deepEqual(decodeMtpData(data), {
      userId: 6_123_456_789n,
      mainDcId: 4,
      wide: true,
      keys,
      keysToDestroy: destroy,
    });
    // Before 2.7.2: int32 user id and main DC, no tag.
    const legacy = new ByteWriter().i32be(123456).i32be(2).i32be(1).i32be(2)
      .bytes(keys[0]!.key).i32be(0).finish();
    assert.deepEqual(decodeAuthorization(legacy), {
      userId: 123456n,
      mainDcId: 2,
      wide: false,
      keys: [keys[0]],
      keysToDestroy: [],
    });
    assert.deepEqual(decodeAuthorization(legacy.subarray(0, 100)), {
      problem: "cut short",
    });
    const other = new ByteWriter().u32be(0x4d).u32be(0).finish();
    assert.match(
      (decodeMtpData(other) as { problem: string }).problem,
      /block 0x4d/,
    );
  });

  it("configTestMode() reads the environment only from a config tdesktop would use", () => {
    assert.equal(configTestMode(encodeConfig(true)), true);
    assert.equal(configTestMode(encodeConfig(false)), false);
    const config = encodeConfig(true);
    const otherVersion = config.slice();
    otherVersion[3] = 2;
    assert.equal(configTestMode(otherVersion), null);
    const otherEnvironment = config.slice();
    otherEnvironment[7] = 2;
    assert.equal(configTestMode(otherEnvironment), null);
    assert.equal(configTestMode(config.subarray(0, 60)), null);
    // The fields after the caption length are optional, as tdesktop reads them.
    const end = config.length - (4 + 16) - (4 + 26) - 4 - (4 + 4 + 8);
    assert.equal(configTestMode(config.subarray(0, end)), true);
    // A DC address longer than 45 bytes makes tdesktop drop the config.
    const badIp = Buffer.from(config);
    const ipSize = 8 + 4 + 4 + 4 + 4 + 4 + 4;
    assert.equal(badIp.readInt32BE(ipSize), "149.154.175.10".length);
    badIp.writeInt32BE(46, ipSize);
    assert.equal(configTestMode(badIp), null);
  });
});

const D877 = "D877F783D5D3EF8C";
const isWindows = process.platform === "win32";

/** Every file under a folder: relative path, mode, mtime and content. */
function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const full = join(dir, rel);
    const st = statSync(full);
    out.push(`${rel} ${st.mode.toString(8)} ${st.mtimeMs}`);
    if (st.isDirectory()) {
      for (const name of readdirSync(full).sort()) walk(join(rel, name));
    } else {
      out.push(hex(readFileSync(full)));
    }
  };
  walk(".");
  return out.join("\n");
}

/** Rewrites a TDF file's payload and version, with a valid MD5. */
function rewrite(
  path: string,
  change: (payload: Uint8Array) => Uint8Array,
  version?: number,
): void {
  const content = parseTdf(new Uint8Array(readFileSync(path)));
  assert.ok("payload" in content);
  writeFileSync(
    path,
    buildTdf(change(content.payload.slice()), version ?? content.version),
  );
}

/** What readTdata gave, in plain values (keys as hex) to compare. */
function plain(found: TdataAccounts): unknown {
  return {
    activeIndex: found.activeIndex,
    hasPasscode: found.hasPasscode,
    skipped: found.skipped,
    accounts: found.accounts.map((a) => ({
      index: a.index,
      userId: a.userId,
      mainDcId: a.mainDcId,
      testMode: a.testMode,
      authKeys: [...a.authKeys].map(([dc, k]) => [dc, hex(k)]),
      keysToDestroy: a.keysToDestroy.map((k) => [k.dcId, hex(k.authKey)]),
    })),
  };
}

/** The same for what was written. */
function expected(
  accounts: readonly TdataAccountInit[],
  activeIndex: number,
  hasPasscode = false,
): unknown {
  return {
    activeIndex,
    hasPasscode,
    skipped: [],
    accounts: accounts.map((a) => ({
      index: a.index,
      userId: a.userId,
      mainDcId: a.mainDcId,
      testMode: a.testMode,
      authKeys: [...a.authKeys].sort((x, y) => x[0] - y[0]).map((
        [dc, k],
      ) => [dc, hex(k)]),
      keysToDestroy: (a.keysToDestroy ?? []).map((
        k,
      ) => [k.dcId, hex(k.authKey)]),
    })),
  };
}

async function roundTrip(
  accounts: TdataAccountInit[],
  options: { activeIndex?: number; passcode?: string } = {},
): Promise<{ dir: string; found: TdataAccounts }> {
  const dir = join(newDir(), "tdata");
  await writeTdata(dir, {
    accounts,
    activeIndex: options.activeIndex,
  }, { passcode: options.passcode });
  const found = await readTdata(dir, { passcode: options.passcode });
  assert.deepEqual(
    plain(found),
    expected(
      accounts,
      options.activeIndex ?? accounts[0]!.index,
      options.passcode !== undefined,
    ),
  );
  return { dir, found };
}

describe("writeTdata() then readTdata()", () => {
  it("round-trips one account", async () => {
    const { dir, found } = await roundTrip([
      {
        index: 0,
        userId: 777000,
        mainDcId: 2,
        authKeys: new Map([[2, key(1)]]),
      },
    ]);
    assert.equal(found.version, 6_000_000);
    assert.equal(found.active, found.accounts[0]);
    assert.equal(hex(found.accounts[0]!.authKey!), hex(key(1)));
    assert.deepEqual(readdirSync(dir).sort(), [D877, `${D877}s`, "key_datas"]);
    assert.deepEqual(readdirSync(join(dir, D877)), ["maps"]);
  });

  it("round-trips several DCs with main DC 4 and keys to destroy", async () => {
    const { found } = await roundTrip([{
      index: 0,
      userId: 123456789,
      mainDcId: 4,
      authKeys: new Map([[5, key(5)], [1, key(1)], [4, key(4)], [2, key(2)]]),
      keysToDestroy: [{ dcId: 2, authKey: key(20) }, {
        dcId: 2,
        authKey: key(21),
      }],
    }]);
    const account = found.accounts[0]!;
    assert.deepEqual([...account.authKeys.keys()], [1, 2, 4, 5]);
    assert.equal(hex(account.authKey!), hex(key(4)));
  });

  it("round-trips a folder with a passcode, and refuses a missing or wrong one", async () => {
    const accounts = [{
      index: 0,
      userId: 4242,
      mainDcId: 1,
      authKeys: new Map([[1, key(9)]]),
    }];
    const { dir, found } = await roundTrip(accounts, {
      passcode: "correct horse",
    });
    assert.equal(found.hasPasscode, true);
    const before = snapshot(dir);
    for (const passcode of [undefined, "", "wrong horse"]) {
      const error = await readTdata(dir, { passcode }).catch((e) => e);
      assert.ok(error instanceof PassphraseError, String(error));
      assert.equal(error.format, null);
      assert.ok(!error.message.includes("horse"));
      assert.match(
        error.message,
        passcode === "wrong horse" ? /wrong/ : /pass it/,
      );
    }
    assert.equal(snapshot(dir), before);
  });

  it("a passcode given for a folder without one is not needed", async () => {
    const { dir } = await roundTrip([
      { index: 0, userId: 1, mainDcId: 2, authKeys: new Map([[2, key(3)]]) },
    ]);
    const found = await readTdata(dir, { passcode: "not needed" });
    assert.equal(found.hasPasscode, false);
  });

  it("round-trips three accounts in their order, with the active one", async () => {
    const { dir, found } = await roundTrip([
      { index: 2, userId: 30, mainDcId: 2, authKeys: new Map([[2, key(30)]]) },
      {
        index: 0,
        userId: 10,
        mainDcId: 1,
        authKeys: new Map([[1, key(10)], [3, key(13)]]),
      },
      { index: 5, userId: 50, mainDcId: 5, authKeys: new Map([[5, key(50)]]) },
    ], { activeIndex: 5 });
    assert.equal(found.active.userId, 50);
    for (const i of [0, 2, 5]) {
      assert.ok(existsSync(join(dir, filePart(accountDataName(i)), "maps")));
    }
  });

  it("round-trips user ids above 2^32 as numbers and above 2^53 as bigints", async () => {
    const { found } = await roundTrip([
      {
        index: 0,
        userId: 7_123_456_789,
        mainDcId: 2,
        authKeys: new Map([[2, key(1)]]),
      },
      {
        index: 1,
        userId: 2n ** 60n + 3n,
        mainDcId: 2,
        authKeys: new Map([[2, key(2)]]),
      },
      {
        index: 2,
        userId: 2n ** 64n - 1n,
        mainDcId: 2,
        authKeys: new Map([[2, key(3)]]),
      },
    ]);
    assert.equal(typeof found.accounts[0]!.userId, "number");
    assert.equal(found.accounts[1]!.userId, 2n ** 60n + 3n);
    // A bigint input that fits is read back as a number.
    assert.equal(
      new TdataAccount({
        index: 0,
        userId: 99n,
        mainDcId: 1,
        authKeys: new Map(),
      }).userId,
      99,
    );
  });

  it("round-trips test mode (the same user in test and production is two accounts)", async () => {
    const { dir } = await roundTrip([
      {
        index: 0,
        userId: 555,
        mainDcId: 2,
        authKeys: new Map([[2, key(1)]]),
        testMode: true,
      },
      {
        index: 1,
        userId: 555,
        mainDcId: 2,
        authKeys: new Map([[2, key(2)]]),
        testMode: false,
      },
      { index: 3, userId: 556, mainDcId: 3, authKeys: new Map([[3, key(3)]]) },
    ]);
    assert.ok(existsSync(join(dir, D877, "configs")));
    assert.ok(!existsSync(join(dir, filePart(accountDataName(3)), "configs")));
  });

  it("what readTdata() gives writes again as it is", async () => {
    const { found } = await roundTrip([
      {
        index: 1,
        userId: 8,
        mainDcId: 4,
        authKeys: new Map([[4, key(4)]]),
        testMode: true,
      },
      {
        index: 4,
        userId: 9,
        mainDcId: 2,
        authKeys: new Map([[2, key(2)]]),
        keysToDestroy: [{ dcId: 1, authKey: key(1) }],
      },
    ], { activeIndex: 4 });
    const again = join(newDir(), "copy");
    await writeTdata(again, found);
    assert.deepEqual(plain(await readTdata(again)), plain(found));
  });

  it(
    "writes files 0600 in folders 0700, all stamped 6.0.0, with a fresh salt and local key",
    { skip: isWindows && "POSIX modes" },
    async () => {
      const accounts = [{
        index: 0,
        userId: 1,
        mainDcId: 2,
        authKeys: new Map([[2, key(1)]]),
        testMode: true,
      }];
      const a = join(newDir(), "tdata");
      const b = join(newDir(), "tdata");
      await writeTdata(a, { accounts });
      await writeTdata(b, { accounts });
      assert.equal(statSync(a).mode & 0o777, 0o700);
      assert.equal(statSync(join(a, D877)).mode & 0o777, 0o700);
      for (
        const f of ["key_datas", `${D877}s`, `${D877}/maps`, `${D877}/configs`]
      ) {
        assert.equal(statSync(join(a, f)).mode & 0o777, 0o600, f);
        assert.equal(
          Buffer.from(readFileSync(join(a, f))).readInt32LE(4),
          6_000_000,
        );
        assert.notEqual(
          hex(readFileSync(join(a, f))),
          hex(readFileSync(join(b, f))),
        );
      }
      const salt = (dir: string): string => {
        const c = parseTdf(
          new Uint8Array(readFileSync(join(dir, "key_datas"))),
        );
        assert.ok("payload" in c);
        return hex(c.payload.subarray(4, 36));
      };
      assert.notEqual(salt(a), salt(b));
      // No temporary folder is left beside the target.
      assert.deepEqual(readdirSync(dirname(a)), ["tdata"]);
    },
  );
});

describe("writeTdata() refuses", () => {
  const one = [{
    index: 0,
    userId: 1,
    mainDcId: 2,
    authKeys: new Map([[2, key(1)]]),
  }];

  it("a folder that is not empty, or a file, leaving both alone", async () => {
    const parent = newDir();
    const full = join(parent, "full");
    mkdirSync(full);
    writeFileSync(join(full, "notes.txt"), "mine");
    const file = join(parent, "file");
    writeFileSync(file, "mine too");
    const before = snapshot(parent);
    for (
      const [path, found] of [[full, /not empty/], [
        file,
        /an existing file/,
      ]] as const
    ) {
      const error = await writeTdata(path, { accounts: one }).catch((e) => e);
      assert.ok(error instanceof SessionFileError);
      assert.match(error.message, found);
    }
    assert.equal(snapshot(parent), before);
  });

  it("nothing but writes into an empty folder", async () => {
    const dir = newDir();
    await writeTdata(dir, { accounts: one });
    assert.equal((await readTdata(dir)).accounts.length, 1);
  });

  it("a folder whose parent is missing", async () => {
    const error = await writeTdata(join(newDir(), "no", "such"), {
      accounts: one,
    }).catch((e) => e);
    assert.ok(error instanceof SessionFileError);
    assert.match(error.message, /does not exist/);
  });

  it("accounts Telegram Desktop would not load, writing nothing", async () => {
    const parent = newDir();
    const k = (dc: number) => new Map([[dc, key(dc)]]);
    const cases: [unknown, ErrorConstructor][] = [
      [{ accounts: [] }, RangeError],
      [{
        accounts: Array.from(
          { length: 7 },
          (_, i) => ({ ...one[0], index: i % 6, userId: i + 1 }),
        ),
      }, RangeError],
      [{ accounts: [one[0], { ...one[0], userId: 2 }] }, RangeError], // index twice
      [{ accounts: [{ ...one[0], index: 6 }] }, RangeError],
      [{ accounts: [one[0], { ...one[0], index: 1 }] }, RangeError], // same user
      [
        { accounts: [{ ...one[0], userId: 0 }, { ...one[0], index: 1 }] },
        RangeError,
      ],
      [{
        accounts: [{
          ...one[0],
          authKeys: new Map([[2, new Uint8Array(255)]]),
        }],
      }, RangeError],
      [{ accounts: [{ ...one[0], authKeys: { 2: key(2) } }] }, TypeError],
      [{ accounts: [{ ...one[0], userId: -1 }] }, RangeError],
      [{ accounts: [{ ...one[0], userId: 2n ** 64n }] }, RangeError],
      [{ accounts: [{ ...one[0], mainDcId: 0 }] }, RangeError],
      [{ accounts: [{ ...one[0], testMode: "yes" }] }, TypeError],
      [
        { accounts: [{ ...one[0], authKeys: k(2) }], activeIndex: 3 },
        RangeError,
      ],
    ];
    for (const [input, type] of cases) {
      await assert.rejects(
        writeTdata(join(parent, "t"), input as never),
        type,
        JSON.stringify(input, (_k, v) => typeof v === "bigint" ? `${v}` : v),
      );
    }
    assert.deepEqual(readdirSync(parent), []);
  });
});

interface CraftedAccount {
  index: number;
  /** The decrypted MTP data file (default: a wide authorization). */
  mtp?: Uint8Array;
  userId?: bigint;
  mainDcId?: number;
  keys?: { dcId: number; key: Uint8Array }[];
  /** A serialized config to store, if any. */
  config?: Uint8Array;
  map?: boolean;
}

/** Writes a folder by hand, with the library's own building blocks. */
async function craft(
  dir: string,
  list: { indexes: number[]; active: number | null },
  accounts: CraftedAccount[],
  version = 6_001_002,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const localKey = key(99);
  const info = encodeAccountList(list.indexes, list.active ?? 0);
  writeFileSync(
    join(dir, "key_datas"),
    buildTdf(
      await buildKeyData(
        localKey,
        "",
        list.active === null ? info.subarray(0, info.length - 4) : info,
      ),
      version,
    ),
  );
  for (const a of accounts) {
    const part = filePart(accountDataName(a.index));
    mkdirSync(join(dir, part), { recursive: true });
    const mtp = a.mtp ?? encodeMtpData({
      userId: a.userId ?? BigInt(1000 + a.index),
      mainDcId: a.mainDcId ?? 2,
      keys: a.keys ?? [{ dcId: a.mainDcId ?? 2, key: key(a.index) }],
      keysToDestroy: [],
    });
    writeFileSync(
      join(dir, `${part}s`),
      buildTdf(await sealEncrypted(mtp, localKey), version),
    );
    if (a.map !== false) {
      writeFileSync(
        join(dir, part, "maps"),
        buildTdf(await buildEmptyMap(localKey), version),
      );
    }
    if (a.config !== undefined) {
      const w = new ByteWriter();
      writeQByteArray(w, a.config);
      writeFileSync(
        join(dir, part, "configs"),
        buildTdf(await sealEncrypted(w.finish(), localKey), version),
      );
    }
  }
}

describe("readTdata() follows Telegram Desktop's loading rules", () => {
  it("skips repeated and out-of-range indexes and a repeated user", async () => {
    const dir = join(newDir(), "tdata");
    await craft(dir, { indexes: [0, 0, 6, 1, 2], active: 2 }, [
      { index: 0, userId: 10n },
      { index: 1, userId: 11n },
      { index: 2, userId: 10n },
    ]);
    const found = await readTdata(dir);
    assert.deepEqual(found.accounts.map((a) => [a.index, a.userId]), [[0, 10], [
      1,
      11,
    ]]);
    assert.deepEqual(found.skipped, [
      { index: 0, reason: "index repeated" },
      { index: 6, reason: "index out of range" },
      { index: 2, reason: "same account as an earlier one" },
    ]);
    assert.equal(found.activeIndex, 0);
    assert.equal(found.version, 6_001_002);
  });

  it("tells accounts of one user apart by test mode from their configs", async () => {
    const dir = join(newDir(), "tdata");
    await craft(dir, { indexes: [0, 1, 2], active: 1 }, [
      { index: 0, userId: 10n, config: encodeConfig(false) },
      { index: 1, userId: 10n, config: encodeConfig(true) },
      { index: 2, userId: 10n },
    ]);
    const found = await readTdata(dir);
    assert.deepEqual(found.accounts.map((a) => [a.index, a.testMode]), [[
      0,
      false,
    ], [1, true]]);
    assert.deepEqual(found.skipped, [{
      index: 2,
      reason: "same account as an earlier one",
    }]);
    assert.equal(found.activeIndex, 1);
  });

  it("loads an account without a user only when it is the last and only one", async () => {
    const skip = join(newDir(), "tdata");
    await craft(skip, { indexes: [0, 1], active: null }, [
      { index: 0, userId: 0n },
      { index: 1, userId: 5n },
    ]);
    const found = await readTdata(skip);
    assert.deepEqual(found.accounts.map((a) => a.index), [1]);
    assert.deepEqual(found.skipped, [{ index: 0, reason: "no user" }]);
    const alone = join(newDir(), "tdata");
    await craft(alone, { indexes: [3], active: 3 }, [{ index: 3, userId: 0n }]);
    assert.equal((await readTdata(alone)).accounts[0]!.userId, 0);
  });

  it("reads legacy 32-bit ids, keeps the later of two keys for one DC, and ignores a config tdesktop would not use", async () => {
    const dir = join(newDir(), "tdata");
    const legacy = new ByteWriter().i32be(99887766).i32be(3).i32be(2).i32be(3)
      .bytes(key(1)).i32be(3).bytes(key(2)).i32be(0).finish();
    const block = new ByteWriter().u32be(0x4b);
    writeQByteArray(block, legacy);
    const config = encodeConfig(true);
    config[3] = 9; // config version 9: tdesktop starts in production
    await craft(dir, { indexes: [0], active: 0 }, [{
      index: 0,
      mtp: block.finish(),
      config,
    }]);
    const [account] = (await readTdata(dir)).accounts;
    assert.equal(account!.userId, 99887766);
    assert.equal(account!.mainDcId, 3);
    assert.equal(hex(account!.authKey!), hex(key(2)));
    assert.equal(account!.testMode, undefined);
  });

  it("reads older and newer versions, and picks the newer key_data0/1 copy", async () => {
    for (
      const version of [
        1,
        3_004_000,
        5_008_003,
        6_001_002,
        7_002_001,
        99_999_999,
      ]
    ) {
      const dir = join(newDir(), "tdata");
      await craft(dir, { indexes: [0], active: 0 }, [{ index: 0 }], version);
      assert.equal((await readTdata(dir)).version, version);
    }
    const dir = join(newDir(), "tdata");
    await craft(dir, { indexes: [0, 1], active: 1 }, [{ index: 0 }, {
      index: 1,
    }]);
    const keyFile = readFileSync(join(dir, "key_datas"));
    unlinkSync(join(dir, "key_datas"));
    writeFileSync(join(dir, "key_data1"), keyFile);
    utimesSync(join(dir, "key_data1"), 2000, 2000);
    await craft(join(dir, "other"), { indexes: [0, 1], active: 0 }, []);
    writeFileSync(
      join(dir, "key_data0"),
      readFileSync(join(dir, "other", "key_datas")),
    );
    utimesSync(join(dir, "key_data0"), 1000, 1000);
    const before = snapshot(dir);
    assert.equal((await readTdata(dir)).activeIndex, 1);
    assert.equal(snapshot(dir), before); // tdesktop would delete key_data0
  });
});

/** A sound two-account folder (account 0 with a config) to damage. */
async function goodFolder(): Promise<string> {
  const dir = join(newDir(), "tdata");
  await writeTdata(dir, {
    accounts: [
      {
        index: 0,
        userId: 5_000_000_001,
        mainDcId: 2,
        authKeys: new Map([[2, key(1)], [4, key(4)]]),
        testMode: false,
      },
      { index: 1, userId: 6, mainDcId: 1, authKeys: new Map([[1, key(6)]]) },
    ],
  });
  return dir;
}

describe("readTdata() on damaged folders: a typed error, the folder untouched", () => {
  const good = goodFolder;
  const secrets = [key(1), key(4), key(6)].map((k) => hex(k.subarray(0, 8)));

  async function expectError(
    damage: (dir: string) => void,
    type: typeof SessionFileError | typeof PassphraseError,
    file: string | null,
    message: RegExp,
  ): Promise<void> {
    const dir = await good();
    damage(dir);
    const before = snapshot(dir);
    const error = await readTdata(dir).catch((e) => e);
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    if (file !== null) {
      assert.equal((error as SessionFileError).path, join(dir, file));
    }
    assert.match(error.message, message);
    for (const s of secrets) assert.ok(!error.message.includes(s));
    assert.equal(snapshot(dir), before);
  }

  it("truncated key_datas", async () => {
    for (const keep of [3, 10, 30, 200, -1]) {
      await expectError(
        (dir) => {
          const f = readFileSync(join(dir, "key_datas"));
          writeFileSync(
            join(dir, "key_datas"),
            f.subarray(0, keep < 0 ? f.length - 1 : keep),
          );
        },
        SessionFileError,
        "key_datas",
        keep === 3 ? /too short/ : keep === 10 ? /truncated/ : /MD5/,
      );
    }
    // Cut short inside, with a checksum that matches what is left.
    await expectError(
      (dir) => rewrite(join(dir, "key_datas"), (p) => p.subarray(0, 100)),
      SessionFileError,
      "key_datas",
      /cut short/,
    );
  });

  it("a changed MD5", async () => {
    await expectError(
      (dir) => {
        const f = readFileSync(join(dir, `${D877}s`));
        f[f.length - 1]! ^= 0x80;
        writeFileSync(join(dir, `${D877}s`), f);
      },
      SessionFileError,
      `${D877}s`,
      /MD5 checksum does not match/,
    );
  });

  it("a changed cipher-text byte, with the MD5 left or made to match", async () => {
    const flip = (p: Uint8Array): Uint8Array => {
      p[40]! ^= 1;
      return p;
    };
    for (
      const file of [`${D877}s`, `${D877}/maps`, `${D877}/configs`, "key_datas"]
    ) {
      await expectError(
        (dir) => {
          const f = readFileSync(join(dir, file));
          f[f.length - 30]! ^= 1;
          writeFileSync(join(dir, file), f);
        },
        SessionFileError,
        file,
        /MD5/,
      );
    }
    for (const file of [`${D877}s`, `${D877}/maps`, `${D877}/configs`]) {
      await expectError(
        (dir) => rewrite(join(dir, file), flip),
        SessionFileError,
        file,
        /SHA-1 check fails/,
      );
    }
    // In key_datas the encrypted account list comes last.
    await expectError(
      (dir) =>
        rewrite(join(dir, "key_datas"), (p) => {
          p[p.length - 5]! ^= 1;
          return p;
        }),
      SessionFileError,
      "key_datas",
      /SHA-1 check fails/,
    );
    // A changed local key cannot be told from a passcode that is needed.
    await expectError(
      (dir) =>
        rewrite(join(dir, "key_datas"), (p) => {
          p[4 + 32 + 4 + 40]! ^= 1;
          return p;
        }),
      PassphraseError,
      null,
      /passcode/,
    );
  });

  it("a missing map, account folder or authorization", async () => {
    await expectError(
      (dir) => unlinkSync(join(dir, D877, "maps")),
      SessionFileError,
      `${D877}/maps`,
      /missing \(the map of account 0\)/,
    );
    await expectError(
      (dir) => rmSync(join(dir, "A7FDF864FBC10B77"), { recursive: true }),
      SessionFileError,
      "A7FDF864FBC10B77",
      /missing \(the folder of account 1\)/,
    );
    await expectError(
      (dir) => unlinkSync(join(dir, "A7FDF864FBC10B77s")),
      SessionFileError,
      "A7FDF864FBC10B77s",
      /missing \(the authorization of account 1\)/,
    );
  });

  it("a version newer than any Telegram Desktop", async () => {
    await expectError(
      (dir) => rewrite(join(dir, `${D877}s`), (p) => p, 100_000_000),
      SessionFileError,
      `${D877}s`,
      /version 100000000, newer than any Telegram Desktop \(100\.0\.0\)/,
    );
  });

  it("content a newer Telegram Desktop might have written says so", async () => {
    await expectError(
      (dir) =>
        rewrite(join(dir, "key_datas"), (p) => p.subarray(0, 100), 7_000_000),
      SessionFileError,
      "key_datas",
      /cut short\)?; it was written by Telegram Desktop 7\.0\.0, newer than 6\.1\.2/,
    );
  });

  it("a salt of the wrong size, an authorization holding something else", async () => {
    await expectError(
      (dir) =>
        rewrite(join(dir, "key_datas"), (p) => {
          const w = new ByteWriter();
          writeQByteArray(w, p.subarray(4, 20));
          return new Uint8Array([...w.finish(), ...p.subarray(36)]);
        }),
      SessionFileError,
      "key_datas",
      /salt has 16 bytes, not 32/,
    );
    const dir = join(newDir(), "tdata");
    const other = new ByteWriter().u32be(0x4d).u32be(0).finish();
    await craft(dir, { indexes: [0], active: 0 }, [{ index: 0, mtp: other }]);
    const error = await readTdata(dir).catch((e) => e);
    assert.ok(error instanceof SessionFileError);
    assert.equal(error.path, join(dir, `${D877}s`));
    assert.match(
      error.message,
      /not a usable authorization \(it holds settings block 0x4d/,
    );
  });

  it("a missing folder, a file, a folder without key_datas", async () => {
    const parent = newDir();
    writeFileSync(join(parent, "file"), "x");
    mkdirSync(join(parent, "empty"));
    for (
      const [name, message] of [
        ["missing", /not a folder/],
        ["file", /not a folder/],
        ["empty", /no key_datas/],
      ] as const
    ) {
      const error = await readTdata(join(parent, name)).catch((e) => e);
      assert.ok(error instanceof SessionFileError);
      assert.match(error.message, message);
      assert.match(error.message, /it was not modified$/);
    }
    assert.deepEqual(readdirSync(parent).sort(), ["empty", "file"]);
  });
});

describe("tdata accounts keep their keys out of print", () => {
  it("toString(), JSON.stringify and inspect show no key", async () => {
    const authKey = new Uint8Array(256).fill(0xab);
    const dir = join(newDir(), "tdata");
    await writeTdata(dir, {
      accounts: [{
        index: 0,
        userId: 2n ** 60n,
        mainDcId: 2,
        authKeys: new Map([[2, authKey]]),
        keysToDestroy: [{ dcId: 1, authKey }],
      }],
    });
    const found = await readTdata(dir);
    const shown = [
      String(found),
      JSON.stringify(found),
      inspect(found),
      inspect(found.accounts),
      inspect(found.accounts[0]),
      String(found.accounts[0]),
      JSON.stringify(found.accounts),
      inspect({ nested: found }, { depth: 10, showHidden: true }),
      `${found.active}`,
    ];
    const deno = (globalThis as { Deno?: { inspect(v: unknown): string } })
      .Deno;
    if (deno !== undefined) {
      shown.push(deno.inspect(found), deno.inspect(found.accounts));
    }
    for (const text of shown) {
      assert.ok(!/171|abab|q6ur/i.test(text), text);
    }
    assert.match(shown[0]!, /TdataAccounts\(1 account, active 0\)/);
    assert.deepEqual(JSON.parse(shown[1]!).accounts[0], {
      index: 0,
      userId: String(2n ** 60n),
      mainDcId: 2,
      testMode: null,
      keyDcIds: [2],
      keysToDestroy: 1,
    });
  });
});

describe("@mtcute/convert's Tdata, an independent implementation", () => {
  const accounts = [
    {
      index: 0,
      userId: 6_543_210_987,
      mainDcId: 4,
      authKeys: new Map([[1, key(1)], [2, key(2)], [4, key(4)], [5, key(5)]]),
      keysToDestroy: [{ dcId: 3, authKey: key(3) }],
    },
    { index: 1, userId: 12345, mainDcId: 2, authKeys: new Map([[2, key(22)]]) },
  ];

  async function readWithMtcute(
    dir: string,
    passcode?: string,
  ): Promise<unknown> {
    const td = await Tdata.open(mtcuteOptions(dir, passcode));
    const out = [];
    for (const index of td.keyData.order) {
      const a = await td.readMtpAuthorization(index);
      out.push({
        index,
        userId: a.userId.toString(),
        mainDcId: a.mainDcId,
        authKeys: a.authKeys.map((k) => [k.dcId, hex(k.key)]),
        keysToDestroy: a.authKeysToDestroy.map((k) => [k.dcId, hex(k.key)]),
      });
    }
    return { active: td.keyData.active, accounts: out };
  }

  const ours = (list: typeof accounts, active: number) => ({
    active,
    accounts: list.map((a) => ({
      index: a.index,
      userId: String(a.userId),
      mainDcId: a.mainDcId,
      authKeys: [...a.authKeys].map(([dc, k]) => [dc, hex(k)]),
      keysToDestroy: (a.keysToDestroy ?? []).map((
        k,
      ) => [k.dcId, hex(k.authKey)]),
    })),
  });

  it("reads what writeTdata() writes: every DC key, user id, main DC, order", async () => {
    const dir = join(newDir(), "tdata");
    await writeTdata(dir, { accounts, activeIndex: 1 });
    assert.deepEqual(await readWithMtcute(dir), ours(accounts, 1));
  });

  it("reads what writeTdata() writes with a passcode", async () => {
    const dir = join(newDir(), "tdata");
    await writeTdata(dir, { accounts: [accounts[0]!] }, { passcode: "päss" });
    assert.deepEqual(
      await readWithMtcute(dir, "päss"),
      ours([accounts[0]!], 0),
    );
  });

  it("writes what readTdata() reads", async () => {
    const dir = join(newDir(), "tdata");
    const td = await Tdata.create({
      ...mtcuteOptions(dir),
      keyData: { count: 2, order: [0, 1], active: 1 },
    });
    for (const a of accounts) {
      await td.writeMtpAuthorization({
        userId: Long.fromString(String(a.userId)),
        mainDcId: a.mainDcId,
        authKeys: [...a.authKeys].map(([dcId, k]) => ({ dcId, key: k })),
        authKeysToDestroy: (a.keysToDestroy ?? []).map((k) => ({
          dcId: k.dcId,
          key: k.authKey,
        })),
      }, a.index);
      await td.writeEmptyMapFile(a.index);
    }
    const found = await readTdata(dir);
    assert.equal(found.version, 5_008_003);
    assert.deepEqual(plain(found), expected(accounts, 1));
  });
});

describe("readTdata() on randomly damaged files (checksums made to match)", () => {
  it("gives a SessionFileError or PassphraseError every time, never another error", async () => {
    const dir = await goodFolder();
    const files = ["key_datas", `${D877}s`, `${D877}/maps`, `${D877}/configs`];
    const originals = new Map(
      files.map((f) => [f, readFileSync(join(dir, f))]),
    );
    const rand = seeded(2024);
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 80; round++) {
      const file = files[int(rand, 0, files.length - 1)]!;
      rewrite(join(dir, file), (p) => {
        if (int(rand, 0, 2) === 0) {
          return p.subarray(0, int(rand, 0, p.length - 1));
        }
        p[int(rand, 0, p.length - 1)]! ^= 1 << int(rand, 0, 7);
        return p;
      });
      const outcome = await readTdata(dir).then(
        () => "read",
        (e) => {
          assert.ok(
            e instanceof SessionFileError || e instanceof PassphraseError,
            `round ${round} (${file}): ${e?.stack ?? e}`,
          );
          return e.name;
        },
      );
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      writeFileSync(join(dir, file), originals.get(file)!);
    }
    // Every change is caught: SHA-1 covers the data, only framing is left.
    assert.equal(
      outcomes.get("read"),
      undefined,
      JSON.stringify([...outcomes]),
    );
    assert.ok((outcomes.get("SessionFileError") ?? 0) > 40);
  });
});
