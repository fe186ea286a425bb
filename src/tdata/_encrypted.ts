// The encrypted tdata files (ReadEncryptedFile / FileWriteDescriptor::
// writeEncrypted in storage/details/storage_file_utilities.cpp): a TDF file
// whose payload is one QByteArray, the local encryption of the data.
// Private to the library.

import { SessionFileError } from "../errors.ts";
import { ByteReader, ByteWriter, Truncated } from "../strings/_bytes.ts";
import { DAMAGED_ADVICE, type TdfFile } from "./_files.ts";
import { decryptLocal, encryptLocal } from "./_local_cipher.ts";
import { readQByteArray, writeQByteArray } from "./_qt_stream.ts";
import { CHECKED_VERSION, formatVersion } from "./_tdf.ts";

/**
 * The error for a file whose checksum holds but whose content does not
 * make sense; a file from a newer Telegram Desktop than the one this reader
 * follows says so.
 *
 * @param file The file.
 * @param what What is wrong, to follow "is".
 * @returns The error.
 */
export function damagedContent(file: TdfFile, what: string): SessionFileError {
  if (file.version > CHECKED_VERSION) {
    return new SessionFileError(
      file.path,
      `${what}; it was written by Telegram Desktop ${
        formatVersion(file.version)
      }, newer than ${formatVersion(CHECKED_VERSION)}, whose format this ` +
        "reader follows",
      "report it to mtsession with the version number",
    );
  }
  return new SessionFileError(file.path, what, DAMAGED_ADVICE);
}

/**
 * Decrypts data sealed with the local key inside a file.
 *
 * @param file The file it is in.
 * @param sealed The sealed data (`null` for a null array).
 * @param key The local key.
 * @returns The data.
 * @throws {SessionFileError} When it does not decrypt.
 */
export async function unseal(
  file: TdfFile,
  sealed: Uint8Array | null,
  key: Uint8Array,
): Promise<Uint8Array> {
  const result = await decryptLocal(sealed ?? new Uint8Array(0), key);
  if ("data" in result) return result.data;
  throw damagedContent(
    file,
    result.failure === "key"
      ? "encrypted with another key, or damaged (its SHA-1 check fails)"
      : "damaged (its encrypted data has an impossible size)",
  );
}

/**
 * Decrypts an encrypted file.
 *
 * @param file The file read.
 * @param key The local key.
 * @returns The data.
 * @throws {SessionFileError} When it does not decrypt.
 */
export async function openEncrypted(
  file: TdfFile,
  key: Uint8Array,
): Promise<Uint8Array> {
  let sealed: Uint8Array | null;
  try {
    sealed = readQByteArray(new ByteReader(file.payload));
  } catch (e) {
    if (e instanceof Truncated) throw damagedContent(file, "cut short");
    throw e;
  }
  return await unseal(file, sealed, key);
}

/**
 * Encrypts data into the payload of an encrypted file.
 *
 * @param data The data.
 * @param key The local key.
 * @returns The TDF payload.
 */
export async function sealEncrypted(
  data: Uint8Array,
  key: Uint8Array,
): Promise<Uint8Array> {
  const w = new ByteWriter();
  writeQByteArray(w, await encryptLocal(data, key));
  return w.finish();
}
