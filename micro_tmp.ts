import { openSession } from "./mod.ts";
import { existsSync } from "node:fs";
const path = "/tmp/micro100k.session";
const N = 100_000;
if (!existsSync(path)) {
  const s = await openSession(path);
  for (let b = 0; b < N; b += 1000) {
    const users = [];
    for (let i = b + 1; i <= b + 1000; i++) users.push({ _: "user", id: i * 86_000 + 7, accessHash: BigInt(i) * 92233720368547n, username: i % 7 ? `user${i}x` : undefined, phone: i % 2 ? `7999${i}` : undefined, firstName: `Name ${i}` });
    await s.processEntities({ users, chats: [] });
  }
  await s.close();
}
const s = await openSession(path);
const st = s.storage;
const M = 20000;
const ids = Array.from({ length: M }, (_, k) => ((k * 7919) % N) + 1);
async function time(label: string, fn: (i: number) => unknown) {
  for (let k = 0; k < 2000; k++) await fn(ids[k]!);
  const t = performance.now();
  for (let k = 0; k < M; k++) await fn(ids[k]!);
  console.log(label.padEnd(26), Math.round(M / ((performance.now() - t) / 1000)), "/s");
}
for (let r = 0; r < 2; r++) {
  await time("storage id", (i) => st.findPeer({ by: "id", ids: [i * 86_000 + 7] }));
  await time("storage username", (i) => st.findPeer({ by: "username", value: `user${i % 7 ? i : i + 1}x` }));
  await time("storage phone", (i) => st.findPeer({ by: "phone", value: `7999${i % 2 ? i : i + 1}` }));
  await time("session id", (i) => s.getInputPeer(i * 86_000 + 7));
  await time("session username", (i) => s.getInputPeer(`@user${i % 7 ? i : i + 1}x`));
  await time("session phone", (i) => s.getInputPeer(`+7999${i % 2 ? i : i + 1}`));
}
await s.close();
