// deno-lint-ignore-file no-console
// Fails when deno.json and jsr.json disagree on what is published: name,
// version, license, exports, publish include/exclude. Also checks that
// every export target exists. Run: node scripts/check_manifest.ts
//
// The comparison lives in a function so tests can feed it drifted copies.

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIELDS = ["name", "version", "license", "exports", "publish"] as const;

/** Lists every difference between the two manifests (empty when equal). */
export function manifestDrift(
  deno: Record<string, unknown>,
  jsr: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  for (const field of FIELDS) {
    const a = JSON.stringify(deno[field] ?? null);
    const b = JSON.stringify(jsr[field] ?? null);
    if (a !== b) {
      problems.push(`"${field}" differs: deno.json ${a} vs jsr.json ${b}`);
    }
  }
  return problems;
}

/** Lists export targets that do not exist under root. */
export function missingExports(
  manifest: Record<string, unknown>,
  root: string,
): string[] {
  const exports = manifest.exports;
  const targets = typeof exports === "string"
    ? [exports]
    : Object.values((exports ?? {}) as Record<string, string>);
  return targets.filter((t) => !existsSync(`${root}/${t}`)).map((t) =>
    `export target ${t} does not exist`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const read = (f: string) => JSON.parse(readFileSync(`${root}/${f}`, "utf8"));
  const deno = read("deno.json");
  const problems = [
    ...manifestDrift(deno, read("jsr.json")),
    ...missingExports(deno, root),
  ];
  for (const p of problems) console.error(`check_manifest: ${p}`);
  if (problems.length > 0) process.exit(1);
  console.log("check_manifest: deno.json and jsr.json agree");
}
