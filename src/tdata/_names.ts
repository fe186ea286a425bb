// Where Telegram Desktop keeps an account's files inside tdata:
//
// - the data name of account index i is "data" for 0 and "data#<i+1>"
//   after (ComposeDataString in main/main_account.cpp);
// - its folder and its authorization file are named by the first 8 bytes of
//   MD5(UTF-8 data name) read as a little-endian 64-bit number, printed as
//   16 upper-case hex digits lowest nibble first (ComputeDataNameKey in
//   storage/storage_account.cpp, ToFilePart in
//   storage/details/storage_file_utilities.cpp): "data" -> D877F783D5D3EF8C;
// - the account list is in "key_" + the base data name (ComputeKeyName in
//   storage/storage_domain.cpp), i.e. key_datas.
//
// Private to the library.

import { encodeUtf8 } from "../strings/_bytes.ts";
import { md5 } from "./_md5.ts";

/** The data name Telegram Desktop uses unless started with `-key`. */
export const DEFAULT_DATA_NAME = "data";

const HEX = "0123456789ABCDEF";

/**
 * The data name of an account.
 *
 * @param index The account index (0-5).
 * @param base The base data name.
 * @returns E.g. `"data"`, `"data#2"`.
 */
export function accountDataName(
  index: number,
  base: string = DEFAULT_DATA_NAME,
): string {
  const name = base.replaceAll("#", "");
  return index > 0 ? `${name}#${index + 1}` : name;
}

/**
 * The 16-character name of an account's folder and authorization file.
 *
 * @param dataName The account's data name.
 * @returns E.g. `"D877F783D5D3EF8C"`.
 */
export function filePart(dataName: string): string {
  const hash = md5(encodeUtf8(dataName));
  let out = "";
  for (let i = 0; i < 8; i++) {
    out += HEX[hash[i]! & 0x0f]! + HEX[hash[i]! >> 4]!;
  }
  return out;
}

/**
 * The base name of the account list file (without the `s`/`0`/`1`).
 *
 * @param base The base data name.
 * @returns `"key_data"` for the default.
 */
export function keyFileName(base: string = DEFAULT_DATA_NAME): string {
  return `key_${base}`;
}
