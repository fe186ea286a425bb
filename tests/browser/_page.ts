// The browser page's module: declares the conformance suites (through the
// node:test shim), runs them, shows each result on the page and hands them
// to the test runner as `globalThis.__mtsessionDone`.

import { MemoryStorage } from "../../mod.ts";
import { describeSessionStorage } from "../_conformance.ts";
import { describeSessionStore } from "../_store_conformance.ts";
import { runAndReport } from "./_report.ts";
import { describeIndexedDb } from "./_page_indexeddb.ts";

describeSessionStorage("memory (in the browser)", () => new MemoryStorage());
describeIndexedDb(describeSessionStorage, describeSessionStore);

await runAndReport();
