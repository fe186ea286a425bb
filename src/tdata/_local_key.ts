// The key that unlocks a tdata folder's local key, from its passcode and
// salt, as Telegram Desktop derives it (CreateLocalKey in
// storage/details/storage_file_utilities.cpp): PBKDF2-HMAC-SHA512 over
// SHA-512(salt | passcode | salt), with the same salt, 256 bytes out; one
// iteration without a passcode, 100,000 with one. WebCrypto does both hashes
// natively on every runtime. Private to the library.

/** Bytes of salt in `key_datas` (LocalEncryptSaltSize, config.h). */
export const SALT_SIZE = 32;

/** Bytes of an MTProto auth key, and of the local key (AuthKey::kSize). */
export const KEY_SIZE = 256;

/** PBKDF2 iterations with a passcode (kStrongIterationsCount). */
export const PASSCODE_ITERATIONS = 100_000;

/**
 * Derives the key that encrypts the local key.
 *
 * @param passcode The passcode as UTF-8 (tdesktop takes `QString::toUtf8`);
 * empty when there is none.
 * @param salt The 32-byte salt from `key_datas`.
 * @returns 256 bytes.
 */
export async function passcodeKey(
  passcode: Uint8Array,
  salt: Uint8Array,
): Promise<Uint8Array> {
  const joined = new Uint8Array(salt.length * 2 + passcode.length);
  joined.set(salt, 0);
  joined.set(passcode, salt.length);
  joined.set(salt, salt.length + passcode.length);
  const hash = await crypto.subtle.digest(
    "SHA-512",
    joined as Uint8Array<ArrayBuffer>,
  );
  const base = await crypto.subtle.importKey(
    "raw",
    hash,
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    {
      name: "PBKDF2",
      hash: "SHA-512",
      salt: salt as Uint8Array<ArrayBuffer>,
      iterations: passcode.length === 0 ? 1 : PASSCODE_ITERATIONS,
    },
    base,
    KEY_SIZE * 8,
  );
  return new Uint8Array(bits);
}
