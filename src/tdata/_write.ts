// Writing a new tdata folder: what Domain::writeAccounts,
// Account::writeMtpData, writeMap and writeMtpConfig
// (storage/storage_domain.cpp, storage/storage_account.cpp) would write for
// these accounts, every file as `<name>s` with TDF version 6.0.0.
// Private to the library.

import { encodeAccountList } from "./_account_list.ts";
import { encodeConfig } from "./_config.ts";
import { sealEncrypted } from "./_encrypted.ts";
import { buildKeyData } from "./_key_data.ts";
import { KEY_SIZE } from "./_local_key.ts";
import { buildEmptyMap } from "./_map.ts";
import { encodeMtpData } from "./_mtp_authorization.ts";
import { accountDataName, filePart, keyFileName } from "./_names.ts";
import { ByteWriter } from "../strings/_bytes.ts";
import { writeQByteArray } from "./_qt_stream.ts";
import { buildTdf, WRITE_VERSION } from "./_tdf.ts";
import { type FolderFile, writeFolder } from "./_write_folder.ts";
import type { TdataAccount } from "./accounts.ts";

async function accountFiles(
  account: TdataAccount,
  localKey: Uint8Array,
): Promise<FolderFile[]> {
  const part = filePart(accountDataName(account.index));
  const mtp = encodeMtpData({
    userId: BigInt(account.userId),
    mainDcId: account.mainDcId,
    keys: [...account.authKeys].map(([dcId, key]) => ({ dcId, key })),
    keysToDestroy: account.keysToDestroy.map((k) => ({
      dcId: k.dcId,
      key: k.authKey,
    })),
  });
  const files: FolderFile[] = [
    {
      name: `${part}s`,
      data: buildTdf(await sealEncrypted(mtp, localKey), WRITE_VERSION),
    },
    {
      name: `${part}/maps`,
      data: buildTdf(await buildEmptyMap(localKey), WRITE_VERSION),
    },
  ];
  if (account.testMode !== undefined) {
    const w = new ByteWriter();
    writeQByteArray(w, encodeConfig(account.testMode));
    files.push({
      name: `${part}/configs`,
      data: buildTdf(await sealEncrypted(w.finish(), localKey), WRITE_VERSION),
    });
  }
  return files;
}

/**
 * Writes a tdata folder for checked accounts.
 *
 * @param path The folder to create.
 * @param plan The accounts (checked) and the active index.
 * @param passcode The local passcode, empty for none.
 */
export async function writeFolderFor(
  path: string,
  plan: { accounts: readonly TdataAccount[]; activeIndex: number },
  passcode: string,
): Promise<void> {
  const localKey = crypto.getRandomValues(new Uint8Array(KEY_SIZE));
  const info = encodeAccountList(
    plan.accounts.map((a) => a.index),
    plan.activeIndex,
  );
  const files: FolderFile[] = [{
    name: `${keyFileName()}s`,
    data: buildTdf(
      await buildKeyData(localKey, passcode, info),
      WRITE_VERSION,
    ),
  }];
  for (const account of plan.accounts) {
    files.push(...await accountFiles(account, localKey));
  }
  await writeFolder(path, files);
}
