// A PostgreSQL restart must not kill the process: a child process stores
// peers one by one on a server of this test's own (each acknowledged by
// save()), while the server is restarted (`pg_ctl restart -m fast`), then
// killed (`kill -9` of the postmaster) and started again, then stopped for
// good. The child must live through all of it (no uncaught error, no
// unhandled rejection: either would end it with a non-zero code), keep
// acknowledging writes after each restart, and close the store within its
// bound while the server is down, reporting the peer it could not write.
// Every acknowledged peer must be in the database afterwards.

import process from "node:process";
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "../adapters/postgres.ts";
import { runtime } from "./_fixtures.ts";
import { startChild } from "./_pg_env.ts";
import { OWN_PG_SKIP, OwnPostgres } from "./_pg_server.ts";
import { restartPeer } from "./_pg_writes.ts";

/** close()'s bound in the child (closeTimeout: 3 s), plus slack for CI. */
const CLOSE_BOUND_MS = 3000 + 1500;

describe(`PostgreSQL restarts under write load (${runtime})`, {
  skip: OWN_PG_SKIP,
}, () => {
  let server: OwnPostgres | undefined;
  const dir = mkdtempSync(join(tmpdir(), "mtsession-pgrestart-"));
  after(() => {
    server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "survives pg_ctl restart and kill -9, close() is bounded with the server down, no acknowledged write is lost",
    { timeout: 120_000 },
    async () => {
      server = OwnPostgres.start();
      const stopFile = join(dir, "stop");
      const child = startChild(
        "restart-writer",
        "restart_test",
        server.url,
        stopFile,
      );
      // printed() also resolves when the child exits: checked below.
      await child.printed("ack 50");
      server.restartFast();
      await child.printed("ack 150"); // writes go on after the restart
      server.kill();
      await server.start();
      await child.printed("ack 250"); // and after the crash
      server.stop();
      writeFileSync(stopFile, "");
      const result = await child.result;
      assert.equal(result.code, 0, result.output.slice(-3000));
      assert.doesNotMatch(result.output, /TypeError|Uncaught|unhandled/i);
      const acks = [...result.output.matchAll(/^ack (\d+)$/gm)].map((m) =>
        Number(m[1])
      );
      const last = acks.at(-1)!;
      const closed =
        /^closed ms=(\d+) failures=(\d+) error=(\w+) unwritten=(\d+)$/m
          .exec(result.output);
      assert.ok(closed, result.output.slice(-2000));
      const [, ms, failures, error, unwritten] = closed;
      assert.ok(Number(ms) <= CLOSE_BOUND_MS, `close() took ${ms} ms`);
      // The peer stored after the server went down was reported, not dropped
      // silently (with any whose save() failed).
      assert.equal(error, "PostgresConnectionLostError");
      assert.ok(Number(unwritten) >= 1);

      await server.start();
      const store = await openPostgresStore(server.url, {
        schema: "restart_test",
      });
      try {
        const session = await store.open("writer");
        const peers = new Map(
          (await session.storage.listPeers()).map((p) => [p.id, p]),
        );
        let lost = 0;
        for (let id = 1; id <= last; id++) {
          const p = peers.get(id);
          if (p === undefined) lost++;
          else assert.deepEqual(p, restartPeer(id));
        }
        assert.equal(lost, 0, `acknowledged peers missing after reopen`);
        await session.close();
        process.stdout.write(
          `# restart (${runtime}): ${last} acknowledged, lost 0, ` +
            `${failures} failed save(), close() ${ms} ms with the server down, ` +
            `${unwritten} reported unwritten\n`,
        );
      } finally {
        await store.close();
      }
    },
  );
});
