// What the real GramJS package (`telegram`, its Node build: npm has no
// other) needs to bundle for the browser, as GramJS's own browser build
// gives it: its pure-JS crypto (telegram/crypto/crypto.js) for `crypto`,
// path-browserify for `path`, the `buffer` package for `buffer` and for
// the global `Buffer` GramJS uses without importing it (given to GramJS's
// files alone, as webpack's ProvidePlugin does: mtcute takes a global
// Buffer for Node's, which the `buffer` package is not), a small `os` and
// `util`; the socket and file modules (`net`, `socks`,
// `node-localstorage`) are stubs that throw if called (nothing connects).
// @mtcute/core needs nothing. Node side: an esbuild plugin for bundle().

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Plugin } from "esbuild";

const require = createRequire(import.meta.url);
const telegramDir = dirname(require.resolve("telegram/package.json"));

const OS = `module.exports = {
  type: () => "Browser", release: () => "", hostname: () => "browser",
  platform: () => "browser", arch: () => "", EOL: "\\n",
};`;
const UTIL = `const custom = Symbol.for("nodejs.util.inspect.custom");
module.exports = { inspect: Object.assign((v) => String(v), { custom }) };`;
const STUB = (name: string): string =>
  `const thrower = () => { throw new Error(${
    JSON.stringify(name)
  } + " is not available in a browser"); };
module.exports = new Proxy(thrower, {
  get: (_t, key) => key === "__esModule" ? false : key === "default" ? module.exports : thrower,
});`;

/** The browser stand-ins GramJS needs, for bundle(). */
export const gramjsBrowser: Plugin = {
  name: "gramjs-browser",
  setup(build): void {
    build.onResolve(
      {
        filter:
          /^(node:)?(buffer|crypto|path|os|util|net|socks|node-localstorage)$/,
      },
      (args) => {
        const name = args.path.replace(/^node:/, "");
        const fromGramjs = args.importer.startsWith(telegramDir);
        if (name === "buffer") {
          return { path: require.resolve("buffer/") };
        }
        if (!fromGramjs && args.path.startsWith("node:")) return undefined;
        if (name === "crypto") {
          return { path: join(telegramDir, "crypto", "crypto.js") };
        }
        if (name === "path") {
          return { path: require.resolve("path-browserify") };
        }
        return { path: name, namespace: "gramjs-shim" };
      },
    );
    build.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(telegramDir)) return undefined;
      return {
        loader: "js",
        contents: `var Buffer = require("buffer").Buffer;\n${
          readFileSync(args.path, "utf8")
        }`,
        resolveDir: dirname(args.path),
      };
    });
    build.onLoad({ filter: /.*/, namespace: "gramjs-shim" }, (args) => ({
      loader: "js",
      contents: args.path === "os"
        ? OS
        : args.path === "util"
        ? UTIL
        : STUB(args.path),
    }));
  },
};
