// Reading a whole tdata folder the way Telegram Desktop starts
// (Domain::startModern in storage/storage_domain.cpp, then for each
// account Account::start in storage/storage_account.cpp: map, MTP
// authorization, config). Where Telegram Desktop quietly starts an account
// logged out (a missing or damaged map or authorization), this reader
// stops with a SessionFileError naming the file. Private to the library.

import { SessionFileError } from "../errors.ts";
import { ByteReader, Truncated } from "../strings/_bytes.ts";
import {
  decodeAccountList,
  selectAccounts,
  sessionUniqueId,
} from "./_account_list.ts";
import { configTestMode } from "./_config.ts";
import { damagedContent, openEncrypted, unseal } from "./_encrypted.ts";
import { readTdfFile, type TdfFile } from "./_files.ts";
import { splitKeyData, unlockLocalKey } from "./_key_data.ts";
import { checkMap } from "./_map.ts";
import { decodeMtpData, type MtpAuthorization } from "./_mtp_authorization.ts";
import { accountDataName, filePart, keyFileName } from "./_names.ts";
import { readQByteArray } from "./_qt_stream.ts";
import { diskSource, type TdataSource } from "./_source.ts";
import { TdataAccount, TdataAccounts } from "./accounts.ts";

const COPY_ADVICE =
  "copy the whole tdata folder from the computer where Telegram Desktop " +
  "runs, after quitting Telegram Desktop there";

function missing(path: string, what: string): SessionFileError {
  return new SessionFileError(path, `missing (${what})`, COPY_ADVICE);
}

/**
 * Whether `path` is a directory (following links); `false` when it is
 * missing or cannot be asked.
 *
 * @param path Any path.
 * @returns Whether it is a directory.
 */
export function isDirectory(path: string): Promise<boolean> {
  return diskSource.isDirectory(path);
}

async function readTestMode(
  file: TdfFile,
  localKey: Uint8Array,
): Promise<boolean | undefined> {
  const data = await openEncrypted(file, localKey);
  let serialized: Uint8Array | null;
  try {
    serialized = readQByteArray(new ByteReader(data));
  } catch (e) {
    if (e instanceof Truncated) throw damagedContent(file, "cut short");
    throw e;
  }
  return configTestMode(serialized ?? new Uint8Array(0)) ?? undefined;
}

async function readAccount(
  source: TdataSource,
  root: string,
  index: number,
  localKey: Uint8Array,
): Promise<{ auth: MtpAuthorization; testMode: boolean | undefined }> {
  const part = filePart(accountDataName(index));
  const dir = source.join(root, part);
  const label = `account ${index}`;
  if (!await source.isDirectory(dir)) {
    throw missing(dir, `the folder of ${label}`);
  }
  const map = await readTdfFile(dir, "map", source);
  if (map === null) {
    throw missing(source.join(dir, "maps"), `the map of ${label}`);
  }
  await checkMap(map, localKey);
  const mtp = await readTdfFile(root, part, source);
  if (mtp === null) {
    throw missing(
      source.join(root, `${part}s`),
      `the authorization of ${label}`,
    );
  }
  const auth = decodeMtpData(await openEncrypted(mtp, localKey));
  if ("problem" in auth) {
    throw damagedContent(mtp, `not a usable authorization (${auth.problem})`);
  }
  const config = await readTdfFile(dir, "config", source);
  const testMode = config === null
    ? undefined
    : await readTestMode(config, localKey);
  return { auth, testMode };
}

function toAccount(
  index: number,
  auth: MtpAuthorization,
  testMode: boolean | undefined,
): TdataAccount {
  // Telegram Desktop keeps one key per DC, the later of two (Instance
  // constructor, mtproto/mtp_instance.cpp).
  const authKeys = new Map<number, Uint8Array>();
  for (const { dcId, key } of auth.keys) authKeys.set(dcId, key);
  return new TdataAccount({
    index,
    userId: auth.userId,
    mainDcId: auth.mainDcId,
    authKeys,
    keysToDestroy: auth.keysToDestroy.map(({ dcId, key }) => ({
      dcId,
      authKey: key,
    })),
    testMode,
  });
}

/**
 * Reads a tdata folder.
 *
 * @param root The folder.
 * @param passcode The passcode given, if any.
 * @param source Where the files are (the disk by default).
 * @returns The accounts.
 */
export async function readFolder(
  root: string,
  passcode: string | undefined,
  source: TdataSource = diskSource,
): Promise<TdataAccounts> {
  if (!await source.isDirectory(root)) {
    throw new SessionFileError(
      root,
      "not a folder",
      "pass the path of the tdata folder",
    );
  }
  const keyFile = await readTdfFile(root, keyFileName(), source);
  if (keyFile === null) {
    throw new SessionFileError(
      root,
      "not a Telegram Desktop tdata folder (it has no key_datas)",
      "pass the tdata folder itself; a folder from Telegram Desktop before " +
        "2.2 must first be opened once by a current Telegram Desktop",
    );
  }
  const parts = splitKeyData(keyFile);
  const { localKey, hasPasscode } = await unlockLocalKey(
    keyFile,
    parts,
    passcode,
  );
  const list = decodeAccountList(
    await unseal(keyFile, parts.infoEncrypted, localKey),
  );
  if ("problem" in list) {
    throw damagedContent(
      keyFile,
      `not a usable account list (${list.problem})`,
    );
  }
  const { loaded, skipped, active } = await selectAccounts(
    list,
    async (index) => {
      const { auth, testMode } = await readAccount(
        source,
        root,
        index,
        localKey,
      );
      return {
        sessionId: sessionUniqueId(auth.userId, testMode === true),
        value: toAccount(index, auth, testMode),
      };
    },
  );
  if (active === null) {
    throw new SessionFileError(
      keyFile.path,
      "an account list with no account Telegram Desktop would load (" +
        skipped.map((s) => `${s.index}: ${s.reason}`).join(", ") + ")",
      "log in with Telegram Desktop first",
    );
  }
  return new TdataAccounts({
    accounts: loaded.map((a) => a.value),
    activeIndex: active,
    hasPasscode,
    version: keyFile.version,
    skipped,
  });
}
