// The GramJS and mtcute bindings over the IndexedDB storage in a real
// browser: the page module (tests/browser/_page_clients.ts) bundles the
// real `telegram` 2.26.22 and `@mtcute/core` 0.30.3 from node_modules for
// the browser, writes through each binding into openIndexedDbSession(),
// closes, reopens and reads everything back, in headless Chromium. The
// page may ask nothing of any other origin. Node only.

import { it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describeOrSkip, runtime } from "./_fixtures.ts";
import {
  browserSkip,
  bundle,
  pageHtml,
  runPage,
  type Served,
} from "./browser/_harness.ts";
import { gramjsBrowser } from "./browser/_client_shims.ts";
import type { TestResult } from "./browser/_node_test.ts";

const skip = browserSkip(runtime);

describeOrSkip("the client bindings in the browser", skip, () => {
  it("GramJS and mtcute over IndexedDB: written, closed, reopened, read back in Chromium", async (t) => {
    const entry = fileURLToPath(
      new URL("./browser/_page_clients.ts", import.meta.url),
    );
    const page = await bundle(entry, [gramjsBrowser]);
    t.diagnostic(
      `page bundle (GramJS + mtcute + mtsession): ${
        (page.bytes / 1024).toFixed(0)
      } KiB; node built-ins stubbed: ${page.nodeBuiltins.join(", ") || "none"}`,
    );
    const run = await runPage<TestResult[]>({
      files: new Map<string, Served>([
        ["/", {
          type: "text/html; charset=utf-8",
          body: pageHtml("mtsession: GramJS and mtcute over IndexedDB"),
        }],
        ["/page.js", {
          type: "text/javascript; charset=utf-8",
          body: page.code,
        }],
      ]),
    });
    const results = run.result;
    assert.deepEqual(
      results.filter((r) => r.status !== "pass").map((r) =>
        `${r.name}: ${r.status}\n${r.detail ?? ""}`
      ),
      [],
      `console:\n${run.console.join("\n")}`,
    );
    assert.equal(results.length, 2);
    assert.deepEqual(run.foreign, [], "requests beyond the page's origin");
  });
});
