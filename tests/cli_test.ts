// The mtsession CLI, run as a real subprocess on the runtime at hand.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeSessionString,
  encodeSessionString,
  openSession,
} from "../mod.ts";
import { runCliProcess } from "./_cli.ts";
import { fixturePath, loadFixtureJson, toHex } from "./_fixtures.ts";

const telethon = loadFixtureJson("telethon/manifest.json");
const pyrogram = loadFixtureJson("pyrogram/manifest.json");
const TELETHON = telethon.string_sessions[0];
const PYRO = pyrogram.targets[0].session_strings[1];
const dir = mkdtempSync(join(tmpdir(), "mtsession-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const INFO_KEYS = [
  "source",
  "dcId",
  "serverAddress",
  "port",
  "testMode",
  "apiId",
  "userId",
  "isBot",
  "date",
  "takeoutId",
  "authKeyId",
  "dataCenters",
];

describe("mtsession info", () => {
  it("--json prints exactly the documented keys, key redacted", () => {
    const r = runCliProcess(["info", "--json"], TELETHON.string + "\n");
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(o), INFO_KEYS);
    assert.equal(o.source, "telethon-string");
    assert.equal(o.dcId, 2);
    assert.equal(o.serverAddress, "149.154.167.51");
    assert.equal(o.authKeyId, TELETHON.expect.auth_key_id_hex);
    assert.equal(o.userId, null);
    assert.ok(!r.stdout.includes(TELETHON.expect.auth_key_hex.slice(0, 32)));
  });

  it("--show-key adds the key; --peers adds empty caches for a string", () => {
    const r = runCliProcess(
      ["info", "-", "--json", "--show-key", "--peers"],
      PYRO.string,
    );
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(o), [
      ...INFO_KEYS,
      "authKey",
      "peers",
      "updateStates",
      "files",
    ]);
    assert.equal(o.source, "pyrogram-string");
    assert.equal(o.authKey, PYRO.input.auth_key_hex);
    assert.equal(o.userId, 6123456789);
    assert.equal(o.isBot, true);
    assert.deepEqual([o.peers, o.updateStates, o.files], [[], [], []]);
  });

  it("the text form hides the key and shows the key id", () => {
    const r = runCliProcess(["info"], TELETHON.string);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /telethon-string/);
    assert.match(r.stdout, new RegExp(TELETHON.expect.auth_key_id_hex));
    assert.ok(!r.stdout.includes(TELETHON.expect.auth_key_hex.slice(0, 32)));
  });

  it("reads a string from a file SOURCE", () => {
    const path = join(dir, "session.txt");
    writeFileSync(path, PYRO.string + "\n");
    const r = runCliProcess(["info", path, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).dcId, 4);
  });

  it("bad input exits 1 with one line and no secret", () => {
    const mangled = TELETHON.string.slice(0, 200);
    const r = runCliProcess(["info"], mangled);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.ok(!r.stderr.includes(mangled.slice(1, 40)));
    assert.equal(r.stdout, "");
    const missing = runCliProcess(["info", join(dir, "nope.session")]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no such file/);
  });

  it("usage errors exit 2; help exits 0", () => {
    assert.equal(runCliProcess(["frobnicate"]).status, 2);
    assert.equal(runCliProcess(["info", "--nope"], TELETHON.string).status, 2);
    assert.equal(runCliProcess(["info", "a", "b"]).status, 2);
    assert.equal(runCliProcess(["convert"], TELETHON.string).status, 2);
    assert.equal(
      runCliProcess(["convert", "--to", "tdata"], TELETHON.string).status,
      2,
    );
    const help = runCliProcess(["--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage:/);
  });
});

describe("mtsession convert", () => {
  it("converts Telethon → Pyrogram with the fills it needs, and says what it needs without them", async () => {
    const bad = runCliProcess(["convert", "--to", "pyrogram"], TELETHON.string);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /apiId, userId/);
    const r = runCliProcess([
      "convert",
      "--to",
      "pyrogram",
      "--api-id",
      "12345",
      "--user-id",
      "777",
    ], TELETHON.string);
    assert.equal(r.status, 0, r.stderr);
    const d = await decodeSessionString(r.stdout);
    assert.equal(d.format, "pyrogram");
    assert.equal(toHex(d.auth.authKey!), TELETHON.expect.auth_key_hex);
    assert.deepEqual([
      d.auth.apiId,
      d.auth.userId,
      d.auth.isBot,
      d.auth.testMode,
    ], [12345, 777, false, false]);
  });

  it("a test-server session stays one: --test-mode is not needed, and --bot/--test-mode are carried", async () => {
    const key = new Uint8Array(256).fill(3);
    const testDc = await encodeSessionString({
      dcId: 2,
      serverAddress: "149.154.167.40",
      port: 80,
      authKey: key,
    }, "telethon");
    const fills = ["--api-id", "1", "--user-id", "2"];
    const plain = runCliProcess(
      ["convert", "--to", "pyrogram", ...fills],
      testDc,
    );
    assert.equal(plain.status, 0, plain.stderr);
    const a = (await decodeSessionString(plain.stdout)).auth;
    assert.equal(a.testMode, true, "inferred from the test DC's address");
    assert.equal(a.isBot, false);
    const flagged = runCliProcess(
      ["convert", "--to", "pyrogram", ...fills, "--bot", "--test-mode"],
      TELETHON.string,
    );
    assert.equal(flagged.status, 0, flagged.stderr);
    const b = (await decodeSessionString(flagged.stdout)).auth;
    assert.deepEqual([b.isBot, b.testMode], [true, true]);
  });

  it("notes on stderr what the target drops, never the key", () => {
    const r = runCliProcess(["convert", "--to", "telethon"], PYRO.string);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /does not carry testMode, apiId, userId, isBot/);
    assert.ok(!r.stderr.includes(PYRO.input.auth_key_hex.slice(0, 16)));
    assert.equal(r.stdout.trim().length, 353);
  });

  it("--out writes mode 0600 and never replaces a file without --force", async () => {
    const out = join(dir, "out.txt");
    const r = runCliProcess(
      ["convert", "--to", "gramjs", "--out", out],
      TELETHON.string,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.equal(
      (await decodeSessionString(readFileSync(out, "utf8"))).format,
      "gramjs",
    );
    const again = runCliProcess(
      ["convert", "--to", "mtcute", "--out", out],
      TELETHON.string,
    );
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists/);
    assert.equal(
      (await decodeSessionString(readFileSync(out, "utf8"))).format,
      "gramjs",
    );
    const forced = runCliProcess([
      "convert",
      "--to",
      "mtcute",
      "--out",
      out,
      "--force",
    ], TELETHON.string);
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(
      (await decodeSessionString(readFileSync(out, "utf8"))).format,
      "mtcute",
    );
    assert.equal(statSync(out).mode & 0o777, 0o600);
  });

  it("encrypts with --passphrase-env and reads the result back", () => {
    const env = { MTS_PASS: "open sesame" };
    const r = runCliProcess(
      ["convert", "--to", "mtsession", "--passphrase-env", "MTS_PASS"],
      TELETHON.string,
      env,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith("mts1e:"));
    const info = runCliProcess(
      ["info", "--json", "--passphrase-env", "MTS_PASS"],
      r.stdout,
      env,
    );
    assert.equal(info.status, 0, info.stderr);
    assert.equal(JSON.parse(info.stdout).source, "mtsession-string");
    const wrong = runCliProcess(
      ["info", "--passphrase-env", "MTS_PASS"],
      r.stdout,
      { MTS_PASS: "nope" },
    );
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /passphrase/);
    const unset = runCliProcess(
      ["info", "--passphrase-env", "MTS_UNSET_VAR"],
      r.stdout,
    );
    assert.equal(unset.status, 2);
  });

  it("every format converts to every format and back to the same key", async () => {
    const source = await encodeSessionString({
      dcId: 2,
      serverAddress: "149.154.167.51",
      port: 443,
      authKey: new Uint8Array(256).fill(0x5a),
      apiId: 1,
      userId: 99,
      isBot: false,
      testMode: false,
    }, "mtsession");
    for (
      const to of [
        "telethon",
        "pyrogram",
        "gramjs",
        "mtcute",
        "mtkruto",
        "mtsession",
      ]
    ) {
      const r = runCliProcess(["convert", "--to", to], source);
      assert.equal(r.status, 0, `${to}: ${r.stderr}`);
      const d = await decodeSessionString(r.stdout);
      assert.equal(d.format, to);
      assert.deepEqual(d.auth.authKey, new Uint8Array(256).fill(0x5a));
    }
  });
});

describe("mtsession with session files", () => {
  const TFILE = fixturePath("telethon/sqlite/v7-full.session");
  const KFILE = fixturePath("pyrogram/sqlite/kurigram-2.1.35-user.session");

  it("info --json --peers on a Telethon file lists its peers, states and files", () => {
    const file = telethon.sqlite_sessions[0];
    const r = runCliProcess(["info", TFILE, "--json", "--peers"]);
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.source, "telethon-file");
    assert.equal(o.takeoutId, "7000000000000000003");
    assert.equal(o.authKeyId, file.session.auth_key_id_hex);
    const peer = o.peers.find((p: { id: number }) => p.id === 5223456789);
    assert.deepEqual(peer, {
      id: 5223456789,
      type: "user",
      accessHash: "-9223372036854775808",
      usernames: [],
      hasPhone: false,
      name: "Multi",
    });
    assert.deepEqual(
      o.updateStates.map((s: { entityId: number }) => s.entityId),
      [-1001876543210, 0],
    );
    assert.deepEqual(
      o.files.map((f: { md5: string }) => f.md5).sort(),
      file.sent_files.map((f: { md5_hex: string }) => f.md5_hex).sort(),
    );
  });

  it("info on a Kurigram file names it and shows every username", () => {
    const r = runCliProcess(["info", KFILE, "--json", "--peers"]);
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.source, "pyrogram-file");
    assert.deepEqual(
      o.peers.find((p: { id: number }) => p.id === 5223456789).usernames.sort(),
      ["multi_a", "multi_b"],
    );
  });

  it("convert FILE --to each file format, 0600, and back", () => {
    for (const to of ["telethon-file", "pyrogram-file", "mtsession-file"]) {
      const out = join(dir, `conv-${to}.session`);
      const r = runCliProcess([
        "convert",
        TFILE,
        "--to",
        to,
        "--out",
        out,
        "--api-id",
        "12345",
      ]);
      assert.equal(r.status, 0, `${to}: ${r.stderr}`);
      assert.equal(statSync(out).mode & 0o777, 0o600);
      const info = runCliProcess(["info", out, "--json"]);
      assert.equal(
        JSON.parse(info.stdout).authKeyId,
        telethon.sqlite_sessions[0].session.auth_key_id_hex,
        to,
      );
      const again = runCliProcess([
        "convert",
        TFILE,
        "--to",
        to,
        "--out",
        out,
        "--api-id",
        "1",
      ]);
      assert.equal(again.status, 1, "never replaces without --force");
    }
    const noOut = runCliProcess(["convert", TFILE, "--to", "telethon-file"]);
    assert.equal(noOut.status, 2);
  });

  it("convert mtsession FILE --to mtsession-file keeps the whole session", async () => {
    const src = join(dir, "whole-src");
    const key = (seed: number): Uint8Array => new Uint8Array(256).fill(seed);
    const dc = {
      id: 4,
      testMode: false,
      mediaOnly: true,
      ipv4: "149.154.164.250",
      ipv6: null,
      port: 443,
    };
    const ref = { peerId: 600_000_001, chatId: -42, messageId: 3 };
    const raw = new Uint8Array([9, 8, 7]);
    const s = await openSession(src);
    await s.setDc(2, "149.154.167.51", 443);
    await s.setAuthKey(key(2));
    await s.setDataCenters([dc]);
    await s.setAuthKeyFor(4, key(4));
    await s.setValue("salts:2", new Uint8Array([1, 2]));
    await s.putMessageRef(ref);
    await s.putPeers([{
      id: 600_000_001,
      type: "user",
      accessHash: 5n,
      usernames: [],
      phone: null,
      name: null,
      updatedAt: 1_700_000_000,
      min: true,
      raw,
    }]);
    await s.close();
    const out = join(dir, "whole-out.session");
    const r = runCliProcess([
      "convert",
      `${src}.session`,
      "--to",
      "mtsession-file",
      "--out",
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const copy = await openSession(out);
    assert.deepEqual(copy.dataCenters, [dc]);
    assert.deepEqual(copy.authKeys(), [
      { dcId: 2, key: key(2) },
      { dcId: 4, key: key(4) },
    ]);
    assert.deepEqual(await copy.getValue("salts:2"), new Uint8Array([1, 2]));
    assert.deepEqual(await copy.listMessageRefs(), [ref]);
    const p = await copy.getPeer(600_000_001);
    assert.equal(p?.min, true);
    assert.deepEqual(p?.raw, raw);
    await copy.close();
  });

  it("a file that is not a session is bad input and stays untouched", () => {
    const path = join(dir, "junk.bin");
    writeFileSync(path, new Uint8Array([0, 1, 2, 3, 255, 254]));
    const before = readFileSync(path);
    const r = runCliProcess(["info", path]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /neither an SQLite session file nor a session string/,
    );
    assert.deepEqual(readFileSync(path), before);
  });
});

describe("mtsession with every data center and key", () => {
  const KEY = (n: number) => new Uint8Array(256).fill(n);
  const auth = {
    dcId: 2,
    serverAddress: "149.154.167.51",
    port: 443,
    authKey: KEY(2),
    apiId: 12345,
    userId: 1234567890,
    isBot: false,
    testMode: false,
  };
  const whole = {
    dataCenters: [
      {
        id: 2,
        testMode: false,
        mediaOnly: false,
        ipv4: "149.154.167.51",
        ipv6: "2001:67c:4e8:f002::a",
        port: 443,
      },
      {
        id: 2,
        testMode: false,
        mediaOnly: true,
        ipv4: "149.154.167.222",
        ipv6: null,
        port: 443,
      },
      {
        id: 4,
        testMode: false,
        mediaOnly: false,
        ipv4: "149.154.167.91",
        ipv6: null,
        port: 443,
      },
    ],
    authKeys: [{ dcId: 4, key: KEY(4) }, { dcId: 5, key: KEY(0x55) }],
  };
  const string = () => encodeSessionString(auth, "mtsession", whole);
  const keyId = async (key: Uint8Array): Promise<string> =>
    toHex(
      new Uint8Array(
        await crypto.subtle.digest("SHA-1", key as Uint8Array<ArrayBuffer>),
      ).subarray(12, 20),
    );

  it("info lists every DC with its addresses and key id, never a key", async () => {
    const r = runCliProcess(["info", "--json"], await string());
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(
      o.dataCenters.map((
        d: Record<string, unknown>,
      ) => [d.id, d.mediaOnly, d.ipv4, d.ipv6, d.main, d.authKeyId]),
      [
        [2, false, "149.154.167.51", "2001:67c:4e8:f002::a", true, o.authKeyId],
        [2, true, "149.154.167.222", null, false, null],
        [4, false, "149.154.167.91", null, false, await keyId(KEY(4))],
        [5, false, null, null, false, await keyId(KEY(0x55))],
      ],
    );
    assert.ok(!r.stdout.includes("5555555555"), "no key in the output");
    const text = runCliProcess(["info"], await string());
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      /DC 2 \(main\)\s+149\.154\.167\.51:443 \[2001:67c:4e8:f002::a\]:443, auth key id [0-9a-f]{16}/,
    );
    assert.match(text.stdout, /DC 2 media\s+149\.154\.167\.222:443\n/);
    assert.match(text.stdout, /DC 5\s+no address, auth key id [0-9a-f]{16}/);
    assert.ok(!text.stdout.includes("5555555555"));
  });

  it("convert names per DC what the target cannot carry", async () => {
    const r = runCliProcess(["convert", "--to", "telethon"], await string());
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /does not carry .*DC 2 IPv6 address, DC 2 media address, DC 4 address, auth key of DC 4, auth key of DC 5/,
    );
    const same = runCliProcess(
      ["convert", "--to", "mtsession"],
      await string(),
    );
    assert.equal(same.status, 0, same.stderr);
    assert.equal(same.stderr, "");
    const back = await decodeSessionString(same.stdout);
    assert.deepEqual(back.dataCenters, whole.dataCenters);
    assert.deepEqual(back.authKeys, whole.authKeys);
  });

  it("a Telethon 2 file keeps every key; Pyrogram's file names what it drops", async () => {
    const t2 = join(dir, "every-dc-t2.session");
    const r = runCliProcess(
      ["convert", "--to", "telethon2-file", "--out", t2],
      await string(),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /do not store the DC 2 media address/);
    const info = runCliProcess(["info", t2, "--json"]);
    assert.equal(info.status, 0, info.stderr);
    const o = JSON.parse(info.stdout);
    assert.equal(o.source, "telethon-file");
    assert.deepEqual(
      o.dataCenters.map((d: Record<string, unknown>) => [d.id, d.authKeyId]),
      [
        [2, o.authKeyId],
        [4, await keyId(KEY(4))],
        [5, await keyId(KEY(0x55))],
      ],
    );
    const py = runCliProcess(
      ["convert", "--to", "pyrogram-file", "--out", join(dir, "every-py")],
      await string(),
    );
    assert.equal(py.status, 0, py.stderr);
    assert.match(
      py.stderr,
      /Pyrogram files do not store the DC 2 IPv6 address, the DC 2 media address, the DC 4 address, the auth key of DC 4 and the auth key of DC 5/,
    );
  });
});
