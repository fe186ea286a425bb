// Runs the real CLI in a child process of the runtime running the tests.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { runtime } from "./_fixtures.ts";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

/** The result of one CLI run. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `mtsession ARGS` with INPUT on stdin. */
export function runCliProcess(
  args: string[],
  input = "",
  env: Record<string, string> = {},
): CliRun {
  const argv = runtime === "deno"
    ? ["run", "-A", CLI, ...args]
    : [CLI, ...args];
  const r = spawnSync(process.execPath, argv, {
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
