// Contention: two, then eight processes on one session file (and on one
// store), started together. Without `wait` each either gets the file or
// the typed SessionInUseError; with `wait` they take turns and all get
// in. Never SQLite's bare "database is locked", never a damaged file.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { openSession, openSessionStore } from "../mod.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { runtime } from "./_fixtures.ts";

// Openers that wait take turns: openSqliteFile waits in JavaScript (busy
// timeout 0, close, jittered retry), so two waiters can never hold each
// other's locks inside SQLite's busy handler.

const CHILD = fileURLToPath(
  new URL("./_rel_contend_child.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "mtsession-contend-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Outcome {
  code: number | null;
  out: string;
}

function child(
  path: string,
  mode: string,
  id: number,
  start: number,
  hold: number,
): Promise<Outcome> {
  const args = [CHILD, path, mode, String(id), String(start), String(hold)];
  return new Promise((resolve) => {
    const c = spawn(
      process.execPath,
      runtime === "deno" ? ["run", "-A", ...args] : args,
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (out += d));
    c.on("close", (code) => resolve({ code, out }));
  });
}

/** Starts `count` children together (after every one has had time to load). */
async function race(
  path: string,
  mode: string,
  count: number,
  hold: number,
): Promise<Outcome[]> {
  const start = Date.now() + 1500 + 250 * count;
  return await Promise.all(
    Array.from({ length: count }, (_, i) => child(path, mode, i, start, hold)),
  );
}

function assertNoRawLockError(outcomes: Outcome[]): void {
  for (const o of outcomes) {
    assert.doesNotMatch(
      o.out,
      /database is locked|SQLITE_BUSY|SQLITE_LOCKED|database table is locked/i,
    );
    assert.ok(
      o.code === 0 || o.code === 3,
      `a child failed (exit ${o.code}): ${o.out}`,
    );
    assert.match(o.out, o.code === 0 ? /^ok \d+/ : /^in-use \d+/);
  }
}

async function assertIntact(path: string): Promise<void> {
  const db = await openDefaultDatabase(path, { create: false });
  try {
    const r = db.prepare("PRAGMA integrity_check").get();
    assert.equal(String(Object.values(r ?? {})[0]), "ok");
  } finally {
    db.close();
  }
}

async function markers(path: string): Promise<number[]> {
  const s = await openSession(path);
  try {
    return (await s.listPeers()).map((p) => p.id - 1000).sort((a, b) => a - b);
  } finally {
    await s.close();
  }
}

for (const count of [2, 8]) {
  describe(`${count} processes on one session file (${runtime})`, () => {
    it("without wait: each gets the file or SessionInUseError", {
      timeout: 120_000,
    }, async () => {
      const path = join(dir, `nowait${n++}.session`);
      await (await openSession(path)).close(); // the race is for the lock
      const outcomes = await race(path, "nowait", count, 400);
      assertNoRawLockError(outcomes);
      // Openers that meet halfway may all be told the file is in use:
      // each holds the shared lock the other's write lock needs.
      const ok = outcomes.flatMap((o, i) => (o.code === 0 ? [i] : []));
      await assertIntact(path);
      assert.deepEqual(await markers(path), ok);
    });

    it("with wait: nothing but success or the typed error, even creating it", {
      timeout: 120_000,
    }, async () => {
      const path = join(dir, `wait${n++}.session`); // does not exist yet
      const outcomes = await race(path, "wait", count, 100);
      assertNoRawLockError(outcomes);
      const ok = outcomes.flatMap((o, i) => (o.code === 0 ? [i] : []));
      await assertIntact(path);
      assert.deepEqual(await markers(path), ok);
    });

    it("with wait: they take turns and all get in", {
      timeout: 240_000,
    }, async () => {
      const path = join(dir, `strict${n++}.session`);
      for (let round = 0; round < 3; round++) {
        const outcomes = await race(path, "wait", count, 50);
        assertNoRawLockError(outcomes);
        assert.deepEqual(
          outcomes.map((o) => o.code),
          outcomes.map(() => 0),
          outcomes.map((o) => o.out).join(""),
        );
      }
      await assertIntact(path);
    });
  });
}

describe(`processes on one session store (${runtime})`, () => {
  it("the store is locked as a whole: in use, or taken in turns", {
    timeout: 120_000,
  }, async () => {
    const path = join(dir, `store${n++}.db`);
    await (await openSessionStore(path)).close();
    const nowait = await race(path, "store-nowait", 2, 400);
    assertNoRawLockError(nowait);
    const wait = await race(path, "store-wait", 4, 50);
    assertNoRawLockError(wait);
    assert.ok(wait.every((o) => o.code === 0));
    await assertIntact(path);
    const store = await openSessionStore(path);
    try {
      const winners = new Set(
        [...nowait, ...wait].flatMap((o, i) =>
          o.code === 0
            ? [`child${i < nowait.length ? i : i - nowait.length}`]
            : []
        ),
      );
      assert.deepEqual(await store.list(), [...winners].sort());
    } finally {
      await store.close();
    }
  });
});
