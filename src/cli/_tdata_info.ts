// `mtsession info path/to/tdata`: every account of a Telegram Desktop
// folder, every DC with its key id (the key itself only with --show-key).
// The folder is only read.

import { toHex as hex } from "../_hex.ts";
import { tdataRoot } from "../foreign/_tdata.ts";
import { dcAddress } from "../strings/dc_table.ts";
import { formatVersion } from "../tdata/_tdf.ts";
import { readTdata, type TdataAccount } from "../tdata/tdata.ts";
import { authKeyId } from "./_info.ts";

async function account(
  a: TdataAccount,
  active: boolean,
  showKey: boolean,
): Promise<Record<string, unknown>> {
  const testMode = a.testMode === true;
  const dataCenters: Record<string, unknown>[] = [];
  for (const [id, key] of a.authKeys) {
    const address = dcAddress(id, testMode);
    dataCenters.push({
      id,
      main: id === a.mainDcId,
      ipv4: address?.address ?? null,
      port: address?.port ?? null,
      authKeyId: await authKeyId(key),
      ...(showKey ? { authKey: hex(key) } : {}),
    });
  }
  const keysToDestroy: Record<string, unknown>[] = [];
  for (const k of a.keysToDestroy) {
    keysToDestroy.push({
      dcId: k.dcId,
      authKeyId: await authKeyId(k.authKey),
      ...(showKey ? { authKey: hex(k.authKey) } : {}),
    });
  }
  return {
    index: a.index,
    active,
    userId: typeof a.userId === "bigint" ? a.userId.toString() : a.userId,
    mainDcId: a.mainDcId,
    testMode: a.testMode ?? null,
    dataCenters,
    keysToDestroy,
  };
}

/**
 * The JSON object `info --json` prints for a tdata folder.
 *
 * @param path The tdata folder (or the folder holding it).
 * @param passcode Its local passcode, if any.
 * @param showKey Whether to add the keys.
 * @returns The object.
 */
export async function tdataInfoObject(
  path: string,
  passcode: string | undefined,
  showKey: boolean,
): Promise<Record<string, unknown>> {
  const root = await tdataRoot(path);
  const found = await readTdata(
    root,
    passcode === undefined ? {} : { passcode },
  );
  const accounts: Record<string, unknown>[] = [];
  for (const a of found.accounts) {
    accounts.push(await account(a, a.index === found.activeIndex, showKey));
  }
  return {
    source: "tdata-folder",
    folder: root,
    version: formatVersion(found.version),
    hasPasscode: found.hasPasscode,
    activeIndex: found.activeIndex,
    accounts,
    skipped: found.skipped.map((s) => ({ ...s })),
  };
}

/**
 * The human-readable `info` text of a tdata folder.
 *
 * @param o What {@linkcode tdataInfoObject} returned.
 * @returns The text.
 */
export function tdataInfoText(o: Record<string, unknown>): string {
  const accounts = o.accounts as Array<Record<string, unknown>>;
  const lines = [
    `source       tdata-folder`,
    `folder       ${o.folder}`,
    `written by   Telegram Desktop ${o.version}`,
    `passcode     ${o.hasPasscode ? "yes" : "no"}`,
    `accounts     ${accounts.length} (active ${o.activeIndex}${
      accounts.length > 1 ? "; convert one with --account N" : ""
    })`,
  ];
  for (const a of accounts) {
    lines.push(`account ${a.index}${a.active ? " (active)" : ""}`);
    lines.push(
      `  user id      ${a.userId === 0 ? "0 (not logged in)" : a.userId}`,
    );
    lines.push(`  main dc      ${a.mainDcId}`);
    lines.push(
      `  test mode    ${
        a.testMode === null ? "false (no config)" : a.testMode
      }`,
    );
    for (const d of a.dataCenters as Array<Record<string, unknown>>) {
      const name = `DC ${d.id}${d.main ? " (main)" : ""}`;
      const address = d.ipv4 === null ? "no address" : `${d.ipv4}:${d.port}`;
      lines.push(
        `  ${name.padEnd(12)} ${address}, auth key id ${d.authKeyId}${
          "authKey" in d ? ` key ${d.authKey}` : ""
        }`,
      );
    }
    for (const k of a.keysToDestroy as Array<Record<string, unknown>>) {
      lines.push(
        `  to destroy   DC ${k.dcId}, auth key id ${k.authKeyId}${
          "authKey" in k ? ` key ${k.authKey}` : ""
        }`,
      );
    }
  }
  for (const s of o.skipped as Array<Record<string, unknown>>) {
    lines.push(`skipped      account ${s.index} (${s.reason})`);
  }
  const shown = accounts.some((a) =>
    (a.dataCenters as object[]).some((d) => "authKey" in d)
  );
  if (!shown) {
    lines.push("auth keys    hidden (--show-key prints them)");
  }
  return lines.join("\n") + "\n";
}
