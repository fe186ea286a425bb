// An account's map file, <folder>/maps (Account::readMapWith / writeMap in
// storage/storage_account.cpp): three QByteArrays, a legacy salt and a
// legacy encrypted key (both null since local keys moved to key_datas) and
// the map of the account's other files, encrypted with the local key.
// Telegram Desktop reads the MTP authorization only after the map was read,
// so an account without a map is not logged in. A new map is empty: the
// account has no other files yet. Private to the library.

import { ByteReader, ByteWriter, Truncated } from "../strings/_bytes.ts";
import { damagedContent, unseal } from "./_encrypted.ts";
import type { TdfFile } from "./_files.ts";
import { encryptLocal } from "./_local_cipher.ts";
import { readQByteArray, writeQByteArray } from "./_qt_stream.ts";

/**
 * Checks that a map decrypts with the local key. Its entries are not read.
 *
 * @param file The map file read.
 * @param key The local key.
 * @throws {SessionFileError} When it is cut short or does not decrypt.
 */
export async function checkMap(file: TdfFile, key: Uint8Array): Promise<void> {
  const r = new ByteReader(file.payload);
  let sealed: Uint8Array | null;
  try {
    readQByteArray(r);
    readQByteArray(r);
    sealed = readQByteArray(r);
  } catch (e) {
    if (e instanceof Truncated) throw damagedContent(file, "cut short");
    throw e;
  }
  await unseal(file, sealed, key);
}

/**
 * The payload of a new, empty map.
 *
 * @param key The local key.
 * @returns The TDF payload.
 */
export async function buildEmptyMap(key: Uint8Array): Promise<Uint8Array> {
  const w = new ByteWriter();
  writeQByteArray(w, null);
  writeQByteArray(w, null);
  writeQByteArray(w, await encryptLocal(new Uint8Array(0), key));
  return w.finish();
}
