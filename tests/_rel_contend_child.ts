// Child of tests/reliability_contention_test.ts: at time START (epoch ms)
// it opens FILE (a session file, or a store with MODE "store-…"), writes
// its marker peer, holds the file HOLD ms, closes, and prints what
// happened: "ok WAITED_MS", "in-use WAITED_MS", or "error NAME: MESSAGE".
//
//   <runtime> tests/_rel_contend_child.ts FILE MODE N START HOLD
//
// MODE: "nowait" | "wait" | "store-nowait" | "store-wait".

import process from "node:process";
import { openSession, openSessionStore, SessionInUseError } from "../mod.ts";

const [path, mode, n, start, hold] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const id = Number(n);
// How long a waiting child waits: short, since the contention test's
// known issue makes a deadlocked waiter wait all of it.
const WAIT_MS = 5_000;
const wait = mode.endsWith("-wait") || mode === "wait";
await new Promise((r) =>
  setTimeout(r, Math.max(0, Number(start) - Date.now()))
);
const began = Date.now();
let code = 0;
try {
  const options = wait ? { wait: WAIT_MS } : {};
  if (mode.startsWith("store")) {
    const store = await openSessionStore(path, options);
    const waited = Date.now() - began;
    const s = await store.open(`child${id}`);
    await s.processEntities({
      _: "user",
      id: 1000 + id,
      accessHash: BigInt(id),
      username: `child_${id}`,
    });
    await new Promise((r) => setTimeout(r, Number(hold)));
    await store.close();
    process.stdout.write(`ok ${waited}\n`);
  } else {
    const s = await openSession(path, options);
    const waited = Date.now() - began;
    await s.processEntities({
      _: "user",
      id: 1000 + id,
      accessHash: BigInt(id),
      username: `child_${id}`,
    });
    await s.setUpdateState({ entityId: 0, pts: id, qts: 0, date: 1, seq: 0 });
    await s.save();
    await new Promise((r) => setTimeout(r, Number(hold)));
    await s.close();
    process.stdout.write(`ok ${waited}\n`);
  }
} catch (e) {
  if (e instanceof SessionInUseError) {
    // The typed error only: its cause is SQLite's own, wrapped on purpose.
    process.stdout.write(`in-use ${Date.now() - began}\n`);
    code = 3;
  } else {
    const err = e as Error;
    process.stdout.write(`error ${err?.name}: ${err?.message}\n`);
    code = 1;
  }
}
process.exit(code);
