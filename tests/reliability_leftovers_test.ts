// Nothing left behind. A child process is killed with SIGKILL while its
// temporary file exists — during writeSessionFile, `mtsession convert
// --out`, readSessionFile (the private copy) and importSessionFile — and
// what it left is looked at: the target is absent (never half made), the
// leftovers are ours and some hold the auth key. A later write or read in
// that directory removes them once they are stale (unchanged for
// STALE_AFTER_MS — the test ages them with utimes — and their process
// gone), and nothing but them: young leftovers, other files with similar
// names, and the temporary files of a live writer (a child frozen with
// SIGSTOP midway, however old its files look) all stay; the frozen writer,
// resumed, finishes its file. An import that is killed or fails leaves
// nothing at its target and nothing locked: a retry succeeds.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  importSessionFile,
  openSession,
  readSessionFile,
  writeSessionFile,
} from "../mod.ts";
import { STALE_AFTER_MS } from "../src/_temp_files.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { runCliProcess } from "./_cli.ts";
import { fixturePath, runtime } from "./_fixtures.ts";
import { bytes, seeded } from "./_random.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-leftovers-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const CHILD = fileURLToPath(
  new URL("./_rel_leftover_child.ts", import.meta.url),
);
const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const KEY = bytes(seeded(1212), 256);
const PEERS = 20_000;
const SRC_DIR = join(dir, "src");
const SOURCE = join(SRC_DIR, "big.session");

/** Our temporary names (src/_temp_files.ts). */
const OURS =
  /^\..+\.mts(\d+)-[0-9a-z]{8}\.(?:tmp|read)\.session(?:-wal|-shm|-journal)?$/;

before(async () => {
  mkdirSync(SRC_DIR);
  const s = await openSession(SOURCE);
  await s.setDc(2, "149.154.167.51", 443);
  await s.setAuthKey(KEY);
  for (let from = 0; from < PEERS; from += 2000) {
    await s.processEntities(
      Array.from({ length: 2000 }, (_, i) => ({
        _: "user",
        id: 10_000 + from + i,
        accessHash: BigInt(from + i) * 7919n - 2n ** 62n,
        username: `left_${from + i}`,
        firstName: `Peer ${from + i}`,
      })),
    );
  }
  await s.close();
});

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!;
  for (let i = hay.indexOf(first); i >= 0; i = hay.indexOf(first, i + 1)) {
    if (i + needle.length > hay.length) return false;
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

function holdsKey(path: string): boolean {
  try {
    return contains(new Uint8Array(readFileSync(path)), KEY);
  } catch {
    return false; // gone meanwhile
  }
}

/** Our temporary files in `d`. */
function ours(d: string): string[] {
  return readdirSync(d).filter((f) => OURS.test(f)).sort();
}

/** The files of `d` other than `known`. */
function newFiles(d: string, known: string[]): string[] {
  return readdirSync(d).filter((f) => !known.includes(f)).sort();
}

/** The files of `d` holding the key. */
function keyHolders(d: string): string[] {
  return readdirSync(d).filter((f) => holdsKey(join(d, f))).sort();
}

/** Makes files look unchanged for longer than STALE_AFTER_MS. */
function age(paths: string[], ms = STALE_AFTER_MS + 60_000): void {
  const t = (Date.now() - ms) / 1000;
  for (const p of paths) utimesSync(p, t, t);
}

interface Ended {
  code: number | null;
  signal: string | null;
  output: string;
}

interface Caught {
  pid: number;
  /** The new files in the watched directory when it was caught. */
  seen: string[];
  ended: Promise<Ended>;
}

/**
 * Runs `script ARGS` in a child of this runtime and sends it `signal` as
 * soon as a new file in `watch` holds the key (or, with `anyFile`, as soon
 * as a new file is there).
 */
function catchMidway(
  script: string,
  args: string[],
  watch: string,
  signal: "SIGKILL" | "SIGSTOP",
  anyFile = false,
): Promise<Caught> {
  const known = new Set(readdirSync(watch));
  const argv = runtime === "deno"
    ? ["run", "-A", script, ...args]
    : [script, ...args];
  const child = spawn(process.execPath, argv, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let exited = false;
  child.stdout.on("data", (d: Uint8Array | string) => (output += d));
  child.stderr.on("data", (d: Uint8Array | string) => (output += d));
  const ended = new Promise<Ended>((resolve) =>
    child.on("close", (code, sig) => {
      exited = true;
      resolve({ code, signal: sig, output });
    })
  );
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (exited) {
        reject(new Error(`the child ended before it was caught: ${output}`));
        return;
      }
      const seen = readdirSync(watch).filter((f) => !known.has(f));
      if (
        seen.length > 0 &&
        (anyFile || seen.some((f) => holdsKey(join(watch, f))))
      ) {
        process.kill(child.pid!, signal);
        resolve({ pid: child.pid!, seen, ended });
        return;
      }
      setTimeout(tick, 1);
    };
    tick();
  });
}

/** The id of a process that has ended. */
const DEAD_PID = spawnSync(process.execPath, ["--version"]).pid!;

/**
 * Files with names like ours that are not ours, of a process that has
 * ended, made to look old.
 */
function decoys(d: string): string[] {
  const names = [
    ".notes.tmp.session",
    `.a.session.mts${DEAD_PID}-abcdefgh.tmp.session.bak`,
    `a.session.mts${DEAD_PID}-abcdefgh.tmp.session`,
    `.a.session.${DEAD_PID}-abcdefgh.tmp.session`,
    ".a.session.k2x7q9abcdef.tmp.session", // an older version's name
  ];
  for (const n of names) writeFileSync(join(d, n), "not ours");
  age(names.map((n) => join(d, n)));
  return names;
}

/** Each test spawns children; Bun's default 5 s is too short for that. */
const SLOW = { timeout: 120_000 };

describe(`nothing left behind after a kill (${runtime})`, () => {
  for (const format of ["mtsession", "telethon"] as const) {
    it(
      `writeSessionFile (${format}): the target is absent; the key-holding leftovers go once stale, nothing else`,
      SLOW,
      async () => {
        const out = join(dir, `write-${format}`);
        mkdirSync(out);
        const others = decoys(out);
        const target = join(out, "t.session");
        const caught = await catchMidway(
          CHILD,
          ["write", format, SOURCE, target],
          out,
          "SIGKILL",
          format === "telethon", // its key reaches the disk only at commit
        );
        const ended = await caught.ended;
        assert.equal(ended.signal, "SIGKILL", ended.output);
        assert.ok(!existsSync(target), "a half-made target");
        const left = newFiles(out, others);
        assert.ok(left.length > 0, "the kill left nothing to clean up");
        assert.ok(
          left.every((f) => OURS.test(f) && f.includes(`.mts${caught.pid}-`)),
          left.join(", "),
        );
        if (format === "mtsession") {
          assert.ok(left.some((f) => holdsKey(join(out, f))), "no key in them");
        }

        const data = await readSessionFile(SOURCE);
        // Young: the writer could be a live process elsewhere; they stay.
        await writeSessionFile(join(out, "next1.session"), format, data);
        assert.deepEqual(newFiles(out, [...others, "next1.session"]), left);
        // Stale: removed by the next write, and nothing else is.
        age(left.map((f) => join(out, f)));
        await writeSessionFile(join(out, "next2.session"), format, data);
        assert.deepEqual(
          newFiles(out, [...others, "next1.session", "next2.session"]),
          [],
        );
        for (const d of others) assert.ok(existsSync(join(out, d)), d);
        assert.deepEqual(keyHolders(out), ["next1.session", "next2.session"]);
      },
    );
  }

  it(
    "convert --out: the target is absent; the next convert removes the stale leftovers",
    SLOW,
    async () => {
      const out = join(dir, "convert");
      mkdirSync(out);
      const target = join(out, "c.session");
      const args = [
        "convert",
        SOURCE,
        "--to",
        "mtsession-file",
        "--out",
        target,
      ];
      const caught = await catchMidway(CLI, args, out, "SIGKILL");
      assert.equal((await caught.ended).signal, "SIGKILL");
      assert.ok(!existsSync(target), "a half-made target");
      const left = ours(out);
      assert.ok(left.some((f) => holdsKey(join(out, f))), left.join(", "));
      age(left.map((f) => join(out, f)));
      const r = runCliProcess(args);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(ours(out), []);
      assert.deepEqual(keyHolders(out), ["c.session"]);
      assert.equal((await readSessionFile(target)).peers.length, PEERS);
    },
  );

  it(
    "readSessionFile: the copy is beside the source, never in the temp directory; a later read removes it once stale",
    SLOW,
    async () => {
      const before = new Uint8Array(readFileSync(SOURCE));
      const caught = await catchMidway(
        CHILD,
        ["read", SOURCE],
        SRC_DIR,
        "SIGKILL",
      );
      assert.equal((await caught.ended).signal, "SIGKILL");
      const left = ours(SRC_DIR);
      assert.ok(left.some((f) => f.includes(`.mts${caught.pid}-`)));
      assert.ok(left.some((f) => holdsKey(join(SRC_DIR, f))));
      assert.deepEqual(
        readdirSync(tmpdir()).filter((f) =>
          f.startsWith(`mtsession-read-mts${caught.pid}-`)
        ),
        [],
      );
      await readSessionFile(SOURCE);
      assert.deepEqual(ours(SRC_DIR), left, "young leftovers stay");
      age(left.map((f) => join(SRC_DIR, f)));
      await readSessionFile(SOURCE);
      assert.deepEqual(ours(SRC_DIR), []);
      assert.deepEqual(readdirSync(SRC_DIR), ["big.session"]);
      assert.deepEqual(new Uint8Array(readFileSync(SOURCE)), before);
    },
  );

  it(
    "importSessionFile killed midway leaves no target; the retry is not refused",
    SLOW,
    async () => {
      const out = join(dir, "import");
      mkdirSync(out);
      const into = join(out, "imp");
      const caught = await catchMidway(
        CHILD,
        ["import", SOURCE, into],
        out,
        "SIGKILL",
      );
      assert.equal((await caught.ended).signal, "SIGKILL");
      assert.ok(!existsSync(`${into}.session`), "a half-filled target");
      const left = ours(out);
      assert.ok(left.some((f) => holdsKey(join(out, f))), left.join(", "));
      age(left.map((f) => join(out, f)));
      const s = await importSessionFile(SOURCE, { into });
      try {
        assert.equal(await s.countPeers(), PEERS);
        assert.deepEqual(s.authKey, KEY);
      } finally {
        await s.close();
      }
      assert.deepEqual(readdirSync(out), ["imp.session"]);
    },
  );

  it(
    "a live writer's temporary files stay, however old they look, and it finishes",
    SLOW,
    async () => {
      const out = join(dir, "live");
      mkdirSync(out);
      const target = join(out, "slow.session");
      const caught = await catchMidway(
        CHILD,
        ["write", "mtsession", SOURCE, target],
        out,
        "SIGSTOP",
      );
      try {
        const held = ours(out);
        assert.ok(held.length > 0);
        age(held.map((f) => join(out, f)), 24 * 3600_000);
        // Writes and a read in its directory, each of which sweeps it.
        const data = await readSessionFile(SOURCE);
        await writeSessionFile(join(out, "a.session"), "telethon", data);
        await writeSessionFile(join(out, "b.session"), "mtsession", data);
        await readSessionFile(join(out, "a.session"));
        const s = await importSessionFile(join(out, "a.session"), {
          into: join(out, "c"),
        });
        await s.close();
        for (const f of held) {
          assert.ok(existsSync(join(out, f)), `${f} removed`);
        }
      } finally {
        process.kill(caught.pid, "SIGCONT");
      }
      const ended = await caught.ended;
      assert.equal(ended.code, 0, ended.output);
      assert.equal(ended.output.trim(), "done");
      const written = await readSessionFile(target);
      assert.deepEqual(written.auth.authKey, KEY);
      assert.equal(written.peers.length, PEERS);
      assert.deepEqual(ours(out), []);
    },
  );

  it(
    "a read copy that had to go to the temp directory (Deno without write permission beside the source) is removed once stale",
    {
      ...SLOW,
      skip: runtime !== "deno" && "only Deno can forbid root to write",
    },
    async () => {
      // The children's temp directory, the only place the first may write.
      const tmp = join(dir, "tmp");
      mkdirSync(tmp);
      const env = { ...process.env, TMPDIR: tmp };
      const child = spawn(process.execPath, [
        "run",
        "--allow-read",
        `--allow-write=${tmp}`,
        "--allow-env",
        CHILD,
        "read",
        SOURCE,
      ], { stdio: ["ignore", "pipe", "pipe"], env });
      let output = "";
      child.stderr.on("data", (d: Uint8Array | string) => (output += d));
      const ended = new Promise<string | null>((r) =>
        child.on("close", (_c, sig) => r(sig))
      );
      const prefix = `mtsession-read-mts${child.pid}-`;
      let copy: string | undefined;
      for (let i = 0; i < 60_000 && copy === undefined; i++) {
        const found = readdirSync(tmp).find((f) => f.startsWith(prefix));
        if (found !== undefined && holdsKey(join(tmp, found, "session.db"))) {
          copy = join(tmp, found);
          process.kill(child.pid!, "SIGKILL");
        } else await new Promise((r) => setTimeout(r, 1));
      }
      assert.equal(await ended, "SIGKILL", output);
      assert.ok(copy !== undefined && existsSync(copy), "no copy seen");
      assert.deepEqual(ours(SRC_DIR), [], "a copy beside the source");
      const read = (): void => {
        const r = spawnSync(
          process.execPath,
          ["run", "-A", CHILD, "read", SOURCE],
          { env, encoding: "utf8" },
        );
        assert.equal(r.status, 0, r.stderr);
      };
      read();
      assert.ok(existsSync(copy), "a young copy was removed");
      age([copy, ...readdirSync(copy).map((f) => join(copy!, f))]);
      read();
      assert.ok(!existsSync(copy), "the stale copy stayed");
    },
  );
});

describe(`a failed import leaves nothing (${runtime})`, () => {
  it(
    "filling fails midway (an update state out of range): no target, nothing locked, a retry works",
    SLOW,
    async () => {
      const out = join(dir, "failed-import");
      mkdirSync(out);
      const bad = join(out, "bad-source.session");
      copyFileSync(fixturePath("telethon/sqlite/v7-full.session"), bad);
      const db = await openDefaultDatabase(bad, { create: false });
      db.exec("UPDATE update_state SET pts = 2147483653");
      db.close();
      const into = join(out, "target");
      await assert.rejects(importSessionFile(bad, { into }), RangeError);
      assert.deepEqual(readdirSync(out), ["bad-source.session"]);
      // Nothing holds the name: the good file goes in, and opens again.
      const good = fixturePath("telethon/sqlite/v7-full.session");
      const s = await importSessionFile(good, { into });
      assert.equal(await s.countPeers(), 16);
      await s.close();
      const again = await openSession(into);
      assert.equal(await again.countPeers(), 16);
      await again.close();
    },
  );
});
