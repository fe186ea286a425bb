// Telegram Desktop's local encryption of a block of data with a 256-byte
// key (PrepareEncrypted and DecryptLocal in
// storage/details/storage_file_utilities.cpp):
//
//   plain  = uint32 LE length of (these 4 bytes + data) | data | random
//            padding to a multiple of 16
//   output = SHA-1(plain)[0:16] | AES-256-IGE(plain)
//
// with the AES key and IV derived from the key and those 16 bytes (the
// "message key") the way MTProto 1.0 did for incoming messages
// (AuthKey::prepareAES_oldmtp with send = false, x = 8, in
// mtproto/mtproto_auth_key.cpp). Private to the library.

import { igeDecrypt, igeEncrypt } from "./_aes.ts";

async function sha1(...parts: Uint8Array[]): Promise<Uint8Array> {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(
    await crypto.subtle.digest("SHA-1", all as Uint8Array<ArrayBuffer>),
  );
}

/**
 * The AES key and IV for one message key (MTProto 1.0 derivation, x = 8).
 *
 * @param key The 256-byte local key (or passcode key).
 * @param msgKey The 16-byte message key.
 * @returns The 32-byte AES key and 32-byte IGE IV.
 */
export async function oldMtprotoAesKeyIv(
  key: Uint8Array,
  msgKey: Uint8Array,
): Promise<{ key: Uint8Array; iv: Uint8Array }> {
  const x = 8;
  const [a, b, c, d] = await Promise.all([
    sha1(msgKey, key.subarray(x, x + 32)),
    sha1(key.subarray(32 + x, 48 + x), msgKey, key.subarray(48 + x, 64 + x)),
    sha1(key.subarray(64 + x, 96 + x), msgKey),
    sha1(msgKey, key.subarray(96 + x, 128 + x)),
  ]);
  const aesKey = new Uint8Array(32);
  aesKey.set(a.subarray(0, 8), 0);
  aesKey.set(b.subarray(8, 20), 8);
  aesKey.set(c.subarray(4, 16), 20);
  const iv = new Uint8Array(32);
  iv.set(a.subarray(8, 20), 0);
  iv.set(b.subarray(0, 8), 12);
  iv.set(c.subarray(16, 20), 20);
  iv.set(d.subarray(0, 8), 24);
  return { key: aesKey, iv };
}

/**
 * Encrypts data with a local key.
 *
 * @param data The data (the 4-byte length is added here).
 * @param key The 256-byte key.
 * @returns Message key and cipher text, 16 + a multiple of 16 bytes.
 */
export async function encryptLocal(
  data: Uint8Array,
  key: Uint8Array,
): Promise<Uint8Array> {
  const size = 4 + data.length;
  const full = Math.ceil(size / 16) * 16;
  const plain = new Uint8Array(full);
  new DataView(plain.buffer).setUint32(0, size, true);
  plain.set(data, 4);
  crypto.getRandomValues(plain.subarray(size));
  const msgKey = (await sha1(plain)).subarray(0, 16);
  const aes = await oldMtprotoAesKeyIv(key, msgKey);
  const out = new Uint8Array(16 + full);
  out.set(msgKey, 0);
  out.set(igeEncrypt(plain, aes.key, aes.iv), 16);
  return out;
}

/** Why encrypted data did not decrypt. */
export type DecryptFailure =
  /** Not 16 + a positive multiple of 16 bytes. */
  | "size"
  /** The SHA-1 check failed: another key, or changed bytes. */
  | "key"
  /** The length inside is impossible. */
  | "length";

/**
 * Decrypts data encrypted with a local key, with Telegram Desktop's checks.
 *
 * @param encrypted Message key and cipher text.
 * @param key The 256-byte key.
 * @returns The data, or why it could not be had.
 */
export async function decryptLocal(
  encrypted: Uint8Array,
  key: Uint8Array,
): Promise<{ data: Uint8Array } | { failure: DecryptFailure }> {
  if (encrypted.length <= 16 || encrypted.length % 16 !== 0) {
    return { failure: "size" };
  }
  const msgKey = encrypted.subarray(0, 16);
  const aes = await oldMtprotoAesKeyIv(key, msgKey);
  const plain = igeDecrypt(encrypted.subarray(16), aes.key, aes.iv);
  const check = (await sha1(plain)).subarray(0, 16);
  if (check.some((b, i) => b !== msgKey[i])) return { failure: "key" };
  const length = new DataView(plain.buffer).getUint32(0, true);
  if (length > plain.length || length <= plain.length - 16 || length < 4) {
    return { failure: "length" };
  }
  return { data: plain.slice(4, length) };
}
