// Two tabs and one session: the page at "/?holder" opens the session and
// keeps it open; the page at "/?second" (another tab, opened next) must
// find it in use, at once and after waiting a little.

import {
  openIndexedDbSession,
  SessionInUseError,
} from "../../adapters/indexeddb.ts";

const role = (globalThis as unknown as { location: { search: string } })
  .location.search.slice(1);
const done = (v: unknown): void => {
  (globalThis as { __mtsessionDone?: unknown }).__mtsessionDone = v;
};

async function outcome(wait: number): Promise<string> {
  try {
    const s = await openIndexedDbSession("shared", { database: "tabs", wait });
    await s.close();
    return "opened";
  } catch (e) {
    return e instanceof SessionInUseError ? "in use" : `error: ${e}`;
  }
}

if (role === "holder") {
  const session = await openIndexedDbSession("shared", { database: "tabs" });
  await session.processEntities({ _: "user", id: 9, accessHash: -(2n ** 63n) });
  await session.save();
  // Kept open: the tab holds the session's lock.
  (globalThis as { held?: unknown }).held = session;
  done("held");
} else {
  done([await outcome(0), await outcome(300)]);
}
