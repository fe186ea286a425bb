// Telling Telethon's session files apart: v1 by its `sessions` and
// `entities` tables (the schema, 1–7, by the columns each one added), the
// Telethon 2 rewrite by its `datacenter` table. Private to src/foreign/.

import type { SqliteDatabase } from "../../sqlite/driver.ts";
import type { Detected } from "../_detected.ts";
import {
  hasColumn,
  hasTable,
  type SchemaInfo,
  storedVersion,
} from "../_schema.ts";
import {
  DATACENTER,
  ENTITIES,
  ENTITY_DATE,
  SENT_FILES,
  SENT_FILES_2,
  SESSIONS,
  TAKEOUT_ID,
  UPDATE_STATE,
  VERSION,
} from "./_layout.ts";

/**
 * Whether the database is a Telethon session file, and which.
 *
 * @param db The connection.
 * @param s Its schema.
 * @returns The flavour and schema, or undefined for any other database.
 */
export function detectTelethon(
  db: SqliteDatabase,
  s: SchemaInfo,
): Detected | undefined {
  if (!hasTable(s, VERSION)) return undefined;
  // v1: version(version), sessions, entities.
  if (hasTable(s, SESSIONS) && hasTable(s, ENTITIES)) {
    const stored = storedVersion(db, "version");
    return { flavor: "telethon", schema: v1Schema(s, stored), stored };
  }
  // Telethon 2: version(version), datacenter; every v1 table dropped.
  if (hasTable(s, DATACENTER)) {
    return {
      flavor: "telethon2",
      schema: 10,
      stored: storedVersion(db, "version"),
    };
  }
  return undefined;
}

/** The v1 schema, by the newest change the tables show. */
function v1Schema(s: SchemaInfo, stored: number | null): number | null {
  if (hasColumn(s, ENTITIES.name, ENTITY_DATE)) return 7;
  if (hasColumn(s, SESSIONS.name, TAKEOUT_ID)) {
    // 6 only emptied `entities`: the layouts of 5 and 6 are the same.
    return stored === 5 || stored === 6 ? stored : null;
  }
  if (s.tables.has(UPDATE_STATE.name)) return 4;
  if (hasColumn(s, SENT_FILES.name, "type")) return 3;
  if (hasColumn(s, SENT_FILES.name, SENT_FILES_2)) return 2;
  if (!s.tables.has(SENT_FILES.name)) return 1;
  return null;
}
