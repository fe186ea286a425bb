// deno-lint-ignore-file no-console
// Secrets never show: String(), JSON.stringify, util.inspect, console.log
// and Deno.inspect on sessions and storages; lookup errors hide phones.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { MemoryStorage, openSession } from "../mod.ts";

// A key whose hex, decimal bytes and base64 are all easy to spot.
const KEY = new Uint8Array(256).fill(0xab);
const PHONE = "447700900123";
const NEEDLES = ["abab", "171,171", "171, 171", "q6ur", "447700900123", "7700"];

function assertClean(text: string, where: string): void {
  for (const needle of NEEDLES) {
    assert.ok(
      !text.toLowerCase().includes(needle),
      `${where} shows ${needle}: ${text}`,
    );
  }
}

describe("redaction", () => {
  it("a session never prints its key or a peer's phone", async () => {
    const storage = new MemoryStorage();
    const s = await openSession(storage);
    await s.setAuthKey(KEY);
    await s.setDc(2, "149.154.167.51", 443);
    await s.processEntities({ _: "user", id: 1, accessHash: 1n, phone: PHONE });
    const views: Array<[string, string]> = [
      ["String()", String(s)],
      ["template", `${s}`],
      ["JSON.stringify", JSON.stringify(s)],
      ["JSON.stringify nested", JSON.stringify({ session: s, storage })],
      ["util.inspect", inspect(s, { depth: 10, showHidden: true })],
      [
        "util.inspect storage",
        inspect(storage, { depth: 10, showHidden: true }),
      ],
      ["util.inspect nested", inspect({ a: [s, storage] }, { depth: 10 })],
    ];
    const deno =
      (globalThis as { Deno?: { inspect(v: unknown, o?: unknown): string } })
        .Deno;
    if (deno) {
      views.push([
        "Deno.inspect",
        deno.inspect(s, { depth: 10, showHidden: true }),
      ]);
      views.push([
        "Deno.inspect storage",
        deno.inspect(storage, { depth: 10 }),
      ]);
    }
    const bun = (globalThis as { Bun?: { inspect(v: unknown): string } }).Bun;
    if (bun) views.push(["Bun.inspect", bun.inspect({ s, storage })]);
    for (const [where, text] of views) assertClean(text, where);
    assert.match(String(s), /Session\(memory, dc 2, authorized\)/);
    assert.equal(JSON.parse(JSON.stringify(s)).authorized, true);
  });

  it("console.log shows the redacted form", async (t) => {
    const s = await openSession(":memory:");
    await s.setAuthKey(KEY);
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      lines.push(
        args.map((a) => typeof a === "string" ? a : inspect(a)).join(" "),
      );
    };
    t.after(() => {
      console.log = original;
    });
    console.log(s);
    console.log = original;
    assertClean(lines.join("\n"), "console.log");
    assert.equal(lines.length, 1);
  });

  it("the key is there when asked for by name", async () => {
    const s = await openSession(":memory:");
    await s.setAuthKey(KEY);
    assert.deepEqual(s.authKey, KEY);
    assert.deepEqual(s.getAuth().authKey, KEY);
  });
});
