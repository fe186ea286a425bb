// Cold start of one subject in a new process: import the library, open a
// file that already holds N peers, look one peer up by id. Prints one JSON
// line with the import time and the open + lookup time (in-process,
// performance.now()); run.ts adds the wall time of the whole process.
//
//   <runtime> scripts/bench/cold.ts SUBJECT FILE ID
//
// Only node:process and a one-constant module are imported statically, so
// every subject pays for its own imports and nothing else.

import process from "node:process";
// One constant (raw-least maps as much as mtsession): nothing to load.
import { MMAP_BYTES } from "../../src/sqlite/_mmap.ts";

const start = performance.now();
const [subject, path, idText] = process.argv.slice(2) as [
  string,
  string,
  string,
];
const id = Number(idText);
const RUNTIME = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

async function load(specifier: string): Promise<Record<string, unknown>> {
  return await import(specifier);
}

interface Stmt {
  get(...params: unknown[]): unknown;
}
interface Db {
  exec(sql: string): unknown;
  prepare(sql: string): Stmt;
  close(): unknown;
}

let imported = 0;
let found: unknown;
let closeIt: () => unknown = () => {};

switch (subject) {
  case "raw":
  case "raw-least":
  case "raw-star": {
    // The least work: the driver, the file, one indexed SELECT (raw-least:
    // through a memory map, as worker.ts's; its row as an object here too,
    // for one row it makes no difference).
    const sql = `SELECT ${
      subject === "raw-star" ? "*" : "id, access_hash"
    } FROM peers WHERE id = ?`;
    const mmap = subject === "raw-least"
      ? `PRAGMA mmap_size = ${MMAP_BYTES}`
      : undefined;
    if (RUNTIME === "bun") {
      const { Database } = await load("bun:sqlite") as {
        Database: new (p: string, o: object) => Db;
      };
      imported = performance.now();
      const db = new Database(path, { readwrite: true, safeIntegers: true });
      if (mmap) db.exec(mmap);
      found = db.prepare(sql).get(id);
      closeIt = () => db.close();
    } else if (RUNTIME === "deno") {
      const { DatabaseSync } = await load("node:sqlite") as {
        DatabaseSync: new (p: string, o: object) => Db;
      };
      imported = performance.now();
      const db = new DatabaseSync(path, { readBigInts: true });
      if (mmap) db.exec(mmap);
      found = db.prepare(sql).get(id);
      closeIt = () => db.close();
    } else {
      const mod = await load("better-sqlite3");
      const Database = (mod.default ?? mod) as new (p: string) => Db & {
        defaultSafeIntegers(on: boolean): void;
      };
      imported = performance.now();
      const db = new Database(path);
      db.defaultSafeIntegers(true);
      if (mmap) db.exec(mmap);
      found = db.prepare(sql).get(id);
      closeIt = () => db.close();
    }
    break;
  }
  case "ours":
  case "ours-save": {
    const { openSession } = await import("../../mod.ts");
    imported = performance.now();
    const session = await openSession(path);
    found = await session.getInputPeer(id);
    closeIt = () => session.close();
    break;
  }
  case "mtcute": {
    const { openMtcute } = await import("./subjects.ts");
    const storage = await openMtcute(path, () => {
      imported = performance.now();
    });
    found = storage.peers.getById(id);
    closeIt = () => storage.driver.destroy();
    break;
  }
  default:
    throw new Error(`no cold start for ${subject}`);
}
const end = performance.now();
if (found === undefined || found === null) {
  throw new Error(`cold start: ${subject} did not find peer ${id}`);
}
await closeIt();
process.stdout.write(
  JSON.stringify({
    subject,
    importMs: imported - start,
    openLookupMs: end - imported,
    totalMs: end - start,
    sinceProcessStartMs: end,
  }) + "\n",
);
