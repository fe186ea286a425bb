// deno-lint-ignore-file no-console
// Load test of the PostgreSQL storage: N sessions, each receiving M peer
// updates per second, spread over P child processes of the same runtime,
// for T seconds. Every tick, each session stores its share of updates and
// writes them as one batch (one transaction); the time of each batch write
// is recorded. At the end the parent reads every session back and checks
// that every peer written has the last access hash written for it.
//
//   eval "$(bash scripts/postgres.sh start)"
//   node scripts/load_postgres.ts --sessions 8 --rate 500 --procs 4 --seconds 10
//   bun scripts/load_postgres.ts …   deno run -A scripts/load_postgres.ts …
//
// Only a server on 127.0.0.1 / localhost is accepted; the load runs in a
// schema of its own (mtsession_load_<pid>), dropped at the end unless
// --keep. Everything is bounded: at most 120 s, 200 sessions, 16
// processes, 20000 updates/s per session; children are killed 60 s after
// the deadline if they have not stopped.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { openPostgresStore, type PostgresStore } from "../adapters/postgres.ts";
import type { PeerRecord, Session } from "../mod.ts";

interface Options {
  url: string;
  sessions: number;
  rate: number;
  procs: number;
  seconds: number;
  peers: number;
  tickMs: number;
  keep: boolean;
}

const LIMITS = { sessions: 200, rate: 20_000, procs: 16, seconds: 120 };

function fail(message: string): never {
  console.error(`load_postgres: ${message}`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    url: process.env.DATABASE_URL ?? "",
    sessions: 8,
    rate: 500,
    procs: 4,
    seconds: 10,
    peers: 2000,
    tickMs: 100,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => argv[++i] ?? fail(`${a} needs a value`);
    const int = (max: number): number => {
      const n = Number(next());
      if (!Number.isInteger(n) || n < 1 || n > max) {
        fail(`${a} must be an integer from 1 to ${max}`);
      }
      return n;
    };
    switch (a) {
      case "--url":
        o.url = next();
        break;
      case "--sessions":
        o.sessions = int(LIMITS.sessions);
        break;
      case "--rate":
        o.rate = int(LIMITS.rate);
        break;
      case "--procs":
        o.procs = int(LIMITS.procs);
        break;
      case "--seconds":
        o.seconds = int(LIMITS.seconds);
        break;
      case "--peers":
        o.peers = int(1_000_000);
        break;
      case "--tick-ms":
        o.tickMs = int(10_000);
        break;
      case "--keep":
        o.keep = true;
        break;
      default:
        fail(`unknown argument ${a}`);
    }
  }
  if (o.url === "") fail("set DATABASE_URL or pass --url");
  let host: string;
  try {
    host = new URL(o.url).hostname;
  } catch {
    fail("the URL cannot be parsed");
  }
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    fail(`only a server on 127.0.0.1 is load-tested, not ${host}`);
  }
  o.procs = Math.min(o.procs, o.sessions);
  return o;
}

/** The access hash of the n-th update of a session: spread over ±2^63. */
function hashOf(session: number, n: number): bigint {
  return BigInt.asIntN(
    64,
    (BigInt(n) * 0x9e3779b97f4a7c15n) ^ (BigInt(session) << 48n),
  );
}

interface ChildReport {
  latencies: number[];
  written: number;
  batches: number;
  last: Record<string, Array<[number, string]>>;
}

// ---- child: write the load --------------------------------------------------

async function child(
  o: Options,
  schema: string,
  mine: number[],
  start: number,
  reportPath: string,
): Promise<void> {
  const deadline = start + o.seconds * 1000;
  const store = await openPostgresStore(o.url, {
    schema,
    flushDelayMs: 3_600_000, // batches are written explicitly, one per tick
    maxBatch: 1_000_000,
    max: Math.min(mine.length + 2, 20),
  });
  const latencies: number[] = [];
  const last: ChildReport["last"] = {};
  let written = 0;
  let batches = 0;
  const perTick = Math.max(1, Math.round(o.rate * o.tickMs / 1000));

  async function drive(index: number, session: Session): Promise<void> {
    const lastHash = new Map<number, bigint>();
    let n = 0;
    let rand = (index + 1) * 2654435761 >>> 0;
    const next = (): number => {
      rand ^= rand << 13;
      rand ^= rand >>> 17;
      rand ^= rand << 5;
      return (rand >>> 0) / 4294967296;
    };
    for (let tick = start; Date.now() < deadline; tick += o.tickMs) {
      const records: PeerRecord[] = [];
      for (let k = 0; k < perTick; k++) {
        const id = 1 + Math.floor(next() * o.peers);
        const hash = hashOf(index, n++);
        lastHash.set(id, hash);
        records.push({
          id,
          type: "user",
          accessHash: hash,
          // A few usernames and phones move between peers.
          usernames: [`p${id}`, ...(next() < 0.05 ? ["contested"] : [])],
          phone: next() < 0.1 ? `7999${id % 1000}` : null,
          name: next() < 0.5 ? `Peer ${id}` : null,
          updatedAt: Math.floor(Date.now() / 1000),
        });
      }
      await session.storage.putPeers(records);
      const started = performance.now();
      await session.storage.flush();
      latencies.push(performance.now() - started);
      written += records.length;
      batches++;
      const wait = tick + o.tickMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    last[`s${index}`] = [...lastHash].map(([id, h]) => [id, String(h)]);
  }

  const sessions = await Promise.all(mine.map((i) => store.open(`s${i}`)));
  await new Promise((r) => setTimeout(r, Math.max(0, start - Date.now())));
  await Promise.all(sessions.map((s, k) => drive(mine[k]!, s)));
  await store.close();
  const report: ChildReport = { latencies, written, batches, last };
  writeFileSync(reportPath, JSON.stringify(report));
}

// ---- parent: start, collect, verify ----------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function runChild(
  o: Options,
  schema: string,
  mine: number[],
  start: number,
  reportPath: string,
): Promise<ChildReport> {
  const deadline = start + o.seconds * 1000;
  const script = fileURLToPath(import.meta.url);
  const args = [
    script,
    "--child",
    JSON.stringify({ o, schema, mine, start, reportPath }),
  ];
  const argv = "Deno" in globalThis ? ["run", "-A", ...args] : args;
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, argv, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DATABASE_URL: o.url },
    });
    const killer = setTimeout(
      () => c.kill("SIGKILL"),
      deadline - Date.now() + 60_000,
    );
    c.on("close", (code) => {
      clearTimeout(killer);
      if (code !== 0) reject(new Error(`child exited with ${code}`));
      else {
        resolve(JSON.parse(readFileSync(reportPath, "utf8")) as ChildReport);
      }
    });
  });
}

async function parent(o: Options): Promise<void> {
  const schema = `mtsession_load_${process.pid}`;
  const runtime = "Deno" in globalThis
    ? `deno ${
      (globalThis as { Deno?: { version: { deno: string } } }).Deno!.version
        .deno
    }`
    : "Bun" in globalThis
    ? `bun ${(process.versions as Record<string, string>).bun}`
    : `node ${process.versions.node}`;
  console.log(
    `load: ${o.sessions} sessions × ${o.rate} peer updates/s, ${o.procs} ` +
      `processes, ${o.seconds} s, ${o.peers} distinct peers per session, ` +
      `one batch per session every ${o.tickMs} ms (${runtime})`,
  );
  let result: { ok: boolean; checked: number; missing: number; wrong: number };
  try {
    let store: PostgresStore = await openPostgresStore(o.url, { schema });
    await store.close(); // the schema exists before the children race
    const plan: number[][] = Array.from({ length: o.procs }, () => []);
    for (let i = 0; i < o.sessions; i++) plan[i % o.procs]!.push(i);
    // Children connect and open their sessions first; all start together.
    const start = Date.now() + 2000 + 100 * o.procs;
    const started = performance.now();
    const dir = mkdtempSync(join(tmpdir(), "mtsession-load-"));
    let reports: ChildReport[];
    try {
      reports = await Promise.all(
        plan.map((mine, k) =>
          runChild(o, schema, mine, start, join(dir, `child${k}.json`))
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const elapsed = (performance.now() - started) / 1000;

    const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const written = reports.reduce((n, r) => n + r.written, 0);
    const batches = reports.reduce((n, r) => n + r.batches, 0);
    const expected = o.sessions * o.rate * o.seconds;
    console.log(
      `written: ${written} peer updates in ${batches} batches ` +
        `(target ${expected}); ${Math.round(written / o.seconds)} updates/s, ` +
        `${
          Math.round(batches / o.seconds)
        } batches/s over the ${o.seconds} s ` +
        `window (${elapsed.toFixed(1)} s wall with start-up)`,
    );
    console.log(
      `batch write latency (ms): p50 ${
        percentile(latencies, 0.5).toFixed(1)
      }, ` +
        `p90 ${percentile(latencies, 0.9).toFixed(1)}, p99 ${
          percentile(latencies, 0.99).toFixed(1)
        }, max ${(latencies.at(-1) ?? 0).toFixed(1)}`,
    );

    store = await openPostgresStore(o.url, { schema });
    let checked = 0;
    let missing = 0;
    let wrong = 0;
    for (const r of reports) {
      for (const [sid, entries] of Object.entries(r.last)) {
        const session = await store.open(sid);
        const peers = new Map(
          (await session.storage.listPeers()).map((p) => [p.id, p.accessHash]),
        );
        for (const [id, hash] of entries) {
          checked++;
          const got = peers.get(id);
          if (got === undefined) missing++;
          else if (got !== BigInt(hash)) wrong++;
        }
        if (peers.size !== entries.length) {
          console.log(
            `${sid}: ${peers.size} peers stored, ${entries.length} written`,
          );
          wrong++;
        }
        await session.close();
      }
    }
    await store.close();
    result = { ok: missing === 0 && wrong === 0, checked, missing, wrong };
  } finally {
    if (!o.keep) await dropSchema(o.url, schema);
  }
  const { ok, checked, missing, wrong } = result;
  console.log(
    `verify: ${checked} peers checked, ${missing} missing, ${wrong} with ` +
      `another hash: ${ok ? "nothing lost" : "LOST UPDATES"}`,
  );
  process.exit(ok ? 0 : 1);
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await sql.end();
  }
}

const args = process.argv.slice(2);
if (args[0] === "--child") {
  const { o, schema, mine, start, reportPath } = JSON.parse(args[1]!) as {
    o: Options;
    schema: string;
    mine: number[];
    start: number;
    reportPath: string;
  };
  await child(o, schema, mine, start, reportPath);
  process.exit(0);
} else {
  await parent(parseArgs(args));
}
