// Session strings: every public vector decodes to its manifest values and
// re-encodes byte for byte; conversions; property and mutation tests.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readStringSession } from "@mtcute/core/utils.js";
import {
  type AuthState,
  type DataCenter,
  type DcAuthKey,
  decodeSessionString,
  droppedFields,
  encodeSessionString,
  MissingFieldsError,
  openSession,
  PassphraseError,
  SessionStringError,
  type StringFormat,
} from "../mod.ts";
import { hex, loadFixtureJson, toHex } from "./_fixtures.ts";
import { bytes, int, pick, seeded } from "./_random.ts";

const telethon = loadFixtureJson("telethon/manifest.json");
const gramjs = loadFixtureJson("gramjs/manifest.json");
const mtcute = loadFixtureJson("mtcute/manifest.json");
const pyrogram = loadFixtureJson("pyrogram/manifest.json");

// Written by mtsession before payload version 2 (r11 c678a97).
const MTS1 =
  "mts1:AQ_fAAAABBQyMDAxOjY3Yzo0ZTg6ZjAwNDo6YQG7AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn-AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq-wsbKztLW2t7i5uru8vb6_wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t_g4eLj5OXm5-jp6uvs7e7v8PHy8_T19vf4-fr7_P3-_wAAMDkAAAABMWG_FUHZVPxAIAAAgAAAAAAAAABJqdew";
const MTS1E =
  "mts1e:AQAAA-gsrNcy57eVORIuZT8sLQDbvE8ceIg5NH5CsuXDsXV3YNX6s2k-Q5dqrvE6ddZYqg2tCSdo1ahShDEF183jg2uJRGtguJ0qavTduLHA-0GPrT7nD68wNUmDd8nBuhk-Hig0E1aJzHCNktBz4aLncYsWwDp_4-KuGGbhcUkB2jOuzq2X1AhIXofPhgQdWDDmu2UmPeKe4k7oceS61kej2_MURAIP8B2yqVMYAyITgWoEm-REwBhXB1iL2Lp4DkC7DombU4ATwWQDd3YDlUu7IoUmFnp5qf3wmYp-OS7oX27hNP2_DTYQlmtCzkthz5mZ4BBAmNGydzM5H5VvQDZMY5r31YOKWlXYWk7D0mohsPKm2IRu05cnVOtI8mEI2xRwb7wKYJj0GF-3lchedTMrgLrdJRC06fIZLBQP2z1QFeyJ-7MV-cPb67FqPr-2OYZ3eSCBI0BO78Qssqe3lWsXUoeyPX3VlFntftP_CA";

const keyHex = (a: AuthState): string | null =>
  a.authKey === null ? null : toHex(a.authKey);

describe("Telethon string vectors", () => {
  for (const v of telethon.string_sessions) {
    it(`${v.name} decodes to its manifest values and re-encodes exactly`, async () => {
      const d = await decodeSessionString(v.string);
      assert.equal(d.format, "telethon");
      assert.equal(d.auth.dcId, v.expect.dc_id);
      assert.equal(d.auth.serverAddress, v.expect.server_address);
      assert.equal(d.auth.port, v.expect.port);
      assert.equal(keyHex(d.auth), v.expect.auth_key_hex);
      for (
        const f of [
          "apiId",
          "userId",
          "isBot",
          "testMode",
          "takeoutId",
        ] as const
      ) {
        assert.equal(d.auth[f], null, f);
      }
      if (d.auth.authKey) {
        assert.equal(await encodeSessionString(d, "telethon"), v.string);
      }
    });
  }

  it("the string of the v7 file decodes to that file's session", async () => {
    const file = telethon.sqlite_sessions[0];
    const d = await decodeSessionString(file.string_session_of_this_file);
    assert.equal(keyHex(d.auth), file.session.auth_key_hex);
    assert.equal(d.auth.serverAddress, file.session.server_address);
  });

  it("an uncompressed IPv6 address is written and read back compressed", async () => {
    const key = new Uint8Array(256).fill(1);
    const s = await encodeSessionString({
      dcId: 4,
      serverAddress: "2001:067c:04e8:f004:0000:0000:0000:000a",
      port: 443,
      authKey: key,
    }, "telethon");
    assert.equal(s.length, 369);
    assert.equal(
      (await decodeSessionString(s)).auth.serverAddress,
      "2001:67c:4e8:f004::a",
    );
  });

  it("rejects what Telethon rejects: unpadded strings, wrong prefix", async () => {
    const v = telethon.string_sessions[0].string as string;
    await assert.rejects(
      decodeSessionString(v.slice(0, -1), { format: "telethon" }),
      SessionStringError,
    );
    await assert.rejects(
      decodeSessionString("2" + v.slice(1), { format: "telethon" }),
      SessionStringError,
    );
  });

  it("cannot carry a host name", async () => {
    const e = await encodeSessionString({
      dcId: 4,
      serverAddress: "vesta.web.telegram.org",
      port: 443,
      authKey: new Uint8Array(256).fill(1),
    }, "telethon").catch((x) => x);
    assert.ok(e instanceof SessionStringError);
    assert.match(e.message, /IP address/);
  });
});

describe("GramJS string vectors", () => {
  for (const v of gramjs.string_sessions) {
    it(`${v.name} decodes to its manifest values and re-encodes exactly`, async () => {
      const d = await decodeSessionString(v.string);
      assert.equal(d.format, "gramjs");
      assert.equal(d.auth.dcId, v.expect.dc_id);
      assert.equal(d.auth.serverAddress, v.expect.server_address);
      assert.equal(d.auth.port, v.expect.port);
      assert.equal(keyHex(d.auth), v.expect.auth_key_hex);
      assert.equal(await encodeSessionString(d, "gramjs"), v.expect.resave);
    });
  }

  it("refuses what GramJS would misread: ports above 32767, 1–3 byte addresses", async () => {
    const key = new Uint8Array(256).fill(1);
    await assert.rejects(
      encodeSessionString({
        dcId: 2,
        serverAddress: "1.2.3.4",
        port: 40000,
        authKey: key,
      }, "gramjs"),
      /int16/,
    );
    await assert.rejects(
      encodeSessionString({
        dcId: 2,
        serverAddress: "a.b",
        port: 443,
        authKey: key,
      }, "gramjs"),
      /4 to 100 bytes/,
    );
  });

  it("Telethon strings given to GramJS's reader are Telethon strings", async () => {
    for (const v of telethon.string_sessions) {
      assert.equal((await decodeSessionString(v.string)).format, "telethon");
      await assert.rejects(
        decodeSessionString(v.string, { format: "gramjs" }),
        SessionStringError,
      );
    }
  });
});

describe("mtcute string vectors", () => {
  for (const v of mtcute.string_sessions) {
    it(`${v.name} decodes to its manifest values and re-encodes exactly`, async () => {
      const d = await decodeSessionString(v.string);
      const main = v.expect.primaryDcs.main;
      assert.equal(d.format, "mtcute");
      assert.equal(d.auth.dcId, main.id);
      assert.equal(d.auth.serverAddress, main.ipAddress);
      assert.equal(d.auth.port, main.port);
      assert.equal(d.auth.testMode, main.testMode);
      assert.equal(d.auth.userId, v.expect.self?.userId ?? null);
      assert.equal(d.auth.isBot, v.expect.self?.isBot ?? null);
      assert.equal(keyHex(d.auth), v.expect.auth_key_hex);
      const media = v.expect.primaryDcs.media;
      if (v.layout.flags_bits.has_media_dc_4) {
        assert.deepEqual(d.mediaDc, {
          id: media.id,
          address: media.ipAddress,
          port: media.port,
          ipv6: media.ipv6,
          mediaOnly: media.mediaOnly,
          testMode: media.testMode,
        });
      } else {
        assert.equal(d.mediaDc, undefined);
      }
      assert.equal(await encodeSessionString(d, "mtcute"), v.string);
    });
  }
});

describe("Pyrogram string vectors", () => {
  const strings: Array<
    {
      name: string;
      string: string;
      length: number;
      input: Record<string, unknown>;
    }
  > = [];
  for (const t of pyrogram.targets) {
    for (const s of t.session_strings ?? []) {
      strings.push({ ...s, name: `${t.target} ${s.name}` });
    }
  }
  for (const v of strings) {
    it(`${v.name} (${v.length} chars) decodes and re-encodes exactly`, async () => {
      const d = await decodeSessionString(v.string);
      const layout = v.length === 351
        ? "old-32"
        : v.length === 356
        ? "old-64"
        : "current";
      assert.equal(d.format, "pyrogram");
      assert.equal(d.layout, `pyrogram-${layout}`);
      assert.equal(d.auth.dcId, v.input.dc_id);
      assert.equal(d.auth.apiId, layout === "current" ? v.input.api_id : null);
      assert.equal(d.auth.testMode, v.input.test_mode);
      assert.equal(d.auth.userId, Number(v.input.user_id));
      assert.equal(d.auth.isBot, v.input.is_bot);
      assert.equal(keyHex(d.auth), v.input.auth_key_hex);
      assert.equal(
        d.auth.serverAddress,
        pyrogram.data_center_addresses.PROD[String(v.input.dc_id)],
      );
      assert.equal(d.auth.port, 443);
      assert.equal(
        await encodeSessionString(d, "pyrogram", { pyrogramLayout: layout }),
        v.string,
      );
    });
  }

  for (const f of pyrogram.files) {
    it(`the string exported from ${f.file} matches the file's session`, async () => {
      const d = await decodeSessionString(f.export_session_string);
      assert.equal(keyHex(d.auth), f.expect.session.auth_key_hex);
      assert.equal(d.auth.userId, f.expect.session.user_id);
      assert.equal(d.auth.apiId, f.expect.session.api_id);
    });
  }

  it("accepts padded strings of every layout, as some Pyrogram reads each", async () => {
    // 2.x reads a padded current string; 0.15–1.2 read a padded old-32 one
    // (they decode every string as the 263-byte layout, whatever its
    // length). 2.x refuses the latter, which is why it was refused here.
    const current = strings.find((s) => s.length === 362)!;
    const padded = await decodeSessionString(current.string + "==");
    assert.equal(padded.format, "pyrogram");
    assert.deepEqual(
      padded.auth,
      (await decodeSessionString(current.string)).auth,
    );
    const old = strings.find((s) => s.length === 351)!;
    const oldPadded = await decodeSessionString(old.string + "=", {
      format: "pyrogram",
    });
    assert.equal(oldPadded.layout, "pyrogram-old-32");
    assert.equal(oldPadded.auth.userId, Number(old.input.user_id));
    assert.equal(keyHex(oldPadded.auth), old.input.auth_key_hex);
    // No Pyrogram reads data of a length none of its layouts has.
    await assert.rejects(
      decodeSessionString(old.string.slice(0, -1) + "=", {
        format: "pyrogram",
      }),
      SessionStringError,
    );
  });

  it("test-mode strings get Telegram's test DC address and port 80", async () => {
    const s = await encodeSessionString({
      dcId: 2,
      testMode: true,
      authKey: new Uint8Array(256).fill(2),
      apiId: 1,
      userId: 2,
      isBot: false,
    }, "pyrogram");
    const d = await decodeSessionString(s);
    assert.equal(
      d.auth.serverAddress,
      pyrogram.data_center_addresses.TEST["2"],
    );
    assert.equal(d.auth.port, 80);
  });
});

describe("MTKruto auth strings", () => {
  it("decodes a string laid out by hand from MTKruto's format", async () => {
    // TL string "2-test" | TL bytes key | int32 LE api id | u8 bot | int64 LE user id, then RLE and base64url.
    const key = new Uint8Array(256);
    key[0] = 7;
    key[255] = 9; // 254 zeros in between: one RLE run
    const raw: number[] = [6, ...new TextEncoder().encode("2-test"), 0];
    raw.push(0xfe, 0x00, 0x01, 0x00, ...key);
    raw.push(0x39, 0x30, 0, 0); // 12345
    raw.push(1);
    raw.push(0x15, 0xcd, 0x5b, 0x07, 0, 0, 0, 0); // 123456789
    const rle: number[] = [];
    for (let i = 0; i < raw.length;) {
      if (raw[i] !== 0) rle.push(raw[i++]!);
      else {
        let n = 0;
        while (raw[i] === 0 && n < 255) {
          n++;
          i++;
        }
        rle.push(0, n);
      }
    }
    const text = btoa(String.fromCharCode(...rle)).replace(/\+/g, "-").replace(
      /\//g,
      "_",
    ).replace(/=+$/, "");
    const d = await decodeSessionString(text);
    assert.equal(d.format, "mtkruto");
    assert.deepEqual({ ...d.auth, authKey: null }, {
      dcId: 2,
      serverAddress: "149.154.167.40",
      port: 80,
      authKey: null,
      testMode: true,
      apiId: 12345,
      userId: 123456789,
      isBot: true,
      date: null,
      takeoutId: null,
    });
    assert.deepEqual(d.auth.authKey, key);
    assert.equal(await encodeSessionString(d, "mtkruto"), text);
  });

  it("cannot name DCs MTKruto does not know", async () => {
    await assert.rejects(
      encodeSessionString({
        dcId: 203,
        authKey: new Uint8Array(256).fill(1),
        apiId: 1,
        userId: 1,
        isBot: false,
      }, "mtkruto"),
      SessionStringError,
    );
  });
});

describe("the mtsession format", () => {
  const full: AuthState = {
    dcId: 4,
    serverAddress: "2001:67c:4e8:f004::a",
    port: 443,
    authKey: new Uint8Array(256).map((_, i) => i),
    testMode: false,
    apiId: 12345,
    userId: 5_123_456_789,
    isBot: true,
    date: 1_700_000_000.5,
    takeoutId: -(2n ** 63n),
  };

  it("carries every field, nulls included", async () => {
    assert.deepEqual(
      (await decodeSessionString(await encodeSessionString(full, "mtsession")))
        .auth,
      full,
    );
    const sparse = { dcId: 2, authKey: full.authKey };
    const back = (await decodeSessionString(
      await encodeSessionString(sparse, "mtsession"),
    )).auth;
    assert.equal(back.serverAddress, null);
    assert.equal(back.testMode, null);
    assert.deepEqual(back.authKey, full.authKey);
  });

  it("catches truncation, any changed character, wrong alphabet and padding", async () => {
    const s = await encodeSessionString(full, "mtsession");
    const bad = new Set<string>([
      s.slice(0, -1),
      s.slice(0, -4),
      s.slice(0, 10),
      s + "=",
      s + "==",
      s + "A",
      s.replace("mts1:", "mts2:"),
    ]);
    const rand = seeded(20261122);
    const alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (let i = 5; i < s.length; i++) {
      const c = s[i]!;
      const other = pick(rand, [...alphabet].filter((x) => x !== c));
      bad.add(s.slice(0, i) + other + s.slice(i + 1));
    }
    bad.add(s.replace(/-/g, "+").replace(/_/g, "/"));
    for (const b of bad) {
      if (b === s) continue;
      await assert.rejects(
        decodeSessionString(b),
        SessionStringError,
        `mutation accepted: ${b.length}`,
      );
    }
  });

  it("encrypted strings need the passphrase and fail closed", async () => {
    const s = await encodeSessionString(full, "mtsession", {
      passphrase: "correct horse",
      iterations: 2000,
    });
    assert.ok(s.startsWith("mts1e:"));
    const d = await decodeSessionString(s, { passphrase: "correct horse" });
    assert.equal(d.layout, "mtsession-v1-encrypted");
    assert.deepEqual(d.auth, full);
    await assert.rejects(decodeSessionString(s), PassphraseError);
    await assert.rejects(
      decodeSessionString(s, { passphrase: "wrong" }),
      PassphraseError,
    );
    const i = 40;
    const flipped = s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    await assert.rejects(
      decodeSessionString(flipped, { passphrase: "correct horse" }),
      SessionStringError,
    );
    assert.ok(!s.includes(toHex(full.authKey!).slice(0, 16)));
  });

  it("two encryptions of one session differ (fresh salt and IV)", async () => {
    const a = await encodeSessionString(full, "mtsession", {
      passphrase: "p",
      iterations: 1000,
    });
    const b = await encodeSessionString(full, "mtsession", {
      passphrase: "p",
      iterations: 1000,
    });
    assert.notEqual(a, b);
  });

  it("refuses an iteration count outside 1,000–10,000,000", async () => {
    await assert.rejects(
      encodeSessionString(full, "mtsession", {
        passphrase: "p",
        iterations: 10,
      }),
      RangeError,
    );
  });
});

describe("mtsession strings of every DC and key (payload version 2)", () => {
  const auth: AuthState = {
    dcId: 4,
    serverAddress: "149.154.167.91",
    port: 443,
    authKey: new Uint8Array(256).fill(4),
    testMode: false,
    apiId: 12345,
    userId: 5_123_456_789,
    isBot: false,
    date: null,
    takeoutId: null,
  };
  const dataCenters: DataCenter[] = [
    {
      id: 4,
      testMode: false,
      mediaOnly: false,
      ipv4: "149.154.167.91",
      ipv6: "2001:67c:4e8:f004::a",
      port: 443,
    },
    {
      id: 4,
      testMode: false,
      mediaOnly: true,
      ipv4: "149.154.164.250",
      ipv6: null,
      port: 443,
    },
    {
      id: 2,
      testMode: false,
      mediaOnly: false,
      ipv4: "149.154.167.51",
      ipv6: null,
      port: 443,
    },
    {
      id: 5,
      testMode: true,
      mediaOnly: false,
      ipv4: null,
      ipv6: "2001:b28:f23f:f005::a",
      port: 80,
    },
  ];
  const authKeys: DcAuthKey[] = [
    { dcId: 2, key: new Uint8Array(256).fill(2) },
    { dcId: 1, key: new Uint8Array(256).map((_, i) => 255 - i) },
    { dcId: 5, key: new Uint8Array(256).fill(5) },
  ];
  const sorted = [...authKeys].sort((a, b) => a.dcId - b.dcId);

  it("three DCs and their keys decode equal, plain and encrypted", async () => {
    const text = await encodeSessionString(auth, "mtsession", {
      dataCenters,
      // The main DC's own key is the auth key: given here, it is ignored.
      authKeys: [...authKeys, { dcId: 4, key: new Uint8Array(256) }],
    });
    assert.ok(text.startsWith("mts1:"));
    const back = await decodeSessionString(text);
    assert.equal(back.layout, "mtsession-v2");
    assert.deepEqual(back.auth, auth);
    assert.deepEqual(back.dataCenters, dataCenters);
    assert.deepEqual(back.authKeys, sorted);
    // A decoded string re-encodes to the same string.
    assert.equal(await encodeSessionString(back, "mtsession"), text);
    const sealed = await encodeSessionString(back, "mtsession", {
      passphrase: "pw",
      iterations: 1000,
    });
    const opened = await decodeSessionString(sealed, { passphrase: "pw" });
    assert.equal(opened.layout, "mtsession-v2-encrypted");
    assert.deepEqual(opened.dataCenters, dataCenters);
    assert.deepEqual(opened.authKeys, sorted);
  });

  it("openSession({ string }) restores them; exportString writes them", async () => {
    const source = await openSession(":memory:");
    await source.setAuth(auth);
    await source.setDataCenters(dataCenters);
    for (const k of authKeys) await source.setAuthKeyFor(k.dcId, k.key);
    const copy = await openSession({ string: await source.exportString() });
    assert.deepEqual(copy.getAuth(), auth);
    assert.deepEqual(copy.dataCenters, dataCenters);
    assert.deepEqual(copy.authKeys(), [
      ...sorted.slice(0, 2),
      { dcId: 4, key: auth.authKey },
      sorted[2],
    ]);
    assert.deepEqual(copy.authKeyFor(1), sorted[0]!.key);
  });

  it("strings written before version 2 still decode, and are still written", async () => {
    const old: AuthState = {
      dcId: 4,
      serverAddress: "2001:67c:4e8:f004::a",
      port: 443,
      authKey: new Uint8Array(256).map((_, i) => i),
      testMode: false,
      apiId: 12345,
      userId: 5_123_456_789,
      isBot: true,
      date: 1_700_000_000.5,
      takeoutId: -(2n ** 63n),
    };
    const plain = await decodeSessionString(MTS1);
    assert.equal(plain.layout, "mtsession-v1");
    assert.deepEqual(plain.auth, old);
    assert.deepEqual([plain.dataCenters, plain.authKeys], [[], []]);
    const sealed = await decodeSessionString(MTS1E, {
      passphrase: "correct horse",
    });
    assert.equal(sealed.layout, "mtsession-v1-encrypted");
    assert.deepEqual(sealed.auth, old);
    assert.deepEqual([sealed.dataCenters, sealed.authKeys], [[], []]);
    // Without data centers or other keys, the string is version 1 as
    // before: every release reads it.
    assert.equal(await encodeSessionString(old, "mtsession"), MTS1);
  });

  it("refuses malformed data centers and keys when writing", async () => {
    const bad = (o: object) =>
      encodeSessionString(auth, "mtsession", o as never);
    await assert.rejects(
      bad({ dataCenters: [dataCenters[0], dataCenters[0]] }),
      RangeError,
    );
    await assert.rejects(
      bad({ authKeys: [{ dcId: 2, key: new Uint8Array(3) }] }),
      RangeError,
    );
    await assert.rejects(
      bad({ authKeys: [authKeys[0], authKeys[0]] }),
      /DC 2 has two auth keys/,
    );
  });

  it("droppedFields names each DC part and key a format leaves out", () => {
    const whole = { dataCenters, authKeys };
    const keys = ["auth key of DC 2", "auth key of DC 1", "auth key of DC 5"];
    const base = ["apiId", "userId", "isBot"];
    assert.deepEqual(droppedFields(auth, "telethon", whole), [
      "testMode",
      ...base,
      "DC 4 IPv6 address",
      "DC 4 media address",
      "DC 2 address",
      "DC 5 address",
      ...keys,
    ]);
    assert.deepEqual(droppedFields(auth, "mtcute", whole), [
      "apiId",
      "DC 4 IPv6 address",
      "DC 2 address",
      "DC 5 address",
      ...keys,
    ]);
    // Pyrogram keeps DC 4's table address (the same as the session's).
    assert.deepEqual(droppedFields(auth, "pyrogram", whole), [
      "DC 4 IPv6 address",
      "DC 4 media address",
      "DC 2 address",
      "DC 5 address",
      ...keys,
    ]);
    assert.deepEqual(droppedFields(auth, "mtsession", whole), []);
    // Without the whole session, only the auth fields are named.
    assert.deepEqual(droppedFields(auth, "telethon"), ["testMode", ...base]);
  });
});

describe("detection and conversion", () => {
  it("a string of no format names every format tried, never the string", async () => {
    const secret = "AAAA" + "Zm9vYmFy".repeat(40);
    const e = await decodeSessionString(secret).catch((x) => x);
    assert.ok(e instanceof SessionStringError);
    assert.deepEqual(e.attempts.map((a: { format: string }) => a.format), [
      "mtsession",
      "telethon",
      "gramjs",
      "pyrogram",
      "mtcute",
      "mtkruto",
    ]);
    assert.ok(!e.message.includes("Zm9vYmFy"));
    await assert.rejects(decodeSessionString("   "), SessionStringError);
    await assert.rejects(decodeSessionString(42 as never), TypeError);
    await assert.rejects(
      decodeSessionString("x", { format: "tdata" as never }),
      TypeError,
    );
  });

  it("whitespace around a string (environment variables) is ignored", async () => {
    const v = pyrogram.targets[0].session_strings[0].string;
    assert.equal(
      (await decodeSessionString(`\n\t ${v} \r\n`)).format,
      "pyrogram",
    );
  });

  it("Telethon → Pyrogram needs what Telethon lacks, named", async () => {
    const d = await decodeSessionString(telethon.string_sessions[0].string);
    const e = await encodeSessionString(d, "pyrogram").catch((x) => x);
    assert.ok(e instanceof MissingFieldsError);
    assert.deepEqual(e.fields, ["apiId", "userId", "isBot"]);
    const s = await encodeSessionString(d, "pyrogram", {
      apiId: 12345,
      userId: 777,
      isBot: false,
    });
    const back = await decodeSessionString(s);
    assert.deepEqual(back.auth.authKey, d.auth.authKey);
    assert.equal(back.auth.dcId, 2);
    assert.equal(back.auth.userId, 777);
  });

  it("Pyrogram → Telethon takes the address from the DC table", async () => {
    const v = pyrogram.targets[0].session_strings[1];
    const s = await encodeSessionString(
      await decodeSessionString(v.string),
      "telethon",
    );
    const back = await decodeSessionString(s);
    assert.equal(
      back.auth.serverAddress,
      pyrogram.data_center_addresses.PROD["4"],
    );
    assert.equal(back.auth.port, 443);
    assert.equal(toHex(back.auth.authKey!), v.input.auth_key_hex);
  });

  it("states what a target format drops", () => {
    const a = {
      dcId: 2,
      serverAddress: "149.154.167.51",
      port: 443,
      apiId: 1,
      userId: 2,
      isBot: true,
      testMode: false,
      takeoutId: 5n,
      date: 1,
    };
    assert.deepEqual(droppedFields(a, "telethon"), [
      "testMode",
      "apiId",
      "userId",
      "isBot",
      "date",
      "takeoutId",
    ]);
    assert.deepEqual(droppedFields(a, "pyrogram"), ["date", "takeoutId"]);
    assert.deepEqual(
      droppedFields({ ...a, serverAddress: "10.0.0.1" }, "pyrogram"),
      ["serverAddress", "port", "date", "takeoutId"],
    );
    assert.deepEqual(droppedFields(a, "mtsession"), []);
  });

  it("random sessions survive encode → decode in every format (property)", async () => {
    const rand = seeded(7);
    const formats: StringFormat[] = [
      "telethon",
      "gramjs",
      "pyrogram",
      "mtcute",
      "mtkruto",
      "mtsession",
    ];
    for (let i = 0; i < 60; i++) {
      const testMode = rand() < 0.2;
      const dcId = int(rand, 1, testMode ? 3 : 5);
      const v6 = rand() < 0.3;
      const auth: AuthState = {
        dcId,
        serverAddress: v6
          ? `2001:b28:f23d:f00${dcId}::${int(rand, 1, 0xffff).toString(16)}`
          : `149.154.${int(rand, 0, 255)}.${int(rand, 1, 254)}`,
        port: pick(rand, [443, 80, 5222]),
        authKey: bytes(rand, 256),
        testMode,
        apiId: int(rand, 1, 2 ** 31 - 1),
        userId: int(rand, 1, 2 ** 40),
        isBot: rand() < 0.5,
        date: int(rand, 0, 2 ** 31),
        takeoutId: BigInt.asIntN(64, BigInt(int(rand, 0, 2 ** 31)) << 33n),
      };
      for (const format of formats) {
        const s = await encodeSessionString(auth, format);
        const d = await decodeSessionString(s);
        assert.equal(d.format, format, `${format} detected`);
        assert.deepEqual(d.auth.authKey, auth.authKey);
        assert.equal(d.auth.dcId, auth.dcId);
        const dropped = droppedFields(auth, format);
        for (const k of Object.keys(auth) as (keyof AuthState)[]) {
          if (!dropped.includes(k) && k !== "authKey") {
            assert.deepEqual(d.auth[k], auth[k], `${format}.${k}`);
          }
        }
      }
    }
  });

  it("openSession({ string }) and exportString round-trip", async () => {
    const v = mtcute.string_sessions[0];
    const s = await openSession({ string: v.string });
    assert.equal(s.userId, v.expect.self.userId);
    // Back to mtcute: the main DC, the account and the key mtcute wrote
    // (a session keeps no separate media DC).
    const back = await decodeSessionString(await s.exportString("mtcute"));
    const main = v.expect.primaryDcs.main;
    assert.deepEqual(
      [back.auth.dcId, back.auth.serverAddress, back.auth.port],
      [main.id, main.ipAddress, main.port],
    );
    assert.deepEqual(
      [back.auth.userId, back.auth.isBot, back.auth.testMode],
      [v.expect.self.userId, v.expect.self.isBot, main.testMode],
    );
    assert.equal(toHex(back.auth.authKey!), v.expect.auth_key_hex);
    const copy = await openSession({
      string: await s.exportString("mtsession", {
        passphrase: "x",
        iterations: 1000,
      }),
      passphrase: "x",
    });
    assert.deepEqual(copy.getAuth(), s.getAuth());
  });

  it("a session's media DC goes back into its mtcute string, byte for byte", async () => {
    for (const v of mtcute.string_sessions) {
      const s = await openSession({ string: v.string });
      const media = v.expect.primaryDcs.media;
      assert.deepEqual(s.dataCenters, [{
        id: media.id,
        testMode: media.testMode,
        mediaOnly: true,
        ipv4: media.ipAddress,
        ipv6: null,
        port: media.port,
      }]);
      const again = await s.exportString("mtcute");
      assert.equal(again, v.string, v.name);
      // mtcute itself reads the media DC from it.
      const theirs = readStringSession(again);
      assert.equal(theirs.primaryDcs?.media.ipAddress, media.ipAddress);
      // Through an mtsession string and back, too.
      const copy = await openSession({ string: await s.exportString() });
      assert.equal(await copy.exportString("mtcute"), v.string, v.name);
    }
  });

  it("hex helper sanity", () => {
    assert.deepEqual(hex("00ff"), Uint8Array.from([0, 255]));
  });
});

describe("Pyrogram strings name only DCs that exist", () => {
  it("refuses a test-mode DC 4 instead of writing a string it cannot read", async () => {
    const e = await encodeSessionString(
      {
        dcId: 4,
        testMode: true,
        authKey: new Uint8Array(256).fill(1),
        apiId: 1,
        userId: 1,
        isBot: false,
      },
      "pyrogram",
    ).catch((x) => x);
    assert.ok(e instanceof SessionStringError);
    assert.match(e.message, /dc 4 on Telegram's test servers/);
  });
});
