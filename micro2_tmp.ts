import { openDefaultDatabase } from "./src/sqlite/pick_driver.ts";
const db = await openDefaultDatabase("/tmp/micro100k.session", { create: false });
db.exec("PRAGMA mmap_size = 67108864");
const C = "p.id, p.type, p.access_hash, p.usernames, p.phone, p.name, p.updated_at";
const qs: Record<string, [string, (i: number) => unknown[]]> = {
  join: [`SELECT ${C} FROM mts_usernames u JOIN mts_peers p ON p.session_id = u.session_id AND p.id = u.peer_id WHERE u.session_id = ? AND u.username = ?`, (i) => ["default", `user${i % 7 ? i : i + 1}x`]],
  sub: [`SELECT ${C} FROM mts_peers p WHERE p.session_id = ? AND p.id = (SELECT peer_id FROM mts_usernames WHERE session_id = ? AND username = ?)`, (i) => ["default", "default", `user${i % 7 ? i : i + 1}x`]],
  onlyu: [`SELECT peer_id FROM mts_usernames WHERE session_id = ? AND username = ?`, (i) => ["default", `user${i % 7 ? i : i + 1}x`]],
  phone: [`SELECT ${C} FROM mts_peers p WHERE p.session_id = ? AND p.phone = ? LIMIT 1`, (i) => ["default", `7999${i % 2 ? i : i + 1}`]],
  byid: [`SELECT ${C} FROM mts_peers p WHERE p.session_id = ? AND p.id = ?`, (i) => ["default", i * 86000 + 7]],
  phoneIdx: [`SELECT ${C} FROM mts_peers p INDEXED BY mts_peers_phone WHERE p.session_id = ? AND p.phone = ? LIMIT 1`, (i) => ["default", `7999${i % 2 ? i : i + 1}`]],
};
for (const round of [1, 2]) for (const [k, [sql, args]] of Object.entries(qs)) {
  if (k === "phone") continue;
  console.log(k, JSON.stringify(db.prepare("EXPLAIN QUERY PLAN " + sql).all(...args(1)).map((r) => r.detail)));
  const st = db.prepare(sql);
  let found = 0;
  const t = performance.now();
  for (let j = 0; j < 20000; j++) if (st.get(...args(((j * 7919) % 100000) + 1))) found++;
  console.log("  ", Math.round(20000 / ((performance.now() - t) / 1000)), "/s found", found);
}
db.close();
