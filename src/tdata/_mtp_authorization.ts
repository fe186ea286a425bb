// An account's MTP authorization: the file named like its folder
// (D877F783D5D3EF8Cs) in tdata, encrypted with the local key. Decrypted it
// is a list of settings blocks, uint32 block id + data; Telegram Desktop
// writes one, dbiMtpAuthorization = 0x4b (storage/details/
// storage_settings_scheme.h), holding a QByteArray (Account::writeMtpData /
// readMtpData in storage/storage_account.cpp). Inside, big-endian
// (Account::serializeMtpAuthorization / setMtpAuthorization in
// main/main_account.cpp):
//
//   int32 -1 | int32 -1 | uint64 user id | int32 main DC      (wide ids)
//   or int32 user id | int32 main DC                          (before 2.7.2)
//   then twice (keys in use, keys to destroy):
//   int32 count | count x (int32 DC id | 256 raw key bytes)
//
// The wide form starts with the 64-bit tag ~0 (kWideIdsTag), which no
// legacy user id / DC pair can equal. Private to the library.

import { ByteReader, ByteWriter, Truncated } from "../strings/_bytes.ts";
import { KEY_SIZE } from "./_local_key.ts";
import { readQByteArray, writeQByteArray } from "./_qt_stream.ts";

/** The settings block of the MTP authorization (dbiMtpAuthorization). */
export const MTP_AUTHORIZATION_BLOCK = 0x4b;

/** One key with the DC it belongs to. */
export interface DcKey {
  readonly dcId: number;
  readonly key: Uint8Array;
}

/** The MTP authorization of one account. */
export interface MtpAuthorization {
  /** The user id; 0 when the account is not logged in. */
  readonly userId: bigint;
  /** The main DC id. */
  readonly mainDcId: number;
  /** Whether the ids were stored in the wide (64-bit) form. */
  readonly wide: boolean;
  /** The keys in use, in stored order. */
  readonly keys: readonly DcKey[];
  /** The keys Telegram Desktop still has to destroy on the servers. */
  readonly keysToDestroy: readonly DcKey[];
}

function readKeys(r: ByteReader): DcKey[] | { problem: string } {
  const count = r.i32be();
  if (count < 0) return { problem: `it states ${count} keys` };
  // Each key takes 260 bytes: a count the data cannot hold is damage.
  if (count * (4 + KEY_SIZE) > r.remaining) throw new Truncated();
  const keys: DcKey[] = [];
  for (let i = 0; i < count; i++) {
    keys.push({ dcId: r.i32be(), key: r.bytes(KEY_SIZE) });
  }
  return keys;
}

/**
 * Decodes the decrypted MTP data file.
 *
 * @param data The decrypted data (after the 4-byte length).
 * @returns The authorization, or what is wrong (in words).
 */
export function decodeMtpData(
  data: Uint8Array,
): MtpAuthorization | { problem: string } {
  const r = new ByteReader(data);
  let serialized: Uint8Array | null = null;
  try {
    while (r.remaining > 0) {
      const block = r.u32be();
      if (block !== MTP_AUTHORIZATION_BLOCK) {
        return {
          problem: `it holds settings block 0x${
            block.toString(16)
          }, where only the MTP authorization 0x4b is expected`,
        };
      }
      serialized = readQByteArray(r); // the last one wins, as in tdesktop
    }
  } catch (e) {
    if (e instanceof Truncated) return { problem: "cut short" };
    throw e;
  }
  if (serialized === null || serialized.length === 0) {
    return { problem: "it holds no MTP authorization" };
  }
  return decodeAuthorization(serialized);
}

/**
 * Decodes the MTP authorization block.
 *
 * @param bytes The block.
 * @returns The authorization, or what is wrong (in words).
 */
export function decodeAuthorization(
  bytes: Uint8Array,
): MtpAuthorization | { problem: string } {
  const r = new ByteReader(bytes);
  try {
    const legacyUserId = r.i32be();
    const legacyMainDc = r.i32be();
    const wide = legacyUserId === -1 && legacyMainDc === -1;
    // A legacy id is read as the unsigned number it was: tdesktop would
    // sign-extend a negative one into a 64-bit id no account has.
    const userId = wide ? r.u64be() : BigInt(legacyUserId >>> 0);
    const mainDcId = wide ? r.i32be() : legacyMainDc;
    const keys = readKeys(r);
    if ("problem" in keys) return keys;
    const keysToDestroy = readKeys(r);
    if ("problem" in keysToDestroy) return keysToDestroy;
    return { userId, mainDcId, wide, keys, keysToDestroy };
  } catch (e) {
    if (e instanceof Truncated) return { problem: "cut short" };
    throw e;
  }
}

function writeKeys(w: ByteWriter, keys: readonly DcKey[]): void {
  w.i32be(keys.length);
  for (const { dcId, key } of keys) w.i32be(dcId).bytes(key);
}

/**
 * Encodes an MTP data file (wide ids), ready to encrypt.
 *
 * @param auth The authorization (`wide` is ignored: it is always wide).
 * @returns The settings block holding it.
 */
export function encodeMtpData(
  auth: Omit<MtpAuthorization, "wide">,
): Uint8Array {
  const inner = new ByteWriter().i32be(-1).i32be(-1).u64be(auth.userId).i32be(
    auth.mainDcId,
  );
  writeKeys(inner, auth.keys);
  writeKeys(inner, auth.keysToDestroy);
  const outer = new ByteWriter().u32be(MTP_AUTHORIZATION_BLOCK);
  writeQByteArray(outer, inner.finish());
  return outer.finish();
}
