// The browser page that measures the two SQLite-in-WebAssembly builds on
// npm side by side: how long each takes to start, to insert and to look up
// rows, and whether 64-bit integers survive binding and reading exactly.
// The wasm files are served beside the page (the page gets their bytes
// from its own origin). The figures go to `globalThis.__mtsessionDone`.

import initSqlJs from "sql.js";
import sqlite3InitModule from "@sqlite.org/sqlite-wasm";

const ROWS = 5000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const EDGES = [INT64_MIN, INT64_MAX, 2n ** 53n + 1n, -(2n ** 53n) - 1n];

/** One library's figures. */
export interface Measured {
  readonly library: string;
  readonly version: string;
  readonly startMs: number;
  readonly insertMs: number;
  readonly lookupMs: number;
  readonly exact64: boolean;
  readonly exactDetail: string;
}

function hash(i: number): bigint {
  return BigInt.asIntN(64, BigInt(i) * 0x9e3779b97f4a7c15n);
}

async function measureSqlJs(): Promise<Measured> {
  const t0 = performance.now();
  // deno-lint-ignore no-explicit-any
  const SQL: any = await initSqlJs({ locateFile: (f: string) => `/${f}` });
  const db = new SQL.Database();
  db.exec(
    "CREATE TABLE peers (id INTEGER PRIMARY KEY, hash INTEGER, name TEXT)",
  );
  const t1 = performance.now();
  db.exec("BEGIN");
  const insert = db.prepare("INSERT INTO peers VALUES (?, ?, ?)");
  for (let i = 0; i < ROWS; i++) {
    insert.run([5_000_000_000 + i, hash(i), `peer ${i}`]);
  }
  db.exec("COMMIT");
  const t2 = performance.now();
  const select = db.prepare("SELECT hash, name FROM peers WHERE id = ?");
  let found = 0;
  for (let i = 0; i < ROWS; i++) {
    select.bind([5_000_000_000 + i]);
    if (select.step()) {
      const [h] = select.get(null, { useBigInt: true });
      if (h === hash(i)) found++;
    }
    select.reset();
  }
  const t3 = performance.now();
  const bad: string[] = [];
  if (found !== ROWS) bad.push(`${ROWS - found} lookups wrong`);
  db.exec("CREATE TABLE e (v INTEGER)");
  const ins = db.prepare("INSERT INTO e VALUES (?)");
  for (const v of EDGES) ins.run([v]);
  const read = db.prepare("SELECT v FROM e");
  const back: bigint[] = [];
  while (read.step()) back.push(read.get(null, { useBigInt: true })[0]);
  if (back.join() !== EDGES.join()) bad.push(`read back ${back.join()}`);
  const count = db.prepare("SELECT count(*) FROM e WHERE v = ?");
  for (const v of EDGES) {
    const [n] = count.get([v], { useBigInt: true });
    if (n !== 1n) bad.push(`binding ${v} matched ${n}`);
    count.reset();
  }
  db.close();
  return {
    library: "sql.js",
    version: "1.17.0",
    startMs: t1 - t0,
    insertMs: t2 - t1,
    lookupMs: t3 - t2,
    exact64: bad.length === 0,
    exactDetail: bad.join("; ") || "±2^63 and 2^53±1 bind and read exactly",
  };
}

async function measureSqliteWasm(): Promise<Measured> {
  const t0 = performance.now();
  // deno-lint-ignore no-explicit-any
  const sqlite3: any = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(":memory:", "c");
  db.exec(
    "CREATE TABLE peers (id INTEGER PRIMARY KEY, hash INTEGER, name TEXT)",
  );
  const t1 = performance.now();
  db.exec("BEGIN");
  const insert = db.prepare("INSERT INTO peers VALUES (?, ?, ?)");
  for (let i = 0; i < ROWS; i++) {
    insert.bind([5_000_000_000 + i, hash(i), `peer ${i}`]).stepReset();
  }
  insert.finalize();
  db.exec("COMMIT");
  const t2 = performance.now();
  const select = db.prepare("SELECT hash, name FROM peers WHERE id = ?");
  let found = 0;
  for (let i = 0; i < ROWS; i++) {
    select.bind([5_000_000_000 + i]);
    if (select.step()) {
      const h = select.get(0);
      if (BigInt(h) === hash(i)) found++;
    }
    select.reset();
  }
  select.finalize();
  const t3 = performance.now();
  const bad: string[] = [];
  if (found !== ROWS) bad.push(`${ROWS - found} lookups wrong`);
  db.exec("CREATE TABLE e (v INTEGER)");
  const ins = db.prepare("INSERT INTO e VALUES (?)");
  for (const v of EDGES) ins.bind([v]).stepReset();
  ins.finalize();
  const read = db.prepare("SELECT v FROM e");
  const back: unknown[] = [];
  while (read.step()) back.push(read.get(0));
  read.finalize();
  if (back.map(String).join() !== EDGES.join()) {
    bad.push(`read back ${back.join()}`);
  }
  if (back.some((v) => typeof v !== "bigint")) bad.push("not bigint");
  const count = db.prepare("SELECT count(*) FROM e WHERE v = ?");
  for (const v of EDGES) {
    count.bind([v]).step();
    const n = count.get(0);
    if (Number(n) !== 1) bad.push(`binding ${v} matched ${n}`);
    count.reset();
  }
  count.finalize();
  db.close();
  return {
    library: "@sqlite.org/sqlite-wasm",
    version: String(sqlite3.version.libVersion),
    startMs: t1 - t0,
    insertMs: t2 - t1,
    lookupMs: t3 - t2,
    exact64: bad.length === 0,
    exactDetail: bad.join("; ") || "±2^63 and 2^53±1 bind and read exactly",
  };
}

// Each twice: the start of the first (cold) run, the inserts and lookups
// of the second (warm: JIT, caches) are what count.
const results: Measured[][] = [];
for (let round = 0; round < 2; round++) {
  results.push([await measureSqlJs(), await measureSqliteWasm()]);
}
const doc = (globalThis as unknown as {
  document: { body: { append(t: string): void } };
}).document;
doc.body.append(JSON.stringify(results));
(globalThis as { __mtsessionDone?: unknown }).__mtsessionDone = results;
