// Telegram Desktop tdata folders: the crypto primitives against node:crypto,
// round trips, Telegram Desktop's loading rules on hand-made folders,
// damaged folders (typed errors, folder left byte-identical), and
// interoperation with @mtcute/convert's Tdata (an independent reader and
// writer).

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  pbkdf2Sync,
} from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionFileError } from "../mod.ts";
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
import { bytes, int, seeded } from "./_random.ts";

const scratch = mkdtempSync(join(tmpdir(), "mtsession-tdata-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
/** A new empty folder under the test's scratch folder. */
function newDir(): string {
  const dir = join(scratch, `d${dirs++}`);
  mkdirSync(dir);
  return dir;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** AES-256-IGE from node:crypto's ECB, written independently of ours. */
function nodeIge(
  data: Uint8Array,
  key: Uint8Array,
  iv: Uint8Array,
  encrypt: boolean,
): Uint8Array {
  const ecb = encrypt
    ? createCipheriv("aes-256-ecb", key, null)
    : createDecipheriv("aes-256-ecb", key, null);
  ecb.setAutoPadding(false);
  const out = new Uint8Array(data.length);
  // IGE: the IV holds the previous cipher block, then the previous plain one.
  let prevIn = iv.slice(encrypt ? 16 : 0, encrypt ? 32 : 16);
  let prevOut = iv.slice(encrypt ? 0 : 16, encrypt ? 16 : 32);
  for (let at = 0; at < data.length; at += 16) {
    const block = data.slice(at, at + 16);
    const mixed = block.map((b, i) => b ^ prevOut[i]!);
    const done = new Uint8Array(ecb.update(mixed)).map((b, i) =>
      b ^ prevIn[i]!
    );
    out.set(done, at);
    prevIn = block;
    prevOut = done;
  }
  return out;
}

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
