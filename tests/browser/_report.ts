// Runs the tests declared through the node:test shim, shows each result on
// the page, and hands them (with `extra`) to the test runner as
// `globalThis.__mtsessionDone`.

import { run, type TestResult } from "./_node_test.ts";

interface Doc {
  getElementById(id: string): {
    textContent: string | null;
    append(node: unknown): void;
  } | null;
  createElement(tag: string): {
    className: string;
    textContent: string | null;
    append(node: unknown): void;
  };
}

const doc = (globalThis as unknown as { document: Doc }).document;
const list = doc.getElementById("results");
const status = doc.getElementById("status");

function show(r: TestResult): void {
  const li = doc.createElement("li");
  li.className = r.status;
  li.textContent = `${
    r.status === "pass" ? "✓" : r.status === "fail" ? "✗" : "–"
  } ${r.name}`;
  if (r.status === "fail" && r.detail !== undefined) {
    const pre = doc.createElement("pre");
    pre.textContent = r.detail;
    li.append(pre);
  }
  list?.append(li);
}

/**
 * Runs the declared tests, shows them, and sets `__mtsessionDone` to the
 * results (or to `{ tests, ...extra() }` when `extra` is given).
 */
export async function runAndReport(
  extra?: () => Record<string, unknown>,
): Promise<void> {
  const results = await run(show);
  const count = (s: TestResult["status"]): number =>
    results.filter((r) => r.status === s).length;
  if (status !== null) {
    status.textContent = `${count("pass")} passed, ${count("fail")} failed, ` +
      `${count("skip")} skipped`;
  }
  (globalThis as { __mtsessionDone?: unknown }).__mtsessionDone =
    extra === undefined ? results : { tests: results, ...extra() };
}
