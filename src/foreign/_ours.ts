// Reading an mtsession file through the same door as foreign ones (for
// `mtsession info FILE` and conversions): the database given is a copy.

import { SessionFileError } from "../errors.ts";
import type { SqliteDatabase } from "../sqlite/driver.ts";
import {
  migrate,
  OUR_TABLE,
  SCHEMA_VERSION,
  schemaVersion,
  tableNames,
} from "../sqlite/schema.ts";
import { SqliteStorage } from "../sqlite/sqlite_storage.ts";
import type { ForeignSession } from "./types.ts";

/** The id a `.session` file keeps its one session under. */
const FILE_SESSION_ID = "default";

/**
 * Reads the session of an mtsession file (a `.session` file, or a store
 * holding exactly one session), or returns undefined when the database is
 * not ours. The database must be a disposable copy: reading may write to it.
 */
export async function readOurFile(
  db: SqliteDatabase,
  path: string,
): Promise<ForeignSession | undefined> {
  if (!tableNames(db).includes(OUR_TABLE)) return undefined;
  try {
    return await readSession(db, path);
  } catch (e) {
    if (e instanceof SessionFileError) throw e;
    throw new SessionFileError(
      path,
      "a damaged mtsession file",
      "restore it from a copy",
      { cause: e },
    );
  }
}

async function readSession(
  db: SqliteDatabase,
  path: string,
): Promise<ForeignSession> {
  const schema = schemaVersion(db);
  if (schema > SCHEMA_VERSION) {
    throw new SessionFileError(
      path,
      `an mtsession file of schema ${schema}, newer than this version (${SCHEMA_VERSION})`,
      "upgrade mtsession",
    );
  }
  // An older file is read in today's schema: the copy is upgraded, the
  // file itself is not touched.
  if (schema < SCHEMA_VERSION) migrate(db, "file");
  const ids = db.prepare(
    "SELECT session_id FROM mts_sessions ORDER BY session_id",
  )
    .all().map((r) => String(r.session_id));
  const id = ids.includes(FILE_SESSION_ID)
    ? FILE_SESSION_ID
    : ids.length === 1
    ? ids[0]!
    : undefined;
  if (id === undefined) {
    throw new SessionFileError(
      path,
      `an mtsession store of ${ids.length} sessions`,
      "open it with openSessionStore() to pick one",
    );
  }
  const storage = new SqliteStorage(db, id);
  const [
    auth,
    peers,
    updateStates,
    files,
    dcs,
    authKeys,
    tempAuthKeys,
    values,
    messageRefs,
  ] = await Promise.all([
    storage.getAuth(),
    storage.listPeers(),
    storage.getUpdateStates(),
    storage.listFiles(),
    storage.getDcs(),
    storage.getAuthKeys(),
    storage.getTempAuthKeys(Date.now()),
    storage.listValues(),
    storage.listMessageRefs(),
  ]);
  return {
    kind: {
      library: "mtsession",
      flavor: "mtsession",
      schema,
      storedVersion: schema,
      description: `an mtsession file (schema ${schema})`,
    },
    auth,
    dataCenters: dcs,
    authKeys,
    peers: peers.sort((a, b) => a.updatedAt - b.updatedAt),
    updateStates,
    files,
    tempAuthKeys,
    values,
    messageRefs,
    notes: id === FILE_SESSION_ID ? [] : [`read session "${id}" of a store`],
  };
}
