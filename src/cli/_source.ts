// Where the CLI's session comes from: standard input (a session string), a
// session file of any library (read from a private copy, never modified),
// one account of a Telegram Desktop tdata folder (only read), or a text
// file holding a session string.

import { readFileSync } from "node:fs";
import process from "node:process";
import {
  PassphraseError,
  SessionError,
  SessionFileError,
  SessionStringError,
} from "../errors.ts";
import { readSessionFile } from "../files.ts";
import { MemoryStorage } from "../memory/memory_storage.ts";
import { decodedStorage } from "../_string_storage.ts";
import { Session } from "../session.ts";
import { hasSqliteMagic } from "../sqlite/_header.ts";
import { decodeSessionString } from "../strings/codec.ts";
import { isDirectory } from "../tdata/_read.ts";
import type { ForeignSession } from "../foreign/types.ts";
import { shownArgument, UsageError } from "./_args.ts";

/** A session opened from the CLI's SOURCE. */
export interface LoadedSource {
  /** What the source was, e.g. "telethon-string" or "pyrogram-file". */
  source: string;
  /** The session, in memory. */
  session: Session;
  /** Notes on how the source was read (for stderr). */
  notes: string[];
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write("mtsession: paste the session string, then Ctrl-D\n");
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(
      typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk,
    );
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

async function fromString(
  text: string,
  passphrase: string | undefined,
): Promise<LoadedSource> {
  const decoded = await decodeSessionString(
    text,
    passphrase === undefined ? {} : { passphrase },
  );
  return {
    source: `${decoded.format}-string`,
    session: await Session.open(await decodedStorage(decoded)),
    notes: [],
  };
}

/** What only a tdata folder takes: which account, its passcode. */
export interface TdataChoice {
  account: number | undefined;
  passcode: string | undefined;
}

/** Opens what SOURCE names. */
export async function loadSource(
  source: string | undefined,
  passphrase: string | undefined,
  tdata: TdataChoice = { account: undefined, passcode: undefined },
): Promise<LoadedSource> {
  const folder = source !== undefined && source !== "-" &&
    await isDirectory(source);
  if (!folder && tdata.account !== undefined) {
    throw new UsageError("--account is for a tdata folder SOURCE");
  }
  if (source === undefined || source === "-") {
    return await fromString(await readStdin(), passphrase);
  }
  if (folder) {
    const found = await readSessionFile(source, {
      ...(tdata.account === undefined ? {} : { account: tdata.account }),
      ...(tdata.passcode === undefined ? {} : { passcode: tdata.passcode }),
    });
    return await fromFound(found, "tdata-folder");
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(source);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const shown = shownArgument(source);
    throw new SessionError(
      code === "ENOENT"
        ? `no such file: ${shown}`
        : code === "EISDIR"
        ? `${shown} is a directory`
        : `cannot read ${shown} (${code ?? "error"})`,
    );
  }
  if (!hasSqliteMagic(bytes)) {
    try {
      return await fromString(new TextDecoder().decode(bytes), passphrase);
    } catch (e) {
      // A wrong or missing passphrase is the answer, not "not a session".
      if (
        !(e instanceof SessionStringError) || e instanceof PassphraseError ||
        bytes.length === 0
      ) throw e;
      throw new SessionFileError(
        source,
        "neither an SQLite session file nor a session string",
        "check the path",
        { cause: e },
      );
    }
  }
  // Straight into the storage, not through importSessionFile(): its
  // Session methods re-check every record, and a file whose counters are
  // out of range (an update state's pts beyond 2^31) is still shown.
  // readSessionFile() gives the peers oldest first, as putPeers wants.
  const found = await readSessionFile(source);
  return await fromFound(found, `${found.kind.library}-file`);
}

async function fromFound(
  found: ForeignSession,
  source: string,
): Promise<LoadedSource> {
  const storage = new MemoryStorage();
  await storage.setAuth(found.auth);
  if (found.dataCenters.length > 0) await storage.setDcs(found.dataCenters);
  if (found.authKeys.length > 0) await storage.setAuthKeys(found.authKeys);
  await storage.putPeers(found.peers);
  await storage.putUpdateStates(found.updateStates);
  await storage.putFiles(found.files);
  // What only an mtsession file holds.
  if (found.tempAuthKeys !== undefined) {
    await storage.setTempAuthKeys(found.tempAuthKeys);
  }
  if (found.values !== undefined) await storage.setValues(found.values);
  if (found.messageRefs !== undefined) {
    await storage.putMessageRefs(found.messageRefs);
  }
  return {
    source,
    session: await Session.open(storage),
    notes: found.notes.map((n) => `note: ${n}`),
  };
}
