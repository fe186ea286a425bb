// Runs bundled test code in headless Chromium (Debian's, driven by
// playwright-core: no browser download). The page is served from a local
// HTTP server on 127.0.0.1; every request the browser makes is recorded,
// so a test can check that the page asked for nothing but its own files.
// Node only (playwright-core speaks to Chromium over a pipe).

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import process from "node:process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import type { Page } from "playwright-core";

/** Where screenshots go: $MTSESSION_TEST_OUTPUT, or a new temporary directory. */
export function outputDir(): string {
  const wanted = process.env.MTSESSION_TEST_OUTPUT;
  if (wanted !== undefined && wanted !== "") {
    mkdirSync(wanted, { recursive: true });
    return wanted;
  }
  return mkdtempSync(join(tmpdir(), "mtsession-browser-"));
}

/** Where Debian puts Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or false. */
export function browserSkip(runtime: string): string | false {
  if (runtime !== "node") {
    return `the browser tests drive Chromium from Node (this is ${runtime})`;
  }
  if (!existsSync(CHROMIUM)) {
    return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  }
  return false;
}

const here = fileURLToPath(new URL(".", import.meta.url));

/** The node: modules the page gets a working stand-in of. */
const SHIMS: Record<string, string> = {
  "node:test": "_node_test.ts",
  "node:assert/strict": "_assert.ts",
  "node:assert": "_assert.ts",
};

/**
 * node:util in the page: `inspect` calls the object's own inspect hook
 * (what the library's redacted classes define), else `String()`.
 */
const UTIL_SHIM = `
const custom = Symbol.for("nodejs.util.inspect.custom");
export function inspect(v) {
  if (v !== null && typeof v === "object" && typeof v[custom] === "function") return v[custom]();
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}
inspect.custom = custom;
export default { inspect };
`;

/**
 * Node built-ins the library reaches (files, paths, processes) do not
 * exist in a browser: each is a module whose every function throws when
 * called, so code that only imports them still loads.
 */
const nodeStubs: Plugin = {
  name: "node-stubs",
  setup(build): void {
    build.onResolve({ filter: /^node:/ }, (args) => {
      const shim = SHIMS[args.path];
      return shim === undefined
        ? { path: args.path, namespace: "node-stub" }
        : { path: join(here, shim) };
    });
    build.onLoad({ filter: /.*/, namespace: "node-stub" }, (args) => {
      if (args.path === "node:util") {
        return { contents: UTIL_SHIM, loader: "js" };
      }
      return {
        loader: "js",
        contents: `
const name = ${JSON.stringify(args.path)};
const thrower = () => { throw new Error(name + " is not available in a browser"); };
module.exports = new Proxy(thrower, {
  get: (_t, key) => key === "__esModule" ? false : key === "default" ? module.exports : thrower,
});`,
      };
    });
  },
};

/** A bundle for the page, and its size. */
export interface PageBundle {
  readonly code: string;
  /** Bytes of the bundle. */
  readonly bytes: number;
  /** Every node built-in the bundle imports (a stub in the page). */
  readonly nodeBuiltins: string[];
}

/**
 * Bundles a page-side module for the browser: node:test and
 * node:assert/strict become the shims beside this file, other node:
 * built-ins throwing stubs; `plugins` come before those.
 */
export async function bundle(
  entry: string,
  plugins: readonly Plugin[] = [],
): Promise<PageBundle> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    write: false,
    metafile: true,
    logLevel: "silent",
    // Those given first: they may resolve a node: built-in themselves.
    plugins: [...plugins, nodeStubs],
  });
  const code = result.outputFiles[0]!.text;
  const nodeBuiltins = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const i of input.imports) {
      if (i.path.startsWith("node-stub:node:")) {
        nodeBuiltins.add(i.path.slice("node-stub:".length));
      }
    }
  }
  return {
    code,
    bytes: new TextEncoder().encode(code).length,
    nodeBuiltins: [...nodeBuiltins].sort(),
  };
}

/** A file the server serves. */
export interface Served {
  readonly type: string;
  readonly body: string | Uint8Array;
}

/** What a page run gave. */
export interface PageRun<T> {
  /** What the page put in `globalThis.__mtsessionDone`. */
  readonly result: T;
  /** What each tab put there, in the order of `paths`. */
  readonly results: unknown[];
  /** Every URL the browser requested, in order. */
  readonly requests: string[];
  /** Those not of the page's own origin (data: and blob: are not asked of a network). */
  readonly foreign: string[];
  /** The page's own origin. */
  readonly origin: string;
  /** What the page printed to its console, and uncaught errors. */
  readonly console: string[];
  /** With `interact`: the URLs requested once the page had loaded. */
  readonly requestsAfterLoad: string[];
}

function serve(files: ReadonlyMap<string, Served>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = files.get(path);
    if (file === undefined) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": file.type,
      "cache-control": "no-store",
    });
    res.end(file.body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Options of {@linkcode runPage}. */
export interface RunPageOptions {
  /** The files of the site; "/" is the page. */
  readonly files: ReadonlyMap<string, Served>;
  /** Where to save a screenshot of the page when it is done. */
  readonly screenshot?: string;
  /** How long the page may take (ms, default 5 minutes). */
  readonly timeoutMs?: number;
  /**
   * The pages to open, one tab each, in order, each once the one before is
   * done (default `["/"]`).
   */
  readonly paths?: readonly string[];
  /**
   * Drives the page instead of waiting for `__mtsessionDone`: what it
   * returns is the page's result. Requests made from its start on are
   * listed apart (`requestsAfterLoad`).
   */
  readonly interact?: (page: Page) => Promise<unknown>;
}

/**
 * Serves `files` on 127.0.0.1, opens "/" in headless Chromium (a fresh
 * profile), waits until the page sets `globalThis.__mtsessionDone`, and
 * returns it with every request the browser made.
 */
export async function runPage<T>(options: RunPageOptions): Promise<PageRun<T>> {
  const { chromium } = await import("playwright-core");
  const server = await serve(options.files);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = mkdtempSync(join(tmpdir(), "mtsession-chromium-"));
  const requests: string[] = [];
  const logs: string[] = [];
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      context.on("request", (r) => void requests.push(r.url()));
      const results: unknown[] = [];
      let loaded = -1;
      let first: Page | undefined;
      // One tab per path, each opened once the one before is done; all
      // stay open until the end.
      for (const path of options.paths ?? ["/"]) {
        const page = first === undefined && context.pages()[0] !== undefined
          ? context.pages()[0]!
          : await context.newPage();
        first ??= page;
        page.on("console", (m) => void logs.push(`${m.type()}: ${m.text()}`));
        // An uncaught error in a page ends the run at once.
        const crash = new Promise<never>((_, reject) => {
          page.on("pageerror", (e) => {
            logs.push(`pageerror: ${e.stack ?? e.message}`);
            reject(new Error(`The page threw: ${e.stack ?? e.message}`));
          });
        });
        crash.catch(() => {});
        await page.goto(origin + path);
        if (options.interact !== undefined) {
          await page.waitForLoadState("networkidle");
          loaded = requests.length;
          results.push(await Promise.race([crash, options.interact(page)]));
          continue;
        }
        await Promise.race([
          crash,
          page.waitForFunction(
            () => "__mtsessionDone" in globalThis,
            undefined,
            { timeout: options.timeoutMs ?? 300_000, polling: 200 },
          ),
        ]);
        results.push(
          await page.evaluate(() =>
            (globalThis as { __mtsessionDone?: unknown }).__mtsessionDone
          ),
        );
      }
      const result = results[0] as T;
      if (options.screenshot !== undefined) {
        await first!.screenshot({ path: options.screenshot, fullPage: true });
      }
      const foreign = requests.filter((u) =>
        !u.startsWith("data:") && !u.startsWith("blob:") &&
        new URL(u).origin !== origin
      );
      const requestsAfterLoad = loaded < 0 ? [] : requests.slice(loaded);
      return {
        result,
        results,
        requests,
        foreign,
        origin,
        console: logs,
        requestsAfterLoad,
      };
    } finally {
      await context.close();
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The HTML of a test page that loads one module. */
export function pageHtml(title: string, script = "/page.js"): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5em}
.pass{color:#176f2c}.fail{color:#b00020}.skip{color:#777}
li{margin:.1em 0}pre{white-space:pre-wrap;font-size:12px}</style></head>
<body><h1>${title}</h1><p id="status">running…</p><ul id="results"></ul>
<script type="module" src="${script}"></script></body></html>`;
}
