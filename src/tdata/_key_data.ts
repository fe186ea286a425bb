// key_datas, the root of a tdata folder (Domain::startModern and
// Domain::writeAccounts in storage/storage_domain.cpp). Its TDF payload is
// three QByteArrays:
//
//   salt (32 bytes) | local key encrypted with the passcode key |
//   account list encrypted with the local key
//
// The local key decrypts to exactly 256 raw bytes (AuthKey::write writes the
// key without a length). Private to the library.

import { PassphraseError } from "../errors.ts";
import {
  ByteReader,
  ByteWriter,
  encodeUtf8,
  Truncated,
} from "../strings/_bytes.ts";
import { damagedContent as damaged } from "./_encrypted.ts";
import type { TdfFile } from "./_files.ts";
import { decryptLocal, encryptLocal } from "./_local_cipher.ts";
import { KEY_SIZE, passcodeKey, SALT_SIZE } from "./_local_key.ts";
import { readQByteArray, writeQByteArray } from "./_qt_stream.ts";

/** The three parts of key_datas. */
export interface KeyDataParts {
  readonly salt: Uint8Array;
  readonly keyEncrypted: Uint8Array;
  readonly infoEncrypted: Uint8Array;
}

/**
 * Splits key_datas into its parts.
 *
 * @param file The file read.
 * @returns The parts.
 * @throws {SessionFileError} When they are not there.
 */
export function splitKeyData(file: TdfFile): KeyDataParts {
  const r = new ByteReader(file.payload);
  let salt: Uint8Array | null;
  let keyEncrypted: Uint8Array | null;
  let infoEncrypted: Uint8Array | null;
  try {
    salt = readQByteArray(r);
    keyEncrypted = readQByteArray(r);
    infoEncrypted = readQByteArray(r);
  } catch (e) {
    if (e instanceof Truncated) {
      throw damaged(file, "truncated (the account list is cut short)");
    }
    throw e;
  }
  if (salt?.length !== SALT_SIZE) {
    throw damaged(
      file,
      `not a valid account list (its salt has ${salt?.length ?? 0} bytes, ` +
        `not ${SALT_SIZE})`,
    );
  }
  return {
    salt,
    keyEncrypted: keyEncrypted ?? new Uint8Array(0),
    infoEncrypted: infoEncrypted ?? new Uint8Array(0),
  };
}

async function tryPasscode(
  file: TdfFile,
  parts: KeyDataParts,
  passcode: Uint8Array,
): Promise<Uint8Array | null> {
  const key = await passcodeKey(passcode, parts.salt);
  const result = await decryptLocal(parts.keyEncrypted, key);
  if ("failure" in result) {
    if (result.failure === "key") return null;
    throw damaged(file, "damaged (its encrypted local key has a bad size)");
  }
  if (result.data.length !== KEY_SIZE) {
    throw damaged(
      file,
      `damaged (its local key has ${result.data.length} bytes, not ${KEY_SIZE})`,
    );
  }
  return result.data;
}

/**
 * Decrypts the local key. The empty passcode is tried first (one cheap
 * PBKDF2 iteration), as Telegram Desktop does at start; the passcode given
 * only when that fails.
 *
 * @param file The file read.
 * @param parts Its parts.
 * @param passcode The passcode given, if any.
 * @returns The 256-byte local key and whether a passcode was needed.
 * @throws {PassphraseError} When the passcode is needed and missing or
 * wrong.
 * @throws {SessionFileError} When the key is damaged.
 */
export async function unlockLocalKey(
  file: TdfFile,
  parts: KeyDataParts,
  passcode: string | undefined,
): Promise<{ localKey: Uint8Array; hasPasscode: boolean }> {
  const plain = await tryPasscode(file, parts, new Uint8Array(0));
  if (plain !== null) return { localKey: plain, hasPasscode: false };
  if (passcode === undefined || passcode === "") {
    throw new PassphraseError(
      "This tdata folder is protected by a local passcode: pass it as " +
        "{ passcode }",
      null,
    );
  }
  const key = await tryPasscode(file, parts, encodeUtf8(passcode));
  if (key === null) {
    throw new PassphraseError(
      "Cannot unlock this tdata folder: the passcode is wrong (or key_datas " +
        "was changed)",
      null,
    );
  }
  return { localKey: key, hasPasscode: true };
}

/**
 * Builds the payload of a new key_datas with a fresh random salt.
 *
 * @param localKey The 256-byte local key.
 * @param passcode The passcode (empty for none).
 * @param info The account list, not yet encrypted.
 * @returns The TDF payload.
 */
export async function buildKeyData(
  localKey: Uint8Array,
  passcode: string,
  info: Uint8Array,
): Promise<Uint8Array> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_SIZE));
  const key = await passcodeKey(encodeUtf8(passcode), salt);
  const w = new ByteWriter();
  writeQByteArray(w, salt);
  writeQByteArray(w, await encryptLocal(localKey, key));
  writeQByteArray(w, await encryptLocal(info, localKey));
  return w.finish();
}
