// The browser page for SQLite in WebAssembly: the driver conformance suite
// on sql.js, and the session fixtures (fetched from the page's own origin)
// read from their bytes. What they read is handed back encoded, for the
// test runner to compare with what readSessionFile() reads from disk.

import initSqlJs from "sql.js";
import {
  fromSqlJs,
  readSessionBytes,
  type SqlJsStaticLike,
  writeSessionBytes,
} from "../../adapters/sqlite_wasm.ts";
import { describeSqliteDriver } from "../_driver_conformance.ts";
import { sqlJsPlace } from "../_sql_js.ts";
import { encodeExact } from "./_encode.ts";
import { runAndReport } from "./_report.ts";

const SQL = await initSqlJs({
  locateFile: (f: string) => `/${f}`,
}) as unknown as SqlJsStaticLike;
const files = fromSqlJs(SQL);
describeSqliteDriver(
  "sql.js (in the browser)",
  (path) => Promise.resolve(files.open(path)),
  sqlJsPlace(files),
);

const fixtures = await (await fetch("/fixtures.json")).json() as string[];
const sessions: Record<string, unknown> = {};
const written: Record<string, unknown> = {};
const sqlite = fromSqlJs(SQL);
for (const name of fixtures) {
  const bytes = new Uint8Array(
    await (await fetch(`/fixtures/${name}`)).arrayBuffer(),
  );
  const read = await readSessionBytes(bytes, sqlite, name);
  sessions[name] = encodeExact(read);
  // Written back in the page as an mtsession file, then read again.
  const mine = await writeSessionBytes("mtsession", read, sqlite);
  written[name] = encodeExact(await readSessionBytes(mine.bytes, sqlite));
}

await runAndReport(() => ({ sessions, written }));
