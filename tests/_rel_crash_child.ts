// Child of the crash tests (tests/_rel_crash.ts): follows the write plan
// from step START on, on the session file FILE, until it is killed. For
// each step: the auth change (every third step), takeoutId through the
// fire-and-forget property, the step's peers through processEntities (the
// write-behind batch), then save(); only then "ack STEP" on stdout, and
// the next step only once that line is written.
//
//   <runtime> tests/_rel_crash_child.ts FILE START

import process from "node:process";
import { openSession } from "../mod.ts";
import { planAuth, planPeers, SPLIT } from "./_rel_crash.ts";

const [path, startText] = process.argv.slice(2) as [string, string];

function say(line: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(
      line + "\n",
      (e) => (e ? reject(e) : resolve()),
    )
  );
}

// A short flush delay, so that kills also land in timer-driven flushes.
const session = await openSession(path, { flushDelayMs: 2 });
await say("ready");
for (let step = Number(startText);; step++) {
  const auth = planAuth(step);
  if (auth) await session.setAuth(auth);
  session.takeoutId = BigInt(step);
  const users = planPeers(step).map((p) => ({
    _: "user",
    id: p.id,
    accessHash: p.accessHash,
    username: p.username,
    firstName: `Peer ${p.id}`,
    ...(p.phone === null ? {} : { phone: p.phone }),
  }));
  // Two calls, a few milliseconds apart: the timer may flush the first
  // half on its own, the second half then goes with save().
  await session.processEntities({ users: users.slice(0, SPLIT), chats: [] });
  if (step % 2 === 0) await new Promise((r) => setTimeout(r, 3));
  await session.processEntities({ users: users.slice(SPLIT), chats: [] });
  await session.save();
  await say(`ack ${step}`);
}
