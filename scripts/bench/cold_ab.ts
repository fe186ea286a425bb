// Cold starts side by side: runs cold.ts for each variant in turn, the
// order reversed every other round (the machine's noise then falls on all
// alike), and prints the medians. A variant is LABEL=ROOT:SUBJECT:FILE,
// where ROOT is a checkout holding scripts/bench/cold.ts (another worktree
// or a `git archive` of an older commit), to compare commits.
//
//   bun scripts/bench/cold_ab.ts RUNS ID LABEL=ROOT:SUBJECT:FILE ...
//
// e.g. bun scripts/bench/cold_ab.ts 41 7198152239 \
//   raw=.:raw:/tmp/raw.session ours=.:ours:/tmp/ours.session
// (make the files with worker.ts --n 100000 --dir DIR; ID is the first
// synthetic user's id, makeUsers(1)[0].id in data.ts).

import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import process from "node:process";

interface Variant {
  label: string;
  script: string;
  subject: string;
  file: string;
}

function parse(spec: string): Variant {
  const [label, rest] = spec.split("=");
  const [root, subject, file] = (rest ?? "").split(":");
  if (!label || !root || !subject || !file) {
    throw new Error(`expected LABEL=ROOT:SUBJECT:FILE, got ${spec}`);
  }
  return {
    label,
    script: resolve(root, "scripts/bench/cold.ts"),
    subject,
    file,
  };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

const [runsText, id, ...specs] = process.argv.slice(2);
const runs = Number(runsText);
if (!(runs > 0) || id === undefined || specs.length === 0) {
  throw new Error("usage: cold_ab.ts RUNS ID LABEL=ROOT:SUBJECT:FILE ...");
}
const variants = specs.map(parse);
const runtime = "Deno" in globalThis ? ["run", "-A"] : [];
const times = new Map<string, { imp: number[]; open: number[]; all: number[] }>(
  variants.map((v) => [v.label, { imp: [], open: [], all: [] }]),
);
for (let round = 0; round < runs; round++) {
  const order = round % 2 ? [...variants].reverse() : variants;
  for (const v of order) {
    const r = spawnSync(
      process.execPath,
      [...runtime, v.script, v.subject, v.file, id],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    if (r.status !== 0) throw new Error(`${v.label}: ${r.stderr}`);
    const line = r.stdout.trim().split("\n").pop() ?? "";
    const j = JSON.parse(line) as {
      importMs: number;
      openLookupMs: number;
      totalMs: number;
    };
    const t = times.get(v.label)!;
    t.imp.push(j.importMs);
    t.open.push(j.openLookupMs);
    t.all.push(j.totalMs);
  }
}
for (const v of variants) {
  const t = times.get(v.label)!;
  process.stdout.write(
    `${v.label.padEnd(14)} import ${median(t.imp).toFixed(2)} + ` +
      `open&lookup ${median(t.open).toFixed(2)} = ${
        median(t.all).toFixed(2)
      } ms (median of ${runs})\n`,
  );
}
