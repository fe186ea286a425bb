// PostgreSQL test helpers: the server from DATABASE_URL (the test runner
// starts a throwaway one; `eval "$(bash scripts/postgres.sh start)"` does
// it by hand), schemas of our own per test file, and child processes of
// the runtime at hand.

import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { runtime } from "./_fixtures.ts";

/** The server to test against, if any. */
export const DATABASE_URL: string | undefined = process.env.DATABASE_URL ||
  undefined;

/** Why the PostgreSQL tests are skipped, or `false` when they run. */
export const PG_SKIP: string | false = DATABASE_URL === undefined
  ? "DATABASE_URL is not set: no PostgreSQL server to test against " +
    '(npm test starts one; by hand: eval "$(bash scripts/postgres.sh start)")'
  : false;

let counter = 0;

/** A schema name no other test (file, runtime, process) uses. */
export function uniqueSchema(tag: string): string {
  return `mtst_${tag}_${runtime}_${process.pid}_${counter++}_${
    Math.random().toString(36).slice(2, 8)
  }`;
}

/** A plain `postgres` instance (no type settings) for checks by hand. */
export function rawSql(): postgres.Sql {
  return postgres(DATABASE_URL!, { max: 2, onnotice: () => {} });
}

/** Drops test schemas. */
export async function dropSchemas(...names: string[]): Promise<void> {
  if (DATABASE_URL === undefined || names.length === 0) return;
  const sql = rawSql();
  try {
    for (const n of names) {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${n}" CASCADE`);
    }
  } finally {
    await sql.end();
  }
}

const CHILD = fileURLToPath(new URL("./_pg_child.ts", import.meta.url));

/** What a child process did. */
export interface ChildResult {
  /** Exit code (-1 if killed). */
  code: number;
  /** stdout and stderr. */
  output: string;
}

/** A running child; `result` settles when it exits. */
export interface Child {
  /** Resolves with the exit code and output. */
  result: Promise<ChildResult>;
  /** Resolves when the child prints `line` (or exits). */
  printed(line: string): Promise<void>;
  /** Kills it with SIGKILL (a crash: no cleanup runs). */
  kill(): void;
}

/** Starts `tests/_pg_child.ts` in the runtime at hand. */
export function startChild(...args: string[]): Child {
  const argv = runtime === "deno"
    ? ["run", "-A", CHILD, ...args]
    : [CHILD, ...args];
  const child = spawn(process.execPath, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: DATABASE_URL ?? "" },
  });
  let output = "";
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  const onData = (d: unknown): void => {
    output += String(d);
    for (const w of [...waiters]) {
      if (output.includes(w.line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const result = new Promise<ChildResult>((resolve) => {
    child.on("close", (code) => {
      for (const w of waiters) w.resolve();
      resolve({ code: code ?? -1, output });
    });
  });
  return {
    result,
    printed: (line) =>
      output.includes(line)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ line, resolve })),
    kill: () => void child.kill("SIGKILL"),
  };
}

/** Runs `tests/_pg_child.ts` to the end. */
export function runChild(...args: string[]): Promise<ChildResult> {
  return startChild(...args).result;
}
