// `mtsession convert`: a session to any string format, on stdout or into a
// file created with mode 0600 (never replacing one unless --force), or to
// a new Telegram Desktop tdata folder (never replacing anything).

import { writeFileSync } from "node:fs";
import { placePrivateFile } from "../_private_file.ts";
import { SessionError, type StringFormat } from "../errors.ts";
import type { Session } from "../session.ts";
import {
  type ForeignData,
  type SessionFileFormat,
  writeSessionFile,
} from "../files.ts";
import { droppedFields } from "../strings/codec.ts";
import { STRING_FORMATS } from "../strings/types.ts";
import { UsageError } from "./_args.ts";

const FILE_FORMATS: Record<string, SessionFileFormat> = {
  "telethon-file": "telethon",
  "telethon2-file": "telethon2",
  "pyrogram-file": "pyrogram",
  "mtsession-file": "mtsession",
};

/** What `convert` was asked to do. */
export interface ConvertRequest {
  to: string;
  out: string | undefined;
  force: boolean;
  apiId: number | undefined;
  userId: number | undefined;
  isBot: boolean;
  testMode: boolean;
  passphrase: string | undefined;
  passcode: string | undefined;
}

/** Writes a file with mode 0600; refuses to replace one unless forced. */
async function writeSecretFile(
  path: string,
  data: string,
  force: boolean,
): Promise<void> {
  const exists = (): Error =>
    new SessionError(`${path} exists: pass --force to replace it`);
  try {
    await placePrivateFile(path, force, exists, (tmp) => {
      writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
    });
  } catch (e) {
    if (e instanceof SessionError) throw e;
    const code = (e as { code?: string }).code;
    throw new SessionError(`cannot write ${path} (${code ?? "error"})`);
  }
}

/**
 * Everything of a session but its auth state. The temporary keys, values
 * and message references are kept by an mtsession file; the other
 * formats have no place for them (their writers' notes say so).
 */
async function whole(session: Session): Promise<Omit<ForeignData, "auth">> {
  return {
    dataCenters: session.dataCenters,
    authKeys: session.authKeys(),
    peers: await session.listPeers(),
    updateStates: await session.getUpdateStates(),
    files: await session.listCachedFiles(),
    tempAuthKeys: await session.tempAuthKeys(),
    values: await session.listValues(),
    messageRefs: await session.listMessageRefs(),
  };
}

/**
 * Writes a new tdata folder with the session's account: every DC's key.
 * The folder is built beside `--out` and renamed into place; only a new
 * path or an empty folder is written to.
 */
async function toTdata(
  session: Session,
  request: ConvertRequest,
): Promise<string[]> {
  if (request.out === undefined) {
    throw new UsageError("--to tdata needs --out DIR (a new folder)");
  }
  if (request.force) {
    throw new UsageError(
      "--force does not apply to --to tdata: a folder is never replaced; " +
        "give a new path or an empty folder",
    );
  }
  const { tdataAccountOf } = await import("../foreign/_tdata.ts");
  const { writeTdata } = await import("../tdata/tdata.ts");
  const { account, notes } = tdataAccountOf({
    auth: session.getAuth(),
    ...await whole(session),
  }, {
    userId: request.userId,
    testMode: request.testMode ? true : undefined,
  });
  await writeTdata(
    request.out,
    { accounts: [account] },
    request.passcode === undefined ? {} : { passcode: request.passcode },
  );
  return notes.map((n) => `note: ${n}`);
}

/** Converts; returns notes for stderr. */
export async function convert(
  session: Session,
  request: ConvertRequest,
  write: (text: string) => void,
): Promise<string[]> {
  if (request.to === "tdata") return await toTdata(session, request);
  const fileFormat = FILE_FORMATS[request.to];
  if (fileFormat !== undefined) {
    if (request.out === undefined) {
      throw new UsageError(`--to ${request.to} needs --out PATH`);
    }
    const auth = session.getAuth();
    const filled = {
      ...auth,
      apiId: auth.apiId ?? request.apiId ?? null,
      userId: auth.userId ?? request.userId ?? null,
      // Without --bot the account is a user, for formats that must say so.
      isBot: auth.isBot ??
        (request.isBot ? true : fileFormat === "pyrogram" ? false : null),
      testMode: auth.testMode ?? (request.testMode ? true : null),
    };
    const notes = await writeSessionFile(request.out, fileFormat, {
      auth: filled,
      ...await whole(session),
    }, { force: request.force });
    return notes.map((n) => `note: ${n}`);
  }
  const format = request.to as StringFormat;
  if (!STRING_FORMATS.includes(format)) {
    throw new UsageError(
      `unknown format "${request.to}": use one of ${
        STRING_FORMATS.join(", ")
      }, ${Object.keys(FILE_FORMATS).join(", ")}, tdata`,
    );
  }
  const text = await session.exportString(format, {
    ...(request.apiId === undefined ? {} : { apiId: request.apiId }),
    ...(request.userId === undefined ? {} : { userId: request.userId }),
    isBot: request.isBot,
    // Without --test-mode, the session's own flag or its address decides.
    ...(request.testMode ? { testMode: true } : {}),
    ...(request.passphrase === undefined || format !== "mtsession"
      ? {}
      : { passphrase: request.passphrase }),
  });
  const notes: string[] = [];
  const dropped = droppedFields(session.getAuth(), format, {
    dataCenters: session.dataCenters,
    authKeys: session.authKeys(),
  });
  if (dropped.length > 0) {
    notes.push(
      `note: a ${format} string does not carry ${dropped.join(", ")}; ` +
        `${dropped.length === 1 ? "it is" : "they are"} left out`,
    );
  }
  if (request.out === undefined) write(text + "\n");
  else await writeSecretFile(request.out, text + "\n", request.force);
  return notes;
}
