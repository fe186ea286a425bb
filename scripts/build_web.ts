// Builds the converter page: web/index.html, web/main.ts bundled by
// esbuild into one module, and sql.js's wasm beside it, into web/dist/
// (not committed). `deno task build:web` (it runs Node), or
// `node scripts/build_web.ts [OUT_DIR]`. Prints the sizes.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Plugin } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** What the build made. */
export interface WebBuild {
  /** The directory holding index.html, main.js and the wasm. */
  readonly dir: string;
  /** Bytes of main.js, and gzipped. */
  readonly moduleBytes: number;
  readonly moduleGzip: number;
  /** Bytes of the wasm, gzipped. */
  readonly wasmGzip: number;
  /** node: built-ins the page's code imports (none is called in a page). */
  readonly nodeBuiltins: string[];
}

/**
 * Node built-ins some library modules import for their disk paths: in the
 * page each is a module whose every function throws (none is called).
 */
const nodeStubs: Plugin = {
  name: "node-stubs",
  setup(build): void {
    build.onResolve(
      { filter: /^node:/ },
      (args) => ({ path: args.path, namespace: "node-stub" }),
    );
    build.onLoad({ filter: /.*/, namespace: "node-stub" }, (args) => ({
      loader: "js",
      contents: `const name = ${JSON.stringify(args.path)};
const thrower = () => { throw new Error(name + " is not available in a browser"); };
module.exports = new Proxy(thrower, {
  get: (_t, key) => key === "__esModule" ? false : key === "default" ? module.exports : thrower,
});`,
    }));
  },
};

/** Builds the page into `dir`. */
export async function buildWeb(
  dir = join(root, "web", "dist"),
): Promise<WebBuild> {
  const esbuild = await import("esbuild");
  mkdirSync(dir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(root, "web", "main.ts")],
    outfile: join(dir, "main.js"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    metafile: true,
    logLevel: "silent",
    plugins: [nodeStubs],
    legalComments: "eof",
  });
  copyFileSync(join(root, "web", "index.html"), join(dir, "index.html"));
  const wasm = join(
    dirname(fileURLToPath(import.meta.resolve("sql.js"))),
    "sql-wasm-browser.wasm",
  );
  copyFileSync(wasm, join(dir, "sql-wasm-browser.wasm"));
  const code = readFileSync(join(dir, "main.js"));
  const builtins = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const i of input.imports) {
      if (i.path.startsWith("node-stub:")) builtins.add(i.path.slice(10));
    }
  }
  return {
    dir,
    moduleBytes: code.length,
    moduleGzip: gzipSync(code, { level: 9 }).length,
    wasmGzip: gzipSync(readFileSync(wasm), { level: 9 }).length,
    nodeBuiltins: [...builtins].sort(),
  };
}

if (import.meta.main ?? process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildWeb(process.argv[2]);
  writeFileSync(
    1,
    `built ${built.dir}: main.js ${
      (built.moduleBytes / 1024).toFixed(1)
    } KiB, ` +
      `${(built.moduleGzip / 1024).toFixed(1)} KiB gzip (+ wasm ${
        (built.wasmGzip / 1024).toFixed(0)
      } KiB gzip)\n`,
  );
}
