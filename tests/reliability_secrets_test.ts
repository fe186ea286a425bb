// deno-lint-ignore-file no-console
// Secrets: one known auth key and one known phone number are driven
// through every public path — sessions of every kind and their storages
// (String, JSON, inspect, console), every error the library throws (message,
// stack, inspect, cause), file notes, and the CLI's stdout and stderr
// without --show-key — and neither may appear in any spelling: the key as
// hex, base64, base64url or decimal bytes at any alignment, the phone with
// any separators. Files and --out outputs are mode 0600 whatever the
// umask, and encrypted strings fail closed.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Buffer } from "node:buffer";
import { inspect } from "node:util";
import {
  decodeSessionString,
  encodeSessionString,
  importSessionFile,
  MemoryStorage,
  openSession,
  openSessionStore,
  PassphraseError,
  readSessionFile,
  type Session,
  SessionStringError,
  writeSessionFile,
} from "../mod.ts";
import { runCliProcess } from "./_cli.ts";
import { runtime } from "./_fixtures.ts";
import { bytes, seeded } from "./_random.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-secrets-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const KEY = bytes(seeded(0x5ec7e7), 256);
const PHONE = "447700900123";
const PASSPHRASE = "open sesame, but slowly";

function b64(data: Uint8Array, url: boolean): string {
  let bin = "";
  for (const b of data) bin += String.fromCharCode(b);
  const s = btoa(bin);
  return url ? s.replace(/\+/g, "-").replace(/\//g, "_") : s;
}

function hex(data: Uint8Array): string {
  return [...data].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every way the key or the phone could show, as regular expressions. */
const NEEDLES: Array<[string, RegExp]> = (() => {
  const out: Array<[string, RegExp]> = [];
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const at of [0, 37, 128, 230]) {
    const h = hex(KEY.subarray(at, at + 8));
    out.push([`key hex @${at}`, new RegExp(h, "i")]);
    // Hex bytes with separators (a Buffer's inspect: "8b 0f 6f …").
    out.push([
      `key hex bytes @${at}`,
      new RegExp(h.match(/../g)!.join("[^0-9a-f]{1,3}"), "i"),
    ]);
    const d = [...KEY.subarray(at, at + 4)];
    out.push([`key bytes @${at}`, new RegExp(d.join("\\s*,\\s*"))]);
  }
  // Base64 of any data holding the key contains, at one of three
  // alignments, these runs (taken away from the ends of the encoding).
  for (const shift of [0, 1, 2]) {
    for (const url of [false, true]) {
      const s = b64(KEY.subarray(shift), url);
      for (const at of [12, 160, 300]) {
        out.push([
          `key base64${url ? "url" : ""} shift ${shift} @${at}`,
          new RegExp(esc(s.slice(at, at + 16))),
        ]);
      }
    }
  }
  // The national number with anything (spaces, dashes, dots, brackets)
  // between its digits.
  out.push(["phone", new RegExp([..."7700900123"].join("[^0-9]{0,3}"))]);
  return out;
})();

function assertClean(text: string, where: string): void {
  for (const [what, re] of NEEDLES) {
    assert.ok(
      !re.test(text),
      `${where} shows the ${what}: ${text.slice(0, 400)}`,
    );
  }
}

/** Everything a value shows through the usual ways of printing it. */
function views(value: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ["String()", String(value)],
    ["JSON.stringify", JSON.stringify(value) ?? ""],
    ["JSON.stringify nested", JSON.stringify({ value, list: [value] })],
    ["util.inspect", inspect(value, { depth: 20, showHidden: true })],
    ["util.inspect nested", inspect({ a: [value] }, { depth: 20 })],
  ];
  const g = globalThis as {
    Deno?: { inspect(v: unknown, o?: unknown): string };
    Bun?: { inspect(v: unknown, o?: unknown): string };
  };
  if (g.Deno) {
    out.push(["Deno.inspect", g.Deno.inspect(value, { depth: 20 })]);
    out.push([
      "Deno.inspect hidden",
      g.Deno.inspect(value, { depth: 20, showHidden: true }),
    ]);
  }
  if (g.Bun) out.push(["Bun.inspect", g.Bun.inspect(value, { depth: 20 })]);
  return out;
}

function assertCleanValue(value: unknown, where: string): void {
  for (const [how, text] of views(value)) assertClean(text, `${where} ${how}`);
}

/** An error, its stack, and its causes, all the way down. */
function assertCleanError(e: unknown, where: string): void {
  assert.ok(e instanceof Error, `${where}: expected an error, got ${e}`);
  let at: unknown = e;
  for (let depth = 0; at instanceof Error && depth < 5; depth++) {
    assertClean(at.message, `${where} message`);
    assertClean(String(at.stack), `${where} stack`);
    assertCleanValue(at, where);
    at = at.cause;
  }
}

/** Captures every console method while `fn` runs. */
async function captureConsole(fn: () => Promise<void>): Promise<string> {
  const methods = ["log", "info", "warn", "error", "debug", "trace", "dir"];
  const c = console as unknown as Record<string, (...a: unknown[]) => void>;
  const saved = methods.map((m) => c[m]);
  let text = "";
  for (const m of methods) {
    c[m] = (...args: unknown[]) => {
      text += args.map((a) =>
        typeof a === "string" ? a : inspect(a, {
          depth: 20,
        })
      ).join(" ") + "\n";
    };
  }
  try {
    await fn();
  } finally {
    methods.forEach((m, i) => (c[m] = saved[i]!));
  }
  return text;
}

const USER = {
  _: "user",
  id: 5_123_456_789,
  accessHash: -8_601_234_567_890_123_456n,
  firstName: "Known",
  username: "known_person",
  phone: PHONE,
};

async function fill(s: Session): Promise<void> {
  await s.setDc(2, "149.154.167.51", 443);
  await s.setAuthKey(KEY);
  await s.processEntities({ users: [USER], chats: [] });
  await s.save();
}

let n = 0;
const fresh = (): string => join(dir, `s${n++}`);

describe(`secrets never show (${runtime})`, () => {
  it("the needles catch every spelling (a check of this test)", async () => {
    const telethon = await encodeSessionString(
      { dcId: 2, serverAddress: "149.154.167.51", port: 443, authKey: KEY },
      "telethon",
    );
    const spellings = [
      hex(KEY),
      hex(KEY).toUpperCase(),
      b64(KEY, false),
      b64(KEY.subarray(1), true),
      `x${b64(new Uint8Array([1, ...KEY]), false)}`,
      inspect(KEY),
      inspect(Buffer.from(KEY)),
      JSON.stringify([...KEY]),
      String([...KEY]),
      telethon,
      await encodeSessionString({ dcId: 2, authKey: KEY }, "mtsession"),
      PHONE,
      "+44 7700 900123",
      "+44 (0) 7700-900-123",
      "07700.900.123",
      JSON.stringify({ phone: PHONE }),
    ];
    for (const text of spellings) {
      assert.ok(
        NEEDLES.some(([, re]) => re.test(text)),
        `not caught: ${text.slice(0, 80)}`,
      );
    }
  });

  it("sessions and storages of every kind, printed every way", async () => {
    const telethon = await encodeSessionString(
      { dcId: 2, serverAddress: "149.154.167.51", port: 443, authKey: KEY },
      "telethon",
    );
    const store = await openSessionStore(join(dir, "store.db"));
    const sessions: Array<[string, Session]> = [
      ["memory", await openSession(":memory:")],
      ["own storage", await openSession(new MemoryStorage())],
      ["file", await openSession(fresh())],
      ["string", await openSession({ string: telethon })],
      ["store", await store.open("acct")],
    ];
    const printed = await captureConsole(async () => {
      for (const [kind, s] of sessions) {
        await fill(s);
        console.log(s);
        console.info(s.storage);
        console.error({ session: s });
        console.dir(s, { depth: 10 });
        console.log(`${kind}: ${s}`);
        assertCleanValue(s, `${kind} session`);
        assertCleanValue(s.storage, `${kind} storage`);
        // Peers are data the caller asked for; their phone is there by
        // design, so only the session-level views are checked above.
        assert.equal((await s.getPeer(`+${PHONE}`))?.id, USER.id);
      }
      console.log(store);
      assertCleanValue(store, "store");
    });
    assertClean(printed, "console output");
    for (const [, s] of sessions) await s.close();
    await store.close();
    // The key is there when asked for by name.
    assert.deepEqual(sessions[0]![1].closed, true);
  });

  it("every error the library throws", async () => {
    const s = await openSession(":memory:");
    await fill(s);
    const telethon = await s.exportString("telethon");
    const encrypted = await s.exportString("mtsession", {
      passphrase: PASSPHRASE,
      iterations: 1000,
    });
    const errors: Array<[string, unknown]> = [];
    const grab = async (
      what: string,
      p: Promise<unknown> | (() => unknown),
    ) => {
      try {
        await (typeof p === "function" ? p() : p);
        errors.push([what, new Error(`${what} did not throw`)]);
      } catch (e) {
        errors.push([what, e]);
      }
    };
    const empty = await openSession(":memory:");
    await grab("PeerNotFoundError (phone)", empty.getInputPeer(`+${PHONE}`));
    await grab(
      "PeerNotFoundError (spelled)",
      empty.getInputPeer("+44 7700 900123"),
    );
    await grab(
      "SessionStringError (cut)",
      decodeSessionString(telethon.slice(0, -1)),
    );
    await grab(
      "SessionStringError (changed)",
      decodeSessionString(telethon.slice(0, 50) + "*" + telethon.slice(51)),
    );
    await grab(
      "SessionStringError (wrong format)",
      decodeSessionString(telethon, { format: "pyrogram" }),
    );
    await grab(
      "PassphraseError (wrong)",
      decodeSessionString(encrypted, { passphrase: "wrong" }),
    );
    await grab("PassphraseError (none)", decodeSessionString(encrypted));
    await grab(
      "PassphraseError (tampered)",
      decodeSessionString(encrypted.slice(0, -3) + "AAA", {
        passphrase: PASSPHRASE,
      }),
    );
    await grab("MissingFieldsError", s.exportString("pyrogram"));
    await grab(
      "SessionStringError (unfit port)",
      encodeSessionString(
        { dcId: 2, serverAddress: "1.2.3.4", port: 40000, authKey: KEY },
        "gramjs",
      ),
    );
    await grab("RangeError (short key)", s.setAuthKey(KEY.subarray(0, 255)));
    await grab("TypeError (key type)", () => {
      s.authKey = hex(KEY) as unknown as Uint8Array;
    });
    await grab(
      "TypeError (phone spelling)",
      s.putPeers([{
        id: 7,
        type: "user",
        accessHash: 1n,
        usernames: [],
        phone: "+44 7700 900123",
        name: null,
        updatedAt: 1,
      }]),
    );
    const path = fresh();
    const file = await openSession(path);
    await fill(file);
    await grab("SessionInUseError", openSession(path));
    await grab(
      "SessionFileError (exists)",
      writeSessionFile(`${path}.session`, "telethon", {
        auth: file.getAuth(),
        peers: await file.listPeers(),
      }),
    );
    await file.close();
    await grab("SessionClosedError", file.getInputPeer(`+${PHONE}`));
    await grab("SessionClosedError (key)", () => {
      file.authKey = KEY;
    });
    for (const [what, e] of errors) assertCleanError(e, what);
    assert.ok(
      errors.every(([, e]) => !(e as Error).message.endsWith("did not throw")),
      errors.map(([w, e]) => `${w}: ${(e as Error).message}`).join("\n"),
    );
  });

  it("notes of file reads and imports", async () => {
    const s = await openSession(":memory:");
    await fill(s);
    const path = join(dir, "for-notes.session");
    await writeSessionFile(path, "telethon", {
      auth: s.getAuth(),
      peers: await s.listPeers(),
    });
    const found = await readSessionFile(path);
    assertClean(found.notes.join("\n"), "readSessionFile notes");
    assertClean(String(found.kind.description), "readSessionFile kind");
    const imported = await importSessionFile(path);
    assertCleanValue(imported, "imported session");
    await imported.close();
  });

  describe("the CLI without --show-key", () => {
    const cli = (args: string[], input = "", env = {}) => {
      const r = runCliProcess(args, input, env);
      return { ...r, both: r.stdout + r.stderr };
    };

    it(
      "info in every form, from strings and files",
      { timeout: 120_000 },
      async () => {
        const s = await openSession(":memory:");
        await fill(s);
        const file = join(dir, "cli.session");
        await writeSessionFile(file, "telethon", {
          auth: s.getAuth(),
          peers: await s.listPeers(),
        });
        const strings = [
          await s.exportString("telethon"),
          await s.exportString("mtsession"),
        ];
        for (const str of strings) {
          for (
            const flags of [[], ["--json"], ["--peers"], ["--json", "--peers"]]
          ) {
            const r = cli(["info", ...flags], str);
            assert.equal(r.status, 0, r.stderr);
            assertClean(r.both, `info ${flags.join(" ")} (string)`);
          }
        }
        for (const flags of [[], ["--json"], ["--peers"]]) {
          const r = cli(["info", file, ...flags]);
          assert.equal(r.status, 0, r.stderr);
          assertClean(r.both, `info ${flags.join(" ")} (file)`);
        }
      },
    );

    it("info --peers prints peers' phone numbers only with --show-phones", async () => {
      const s = await openSession(":memory:");
      await fill(s);
      const file = join(dir, "cli-json.session");
      await writeSessionFile(file, "telethon", {
        auth: s.getAuth(),
        peers: await s.listPeers(),
      });
      const withPhone = (await s.listPeers()).filter((p) => p.phone !== null);
      assert.ok(withPhone.length > 0, "the session holds a peer with a phone");
      const json = cli(["info", file, "--json", "--peers"]);
      assert.equal(json.status, 0, json.stderr);
      assertClean(json.both, "info --json --peers (file)");
      const listed = JSON.parse(json.stdout).peers as Array<
        Record<string, unknown>
      >;
      for (const p of withPhone) {
        const row = listed.find((r) => r.id === p.id);
        assert.equal(row?.hasPhone, true);
        assert.equal("phone" in row!, false);
      }
      // Asked for by name: then, and only then, the numbers.
      for (const flags of [["--json"], []]) {
        const shown = cli(["info", file, ...flags, "--peers", "--show-phones"]);
        assert.equal(shown.status, 0, shown.stderr);
        for (const p of withPhone) {
          assert.ok(
            shown.stdout.includes(p.phone!),
            `info ${flags.join(" ")} --peers --show-phones prints the phone`,
          );
        }
        assertClean(shown.stderr, "stderr of info --show-phones");
      }
    });

    it("convert: stderr always, stdout with --out; --out files are 0600", {
      timeout: 120_000,
    }, async () => {
      const s = await openSession(":memory:");
      await fill(s);
      const str = await s.exportString("telethon");
      const restore = setUmask(0);
      try {
        for (const to of ["mtsession", "telethon", "pyrogram", "mtcute"]) {
          const out = join(dir, `out-${to}-${n++}.txt`);
          const r = cli(
            [
              "convert",
              "--to",
              to,
              "--out",
              out,
              "--api-id",
              "12345",
              "--user-id",
              "777",
            ],
            str,
          );
          assert.equal(r.status, 0, r.stderr);
          assertClean(r.both, `convert --to ${to} --out`);
          assert.equal(statSync(out).mode & 0o777, 0o600, `${to} --out mode`);
        }
        for (const to of ["telethon-file", "pyrogram-file", "mtsession-file"]) {
          const out = join(dir, `out-${n++}.session`);
          const r = cli(
            [
              "convert",
              "--to",
              to,
              "--out",
              out,
              "--api-id",
              "1",
              "--user-id",
              "2",
            ],
            str,
          );
          assert.equal(r.status, 0, r.stderr);
          assertClean(r.both, `convert --to ${to}`);
          assert.equal(statSync(out).mode & 0o777, 0o600, `${to} mode`);
        }
        // --force over a file someone left readable: the secret is 0600
        // from its first byte (written aside, then renamed over).
        const open = join(dir, `readable-${n++}.txt`);
        writeFileSync(open, "old");
        chmodSync(open, 0o644);
        const refused = cli(
          ["convert", "--to", "telethon", "--out", open],
          str,
        );
        assert.equal(refused.status, 1, refused.both);
        const forced = cli(
          ["convert", "--to", "telethon", "--out", open, "--force"],
          str,
        );
        assert.equal(forced.status, 0, forced.stderr);
        assert.equal(statSync(open).mode & 0o777, 0o600, "--force mode");
        assert.equal(readFileSync(open, "utf8").trim(), str);
        // To stdout the string is what was asked for; stderr stays clean.
        const r = cli([
          "convert",
          "--to",
          "pyrogram",
          "--api-id",
          "1",
          "--user-id",
          "2",
        ], str);
        assert.equal(r.status, 0, r.stderr);
        assertClean(r.stderr, "convert to stdout: stderr");
      } finally {
        restore();
      }
    });

    it("bad input and a wrong passphrase: one clean line on stderr", {
      timeout: 120_000,
    }, async () => {
      const s = await openSession(":memory:");
      await fill(s);
      const telethon = await s.exportString("telethon");
      const encrypted = await s.exportString("mtsession", {
        passphrase: PASSPHRASE,
        iterations: 1000,
      });
      const runs = [
        cli(["info"], telethon.slice(0, -2)),
        cli(["info"], telethon.replace("A", "!")),
        cli(["info", "--passphrase-env", "PASS"], encrypted, { PASS: "nope" }),
        cli(["info"], encrypted),
        cli(["convert", "--to", "pyrogram"], telethon),
        cli(["convert", "--to", "mtkruto"], telethon),
      ];
      for (const r of runs) {
        assert.equal(r.status, 1, r.both);
        assert.equal(r.stdout, "");
        assertClean(r.both, "CLI error");
      }
    });

    it("a session string given as an argument is never repeated", {
      timeout: 120_000,
    }, async () => {
      const s = await openSession(":memory:");
      await fill(s);
      for (
        const str of [
          await s.exportString("telethon"),
          await s.exportString("mtsession"),
          await s.exportString("gramjs"),
        ]
      ) {
        for (
          const args of [["info", str], [str], [
            "convert",
            str,
            "--to",
            "telethon",
          ]]
        ) {
          const r = cli(args);
          assert.notEqual(r.status, 0, r.both);
          assert.ok(
            !r.both.includes(str),
            `stderr repeats the string: ${r.both}`,
          );
          assert.ok(
            !r.both.includes(str.slice(0, 24)),
            `stderr repeats part of the string: ${r.both}`,
          );
          assertClean(r.both, `${args.length} arguments with a string`);
        }
        // The useful advice is there instead.
        assert.match(cli(["info", str]).stderr, /standard input/);
      }
    });

    it("an encrypted string in a file with a wrong passphrase says so", {
      timeout: 60_000,
    }, async () => {
      const s = await openSession(":memory:");
      await fill(s);
      const file = join(dir, "encrypted.txt");
      writeFileSync(
        file,
        await s.exportString("mtsession", {
          passphrase: PASSPHRASE,
          iterations: 1000,
        }),
      );
      const wrong = cli(["info", file, "--passphrase-env", "PASS"], "", {
        PASS: "nope",
      });
      assert.equal(wrong.status, 1, wrong.both);
      assert.match(wrong.stderr, /passphrase/i);
      assert.doesNotMatch(wrong.stderr, /neither an SQLite session file/);
      assertClean(wrong.both, "wrong passphrase, from a file");
      const right = cli(["info", file, "--passphrase-env", "PASS"], "", {
        PASS: PASSPHRASE,
      });
      assert.equal(right.status, 0, right.both);
    });
  });

  it("files are created 0600 whatever the umask, -wal and -shm too", async () => {
    const restore = setUmask(0);
    try {
      const path = fresh();
      const s = await openSession(path);
      await fill(s);
      await s.processEntities({ _: "user", id: 9, accessHash: 9n });
      for (const f of [`${path}.session`, `${path}.session-wal`]) {
        assert.equal(statSync(f).mode & 0o777, 0o600, f);
      }
      try {
        assert.equal(statSync(`${path}.session-shm`).mode & 0o777, 0o600);
      } catch (e) {
        if ((e as { code?: string }).code !== "ENOENT") throw e;
      }
      const auth = s.getAuth();
      const peers = await s.listPeers();
      await s.close();
      const store = await openSessionStore(join(dir, `store${n++}.db`));
      await store.close();
      assert.equal(statSync(join(dir, `store${n - 1}.db`)).mode & 0o777, 0o600);
      for (const format of ["telethon", "pyrogram", "mtsession"] as const) {
        const out = join(dir, `written-${format}.session`);
        await writeSessionFile(out, format, {
          auth: { ...auth, apiId: 1, userId: 2, isBot: false },
          peers,
        });
        assert.equal(statSync(out).mode & 0o777, 0o600, format);
      }
      const imported = await importSessionFile(
        join(dir, "written-telethon.session"),
        {
          into: join(dir, `imported${n++}`),
        },
      );
      await imported.close();
      assert.equal(
        statSync(join(dir, `imported${n - 1}.session`)).mode & 0o777,
        0o600,
      );
    } finally {
      restore();
    }
  });

  it("encrypted strings fail closed", async () => {
    const s = await openSession(":memory:");
    await fill(s);
    const encrypted = await s.exportString("mtsession", {
      passphrase: PASSPHRASE,
      iterations: 1000,
    });
    for (
      const passphrase of [
        undefined,
        "",
        "wrong",
        PASSPHRASE + " ",
        PASSPHRASE.toUpperCase(),
      ]
    ) {
      const e = await decodeSessionString(
        encrypted,
        passphrase === undefined ? {} : { passphrase },
      ).catch((x) => x);
      assert.ok(e instanceof PassphraseError, `${passphrase}: ${e}`);
      const o = await openSession({
        string: encrypted,
        ...(passphrase === undefined ? {} : { passphrase }),
      }).catch((x) => x);
      assert.ok(o instanceof PassphraseError, `${passphrase}: ${o}`);
    }
    // Any change of the ciphertext, the tag or the header fails too.
    const body = encrypted.slice("mts1e:".length);
    for (const at of [0, 3, 10, 40, body.length - 30, body.length - 1]) {
      const c = body[at] === "A" ? "B" : "A";
      const changed = "mts1e:" + body.slice(0, at) + c + body.slice(at + 1);
      const e = await decodeSessionString(changed, { passphrase: PASSPHRASE })
        .catch((x) => x);
      assert.ok(e instanceof SessionStringError, `change at ${at}: ${e}`);
    }
    const ok = await decodeSessionString(encrypted, { passphrase: PASSPHRASE });
    assert.deepEqual(ok.auth.authKey, KEY);
  });
});

/** Sets the process umask where the runtime allows; returns the undo. */
function setUmask(mask: number): () => void {
  try {
    const old = process.umask(mask);
    return () => void process.umask(old);
  } catch {
    return () => {};
  }
}
