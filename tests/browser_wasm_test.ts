// SQLite in WebAssembly in a real browser (headless Chromium, as
// tests/browser_test.ts): the driver conformance suite on sql.js in the
// page, the session fixtures read there from their bytes (equal to what
// readSessionFile() reads from disk), and the measurement that picked
// sql.js over @sqlite.org/sqlite-wasm (size, speed, exact 64-bit
// integers), printed as diagnostics. Node only.

import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { readSessionFile, writeSessionFile } from "../src/files.ts";
import { describeOrSkip, fixturePath, runtime } from "./_fixtures.ts";
import {
  browserSkip,
  bundle,
  pageHtml,
  runPage,
  type Served,
} from "./browser/_harness.ts";
import { encodeExact } from "./browser/_encode.ts";
import type { TestResult } from "./browser/_node_test.ts";
import type { Measured } from "./browser/_page_wasm_measure.ts";

const skip = browserSkip(runtime);
const modules = fileURLToPath(new URL("../node_modules/", import.meta.url));
const SQL_JS_WASM = `${modules}sql.js/dist/sql-wasm-browser.wasm`;
const SQLITE_WASM = `${modules}@sqlite.org/sqlite-wasm/dist/sqlite3.wasm`;

const FIXTURES = [
  "telethon/sqlite/v7-full.session",
  "pyrogram/sqlite/pyrogram-2.0.106-user.session",
  "pyrogram/sqlite/kurigram-2.1.35-user.session",
  "mtsession/schema1.session",
  "mtsession/schema2.session",
  "mtsession/schema3.session",
];

const wasm = (path: string): Served => ({
  type: "application/wasm",
  body: readFileSync(path),
});

function site(code: string, title: string): Map<string, Served> {
  return new Map<string, Served>([
    ["/", { type: "text/html; charset=utf-8", body: pageHtml(title) }],
    ["/page.js", { type: "text/javascript; charset=utf-8", body: code }],
    ["/sql-wasm-browser.wasm", wasm(SQL_JS_WASM)],
  ]);
}

/** Gzipped bytes of a minified browser bundle of `source`. */
async function minifiedGzip(source: string): Promise<number> {
  const esbuild = await import("esbuild");
  const out = await esbuild.build({
    stdin: { contents: source, resolveDir: modules, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length;
}

const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;

describeOrSkip("SQLite in WebAssembly, in the browser", skip, () => {
  it("sql.js passes the driver conformance suite in Chromium and reads every session fixture from its bytes as readSessionFile() does", async (t) => {
    const entry = fileURLToPath(
      new URL("./browser/_page_wasm.ts", import.meta.url),
    );
    const page = await bundle(entry);
    const files = site(page.code, "mtsession: SQLite in WebAssembly");
    files.set("/fixtures.json", {
      type: "application/json",
      body: JSON.stringify(FIXTURES),
    });
    for (const f of FIXTURES) {
      files.set(`/fixtures/${f}`, {
        type: "application/octet-stream",
        body: readFileSync(fixturePath(f)),
      });
    }
    const run = await runPage<{
      tests: TestResult[];
      sessions: Record<string, unknown>;
      written: Record<string, unknown>;
    }>({ files });
    const { tests, sessions, written } = run.result;
    const dir = mkdtempSync(join(tmpdir(), "mtsession-wasm-page-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const failed = tests.filter((r) => r.status !== "pass");
    assert.deepEqual(
      failed.map((r) => `${r.name}\n${r.detail ?? ""}`),
      [],
      `console:\n${run.console.join("\n")}`,
    );
    assert.ok(tests.length >= 12, `only ${tests.length} tests ran`);
    t.diagnostic(`${tests.length} driver conformance tests passed in Chromium`);
    for (const f of FIXTURES) {
      const expected = encodeExact(await readSessionFile(fixturePath(f)));
      assert.deepEqual(sessions[f], expected, f);
      // Written as an mtsession file in the page, read again: as the same
      // written and read on disk here.
      const disk = join(dir, `${f.replaceAll("/", "_")}.mtsession`);
      await writeSessionFile(
        disk,
        "mtsession",
        await readSessionFile(fixturePath(f)),
      );
      const again = encodeExact(await readSessionFile(disk));
      assert.deepEqual(written[f], again, `${f} written back`);
    }
    assert.deepEqual(run.foreign, [], "requests beyond the page's origin");
  });

  it("measures sql.js and @sqlite.org/sqlite-wasm: size, speed, exact 64-bit integers", async (t) => {
    const entry = fileURLToPath(
      new URL("./browser/_page_wasm_measure.ts", import.meta.url),
    );
    const page = await bundle(entry);
    const files = site(page.code, "measure");
    files.set("/sqlite3.wasm", wasm(SQLITE_WASM));
    const run = await runPage<Measured[][]>({ files });
    const [cold, warm] = run.result as [Measured[], Measured[]];
    const sizes = {
      "sql.js": {
        js: await minifiedGzip('import i from "sql.js"; globalThis.i = i;'),
        wasm: gzipSync(readFileSync(SQL_JS_WASM), { level: 9 }).length,
      },
      "@sqlite.org/sqlite-wasm": {
        js: await minifiedGzip(
          'import i from "@sqlite.org/sqlite-wasm"; globalThis.i = i;',
        ),
        wasm: gzipSync(readFileSync(SQLITE_WASM), { level: 9 }).length,
      },
    };
    for (let i = 0; i < warm.length; i++) {
      const w = warm[i]!;
      const size = sizes[w.library as keyof typeof sizes];
      t.diagnostic(
        `${w.library} ${w.version}: gzip ${kib(size.js)} JS + ` +
          `${kib(size.wasm)} wasm = ${kib(size.js + size.wasm)}; start ` +
          `${cold[i]!.startMs.toFixed(0)} ms (cold); 5000 inserts ` +
          `${w.insertMs.toFixed(0)} ms, 5000 lookups ` +
          `${w.lookupMs.toFixed(0)} ms (warm); 64-bit: ${w.exactDetail}`,
      );
      assert.equal(w.exact64, true, `${w.library}: ${w.exactDetail}`);
    }
    // The pick stands while sql.js stays the smaller download.
    const total = (k: keyof typeof sizes): number =>
      sizes[k].js + sizes[k].wasm;
    assert.ok(total("sql.js") < total("@sqlite.org/sqlite-wasm"));
    assert.deepEqual(run.foreign, []);
  });
});
