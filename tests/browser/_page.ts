// The browser page's module: declares the conformance suites (through the
// node:test shim), runs them, shows each result on the page and hands them
// to the test runner as `globalThis.__mtsessionDone`.

import { MemoryStorage } from "../../mod.ts";
import { describeSessionStorage } from "../_conformance.ts";
import { describeSessionStore } from "../_store_conformance.ts";
import { run, type TestResult } from "./_node_test.ts";
import { describeIndexedDb } from "./_page_indexeddb.ts";

describeSessionStorage("memory (in the browser)", () => new MemoryStorage());
describeIndexedDb(describeSessionStorage, describeSessionStore);

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

const results = await run(show);
const count = (s: TestResult["status"]): number =>
  results.filter((r) => r.status === s).length;
if (status !== null) {
  status.textContent = `${count("pass")} passed, ${count("fail")} failed, ` +
    `${count("skip")} skipped`;
}
(globalThis as { __mtsessionDone?: unknown }).__mtsessionDone = results;
