// deno-lint-ignore-file no-console
// Counts leaf test cases in a JUnit XML report (as deno test writes it):
// a case whose name is a prefix of another case's name plus " > " is a
// describe block, not a test. Prints "PASSED FAILED SKIPPED".
// Run: node scripts/junit_summary.ts report.xml

import { readFileSync } from "node:fs";

/** Leaf counts of a JUnit report. */
export function junitSummary(
  xml: string,
): { passed: number; failed: number; skipped: number } {
  const cases: Array<{ name: string; failed: boolean; skipped: boolean }> = [];
  const re = /<testcase\s+name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const body = m[3] ?? "";
    cases.push({
      name: m[1]!,
      failed: /<(failure|error)\b/.test(body),
      skipped: /<skipped\b/.test(body),
    });
  }
  const parents = new Set<string>();
  for (const c of cases) {
    const parts = c.name.split(" &gt; ");
    for (let i = 1; i < parts.length; i++) {
      parents.add(parts.slice(0, i).join(" &gt; "));
    }
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const c of cases) {
    if (parents.has(c.name)) continue;
    if (c.failed) failed++;
    else if (c.skipped) skipped++;
    else passed++;
  }
  return { passed, failed, skipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { passed, failed, skipped } = junitSummary(
    readFileSync(process.argv[2]!, "utf8"),
  );
  console.log(`${passed} ${failed} ${skipped}`);
}
