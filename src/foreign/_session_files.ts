// What the public functions of files.ts do. Private to the library;
// loaded on the first call of readSessionFile, writeSessionFile or
// importSessionFile (opening a session file never needs it).

import { SessionFileError } from "../errors.ts";
import type {
  ImportSessionFileOptions,
  ReadSessionFileOptions,
  SessionFileFormat,
} from "../file_options.ts";
import { MemoryStorage } from "../memory/memory_storage.ts";
import { Session } from "../session.ts";
import type { SqliteDriverName } from "../sqlite/driver.ts";
import type { ForeignData, ForeignSession } from "./types.ts";
import { fill } from "./_fill.ts";

/** What `readSessionFile` of files.ts does (see there). */
export async function readSessionFile(
  path: string,
  options: ReadSessionFileOptions = {},
): Promise<ForeignSession> {
  const { loadFs } = await import("../sqlite/_fs.ts");
  const fs = await loadFs();
  let isFolder = false;
  try {
    isFolder = typeof path === "string" && fs.statSync(path).isDirectory();
  } catch {
    // missing or unreadable: the file reader says which
  }
  if (isFolder) {
    const { readTdataSession } = await import("./_tdata.ts");
    return await readTdataSession(path, {
      account: options.account,
      passcode: options.passcode,
    });
  }
  const { readSessionFile } = await import("./_file.ts");
  return await readSessionFile(
    path,
    options.driver === undefined ? {} : { driver: options.driver },
  );
}

/** What `writeSessionFile` of files.ts does (see there). */
export async function writeSessionFile(
  path: string,
  format: SessionFileFormat,
  data: ForeignData,
  options: { force?: boolean; driver?: SqliteDriverName } = {},
): Promise<string[]> {
  if (format !== "mtsession") {
    const { writeSessionFile } = await import("./_file.ts");
    return await writeSessionFile(path, format, data, options);
  }
  await writeOurFile(
    path,
    data,
    options.force === true,
    (cause) =>
      new SessionFileError(
        path,
        "an existing file",
        "pass { force: true } to replace it",
        cause === undefined ? undefined : { cause },
      ),
    options.driver,
  );
  return [];
}

/** What `importSessionFile` of files.ts does (see there). */
export async function importSessionFile(
  path: string,
  options: ImportSessionFileOptions = {},
): Promise<Session> {
  const { into, driver, account, passcode, ...sessionOptions } = options;
  const read = (): Promise<ForeignSession> =>
    readSessionFile(path, {
      ...(driver === undefined ? {} : { driver }),
      ...(account === undefined ? {} : { account }),
      ...(passcode === undefined ? {} : { passcode }),
    });
  if (into === undefined) {
    const storage = new MemoryStorage();
    await fill(storage, await read());
    return await Session.open(storage, sessionOptions);
  }
  if (typeof into !== "string") {
    await fill(into, await read());
    return await Session.open(into, sessionOptions);
  }
  const { sessionFileName } = await import("../sqlite/_names.ts");
  const { loadFs } = await import("../sqlite/_fs.ts");
  const { openFileStorage, refuseDirectoryName } = await import(
    "../sqlite/session_file.ts"
  );
  const target = sessionFileName(into);
  const exists = (cause?: unknown): SessionFileError =>
    new SessionFileError(
      target,
      "an existing file",
      "import into a new name",
      cause === undefined ? undefined : { cause },
    );
  const fs = await loadFs();
  const there = fs.statSync(target, { throwIfNoEntry: false });
  if (there?.isDirectory()) {
    throw new SessionFileError(target, "a directory", "import into a new name");
  }
  if (there !== undefined) throw exists();
  if (target !== into) refuseDirectoryName(into, fs);
  await writeOurFile(target, await read(), false, exists, driver);
  const storage = await openFileStorage(
    target,
    driver === undefined ? {} : { driver },
  );
  try {
    return await Session.open(storage, sessionOptions);
  } catch (e) {
    await storage.close();
    throw e;
  }
}

/**
 * Writes an mtsession file holding `data` at `path` the one way a private
 * file is put in place: filled under a temporary name beside it, closed
 * (so no lock is held and nothing waits in a -wal), then linked or renamed
 * there. A kill or a failure leaves nothing at `path`.
 */
async function writeOurFile(
  path: string,
  data: ForeignData,
  force: boolean,
  exists: (cause?: unknown) => Error,
  driver: SqliteDriverName | undefined,
): Promise<void> {
  const { placePrivateFile } = await import("../_private_file.ts");
  const { openFileStorage } = await import("../sqlite/session_file.ts");
  await placePrivateFile(path, force, exists, async (tmp) => {
    const storage = await openFileStorage(
      tmp,
      driver === undefined ? {} : { driver },
    );
    try {
      await fill(storage, data);
    } finally {
      await storage.close();
    }
  });
}
