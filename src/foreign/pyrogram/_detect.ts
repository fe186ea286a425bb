// Telling Pyrogram's session files and its forks' apart. The number in
// `version` is no identity: the forks reuse the same numbers for different
// layouts (Kurigram's schema 4 drops `peers.username`, pyrofork's keeps
// it), and PyroTGFork's `AioSQLiteStorage` adds 4 to it on every open. So
// the layout decides; the number only separates layouts that are identical
// (Pyrogram 1 and 2). Private to src/foreign/.

import type { SqliteDatabase } from "../../sqlite/driver.ts";
import type { Detected } from "../_detected.ts";
import {
  hasColumn,
  hasTable,
  type SchemaInfo,
  storedVersion,
} from "../_schema.ts";
import {
  KURIGRAM_USERNAMES,
  KURIGRAM_USERNAMES_INDEX,
  PEER_USERNAME,
  PEERS,
  PYROFORK_USERNAMES,
  SESSION_ADDRESS,
  SESSION_API_ID,
  SESSIONS,
  UPDATE_STATE,
  VERSION,
} from "./_layout.ts";

/**
 * Whether the database is a session file of Pyrogram or a fork, and which.
 *
 * @param db The connection.
 * @param s Its schema.
 * @returns The flavour and schema, or undefined for any other database.
 */
export function detectPyrogram(
  db: SqliteDatabase,
  s: SchemaInfo,
): Detected | undefined {
  // version(number), sessions, peers.
  if (!hasTable(s, VERSION) || !hasTable(s, SESSIONS) || !hasTable(s, PEERS)) {
    return undefined;
  }
  const stored = storedVersion(db, "number");
  const updateState = s.tables.has(UPDATE_STATE.name);
  if (hasColumn(s, PYROFORK_USERNAMES.name, "peer_id")) {
    return { flavor: "pyrofork", schema: updateState ? 4 : null, stored };
  }
  if (hasTable(s, KURIGRAM_USERNAMES)) {
    return { flavor: "kurigram", schema: kurigramSchema(s), stored };
  }
  if (
    s.tables.has(KURIGRAM_USERNAMES.name) ||
    !hasColumn(s, PEERS.name, PEER_USERNAME)
  ) {
    return undefined;
  }
  if (updateState) return { flavor: "pyrofork", schema: 4, stored };
  if (hasColumn(s, SESSIONS.name, SESSION_API_ID)) {
    return { flavor: "pyrogram", schema: 3, stored };
  }
  // 2 only emptied `peers`: the layouts of 1 and 2 are the same.
  return {
    flavor: "pyrogram",
    schema: stored === 1 || stored === 2 ? stored : null,
    stored,
  };
}

/** Kurigram's schema, by the newest change the tables show. */
function kurigramSchema(s: SchemaInfo): number {
  // peers.username may still be there in files migrated from 3.
  if (hasColumn(s, SESSIONS.name, SESSION_ADDRESS[0])) return 7;
  if (s.indexes.has(KURIGRAM_USERNAMES_INDEX)) return 6;
  if (s.tables.has(UPDATE_STATE.name)) return 5;
  return 4;
}
