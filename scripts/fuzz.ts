// Fuzzes every session-string decoder: mutated valid strings and random
// inputs through decodeSessionString, on the runtime that runs it.
//
//   node_modules/.bin/node scripts/fuzz.ts [--n 100000] [--random 10000]
//     [--seed 1] [--formats mtsession,telethon,...] [--json FILE]
//   node_modules/.bin/bun scripts/fuzz.ts ...
//   node_modules/.bin/deno run -A scripts/fuzz.ts ...
//
// --n is the number of mutated inputs per format, --random the number of
// random inputs per format (so each format gets n + random inputs). The
// encrypted mtsession format costs a PBKDF2 per input (1000 iterations in
// the samples; a mutated header can state up to 10,000,000, the most the
// decoder accepts), so it takes minutes; --n-encrypted (default n) sets its
// count apart.
// Exits 1 when any input failed: an error other than SessionStringError,
// or a mutated mtsession string (checked by CRC-32 / AES-GCM) that decoded.

import { writeFileSync } from "node:fs";
import process from "node:process";
import {
  FUZZ_FORMATS,
  type FuzzFormat,
  fuzzFormat,
  type FuzzStats,
  isChecked,
} from "../tests/_rel_fuzz.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length
    ? process.argv[i + 1]!
    : fallback;
}

const n = Number(arg("n", "100000"));
const random = Number(arg("random", "10000"));
const nEncrypted = Number(arg("n-encrypted", String(n)));
const seed = Number(arg("seed", "1"));
const formats = arg("formats", FUZZ_FORMATS.join(",")).split(
  ",",
) as FuzzFormat[];
const out = (t: string): void => void process.stdout.write(t + "\n");

const all: FuzzStats[] = [];
let failed = 0;
const began = performance.now();
for (const [i, format] of formats.entries()) {
  if (!FUZZ_FORMATS.includes(format)) throw new Error(`unknown ${format}`);
  const start = performance.now();
  const stats = await fuzzFormat(format, {
    seed: seed * 1000 + i,
    mutated: format === "mtsession-encrypted" ? nEncrypted : n,
    random,
    progress: (done) =>
      void process.stderr.write(`  ${format}: ${done} mutants\n`),
  });
  all.push(stats);
  const m = stats.mutatedOutcomes;
  const r = stats.randomOutcomes;
  out(
    `${format.padEnd(20)} ${
      String(stats.mutated + stats.random).padStart(7)
    } inputs in ${((performance.now() - start) / 1000).toFixed(1)} s; ` +
      `mutants: ${m.rejected} rejected, ${m.same} same session, ${m.different} ` +
      `other session, ${m.failure} failures; random: ${r.rejected} rejected, ` +
      `${r.different} decoded, ${r.failure} failures; slowest ${
        stats.maxMs.toFixed(1)
      } ms; accepted as ${JSON.stringify(stats.acceptedAs)}${
        isChecked(format) ? " [checked]" : ""
      }`,
  );
  if (stats.crossed > 0) {
    out(
      `  ${stats.crossed} mutants lost the "mts1" prefix and are valid ` +
        `strings of a format without integrity check (refused when ` +
        `decoded as mtsession)`,
    );
  }
  if (stats.unreadableCount > 0) {
    out(
      `  ${stats.unreadableCount} random sessions encoded to strings the ` +
        `decoder refuses, e.g. ${stats.unreadable[0]}`,
    );
  }
  for (const f of stats.failures) {
    out(`  FAILURE: ${f.what}: ${JSON.stringify(f.input).slice(0, 200)}`);
  }
  failed += m.failure + r.failure;
}
const json = arg("json", "");
if (json) {
  writeFileSync(
    json,
    JSON.stringify(
      {
        runtime: "Deno" in globalThis
          ? "deno"
          : "Bun" in globalThis
          ? "bun"
          : "node",
        n,
        random,
        nEncrypted,
        seed,
        stats: all,
      },
      null,
      2,
    ) + "\n",
  );
}
out(
  `${
    all.reduce((s, x) => s + x.mutated + x.random, 0)
  } inputs, ${failed} failures, ${
    ((performance.now() - began) / 1000).toFixed(0)
  } s`,
);
process.exit(failed > 0 ? 1 : 0);
