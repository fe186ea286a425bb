// Crash safety: a child process writing peers and auth changes to a
// session file is killed with SIGKILL at random moments (50 times, on the
// runtime running the tests); after each kill the file opens, passes
// PRAGMA integrity_check and holds every write save() had acknowledged.
// scripts/soak.ts runs the same loop for longer. See tests/_rel_crash.ts.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crashLoop, RUNTIME } from "./_rel_crash.ts";
import { seeded } from "./_random.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe(`crash safety (${RUNTIME})`, () => {
  it("50 SIGKILLs at random moments lose no acknowledged write", {
    timeout: 240_000,
  }, async () => {
    const stats = await crashLoop(
      join(dir, "crash.session"),
      50,
      seeded(20261122),
    );
    assert.equal(stats.kills, 50);
    // The loop throws on any violation; these say it did real work.
    assert.ok(stats.acked >= 50, `only ${stats.acked} steps acknowledged`);
    assert.ok(stats.lastStep >= 50, `the file reached step ${stats.lastStep}`);
  });
});
