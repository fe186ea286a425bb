/**
 * The `mtsession` command line, for Deno, Bun and Node:
 *
 * ```sh
 * mtsession info [SOURCE] [--json] [--show-key] [--peers] [--show-phones]
 * mtsession convert [SOURCE] --to FORMAT [--out PATH] [--force] [--api-id N]
 *                   [--user-id N] [--bot] [--test-mode] [--passphrase-env VAR]
 * ```
 *
 * SOURCE is a session file, or `-` (the default) to read a session string
 * from standard input: strings are never taken from the command line,
 * which shell history and process lists keep. Exit codes: 0 ok, 1 bad
 * input (one line on stderr, never a secret), 2 usage. An auth key is
 * printed only with `--show-key`, the cached peers' phone numbers only with
 * `--show-phones`.
 *
 * Run it with `deno run -R -W -E jsr:@mtsession/mtsession/cli`, or
 * `node cli.ts` / `bun cli.ts` from a checkout.
 *
 * @example Convert a string from an environment variable
 * ```sh ignore
 * echo "$TELETHON_SESSION" | deno run -R -E jsr:@mtsession/mtsession/cli \
 *   convert --to pyrogram --api-id 12345 --user-id 777
 * ```
 *
 * @module
 */

import process from "node:process";
import { runCli } from "./src/cli/main.ts";

export { type CliOutput, runCli } from "./src/cli/main.ts";

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
