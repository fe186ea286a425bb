// The memory session against the fastest in-memory stores, in one process,
// interleaved: each round runs both sides of a pair one after the other,
// the order swapped every round, so that the machine's noise falls on both
// alike. Prints, per target, the median ratio (ours / theirs), its range
// across rounds, both medians, and MET or MISSED.
//
//   node_modules/.bin/node --expose-gc scripts/bench/memory_ab.ts [--n N] [--rounds R] [--warmup W] [--lookups L]
//   node_modules/.bin/bun scripts/bench/memory_ab.ts ...
//   node_modules/.bin/deno run -A --v8-flags=--expose-gc scripts/bench/memory_ab.ts ...
//
// A full collection runs before each timed side where the runtime allows
// it (the flags above; Bun always): the garbage one side left is then not
// collected in the other's time. Each side's own collections still count.
//
// What each side runs, on the same synthetic users (data.ts: N users, 85%
// with a username, 50% with a phone), as GramJS `Api.User` objects built
// once before the rounds:
//
// - ingest, ours: `(await openSession(":memory:")).processEntities(batch)`,
//   awaited, for every batch of 100 users, into a new session each round.
// - ingest, GramJS: `new MemorySession().processEntities(batch)` (telegram
//   2.26.22; it appends rows to a Set, no index) on the same objects.
// - id lookups, ours: `await session.getInputPeer(id)` for L ids drawn
//   from the N (seeded, with repetition; `--lookups`, default 200,000), on
//   the session ingested this round. Fewer lookups fit between two young
//   collections, and the side that meets one pays for the whole round (at
//   20,000 a side took 5 ms, one collection after a full GC up to 7 ms).
// - id lookups, mtcute: `await storage.peers.getById(id)` on @mtcute/core's
//   `MemoryStorage` (a synchronous `Map.get`), holding the same ids.
//
// Targets (issue 13): ingest ≥ 1.0× GramJS; id lookups ≥ 0.5× mtcute. The
// first W rounds warm the JIT and are not counted.

import process from "node:process";
import { openSession } from "../../mod.ts";
import { BATCH, makeUsers } from "./data.ts";
import { collect } from "./subjects.ts";
import { seeded } from "../../tests/_random.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length
    ? process.argv[i + 1]!
    : fallback;
}

const N = Number(arg("n", "20000"));
const ROUNDS = Number(arg("rounds", "15"));
const WARMUP = Number(arg("warmup", "2"));
const LOOKUPS = Number(arg("lookups", "200000"));

async function load(specifier: string): Promise<Record<string, unknown>> {
  return await import(specifier);
}

interface GramJsSession {
  processEntities(tlo: unknown): void;
}
interface MtcuteStorage {
  peers: {
    store(peer: Record<string, unknown>): void;
    getById(id: number): unknown;
  };
}

const tl = await load("telegram/tl/index.js");
const Api = tl.Api as { User: new (o: Record<string, unknown>) => unknown };
const bigInt = (await load("big-integer")).default as (v: string) => unknown;
const GramJs = (await load("telegram/sessions/index.js"))
  .MemorySession as new () => GramJsSession;
const Mtcute = (await load("@mtcute/core")).MemoryStorage as new () =>
MtcuteStorage;

const users = makeUsers(N);
const objects = users.map((u) =>
  new Api.User({
    id: bigInt(String(u.id)),
    accessHash: bigInt(u.accessHash.toString()),
    firstName: u.firstName,
    ...(u.username === null ? {} : { username: u.username }),
    ...(u.phone === null ? {} : { phone: u.phone }),
  })
);
const batches: unknown[][] = [];
for (let i = 0; i < objects.length; i += BATCH) {
  batches.push(objects.slice(i, i + BATCH));
}
const rand = seeded(20261204);
const ids = Array.from(
  { length: LOOKUPS },
  () => users[Math.floor(rand() * users.length)]!.id,
);

const COLLECTS = collect();

/** Per second, per side, one number per counted round. */
const rates: Record<string, number[]> = {};
function record(key: string, round: number, count: number, ms: number): void {
  if (round >= WARMUP) (rates[key] ??= []).push(count / ms * 1000);
}

for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const swap = round % 2 === 1;
  let ours: Awaited<ReturnType<typeof openSession>> | undefined;
  for (const side of swap ? ["gramjs", "ours"] : ["ours", "gramjs"]) {
    if (side === "ours") {
      ours = await openSession(":memory:");
      collect();
      const t = performance.now();
      for (const b of batches) await ours.processEntities(b);
      record("ingest ours", round, N, performance.now() - t);
    } else {
      const gramjs = new GramJs();
      collect();
      const t = performance.now();
      for (const b of batches) gramjs.processEntities(b);
      record("ingest gramjs", round, N, performance.now() - t);
    }
  }
  const mtcute = new Mtcute();
  for (const u of users) {
    mtcute.peers.store({
      id: u.id,
      accessHash: String(u.accessHash),
      isMin: false,
      usernames: u.username === null ? [] : [u.username],
      phone: u.phone ?? undefined,
      updated: 0,
      complete: new Uint8Array(1),
    });
  }
  for (const side of swap ? ["mtcute", "ours"] : ["ours", "mtcute"]) {
    collect();
    const t = performance.now();
    if (side === "ours") {
      for (let i = 0; i < LOOKUPS; i++) await ours!.getInputPeer(ids[i]!);
    } else {
      for (let i = 0; i < LOOKUPS; i++) await mtcute.peers.getById(ids[i]!);
    }
    record(`id ${side}`, round, LOOKUPS, performance.now() - t);
  }
  await ours!.close();
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const targets: Array<[string, string, string, number]> = [
  ["memory ingest vs GramJS MemorySession", "ingest ours", "ingest gramjs", 1],
  ["memory id lookups vs mtcute MemoryStorage", "id ours", "id mtcute", 0.5],
];
const runtime = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : `node ${process.versions.node}`;
process.stdout.write(
  `memory_ab: ${runtime}, N=${N}, ${ROUNDS} rounds (+${WARMUP} warm-up), ${
    COLLECTS ? "a full GC before each side" : "no GC between sides (no flag)"
  }\n`,
);
for (const [label, a, b, target] of targets) {
  const ratios = rates[a]!.map((v, i) => v / rates[b]![i]!);
  const m = median(ratios);
  process.stdout.write(
    `${label}: ${m.toFixed(2)}× [${Math.min(...ratios).toFixed(2)}–${
      Math.max(...ratios).toFixed(2)
    }] (${Math.round(median(rates[a]!))}/s vs ${
      Math.round(median(rates[b]!))
    }/s) target ≥ ${target.toFixed(1)}× ${m >= target ? "MET" : "MISSED"}\n`,
  );
}
