// Session strings as each released version of each library writes and
// reads them. The strings are made here, by generators written from the
// format facts (struct layouts, TL encodings, base64 variants) of each
// library's history, not taken from the libraries; where a library in
// node_modules still reads a shape (GramJS 2.26, mtcute 0.30), it is asked
// too and must agree with us.
//
// Sources (the libraries' own repositories):
// - Telethon telethon/sessions/string.py: 0011f19f (v1.2, 2018-08), no
//   change of the format since (v1.37: 744f5f50, 48d7dbe9).
// - Pyrogram pyrogram/client/storage/memory_storage.py and client.py
//   (0.15.1–1.2.0: one struct, every length, white space removed),
//   pyrogram/storage/{storage,memory_storage}.py fe764e0e (#818, v1.3.0:
//   the 64-bit struct) and ade31f89 (v2.0.0: api id); the forks (Kurigram,
//   pyrofork, PyroTGFork) keep 2.0's reader.
// - GramJS gramjs/sessions/StringSession.{js,ts}: v1.0.0-alpha.1 (Telethon
//   IPv4 layout), 057be18/00d5d83 (own layout only, to v1.1.0), 262f3d2
//   (v1.2.0: Telethon IPv4), 712b0de (v2.5.32: Telethon IPv6).
// - mtcute packages/core/src/{utils,highlevel/utils}/string-session.ts and
//   utils/dcs.ts: v0.0.1 (v2 written), 852bc106 (v0.7.1: v3, DC record 1),
//   baef7840 and cc4cf356 (v0.19.0: DC record 2, v3 only).
// - MTKruto client/5_session_string.ts db46c7ae (0.1.142),
//   storage/0_storage.ts 0893de39 (0.1.180: api id),
//   client/0_storage_operations.ts fad28ed5 (0.1.700: bot, user id).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as telegram from "telegram";
import { readStringSession } from "@mtcute/core/utils.js";
import {
  type AuthState,
  type DecodedSessionString,
  decodeSessionString,
  encodeSessionString,
  SessionStringError,
} from "../mod.ts";
import { loadFixtureJson, toHex } from "./_fixtures.ts";
import { bytes, seeded } from "./_random.ts";

const pyrogramVectors = loadFixtureJson("pyrogram/manifest.json");
const PROD = pyrogramVectors.data_center_addresses.PROD;
const TEST = pyrogramVectors.data_center_addresses.TEST;

// ---------------------------------------------------------------- bytes

type Part = Uint8Array | number[];

function cat(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) out.push(...p);
  return Uint8Array.from(out);
}

function fixed(n: number, set: (v: DataView) => void): Uint8Array {
  const b = new Uint8Array(n);
  set(new DataView(b.buffer));
  return b;
}

const le32 = (v: number) => fixed(4, (d) => d.setInt32(0, v, true));
const u32le = (v: number) => fixed(4, (d) => d.setUint32(0, v, true));
const le64 = (v: bigint) => fixed(8, (d) => d.setBigInt64(0, v, true));

/** TL bytes: a short or long length, the data, zeros to a multiple of 4. */
function tlBytes(data: Uint8Array): Uint8Array {
  const head = data.length <= 253
    ? [data.length]
    : [254, data.length & 255, (data.length >> 8) & 255, data.length >> 16];
  const pad = (4 - ((head.length + data.length) % 4)) % 4;
  return cat(head, data, new Array(pad).fill(0));
}

const tlString = (s: string) => tlBytes(new TextEncoder().encode(s));

/** Base64 in either alphabet, with or without its "=" padding. */
function base64(
  data: Uint8Array,
  alphabet: "standard" | "urlsafe",
  pad: boolean,
): string {
  let s = btoa(String.fromCharCode(...data));
  if (alphabet === "urlsafe") s = s.replace(/\+/g, "-").replace(/\//g, "_");
  return pad ? s : s.replace(/=+$/, "");
}

/** Python's struct.pack for the big-endian formats the libraries use. */
function structPack(format: string, values: unknown[]): Uint8Array {
  assert.equal(format[0], ">");
  const out: Part[] = [];
  let i = 0;
  for (const m of format.slice(1).matchAll(/(\d*)([B?HIQs])/g)) {
    const v = values[i++];
    switch (m[2]) {
      case "B":
        out.push([v as number]);
        break;
      case "?":
        out.push([v ? 1 : 0]);
        break;
      case "H":
        out.push(fixed(2, (d) => d.setUint16(0, v as number)));
        break;
      case "I":
        out.push(fixed(4, (d) => d.setUint32(0, v as number)));
        break;
      case "Q":
        out.push(fixed(8, (d) => d.setBigUint64(0, BigInt(v as number))));
        break;
      case "s": {
        const b = v as Uint8Array;
        assert.equal(b.length, Number(m[1]), "struct 's' takes exact bytes");
        out.push(b);
        break;
      }
    }
  }
  assert.equal(i, values.length, "one value per field");
  return cat(...out);
}

// ------------------------------------------------------------ the writers

/** Telethon 1.2+: "1" + urlsafe_b64encode(pack(">B{4|16}sH256s", …)). */
function telethonString(
  dc: number,
  ip: number[],
  port: number,
  key: Uint8Array,
  alphabet: "standard" | "urlsafe" = "urlsafe",
): string {
  const packed = structPack(`>B${ip.length}sH256s`, [
    dc,
    Uint8Array.from(ip),
    port,
    key,
  ]);
  return "1" + base64(packed, alphabet, true);
}

/** The 16 bytes of an IPv6 literal (compressed or not). */
function ipv6Bytes(text: string): number[] {
  const [head, tail] = text.includes("::") ? text.split("::") : [text, ""];
  const groups = (s: string) => (s ? s.split(":") : []);
  const h = groups(head!);
  const t = groups(tail!);
  const all = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return all.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 255];
  });
}

/** Pyrogram: urlsafe_b64encode(pack(fmt, …)).rstrip("="). */
function pyrogramString(format: string, values: unknown[]): string {
  return base64(structPack(format, values), "urlsafe", false);
}

const PYROGRAM_OLD_32 = ">B?256sI?"; // 0.15–1.4
const PYROGRAM_OLD_64 = ">B?256sQ?"; // 1.3–1.4, user id ≥ 2^31 - 1
const PYROGRAM_CURRENT = ">BI?256sQ?"; // 2.0 onwards, every fork

/** GramJS 1.0.2+: "1" + base64 of dc | int16 len | address | int16 port | key. */
function gramjsString(
  dc: number,
  address: string,
  port: number,
  key: Uint8Array,
  pad = true,
): string {
  const addr = new TextEncoder().encode(address);
  const packed = cat(
    [dc],
    fixed(2, (d) => d.setInt16(0, addr.length)),
    addr,
    fixed(2, (d) => d.setInt16(0, port)),
    key,
  );
  return "1" + base64(packed, "standard", pad);
}

interface MtcuteDc {
  id: number;
  ip: string;
  port: number;
  ipv6?: boolean;
  mediaOnly?: boolean;
  testMode?: boolean;
}

/** TL dcOption#18b7a10d (mtcute string versions 1 and 2). */
function tlDcOption(dc: MtcuteDc, secret?: Uint8Array): Uint8Array {
  const flags = (dc.ipv6 ? 1 : 0) | (dc.mediaOnly ? 2 : 0) |
    (secret ? 1024 : 0);
  return cat(
    u32le(0x18b7a10d),
    u32le(flags),
    le32(dc.id),
    tlString(dc.ip),
    le32(dc.port),
    secret ? tlBytes(secret) : [],
  );
}

/** mtcute's own DC record, version 1 (0.7–0.17) or 2 (0.19 onwards). */
function mtcuteDcRecord(dc: MtcuteDc, version: 1 | 2): Uint8Array {
  const flags = (dc.ipv6 ? 1 : 0) | (dc.mediaOnly ? 2 : 0) |
    (version === 2 && dc.testMode ? 4 : 0);
  return cat([version, dc.id, flags], tlString(dc.ip), le32(dc.port));
}

const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

/**
 * An mtcute string of any version: u8 version | int32 flags | main DC |
 * [media DC] | [int53 user id | Bool] | TL bytes key, base64url unpadded.
 */
function mtcuteString(a: {
  version: 1 | 2 | 3;
  record?: 1 | 2; // the DC record version, for v3
  main: MtcuteDc;
  media?: MtcuteDc;
  self?: { userId: number; isBot: boolean };
  testFlag?: boolean; // flag 2
  key: Uint8Array;
  secret?: Uint8Array;
  pad?: boolean;
}): string {
  const flags = (a.self ? 1 : 0) | (a.testFlag ? 2 : 0) | (a.media ? 4 : 0);
  const dc = (d: MtcuteDc) =>
    a.version === 3
      ? tlBytes(mtcuteDcRecord(d, a.record ?? 2))
      : tlDcOption(d, a.secret);
  const data = cat(
    [a.version],
    le32(flags),
    dc(a.main),
    a.media ? dc(a.media) : [],
    a.self
      ? cat(
        le64(BigInt(a.self.userId)),
        u32le(a.self.isBot ? BOOL_TRUE : BOOL_FALSE),
      )
      : [],
    tlBytes(a.key),
  );
  return base64(data, "urlsafe", a.pad ?? false);
}

/** MTKruto's RLE: every run of zeros becomes 0, run length (≤ 255). */
function rle(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  const flush = () => {
    if (zeros > 0) out.push(0, zeros);
    zeros = 0;
  };
  for (const b of data) {
    if (b !== 0) {
      flush();
      out.push(b);
    } else if (++zeros === 255) {
      flush();
    }
  }
  flush();
  return Uint8Array.from(out);
}

/** MTKruto: base64url(rle(TL string dc | TL bytes key | tail)). */
function mtkrutoString(
  dc: string,
  key: Uint8Array,
  tail: { apiId?: number; isBot?: boolean; userId?: number },
  pad = false,
): string {
  const data = cat(
    tlString(dc),
    tlBytes(key),
    tail.apiId === undefined ? [] : le32(tail.apiId),
    tail.isBot === undefined ? [] : [tail.isBot ? 1 : 0],
    tail.userId === undefined ? [] : le64(BigInt(tail.userId)),
  );
  return base64(rle(data), "urlsafe", pad);
}

// --------------------------------------------------------------- checking

const rand = seeded(20270101);
const key = (): Uint8Array => bytes(rand, 256);

/** A key with zero runs, for the RLE of MTKruto. */
function keyWithZeros(): Uint8Array {
  const k = key();
  k.fill(0, 10, 20);
  k.fill(0, 100, 101);
  k[255] = 0;
  return k;
}

function expectAuth(
  d: DecodedSessionString,
  want: Partial<AuthState>,
  what: string,
): void {
  for (const [name, value] of Object.entries(want)) {
    const got = d.auth[name as keyof AuthState];
    if (value instanceof Uint8Array) {
      assert.equal(toHex(got as Uint8Array), toHex(value), `${what}: ${name}`);
    } else {
      assert.deepEqual(got, value, `${what}: ${name}`);
    }
  }
}

/** The address text in one spelling (compressed IPv6, as URL hosts are). */
function sameAddress(a: string): string {
  return a.includes(":") ? new URL(`http://[${a}]/`).hostname : a;
}

/** The bytes of a "1"-prefixed string (either alphabet, any padding). */
function bytesAfterPrefix(text: string): Uint8Array {
  const b = text.slice(1).replace(/=+$/, "").replace(/-/g, "+").replace(
    /_/g,
    "/",
  );
  const bin = atob(b + "=".repeat((4 - (b.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

describe("Telethon strings of every version (1.2–1.x)", () => {
  const k = key();
  const v4 = [149, 154, 167, 51];
  const v6 = "2001:67c:4e8:f004::a";
  const cases = [
    {
      name: "IPv4, as written (353 characters)",
      text: telethonString(2, v4, 443, k),
      dc: 2,
      address: "149.154.167.51",
      port: 443,
    },
    {
      name: "IPv4 in the standard alphabet (GramJS 1.0.0-alpha wrote these)",
      text: telethonString(2, v4, 443, k, "standard"),
      dc: 2,
      address: "149.154.167.51",
      port: 443,
    },
    {
      name: "IPv6, as written (369 characters)",
      text: telethonString(4, ipv6Bytes(v6), 443, k),
      dc: 4,
      address: v6,
      port: 443,
    },
    {
      name: "IPv6 without its padding (GramJS 2.5.32 on reads it)",
      text: telethonString(4, ipv6Bytes(v6), 443, k).replace(/=+$/, ""),
      dc: 4,
      address: v6,
      port: 443,
    },
    {
      name: "IPv6 padded twice (Telethon and GramJS read it)",
      text: telethonString(4, ipv6Bytes(v6), 443, k) + "=",
      dc: 4,
      address: v6,
      port: 443,
    },
    {
      name: "IPv6 whose first group is 0 (IPv4-mapped)",
      text: telethonString(2, ipv6Bytes("::ffff:9599:a733"), 443, k),
      dc: 2,
      address: "::ffff:9599:a733",
      port: 443,
    },
    {
      name: "IPv6 whose first group is 100 (NAT64)",
      text: telethonString(2, ipv6Bytes("64:ff9b::9599:a733"), 8443, k),
      dc: 2,
      address: "64:ff9b::9599:a733",
      port: 8443,
    },
  ];
  for (const c of cases) {
    it(`${c.name} decodes`, async () => {
      const d = await decodeSessionString(c.text);
      assert.equal(d.format, "telethon");
      assert.equal(
        d.layout,
        c.address.includes(":") ? "telethon-ipv6" : "telethon-ipv4",
      );
      expectAuth(d, {
        dcId: c.dc,
        serverAddress: c.address,
        port: c.port,
        authKey: k,
        apiId: null,
        userId: null,
        isBot: null,
      }, c.name);
      // Written back, it is the string Telethon writes.
      const ip = c.address.includes(":") ? ipv6Bytes(c.address) : v4;
      assert.equal(
        await encodeSessionString(d, "telethon"),
        telethonString(c.dc, ip, c.port, k),
      );
    });
  }

  it("GramJS's own reader agrees wherever it reads them", async () => {
    for (const c of cases) {
      const b = bytesAfterPrefix(c.text);
      // GramJS takes an IPv6 address only for an int16 above 100 there.
      if (c.address.includes(":") && ((b[1]! << 8) | b[2]!) <= 100) continue;
      const own = new telegram.sessions.StringSession(c.text);
      await own.load();
      const ours = (await decodeSessionString(c.text)).auth;
      assert.equal(own.dcId, ours.dcId, c.name);
      assert.equal(
        sameAddress(own.serverAddress!),
        sameAddress(ours.serverAddress!),
        c.name,
      );
      assert.equal(own.port, ours.port, c.name);
      assert.equal(toHex(own.getAuthKey()!.getKey()!), toHex(k), c.name);
    }
  });

  it("what no version reads stays refused", async () => {
    const ipv4 = telethonString(2, v4, 443, k);
    // Telethon needs the padding; GramJS reads 352 characters as IPv4 only.
    for (const t of [ipv4.slice(0, -1), ipv4 + "="]) {
      await assert.rejects(
        decodeSessionString(t, { format: "telethon" }),
        SessionStringError,
      );
    }
    // Unpadded, an IPv6 string with a small first group is GramJS's own
    // layout to GramJS, and Telethon needs the padding.
    const mapped = telethonString(2, ipv6Bytes("::ffff:9599:a733"), 443, k);
    await assert.rejects(
      decodeSessionString(mapped.replace(/=+$/, ""), { format: "telethon" }),
      SessionStringError,
    );
  });
});

describe("Pyrogram strings of every version, padded or not", () => {
  interface Case {
    writer: string; // who writes this layout
    readers: string; // which releases read the shape
    layout: "old-32" | "old-64" | "current";
    text: string;
    want: Partial<AuthState>;
  }
  const cases: Case[] = [];
  const add = (
    writer: string,
    layout: Case["layout"],
    s: {
      dcId: number;
      apiId?: number;
      testMode: boolean;
      userId: number;
      isBot: boolean;
    },
  ) => {
    const k = key();
    const text = layout === "current"
      ? pyrogramString(PYROGRAM_CURRENT, [
        s.dcId,
        s.apiId,
        s.testMode,
        k,
        s.userId,
        s.isBot,
      ])
      : pyrogramString(
        layout === "old-32" ? PYROGRAM_OLD_32 : PYROGRAM_OLD_64,
        [s.dcId, s.testMode, k, s.userId, s.isBot],
      );
    const table = s.testMode ? TEST : PROD;
    const want: Partial<AuthState> = {
      dcId: s.dcId,
      serverAddress: table[String(s.dcId)],
      port: s.testMode ? 80 : 443,
      authKey: k,
      testMode: s.testMode,
      apiId: s.apiId ?? null,
      userId: s.userId,
      isBot: s.isBot,
    };
    // As written (no "="), with the padding the readers add back, with more
    // "=" than needed (Python's decoder takes them), and, for the old
    // layouts, with the white space 0.15–1.4 strip (a string pasted as
    // wrapped lines).
    const padding = "=".repeat((4 - (text.length % 4)) % 4);
    const wrapped = text.match(/.{1,64}/g)!.join("\n");
    // Who reads each shape, by the readers' rules (see _pyrogram.ts).
    const readBy: Record<Case["layout"], [string, string, string]> = {
      // as written, padded (or more), wrapped in lines
      "old-32": ["0.15 onwards", "0.15–1.2", "0.15–1.4"],
      "old-64": ["1.3 onwards", "1.3–1.4", "1.3–1.4"],
      "current": ["2.0 onwards", "2.0 onwards", "none (not tested)"],
    };
    const [plain, paddedBy, wrappedBy] = readBy[layout];
    const variants: Array<[string, string]> = [
      [`as written, read by ${plain}`, text],
      [
        `with "=" up to a multiple of 4 and two more, read by ${paddedBy}`,
        text + padding + "==",
      ],
    ];
    if (padding !== "") {
      variants.push([`padded, read by ${paddedBy}`, text + padding]);
    }
    if (layout !== "current") {
      variants.push([`wrapped in lines, read by ${wrappedBy}`, wrapped]);
    }
    for (const [how, t] of variants) {
      cases.push({ writer, readers: how, layout, text: t, want });
    }
  };
  // 0.15–1.2 write the 32-bit layout for every account.
  add("0.15–1.2", "old-32", {
    dcId: 2,
    testMode: false,
    userId: 123456789,
    isBot: false,
  });
  add("0.15–1.2 (an id the u32 still holds)", "old-32", {
    dcId: 5,
    testMode: false,
    userId: 2 ** 32 - 1,
    isBot: true,
  });
  add("0.15–1.2 on the test servers", "old-32", {
    dcId: 2,
    testMode: true,
    userId: 7777,
    isBot: false,
  });
  // 1.3–1.4: 32-bit below 2^31 - 1, 64-bit from there.
  add("1.3–1.4 (user id 2^31 - 2)", "old-32", {
    dcId: 4,
    testMode: false,
    userId: 2 ** 31 - 2,
    isBot: false,
  });
  add("1.3–1.4 (user id 2^31 - 1)", "old-64", {
    dcId: 4,
    testMode: false,
    userId: 2 ** 31 - 1,
    isBot: false,
  });
  add("1.3–1.4 (a 64-bit id)", "old-64", {
    dcId: 1,
    testMode: false,
    userId: 6_123_456_789,
    isBot: true,
  });
  add("1.3–1.4 on the test servers", "old-64", {
    dcId: 3,
    testMode: true,
    userId: 5_000_000_001,
    isBot: false,
  });
  // 2.0 onwards (upstream, Kurigram, pyrofork, PyroTGFork).
  add("2.x", "current", {
    dcId: 2,
    apiId: 12345,
    testMode: false,
    userId: 1_234_567_890,
    isBot: false,
  });
  add("2.x (bot, DC 203)", "current", {
    dcId: 203,
    apiId: 2_040,
    testMode: false,
    userId: 8_123_456_789,
    isBot: true,
  });
  add("2.x on the test servers", "current", {
    dcId: 1,
    apiId: 94_575,
    testMode: true,
    userId: 42,
    isBot: false,
  });

  for (const c of cases) {
    it(`${c.layout} from ${c.writer}, ${c.readers} (${c.text.length} chars)`, async () => {
      const d = await decodeSessionString(c.text);
      assert.equal(d.format, "pyrogram");
      assert.equal(d.layout, `pyrogram-${c.layout}`);
      expectAuth(d, c.want, c.writer);
      // Written back in its layout, it is what that Pyrogram writes.
      const written = c.text.replace(/\s/g, "").replace(/=+$/, "");
      assert.equal(
        await encodeSessionString(d, "pyrogram", { pyrogramLayout: c.layout }),
        written,
      );
    });
  }

  it("the 352-character string (a padded 0.15–1.2 string) no longer fails", async () => {
    // 0.15–1.2 decode any string as the 263-byte struct: 351 characters and
    // a "=" decode to the same bytes, which those releases read. This is
    // the string refused before; 2.x refuses it (it takes any length other
    // than 351 and 356 for the 271-byte layout).
    const text = pyrogramString(PYROGRAM_OLD_32, [2, false, key(), 99, false]);
    assert.equal(text.length, 351);
    const d = await decodeSessionString(text + "=");
    assert.equal(d.layout, "pyrogram-old-32");
    assert.equal(d.auth.userId, 99);
  });

  it("lengths no layout has stay refused", async () => {
    const text = pyrogramString(PYROGRAM_CURRENT, [
      2,
      1,
      false,
      key(),
      7,
      false,
    ]);
    for (const t of [text.slice(0, -1), text + "A", text.slice(0, 350)]) {
      await assert.rejects(
        decodeSessionString(t, { format: "pyrogram" }),
        SessionStringError,
      );
    }
  });
});

describe("GramJS strings of every version", () => {
  const k = key();
  it("the GramJS layout (1.0.2 on) decodes padded and unpadded, as GramJS reads it", async () => {
    for (
      const [dc, address, port] of [
        [2, "149.154.167.51", 443], // as long as Telethon IPv6
        [4, "vesta.web.telegram.org", 443],
        [4, "2001:067c:04e8:f004:0000:0000:0000:000a", 443],
        [1, "149.154.175.100", 80],
        [3, "10.0.0.1", 32767],
      ] as const
    ) {
      for (const pad of [true, false]) {
        const text = gramjsString(dc, address, port, k, pad);
        const d = await decodeSessionString(text);
        assert.equal(d.format, "gramjs", `${address} pad=${pad}`);
        expectAuth(d, {
          dcId: dc,
          serverAddress: address,
          port,
          authKey: k,
        }, address);
        const own = new telegram.sessions.StringSession(text);
        await own.load();
        assert.deepEqual(
          [own.dcId, own.serverAddress, own.port],
          [dc, address, port],
        );
        assert.equal(
          await encodeSessionString(d, "gramjs"),
          gramjsString(dc, address, port, k),
        );
      }
    }
  });

  it("1-byte and 3-byte addresses (read by GramJS 1.0.2–1.1.0) decode", async () => {
    // 352 characters after the "1": 1.2.0 onwards read these as Telethon
    // IPv4. A 1-byte address gives 262 bytes, which Telethon cannot be, so
    // it is GramJS's; a 3-byte one gives 264 bytes and, undetected, stays
    // the Telethon string it decoded as before (as GramJS 1.2+ reads it).
    const one = gramjsString(2, "h", 443, k);
    assert.equal(one.length, 353);
    const d = await decodeSessionString(one);
    assert.equal(d.format, "gramjs");
    expectAuth(d, { dcId: 2, serverAddress: "h", port: 443, authKey: k }, "h");
    const three = gramjsString(2, "tg1", 443, k);
    assert.equal(three.length, 353);
    const asked = await decodeSessionString(three, { format: "gramjs" });
    expectAuth(asked, {
      dcId: 2,
      serverAddress: "tg1",
      port: 443,
      authKey: k,
    }, "tg1");
    assert.equal((await decodeSessionString(three)).format, "telethon");
  });
});

describe("mtcute strings of every version", () => {
  const main: MtcuteDc = { id: 2, ip: "149.154.167.51", port: 443 };
  const media: MtcuteDc = {
    id: 2,
    ip: "149.154.167.151",
    port: 443,
    mediaOnly: true,
  };
  const testDc: MtcuteDc = {
    id: 2,
    ip: "149.154.167.40",
    port: 443,
    testMode: true,
  };
  const v6: MtcuteDc = {
    id: 4,
    ip: "2001:67c:4e8:f004::a",
    port: 443,
    ipv6: true,
  };

  it("v1 (read by 0.0.1–0.17.2): a TL dcOption, no media DC", async () => {
    const k = key();
    const text = mtcuteString({
      version: 1,
      main,
      self: { userId: 777_000_111, isBot: false },
      key: k,
    });
    const d = await decodeSessionString(text);
    assert.equal(d.format, "mtcute");
    assert.equal(d.layout, "mtcute-v1");
    expectAuth(d, {
      dcId: 2,
      serverAddress: main.ip,
      port: 443,
      testMode: false,
      userId: 777_000_111,
      isBot: false,
      authKey: k,
    }, "v1");
    assert.equal(d.mediaDc, undefined);
    // The current mtcute refuses it: it reads version 3 only.
    assert.throws(() => readStringSession(text), /version = 1/);
  });

  it("v2 (written by 0.0.1–0.7.0): dcOptions, media DC, test mode in flag 2", async () => {
    const k = key();
    for (
      const s of [
        { main, media, self: { userId: 5_123_456_789, isBot: true } },
        { main: testDc, testFlag: true },
        { main: v6, secret: bytes(rand, 16) },
      ]
    ) {
      const text = mtcuteString({ version: 2, key: k, ...s });
      const d = await decodeSessionString(text);
      assert.equal(d.layout, "mtcute-v2");
      expectAuth(d, {
        dcId: s.main.id,
        serverAddress: s.main.ip,
        port: s.main.port,
        testMode: s.testFlag === true,
        userId: s.self?.userId ?? null,
        isBot: s.self?.isBot ?? null,
        authKey: k,
      }, s.main.ip);
      if (s.media) {
        assert.deepEqual(d.mediaDc, {
          id: s.media.id,
          address: s.media.ip,
          port: s.media.port,
          ipv6: false,
          mediaOnly: true,
          testMode: false,
        });
      } else {
        assert.equal(d.mediaDc, undefined);
      }
    }
  });

  it("v3 with DC records of version 1 (0.7.2–0.17.2), which mtcute still reads", async () => {
    const k = key();
    for (
      const s of [
        { main, media, self: { userId: 6_000_000_001, isBot: false } },
        { main: testDc, testFlag: true, self: { userId: 9, isBot: true } },
        { main: v6 },
      ]
    ) {
      for (const pad of [false, true]) {
        const text = mtcuteString({ version: 3, record: 1, key: k, pad, ...s });
        const d = await decodeSessionString(text);
        assert.equal(d.format, "mtcute");
        assert.equal(d.layout, "mtcute-v3");
        const theirs = readStringSession(text);
        const m = theirs.primaryDcs.main;
        expectAuth(d, {
          dcId: m.id,
          serverAddress: m.ipAddress,
          port: m.port,
          testMode: m.testMode ?? false,
          userId: theirs.self?.userId ?? null,
          isBot: theirs.self?.isBot ?? null,
          authKey: theirs.authKey,
        }, `${s.main.ip} pad=${pad}`);
        assert.equal(d.auth.testMode, s.testFlag === true);
        if (s.media) {
          const md = theirs.primaryDcs.media;
          assert.deepEqual(d.mediaDc, {
            id: md.id,
            address: md.ipAddress,
            port: md.port,
            ipv6: md.ipv6 ?? false,
            mediaOnly: md.mediaOnly ?? false,
            testMode: md.testMode ?? false,
          });
        }
        // Written back, it is what mtcute 0.19 onwards writes.
        const again = await encodeSessionString(d, "mtcute");
        assert.equal(
          again,
          mtcuteString({
            version: 3,
            record: 2,
            key: k,
            main: { ...s.main, testMode: s.testFlag === true },
            ...(s.media ? { media: s.media } : {}),
            ...(s.self ? { self: s.self } : {}),
          }),
        );
      }
    }
  });

  it("v3 with DC records of version 2 (0.19 on), padded or not", async () => {
    const k = key();
    const text = mtcuteString({
      version: 3,
      record: 2,
      main: testDc,
      self: { userId: 31337, isBot: false },
      key: k,
      pad: true,
    });
    assert.ok(text.endsWith("="));
    const d = await decodeSessionString(text);
    assert.equal(d.layout, "mtcute-v3");
    const theirs = readStringSession(text);
    expectAuth(d, {
      dcId: theirs.primaryDcs.main.id,
      testMode: true,
      userId: 31337,
      authKey: k,
    }, "v3 padded");
  });

  it("flags a version does not know stay refused", async () => {
    const k = key();
    // Version 1 has no media DC (flag 4).
    const text = mtcuteString({ version: 1, main, media, key: k });
    await assert.rejects(
      decodeSessionString(text, { format: "mtcute" }),
      SessionStringError,
    );
  });
});

describe("MTKruto auth strings of every version", () => {
  const cases = [
    {
      versions: "0.1.142–0.1.170 (dc, key)",
      layout: "mtkruto-dc-key",
      tail: {},
      want: { apiId: null, userId: null, isBot: null },
    },
    {
      versions: "0.1.180–0.1.600 (dc, key, api id)",
      layout: "mtkruto-dc-key-api",
      tail: { apiId: 12345 },
      want: { apiId: 12345, userId: null, isBot: null },
    },
    {
      versions: "0.1.700 on (dc, key, api id, bot, user id)",
      layout: "mtkruto",
      tail: { apiId: 2_040, isBot: true, userId: 6_123_456_789 },
      want: { apiId: 2_040, userId: 6_123_456_789, isBot: true },
    },
  ];
  for (const c of cases) {
    for (const dc of ["2", "5", "1-test", "3-test"]) {
      it(`${c.versions}, dc ${dc}, padded or not`, async () => {
        const k = keyWithZeros();
        for (const pad of [false, true]) {
          const text = mtkrutoString(dc, k, c.tail, pad);
          const d = await decodeSessionString(text);
          assert.equal(d.format, "mtkruto", text.length + " " + pad);
          assert.equal(d.layout, c.layout);
          const testMode = dc.endsWith("-test");
          const id = Number(dc[0]);
          expectAuth(d, {
            dcId: id,
            serverAddress: (testMode ? TEST : PROD)[String(id)],
            port: testMode ? 80 : 443,
            testMode,
            authKey: k,
            ...c.want,
          }, `${c.layout} ${dc}`);
        }
      });
    }
  }

  it("an api-id-only string that Pyrogram's layout would also take is MTKruto's", async () => {
    // dc "1" | key | api id 0x01020304 after the RLE: 4 + 6 + 257 + 4 = 271
    // bytes when the key holds one zero, Pyrogram's current size. With the
    // zero at key[252] the bytes fit that struct too: dc 1, api id
    // 0x310002fe, test mode 0, user id 0x0001…, bot 1.
    const k = key().map((b) => b === 0 ? 1 : b);
    k[252] = 0;
    const text = mtkrutoString("1", k, { apiId: 0x01020304 });
    assert.equal(text.length, 362);
    const b = Uint8Array.from(
      atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=="),
      (c) => c.charCodeAt(0),
    );
    const view = new DataView(b.buffer);
    assert.equal(b[0], 1); // a production DC
    assert.ok(b[5]! <= 1 && b[270]! <= 1); // the two struct booleans
    assert.ok(view.getBigUint64(262) <= BigInt(Number.MAX_SAFE_INTEGER));
    const d = await decodeSessionString(text);
    assert.equal(d.format, "mtkruto");
    assert.equal(d.layout, "mtkruto-dc-key-api");
    expectAuth(d, { dcId: 1, apiId: 0x01020304, authKey: k }, "mtkruto");
    await assert.rejects(
      decodeSessionString(text, { format: "pyrogram" }),
      SessionStringError,
    );
  });
});
