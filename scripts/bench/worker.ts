// One benchmark subject in its own process: ingest N synthetic users into a
// file, then look them up by id, username and phone; print one JSON line.
//
//   <runtime> scripts/bench/worker.ts --subject ours --n 100000 --dir DIR
//
// Run by scripts/bench/run.ts, which starts one such process per subject
// and round, interleaved.

import { statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { setImmediate } from "node:timers";
import { batches, makeTargets, makeUsers, type SynthUser } from "./data.ts";
import {
  collect,
  memory,
  RUNTIME,
  type Subject,
  SUBJECTS,
} from "./subjects.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length
    ? process.argv[i + 1]!
    : fallback;
}

function fileBytes(path: string): number {
  let total = 0;
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      total += statSync(f).size;
    } catch {
      // absent
    }
  }
  return total;
}

interface Rate {
  ops: number;
  ms: number;
  perSecond: number;
  misses: number;
}

async function timeLookups(
  subject: Subject,
  call: (key: never) => unknown,
  keys: readonly unknown[],
  budgetMs: number,
): Promise<Rate> {
  const fn = call as (key: unknown) => unknown;
  let misses = 0;
  let i = 0;
  const start = performance.now();
  const deadline = start + budgetMs;
  if (subject.async) {
    while (i < keys.length) {
      if ((await fn(keys[i])) === undefined) misses++;
      i++;
      if ((i & 15) === 0 && performance.now() > deadline) break;
    }
  } else {
    while (i < keys.length) {
      if (fn(keys[i]) === undefined) misses++;
      i++;
      if ((i & 15) === 0 && performance.now() > deadline) break;
    }
  }
  const ms = performance.now() - start;
  return { ops: i, ms, perSecond: (i / ms) * 1000, misses };
}

/**
 * A 1 ms `setInterval` ticker: the gaps between its ticks show how long
 * the event loop was blocked (a tick every ~1 ms when nothing blocks).
 */
function startTicker(): () => { max: number; p99: number; ticks: number } {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    gaps.push(performance.now() - last);
    gaps.sort((a, b) => a - b);
    return {
      max: gaps[gaps.length - 1]!,
      p99: gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.99))]!,
      ticks: gaps.length,
    };
  };
}

/** Lets the event loop turn once (as a client does between RPC results). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function verify(
  subject: Subject,
  users: readonly SynthUser[],
): Promise<void> {
  // Also warms up statements and caches, untimed.
  for (const u of users.slice(0, 50)) {
    const checks: Array<[string, unknown]> = [["id", subject.byId(u.id)]];
    if (u.username !== null) {
      checks.push(["username", subject.byUsername(u.username)]);
    }
    if (u.phone !== null) checks.push(["phone", subject.byPhone(u.phone)]);
    for (const [kind, result] of checks) {
      const got = await result;
      if (got !== u.id) {
        throw new Error(
          `verification failed: ${kind} lookup of user ${u.id} gave ${got}`,
        );
      }
    }
  }
}

async function main(): Promise<void> {
  const name = arg("subject", "ours");
  const n = Number(arg("n", "100000"));
  const dir = arg("dir", ".");
  const budgetMs = Number(arg("lookup-ms", "1500"));
  const lookupCount = Number(arg("lookups", String(Math.min(n, 100_000))));
  const factory = SUBJECTS[name];
  if (!factory) throw new Error(`unknown subject ${name}`);
  const path = join(dir, `${name}.session`);

  const users = makeUsers(n);
  const targets = makeTargets(users, lookupCount);
  const prepared = await factory.prepare(users);
  const groups = batches(prepared);
  // Known peers seen again (as every RPC result repeats them): every 5th
  // user, one in ten of them with a new access hash.
  const again = users.filter((_, i) => i % 5 === 0).map((u, i) =>
    i % 10 === 0 ? { ...u, accessHash: u.accessHash ^ 0x5a5an } : u
  );
  const againGroups = batches(await factory.prepare(again));
  collect();
  const base = memory();
  const baseHeap = process.memoryUsage().heapUsed;

  const subject = await factory.open({ path, prepared });
  // Ingest as a client does: one batch per RPC result, the event loop
  // turning between them, a 1 ms ticker measuring how long it is blocked.
  const stopTicker = startTicker();
  const t0 = performance.now();
  for (const group of groups) {
    const r = subject.ingest(group as never);
    if (subject.async) await r;
    await turn();
  }
  await subject.finish();
  const ingestMs = performance.now() - t0;
  const stalls = stopTicker();
  const afterIngest = memory();

  await verify(subject, users);
  const id = await timeLookups(subject, subject.byId, targets.ids, budgetMs);
  const username = await timeLookups(
    subject,
    subject.byUsername,
    targets.usernames,
    budgetMs,
  );
  const phone = await timeLookups(
    subject,
    subject.byPhone,
    targets.phones,
    budgetMs,
  );
  const below = subject.storage;
  const storage = below === undefined ? null : {
    id: await timeLookups(subject, below.byId, targets.ids, budgetMs),
    username: await timeLookups(
      subject,
      below.byUsername,
      targets.usernames,
      budgetMs,
    ),
    phone: await timeLookups(subject, below.byPhone, targets.phones, budgetMs),
  };
  const t1 = performance.now();
  for (const group of againGroups) {
    const r = subject.ingest(group as never);
    if (subject.async) await r;
    await turn();
  }
  await subject.finish();
  const againMs = performance.now() - t1;

  collect();
  const end = memory();
  const endHeap = process.memoryUsage().heapUsed;
  await subject.close();

  const result = {
    subject: name,
    runtime: RUNTIME,
    n,
    ingest: { ms: ingestMs, perSecond: (n / ingestMs) * 1000 },
    // The 1 ms ticker's gaps while ingesting (ms): the longest, and p99.
    stalls,
    reingest: {
      count: again.length,
      ms: againMs,
      perSecond: (again.length / againMs) * 1000,
    },
    lookups: { id, username, phone },
    storageLookups: storage,
    memory: {
      baselineRss: base.rss,
      afterIngestRss: afterIngest.rss,
      retainedRss: end.rss,
      peakRss: end.peak,
      // What the store keeps per peer, after a full GC: growth of the JS
      // heap, and of the RSS (an upper bound: it also holds SQLite's page
      // cache and heap pages the engine has not returned), over the
      // baseline taken after generating the data, divided by N.
      heapBytesPerPeer: Math.max(0, (endHeap - baseHeap) / n),
      bytesPerPeer: Math.max(0, (end.rss - base.rss) / n),
    },
    file: factory.file ? { path, bytes: fileBytes(path) } : null,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

await main();
