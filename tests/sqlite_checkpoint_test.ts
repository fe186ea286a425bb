// A session file's WAL is checkpointed by the storage between slices of
// its batched writes (src/sqlite/_checkpoint.ts): the WAL stays bounded,
// lookups and direct writes made while a checkpoint's database sync is
// still running lose nothing, and the file is sound when reopened.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSession } from "../mod.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { runtime } from "./_fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-wal-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The WAL header's checkpoint sequence: one more at every restart. */
function walRestarts(path: string): number {
  if (!existsSync(`${path}-wal`)) return 0;
  const head = readFileSync(`${path}-wal`).subarray(0, 32);
  if (head.length < 32) return 0;
  return new DataView(head.buffer, head.byteOffset, 32).getUint32(12);
}

// Ids scattered over the key space, as a client's are: every batch then
// dirties pages all over the file, and the WAL grows fast.
const idOf = (i: number): number => 1 + (i * 2_654_435_761) % 4_294_967_291;

const user = (i: number): Record<string, unknown> => ({
  _: "user",
  id: idOf(i),
  // Signed 64-bit hashes across the range.
  accessHash: (BigInt(i) * 0x9e3779b97f4a7c15n) % (2n ** 63n) - 2n ** 62n,
  firstName: `User ${i}`,
  ...(i % 3 === 0 ? {} : { username: `user_${i}` }),
  ...(i % 2 === 0 ? { phone: `1555${String(i).padStart(7, "0")}` } : {}),
});

describe(`WAL checkpoints of a session file (${runtime})`, () => {
  it("keep the WAL bounded while ingesting, with lookups and direct writes between, and lose nothing", async () => {
    const name = join(dir, "ingest");
    const path = `${name}.session`;
    const s = await openSession(name);
    // Until the WAL has restarted twice (a few thousand pages apiece), at
    // most 60,000 peers.
    let N = 0;
    for (let i = 0; i < 60_000 && walRestarts(path) < 2; i += 100) {
      N = i + 100;
      const batch = [];
      for (let j = i; j < i + 100; j++) batch.push(user(j));
      await s.processEntities({ users: batch, chats: [] });
      // Between batches: a lookup (which writes what is queued at once)
      // and a direct write, whenever a checkpoint may be syncing.
      if (i % 700 === 0) {
        assert.equal(
          (await s.getInputPeer(idOf(i)) as { userId: number }).userId,
          idOf(i),
        );
        await s.setUpdateState({
          entityId: 0,
          pts: i,
          qts: 0,
          date: 1_700_000_000,
          seq: i,
        });
      }
      await new Promise((r) => setTimeout(r, 0));
    }
    await s.save();
    // Checkpointed (the WAL restarted) and bounded: well under what the
    // ingest wrote to it in all.
    assert.ok(walRestarts(path) >= 2, `restarts ${walRestarts(path)}`);
    assert.ok(
      statSync(`${path}-wal`).size < 5000 * (4096 + 24) + 32,
      `WAL of ${statSync(`${path}-wal`).size} bytes`,
    );
    await s.close();

    const db = await openDefaultDatabase(path, { create: false });
    const check = db.prepare("PRAGMA integrity_check").get();
    db.close();
    assert.equal(Object.values(check ?? {})[0], "ok");
    const again = await openSession(name);
    assert.equal(await again.countPeers(), N);
    for (const i of [0, 1, 2, N >> 1, N - 1]) {
      const want = user(i);
      const peer = await again.getPeer(want.id as number);
      assert.equal(peer?.accessHash, want.accessHash);
      assert.deepEqual(
        peer?.usernames,
        want.username === undefined ? [] : [want.username],
      );
    }
    const last = (await again.getUpdateState(0))?.pts ?? -1;
    assert.ok(last >= N - 800 && last % 700 === 0, `pts ${last}`);
    await again.close();
  });
});
