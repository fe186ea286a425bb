// A throwaway PostgreSQL server of a test's own (scripts/postgres.sh makes
// it), which the test may restart, stop, and kill -9: the shared server of
// the suite (DATABASE_URL) is never touched. Commits are synchronous here
// (unlike the suite's server), so what the server acknowledged survives a
// kill -9 of the postmaster; fsync stays off (no power loss is tested).

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The directory of PostgreSQL's programs (`PGBIN`, else the newest installed). */
function pgBin(): string | undefined {
  if (process.env.PGBIN) return process.env.PGBIN;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(a) - Number(b));
  const last = versions.at(-1);
  return last === undefined ? undefined : `${base}/${last}/bin`;
}

/** Why the tests of an own server are skipped, or `false` when they run. */
export const OWN_PG_SKIP: string | false = (() => {
  const bin = pgBin();
  if (process.platform !== "linux") return "needs Linux (scripts/postgres.sh)";
  if (bin === undefined || !existsSync(`${bin}/pg_ctl`)) {
    return "PostgreSQL is not installed (no pg_ctl; set PGBIN to its bin directory)";
  }
  return false;
})();

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A server of the test's own. */
export class OwnPostgres {
  /** Its connection URL (no password: the server trusts 127.0.0.1). */
  readonly url: string;
  #dir: string;
  #bin: string;
  #port: string;

  constructor(url: string, dir: string, bin: string) {
    this.url = url;
    this.#dir = dir;
    this.#bin = bin;
    this.#port = new URL(url).port;
  }

  /** Starts a new server (initdb, then pg_ctl start). */
  static start(): OwnPostgres {
    const r = run("bash", ["scripts/postgres.sh", "start"]);
    const url = /DATABASE_URL=(\S+)/.exec(r.out)?.[1];
    const dir = /MTSESSION_PG_DIR=(\S+)/.exec(r.out)?.[1];
    if (!r.ok || url === undefined || dir === undefined) {
      throw new Error(`scripts/postgres.sh start failed: ${r.out}`);
    }
    const server = new OwnPostgres(url, dir, pgBin()!);
    server.#ctl("-m", "fast", "-w", "-t", "30", "restart", ...server.#opts());
    return server;
  }

  #opts(): string[] {
    return [
      "-o",
      `-h 127.0.0.1 -p ${this.#port} -k ${this.#dir}/pg -c fsync=off ` +
      "-c synchronous_commit=on -c max_connections=100",
    ];
  }

  #ctl(...args: string[]): { ok: boolean; out: string } {
    const argv = [
      "-D",
      `${this.#dir}/pg/data`,
      "-l",
      `${this.#dir}/pg/server.log`,
      ...args,
    ];
    const asRoot = process.getuid?.() === 0;
    const r = asRoot
      ? run("runuser", ["-u", "postgres", "--", `${this.#bin}/pg_ctl`, ...argv])
      : run(`${this.#bin}/pg_ctl`, argv);
    return r;
  }

  #must(what: string, r: { ok: boolean; out: string }): void {
    if (!r.ok) throw new Error(`pg_ctl ${what} failed: ${r.out}`);
  }

  /** `pg_ctl restart -m fast`: every connection is ended by the server. */
  restartFast(): void {
    this.#must(
      "restart",
      this.#ctl("-m", "fast", "-w", "-t", "30", "restart", ...this.#opts()),
    );
  }

  /** Stops it (`pg_ctl stop -m fast`). */
  stop(): void {
    this.#must("stop", this.#ctl("-m", "fast", "-w", "-t", "30", "stop"));
  }

  /** Starts it again after stop() or kill(). */
  async start(): Promise<void> {
    // After a kill -9 the old backends may hold the shared memory a moment.
    for (let attempt = 1;; attempt++) {
      const r = this.#ctl("-w", "-t", "30", "start", ...this.#opts());
      if (r.ok) return;
      if (attempt === 20) this.#must("start", r);
      await sleep(250);
    }
  }

  /** `kill -9` of the postmaster (its backends end by themselves). */
  kill(): void {
    const pid = Number(
      readFileSync(`${this.#dir}/pg/data/postmaster.pid`, "utf8").split(
        "\n",
      )[0],
    );
    process.kill(pid, "SIGKILL");
  }

  /** Stops it and removes everything. */
  destroy(): void {
    run("bash", ["scripts/postgres.sh", "stop", this.#dir]);
  }
}
