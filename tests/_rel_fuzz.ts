// The string-decoder fuzzer shared by tests/reliability_fuzz_test.ts (a
// seeded sample) and scripts/fuzz.ts (100,000+ inputs per format).
//
// For each format it makes valid strings from random sessions, mutates
// them (one or several edits: replace, delete, insert, swap, truncate,
// duplicate, case flip, prefix and padding changes, inner white space) and
// adds random inputs (random base64 of the formats' lengths, random text),
// then decodes each with decodeSessionString and classifies the outcome:
//
// - rejected: a SessionStringError (PassphraseError included): fine;
// - same: decoded to the same session as the original (e.g. a change in
//   base64 padding a format ignores);
// - different: decoded to another session. Allowed only for formats with
//   no integrity check (every format but mtsession's);
// - failure: any other error, or a checked mtsession string that decoded
//   after a mutation.

import { isDeepStrictEqual } from "node:util";
import {
  type AuthState,
  type DecodedSessionString,
  decodeSessionString,
  type EncodeOptions,
  encodeSessionString,
  SessionStringError,
} from "../mod.ts";
import { bytes, int, pick, seeded } from "./_random.ts";

type Rand = () => number;

/** The formats fuzzed, with the encrypted mtsession form on its own. */
export const FUZZ_FORMATS = [
  "mtsession",
  "mtsession-encrypted",
  "telethon",
  "gramjs",
  "pyrogram",
  "mtcute",
  "mtkruto",
] as const;

/** One of {@linkcode FUZZ_FORMATS}. */
export type FuzzFormat = typeof FUZZ_FORMATS[number];

/** The passphrase of the encrypted samples. */
export const FUZZ_PASSPHRASE = "correct horse battery staple";

/** Whether a format carries an integrity check (any change must fail). */
export function isChecked(format: FuzzFormat): boolean {
  return format === "mtsession" || format === "mtsession-encrypted";
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ODD = [
  "=",
  " ",
  "\t",
  "\n",
  "\u0000",
  "é",
  "€",
  "𝄞",
  "\ud800",
  ":",
  ".",
  "%",
  "\\",
  '"',
  "\u200b",
  "\ufeff",
];

function ipv4(r: Rand): string {
  return [int(r, 1, 254), int(r, 0, 255), int(r, 0, 255), int(r, 1, 254)]
    .join(".");
}

function ipv6(r: Rand): string {
  return Array.from(
    { length: 8 },
    () => int(r, 0, 0xffff).toString(16),
  ).join(":");
}

/** A random auth state and the options a format needs, per format. */
function randomSession(
  r: Rand,
  format: FuzzFormat,
): { auth: Partial<AuthState>; options: EncodeOptions } {
  const key = bytes(r, 256);
  const dcId = int(r, 1, 5);
  switch (format) {
    case "telethon":
      return {
        auth: {
          dcId,
          serverAddress: r() < 0.7 ? ipv4(r) : ipv6(r),
          port: int(r, 1, 65535),
          authKey: key,
        },
        options: {},
      };
    case "gramjs":
      return {
        auth: {
          dcId,
          serverAddress: r() < 0.6
            ? ipv4(r)
            : r() < 0.5
            ? ipv6(r)
            : `host${int(r, 0, 1e6)}.example.org`,
          port: int(r, 1, 32767),
          authKey: key,
        },
        options: {},
      };
    case "pyrogram": {
      const layout = pick(r, ["current", "old-32", "old-64"] as const);
      return {
        auth: {
          dcId,
          authKey: key,
          testMode: r() < 0.2,
          apiId: int(r, 1, 2 ** 31 - 1),
          userId: layout === "old-32"
            ? int(r, 1, 2 ** 31 - 1)
            : int(r, 1, 8_600_000_000),
          isBot: r() < 0.3,
        },
        options: { pyrogramLayout: layout },
      };
    }
    case "mtcute":
      return {
        auth: {
          dcId,
          serverAddress: r() < 0.7 ? ipv4(r) : ipv6(r),
          port: int(r, 1, 65535),
          authKey: key,
          testMode: r() < 0.2,
          ...(r() < 0.7
            ? { userId: int(r, 1, 8_600_000_000), isBot: r() < 0.3 }
            : {}),
        },
        options: {},
      };
    case "mtkruto":
      return {
        auth: {
          dcId,
          authKey: key,
          testMode: r() < 0.2,
          apiId: int(r, 1, 2 ** 31 - 1),
          userId: int(r, 1, 8_600_000_000),
          isBot: r() < 0.3,
        },
        options: {},
      };
    case "mtsession":
    case "mtsession-encrypted": {
      const auth: Partial<AuthState> = {};
      if (r() < 0.9) auth.dcId = dcId;
      if (r() < 0.8) auth.serverAddress = r() < 0.7 ? ipv4(r) : ipv6(r);
      if (r() < 0.8) auth.port = int(r, 1, 65535);
      if (r() < 0.9) auth.authKey = key;
      if (r() < 0.5) auth.testMode = r() < 0.5;
      if (r() < 0.5) auth.apiId = int(r, 1, 2 ** 31 - 1);
      if (r() < 0.5) auth.userId = int(r, 1, 8_600_000_000);
      if (r() < 0.5) auth.isBot = r() < 0.5;
      if (r() < 0.3) auth.date = int(r, 1_500_000_000, 1_900_000_000);
      if (r() < 0.3) {
        auth.takeoutId = BigInt.asIntN(
          64,
          (BigInt(int(r, 0, 2 ** 32 - 1)) << 32n) |
            BigInt(int(r, 0, 2 ** 32 - 1)),
        );
      }
      return {
        auth,
        options: format === "mtsession-encrypted"
          ? { passphrase: FUZZ_PASSPHRASE, iterations: 1000 }
          : {},
      };
    }
  }
}

/** A valid string of a format and what it decodes to. */
export interface Sample {
  /** The format. */
  format: FuzzFormat;
  /** The string. */
  text: string;
  /** Its decoding. */
  decoded: DecodedSessionString;
}

/**
 * Makes a valid string of a format from a random session.
 *
 * @param r The generator.
 * @param format The format.
 * @returns The string and its decoding.
 */
export async function validSample(
  r: Rand,
  format: FuzzFormat,
  unreadable: string[] = [],
): Promise<Sample> {
  for (;;) {
    const { auth, options } = randomSession(r, format);
    const target = format === "mtsession-encrypted" ? "mtsession" : format;
    let text: string;
    try {
      text = await encodeSessionString(auth, target, options);
    } catch (e) {
      // A random session the format cannot express: draw another.
      if (e instanceof SessionStringError) continue;
      throw e;
    }
    try {
      return { format, text, decoded: await decode(text, format) };
    } catch (e) {
      // The encoder wrote what the decoder refuses: a finding, kept.
      if (!(e instanceof SessionStringError)) throw e;
      const shown = JSON.stringify(
        auth,
        (_k, v) =>
          v instanceof Uint8Array
            ? "<key>"
            : typeof v === "bigint"
            ? String(v)
            : v,
      );
      unreadable.push(
        `${format} ${shown} ${JSON.stringify(options)}: ${
          e.attempts.find((a) => a.format === target)?.reason ?? e.message
        }`,
      );
    }
  }
}

function decode(
  text: string,
  format: FuzzFormat,
): Promise<DecodedSessionString> {
  return decodeSessionString(
    text,
    format === "mtsession-encrypted" ? { passphrase: FUZZ_PASSPHRASE } : {},
  );
}

function alphabetOf(text: string): string {
  return /[-_]/.test(text) || text.startsWith("mts") ? B64URL : B64;
}

/** One random edit of a string. */
function edit(r: Rand, text: string): string {
  const n = text.length;
  const at = int(r, 0, Math.max(0, n - 1));
  const alphabet = alphabetOf(text);
  switch (int(r, 0, 13)) {
    case 0: // replace with a character of the same alphabet
    case 1: {
      let c = pick(r, alphabet);
      if (c === text[at]) c = alphabet[(alphabet.indexOf(c) + 1) % 64]!;
      return text.slice(0, at) + c + text.slice(at + 1);
    }
    case 2: // replace with an odd character
      return text.slice(0, at) + pick(r, ODD) + text.slice(at + 1);
    case 3: // delete
      return text.slice(0, at) + text.slice(at + 1);
    case 4: // insert
      return text.slice(0, at) + pick(r, alphabet) + text.slice(at);
    case 5: // truncate
      return text.slice(0, int(r, 0, Math.max(0, n - 1)));
    case 6: { // swap two neighbours
      if (n < 2 || text[at] === text[at + 1]) return text.slice(1);
      return text.slice(0, at) + (text[at + 1] ?? "") + text[at] +
        text.slice(at + 2);
    }
    case 7: { // duplicate a slice
      const len = int(r, 1, 8);
      return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    }
    case 8: { // flip the case of a letter
      const c = text[at] ?? "a";
      const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return flipped === c
        ? text.slice(0, at) + "Q" + text.slice(at + 1)
        : text.slice(0, at) + flipped + text.slice(at + 1);
    }
    case 9: // change the prefix
      return pick(r, ["", "1", "0", "2", "mts1:", "mts1e:", "mts2:", "x"]) +
        text.slice(int(r, 0, 6));
    case 10: // append
      return text +
        Array.from({ length: int(r, 1, 8) }, () => pick(r, alphabet))
          .join("");
    case 11: { // overwrite a span with random characters
      const len = int(r, 2, 16);
      const span = Array.from({ length: len }, () => pick(r, alphabet)).join(
        "",
      );
      return text.slice(0, at) + span + text.slice(at + len);
    }
    case 12: // padding
      return text.endsWith("=") ? text.replace(/=+$/, "") : text + "=";
    default: // white space inside
      return text.slice(0, at) + pick(r, [" ", "\n", "\t"]) + text.slice(at);
  }
}

/**
 * Mutates a valid string with one to five random edits; never returns a
 * string equal to the original after trimming.
 *
 * @param r The generator.
 * @param text The original.
 * @returns The mutant.
 */
export function mutate(r: Rand, text: string): string {
  for (;;) {
    let out = text;
    const edits = r() < 0.7 ? 1 : int(r, 2, 5);
    for (let i = 0; i < edits; i++) out = edit(r, out);
    if (out.trim() !== text.trim()) return out;
  }
}

const LENGTHS = [
  0,
  1,
  4,
  5,
  6,
  100,
  351,
  352,
  353,
  356,
  362,
  368,
  369,
  400,
  402,
];

/**
 * A random input: base64 or base64url of a format's length (with or without
 * a prefix), or random text.
 *
 * @param r The generator.
 * @returns The input.
 */
export function randomInput(r: Rand): string {
  const kind = int(r, 0, 3);
  const len = r() < 0.6 ? pick(r, LENGTHS) : int(r, 0, 700);
  if (kind <= 1) {
    const alphabet = kind === 0 ? B64 : B64URL;
    const body = Array.from({ length: len }, () => pick(r, alphabet)).join("");
    return pick(r, ["", "", "1", "mts1:", "mts1e:"]) + body;
  }
  if (kind === 2) {
    return Array.from(
      { length: len },
      () => String.fromCharCode(int(r, 0, 255)),
    ).join("");
  }
  return Array.from(
    { length: int(r, 0, 200) },
    () => String.fromCodePoint(int(r, 0, 0x10ffff)),
  ).join("");
}

/** What happened to one input. */
export type Outcome = "rejected" | "same" | "different" | "failure";

/** Per-format results. */
export interface FuzzStats {
  /** The format. */
  format: FuzzFormat;
  /** Mutated inputs decoded. */
  mutated: number;
  /** Random inputs decoded. */
  random: number;
  /** Outcomes of the mutated inputs. */
  mutatedOutcomes: Record<Outcome, number>;
  /** Outcomes of the random inputs. */
  randomOutcomes: Record<Outcome, number>;
  /** The formats mutants and random inputs were accepted as. */
  acceptedAs: Record<string, number>;
  /** The slowest decode, in ms. */
  maxMs: number;
  /** Failures: inputs, what happened (at most 20 kept). */
  failures: Array<{ input: string; what: string }>;
  /** Sessions the encoder wrote and the decoder then refused (first 20). */
  unreadable: string[];
  /** How many such sessions in all. */
  unreadableCount: number;
  /**
   * Checked formats only: mutants that lost the "mts1" prefix and are a
   * valid string of a format without integrity check (see `fuzzFormat`).
   */
  crossed: number;
}

function outcomes(): Record<Outcome, number> {
  return { rejected: 0, same: 0, different: 0, failure: 0 };
}

/** Options of {@linkcode fuzzFormat}. */
export interface FuzzOptions {
  /** The seed. */
  seed: number;
  /** How many mutated inputs. */
  mutated: number;
  /** How many random inputs. */
  random: number;
  /** Fresh valid strings to mutate (default: one per 50 mutants). */
  originals?: number;
  /** Called now and then with the count done (for progress lines). */
  progress?: (done: number) => void;
}

/**
 * Fuzzes one format.
 *
 * @param format The format.
 * @param options Seed and counts.
 * @returns The statistics; `failures` is empty when all went well.
 */
export async function fuzzFormat(
  format: FuzzFormat,
  options: FuzzOptions,
): Promise<FuzzStats> {
  const r = seeded(options.seed);
  const stats: FuzzStats = {
    format,
    mutated: 0,
    random: 0,
    mutatedOutcomes: outcomes(),
    randomOutcomes: outcomes(),
    acceptedAs: {},
    maxMs: 0,
    failures: [],
    unreadable: [],
    unreadableCount: 0,
    crossed: 0,
  };
  const fail = (input: string, what: string): void => {
    if (stats.failures.length < 20) stats.failures.push({ input, what });
  };
  const originals: Sample[] = [];
  const want = options.originals ??
    Math.max(1, Math.ceil(options.mutated / 50));
  const unreadable: string[] = [];
  for (let i = 0; i < want; i++) {
    originals.push(await validSample(r, format, unreadable));
  }
  stats.unreadableCount = unreadable.length;
  stats.unreadable = unreadable.slice(0, 20);

  const run = async (
    input: string,
    original: Sample | undefined,
  ): Promise<Outcome> => {
    const start = performance.now();
    let result: DecodedSessionString | undefined;
    let error: unknown;
    try {
      result = await decode(input, format);
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - start;
    if (ms > stats.maxMs) stats.maxMs = ms;
    if (result === undefined) {
      if (error instanceof SessionStringError) return "rejected";
      fail(
        input,
        `threw ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
      return "failure";
    }
    stats.acceptedAs[result.format] = (stats.acceptedAs[result.format] ?? 0) +
      1;
    const same = original !== undefined &&
      result.format === original.decoded.format &&
      isDeepStrictEqual(result.auth, original.decoded.auth);
    if (original !== undefined && isChecked(format)) {
      if (result.format === "mtsession" || /^\s*mts1/.test(input)) {
        fail(
          input,
          `a mutated ${format} string decoded (as ${result.format}${
            same ? ", the same session" : ""
          })`,
        );
        return "failure";
      }
      // The mutation destroyed the "mts1:" prefix and left a string that
      // is valid in a format without integrity check (any "1" + 352
      // base64 characters is a Telethon string). Detection cannot know;
      // asked for mtsession explicitly, the decoder must refuse it.
      const strict = await decodeSessionString(input, {
        format: "mtsession",
        ...(format === "mtsession-encrypted"
          ? { passphrase: FUZZ_PASSPHRASE }
          : {}),
      }).then(() => undefined, (e) => e);
      if (!(strict instanceof SessionStringError)) {
        fail(input, `a mutated ${format} string decoded as mtsession`);
        return "failure";
      }
      stats.crossed++;
      return "different";
    }
    return same ? "same" : "different";
  };

  for (let i = 0; i < options.mutated; i++) {
    const original = originals[i % originals.length]!;
    const o = await run(mutate(r, original.text), original);
    stats.mutatedOutcomes[o]++;
    stats.mutated++;
    if (options.progress && i % 10_000 === 9_999) options.progress(i + 1);
  }
  for (let i = 0; i < options.random; i++) {
    const input = randomInput(r);
    const o = await run(input, undefined);
    if (o === "different" && isChecked(format) && input.startsWith("mts1")) {
      // Random text that passes a CRC-32 or a GCM tag: would be a finding.
      fail(input, "a random mts1 string decoded");
      stats.randomOutcomes.failure++;
    } else {
      stats.randomOutcomes[o]++;
    }
    stats.random++;
  }
  return stats;
}
