// The library in a real browser: the conformance suites run in headless
// Chromium (Debian's, driven by playwright-core), in a page served from
// 127.0.0.1, and the page may ask for nothing but its own files. A
// screenshot of the results goes to a temporary directory (or
// $MTSESSION_TEST_OUTPUT), whose path the test prints. Node only.

import { it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeOrSkip, runtime } from "./_fixtures.ts";
import {
  browserSkip,
  bundle,
  outputDir,
  pageHtml,
  runPage,
  type Served,
} from "./browser/_harness.ts";
import type { TestResult } from "./browser/_node_test.ts";

const skip = browserSkip(runtime);

function site(code: string, title: string): Map<string, Served> {
  return new Map<string, Served>([
    ["/", { type: "text/html; charset=utf-8", body: pageHtml(title) }],
    ["/page.js", { type: "text/javascript; charset=utf-8", body: code }],
  ]);
}

describeOrSkip("in the browser", skip, () => {
  it("runs the conformance suites in Chromium; the page asks nothing of any other origin", async (t) => {
    const entry = fileURLToPath(new URL("./browser/_page.ts", import.meta.url));
    const page = await bundle(entry);
    t.diagnostic(
      `page bundle: ${(page.bytes / 1024).toFixed(1)} KiB; node built-ins ` +
        `stubbed: ${page.nodeBuiltins.join(", ") || "none"}`,
    );
    const out = outputDir();
    const screenshot = join(out, "browser-conformance.png");
    const run = await runPage<TestResult[]>({
      files: site(page.code, "mtsession: conformance in the browser"),
      screenshot,
    });
    t.diagnostic(`screenshot: ${screenshot}`);
    const results = run.result;
    const failed = results.filter((r) => r.status === "fail");
    const passed = results.filter((r) => r.status === "pass");
    t.diagnostic(
      `${passed.length} passed, ${failed.length} failed, ` +
        `${results.length - passed.length - failed.length} skipped in the page`,
    );
    assert.deepEqual(
      failed.map((r) => `${r.name}\n${r.detail ?? ""}`),
      [],
      `page tests failed; console:\n${run.console.join("\n")}`,
    );
    assert.ok(passed.length >= 55, `only ${passed.length} tests passed`);
    for (
      const suite of [
        "SessionStorage conformance: indexeddb",
        "SessionStore conformance: indexeddb",
      ]
    ) {
      assert.ok(passed.some((r) => r.name.startsWith(suite)), `${suite} ran`);
    }
    assert.deepEqual(run.foreign, [], "requests beyond the page's origin");
    assert.ok(run.requests.includes(`${run.origin}/page.js`));
  });

  it("a page test that fails is reported failed (the shims can fail)", async () => {
    const entry = fileURLToPath(
      new URL("./browser/_page_selfcheck.ts", import.meta.url),
    );
    const page = await bundle(entry);
    const run = await runPage<TestResult[]>({
      files: site(page.code, "self-check"),
    });
    assert.equal(run.result.length, 9);
    for (const r of run.result) assert.equal(r.status, "fail", r.name);
  });

  it("two tabs, one session: the second tab finds it in use (Web Locks)", async () => {
    const entry = fileURLToPath(
      new URL("./browser/_page_tabs.ts", import.meta.url),
    );
    const page = await bundle(entry);
    const run = await runPage<string>({
      files: site(page.code, "two tabs"),
      paths: ["/?holder", "/?second"],
    });
    assert.deepEqual(run.results, ["held", ["in use", "in use"]]);
    assert.deepEqual(run.foreign, []);
  });

  it("the request check sees a page that reaches for another origin", async () => {
    const code = `
      await fetch("http://192.0.2.1:9/track").catch(() => {});
      globalThis.__mtsessionDone = true;`;
    const run = await runPage<boolean>({ files: site(code, "reaches out") });
    assert.equal(run.result, true);
    assert.deepEqual(run.foreign, ["http://192.0.2.1:9/track"]);
  });
});
