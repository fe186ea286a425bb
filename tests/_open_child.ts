// Child process for the locking tests: opens a session file and reports.
// Exit 0: opened (prints dc); 3: SessionInUseError; 1: anything else.

import process from "node:process";
import { openSession, SessionInUseError } from "../mod.ts";

const [name, mode] = process.argv.slice(2);
try {
  const s = await openSession(name!, mode === "wait" ? { wait: 20_000 } : {});
  process.stdout.write(`opened dc=${s.dcId}\n`);
  await s.close();
  process.exit(0);
} catch (e) {
  process.stdout.write(`${(e as Error).name}: ${(e as Error).message}\n`);
  process.exit(e instanceof SessionInUseError ? 3 : 1);
}
