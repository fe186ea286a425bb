// Crash safety, shared by tests/reliability_crash_test.ts (50 kills) and
// scripts/soak.ts (hundreds): a child process (tests/_rel_crash_child.ts)
// writes peers and auth changes to a session file following a
// deterministic plan and prints "ack STEP" once save() has made step STEP
// durable; the parent kills it with SIGKILL at a random moment, then
// checks that the file opens, passes PRAGMA integrity_check, and holds
// every acknowledged write (each batch of peers entirely or not at all,
// auth changes whole), and starts the next child where the file stands.

import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { openSession } from "../mod.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";

/** Fresh peers written by each step (ids step * 100 + j). */
export const FRESH = 40;
/** The child stores a step's peers in two calls, split here. */
export const SPLIT = 25;
/** Earlier peers written again by each step, with a new hash. */
export const REWRITES = 10;

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/** One peer write of the plan. */
export interface PlannedPeer {
  id: number;
  accessHash: bigint;
  username: string;
  phone: string | null;
}

/** The access hash a step writes for a peer (decodable back to the step). */
export function hashFor(id: number, step: number): bigint {
  return BigInt(id) * 2n ** 32n + BigInt(step) - 2n ** 62n;
}

/** The step encoded in an access hash written by {@linkcode hashFor}. */
export function stepOf(id: number, hash: bigint): number {
  return Number(hash + 2n ** 62n - BigInt(id) * 2n ** 32n);
}

/** The peers step `step` writes (deterministic). */
export function planPeers(step: number): PlannedPeer[] {
  const out: PlannedPeer[] = [];
  const peer = (id: number): PlannedPeer => ({
    id,
    accessHash: hashFor(id, step),
    username: `u${id}`,
    phone: id % 2 === 0 ? `1${String(id).padStart(10, "0")}` : null,
  });
  for (let j = 0; j < FRESH; j++) out.push(peer(step * 100 + j));
  if (step > 1) {
    for (let k = 0; k < REWRITES; k++) {
      const earlier = 1 + (mix(step, k) % (step - 1));
      out.push(peer(earlier * 100 + (mix(k, step) % FRESH)));
    }
  }
  return out;
}

/** The auth state step `step` writes, for steps divisible by 3. */
export function planAuth(step: number): {
  dcId: number;
  serverAddress: string;
  port: number;
  authKey: Uint8Array;
} | undefined {
  if (step % 3 !== 0) return undefined;
  const key = new Uint8Array(256);
  for (let i = 0; i < 256; i++) key[i] = mix(step, i) & 0xff;
  return {
    dcId: 1 + (step % 5),
    serverAddress: `10.${(step >> 16) & 255}.${(step >> 8) & 255}.${
      step & 255
    }`,
    port: 1024 + (step % 60000),
    authKey: key,
  };
}

/** The step whose auth state this is, or -1 when it fits no step. */
function authStep(a: {
  dcId: number | null;
  serverAddress: string | null;
  port: number | null;
  authKey: Uint8Array | null;
}): number {
  if (a.serverAddress === null) return 0;
  const parts = a.serverAddress.split(".").map(Number);
  const step = (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!;
  const want = planAuth(step);
  if (
    !want || want.dcId !== a.dcId || want.port !== a.port ||
    a.authKey === null || want.authKey.some((b, i) => a.authKey![i] !== b)
  ) return -1;
  return step;
}

const CHILD = fileURLToPath(new URL("./_rel_crash_child.ts", import.meta.url));

/** Which runtime runs this process. */
export const RUNTIME: "deno" | "bun" | "node" = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

interface ChildRun {
  acked: number;
  ready: boolean;
  output: string;
  code: number | null;
  signal: string | null;
}

function runChild(
  path: string,
  start: number,
  killAfterMs: number,
  afterReady: boolean,
): Promise<ChildRun> {
  const args = RUNTIME === "deno"
    ? ["run", "-A", CHILD, path, String(start)]
    : [CHILD, path, String(start)];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const run: ChildRun = {
      acked: start - 1,
      ready: false,
      output: "",
      code: null,
      signal: null,
    };
    let buffer = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const kill = (): void => void child.kill("SIGKILL");
    if (!afterReady) timer = setTimeout(kill, killAfterMs);
    child.stdout.on("data", (d: Uint8Array | string) => {
      buffer += String(d);
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === "ready") {
          run.ready = true;
          if (afterReady) timer = setTimeout(kill, killAfterMs);
        } else if (line.startsWith("ack ")) {
          run.acked = Math.max(run.acked, Number(line.slice(4)));
        } else {
          run.output += line + "\n";
        }
      }
    });
    child.stderr.on("data", (d: Uint8Array | string) => (run.output += d));
    child.on("close", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

/** What one verification found. */
interface Found {
  /** The highest step all of whose fresh peers are in the file. */
  complete: number;
}

/** What the crash loop did. */
export interface CrashStats {
  kills: number;
  /** Kills that hit a child before it had opened the file. */
  killsBeforeReady: number;
  /** Steps acknowledged in all. */
  acked: number;
  /** Steps found in the file beyond the last acknowledgement. */
  beyondAck: number;
  /** Temporary files a kill during creation left in the directory. */
  strayTemporaryFiles: number;
  /** The last step in the file. */
  lastStep: number;
}

/**
 * Checks the file after a kill: integrity, every step up to `acked` whole,
 * steps after it whole or absent, the auth state one of a step at least as
 * new as the last acknowledged auth write.
 */
async function verify(
  path: string,
  acked: number,
  attempted: number,
  lowerBound: Map<number, number>,
): Promise<Found> {
  if (!existsSync(path)) {
    if (acked > 0) throw new Error(`acknowledged step ${acked}, but no file`);
    return { complete: 0 };
  }
  const db = await openDefaultDatabase(path, { create: false });
  try {
    const rows = db.prepare("PRAGMA integrity_check").all();
    const text = rows.map((r) => String(Object.values(r)[0])).join("; ");
    if (text !== "ok") throw new Error(`integrity_check: ${text}`);
  } finally {
    db.close();
  }
  const session = await openSession(path);
  try {
    const peers = new Map(
      (await session.listPeers()).map((p) => [p.id, p] as const),
    );
    // Every peer written by an acknowledged step, at least that new.
    for (const [id, least] of lowerBound) {
      const p = peers.get(id);
      if (!p) throw new Error(`peer ${id} (acknowledged at ${least}) lost`);
      const step = stepOf(id, p.accessHash);
      if (step < least || step > attempted) {
        throw new Error(
          `peer ${id} holds step ${step}, expected ${least}..${attempted}`,
        );
      }
      if (p.usernames[0] !== `u${id}`) {
        throw new Error(`peer ${id} lost its username`);
      }
    }
    // A step after the last acknowledgement was stored by two
    // processEntities calls (fresh peers 0-24, then 25-39 with the
    // rewrites), each flushed in one transaction: each part is whole or
    // absent.
    let complete = acked;
    for (let step = acked + 1; step <= attempted; step++) {
      const parts = [[0, SPLIT], [SPLIT, FRESH]].map(([from, to]) => {
        let present = 0;
        for (let j = from!; j < to!; j++) {
          if (peers.has(step * 100 + j)) present++;
        }
        if (present !== 0 && present !== to! - from!) {
          throw new Error(
            `step ${step} is half written (${present} of peers ${from}-${
              to! - 1
            })`,
          );
        }
        return present > 0;
      });
      if (parts[0] && parts[1] && complete === step - 1) complete = step;
    }
    // Lookups through the indexes agree for a sample.
    for (const [id] of [...lowerBound].slice(-20)) {
      const byName = await session.getPeer(`@u${id}`);
      if (byName?.id !== id) throw new Error(`@u${id} does not resolve`);
      if (id % 2 === 0) {
        const byPhone = await session.getPeer(
          `+1${String(id).padStart(10, "0")}`,
        );
        if (byPhone?.id !== id) throw new Error(`phone of ${id} lost`);
      }
    }
    // The auth state: whole, and no older than the last acknowledged one.
    const auth = session.getAuth();
    const s = authStep(auth);
    if (s < 0) throw new Error("the auth state is torn");
    const lastAuth = acked - (acked % 3);
    if (s < lastAuth || s > attempted) {
      throw new Error(`auth of step ${s}, expected ${lastAuth}..${attempted}`);
    }
    // takeoutId, set through the fire-and-forget property every step.
    const t = auth.takeoutId === null ? 0 : Number(auth.takeoutId);
    if (t < acked || t > attempted) {
      throw new Error(`takeoutId ${t}, expected ${acked}..${attempted}`);
    }
    return { complete };
  } finally {
    await session.close();
  }
}

/**
 * Runs `kills` children on one file, killing each at a random moment, and
 * verifies the file after each kill. Throws on the first violation.
 *
 * @param path The session file (need not exist).
 * @param kills How many children to kill.
 * @param rand A [0, 1) generator choosing the moments.
 * @param log Called with a line per kill (optional).
 * @returns What happened.
 */
export async function crashLoop(
  path: string,
  kills: number,
  rand: () => number,
  log: (line: string) => void = () => {},
): Promise<CrashStats> {
  const lowerBound = new Map<number, number>();
  let next = 1;
  const stats: CrashStats = {
    kills: 0,
    killsBeforeReady: 0,
    acked: 0,
    beyondAck: 0,
    strayTemporaryFiles: 0,
    lastStep: 0,
  };
  for (let i = 0; i < kills; i++) {
    const early = rand() < 0.15;
    const delay = early ? rand() * 120 : rand() * 150;
    const run = await runChild(path, next, delay, !early);
    if (run.signal !== "SIGKILL") {
      throw new Error(
        `child ended by itself (code ${run.code}): ${
          run.output.slice(0, 2000)
        }`,
      );
    }
    stats.kills++;
    if (!run.ready) stats.killsBeforeReady++;
    // The child attempts at most one step past its last acknowledgement
    // (it waits for each save() before the next step).
    const attempted = run.acked + 1;
    const bound = new Map(lowerBound);
    for (let step = next; step <= run.acked; step++) {
      for (const p of planPeers(step)) bound.set(p.id, step);
    }
    let found: Found;
    try {
      found = await verify(path, run.acked, attempted, bound);
    } catch (e) {
      throw new Error(
        `after kill ${i + 1} (steps ${next}..${run.acked} acknowledged): ${
          (e as Error).message
        }\n${run.output}`,
      );
    }
    stats.acked += Math.max(0, run.acked - next + 1);
    stats.beyondAck += found.complete - Math.max(run.acked, next - 1);
    // What is in the file now is durable: the next child goes on from it.
    for (let step = next; step <= found.complete; step++) {
      for (const p of planPeers(step)) lowerBound.set(p.id, step);
    }
    void bound;
    next = Math.max(next, found.complete + 1);
    stats.lastStep = next - 1;
    log(
      `kill ${i + 1}/${kills}: ${
        run.ready ? `after ${delay.toFixed(0)} ms` : "before open"
      }, acknowledged up to step ${run.acked}, file at step ${found.complete}`,
    );
  }
  stats.strayTemporaryFiles =
    readdirSync(dirname(path)).filter((f) =>
      f.startsWith(`.${basename(path)}.`) && f.endsWith(".tmp.session")
    ).length;
  return stats;
}
