// The crash-safety soak: the loop of tests/reliability_crash_test.ts with
// many more kills, on the runtime that runs it.
//
//   node_modules/.bin/node scripts/soak.ts [--kills 500] [--seed 1] [--quiet]
//   node_modules/.bin/bun scripts/soak.ts ...
//   node_modules/.bin/deno run -A scripts/soak.ts ...
//
// Each round starts a child that writes peers and auth changes to one
// session file and acknowledges each save() on stdout, kills it with
// SIGKILL at a random moment, then checks that the file opens, passes
// PRAGMA integrity_check and holds every acknowledged write. Exits 1 on
// the first violation.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { crashLoop, RUNTIME } from "../tests/_rel_crash.ts";
import { seeded } from "../tests/_random.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length
    ? process.argv[i + 1]!
    : fallback;
}

const kills = Number(arg("kills", "500"));
const seed = Number(arg("seed", String(Date.now() % 1_000_000)));
const quiet = process.argv.includes("--quiet");
const out = (t: string): void => void process.stdout.write(t + "\n");
const dir = mkdtempSync(join(tmpdir(), "mtsession-soak-"));
const began = performance.now();
out(`soak: ${RUNTIME}, ${kills} kills, seed ${seed}, in ${dir}`);
let code = 0;
try {
  const stats = await crashLoop(
    join(dir, "soak.session"),
    kills,
    seeded(seed),
    quiet ? undefined : out,
  );
  out(
    `ok: ${stats.kills} kills (${stats.killsBeforeReady} before the file was open), ` +
      `${stats.acked} steps acknowledged, ${stats.beyondAck} more found durable ` +
      `without acknowledgement, file at step ${stats.lastStep}, ` +
      `${stats.strayTemporaryFiles} stray temporary files, ${
        ((performance.now() - began) / 1000).toFixed(0)
      } s`,
  );
} catch (e) {
  out(`FAILED (seed ${seed}): ${(e as Error).message}`);
  code = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
