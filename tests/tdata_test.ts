// Telegram Desktop tdata folders: the crypto primitives against node:crypto,
// round trips, Telegram Desktop's loading rules on hand-made folders,
// damaged folders (typed errors, folder left byte-identical), and
// interoperation with @mtcute/convert's Tdata (an independent reader and
// writer).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  pbkdf2Sync,
} from "node:crypto";
import { md5 } from "../src/tdata/_md5.ts";
import { Aes256, igeDecrypt, igeEncrypt } from "../src/tdata/_aes.ts";
import { PASSCODE_ITERATIONS, passcodeKey } from "../src/tdata/_local_key.ts";
import { decryptLocal, encryptLocal } from "../src/tdata/_local_cipher.ts";
import { bytes, int, seeded } from "./_random.ts";

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
