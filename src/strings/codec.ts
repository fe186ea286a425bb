/**
 * Reading and writing session strings of every format people hold:
 * Telethon, Pyrogram (three layouts), GramJS, mtcute, MTKruto, and
 * mtsession's own checked (optionally encrypted) format.
 *
 * @module
 */

import { checkAuthPatch } from "../_validate.ts";
import {
  type FormatAttempt,
  MissingFieldsError,
  SessionStringError,
  type StringFormat,
} from "../errors.ts";
import type { AuthState } from "../types.ts";
import { Truncated } from "./_bytes.ts";
import { blankAuth } from "./_common.ts";
import { dcAddress, findDcByAddress } from "./dc_table.ts";
import { decodeGramjs, encodeGramjs } from "./gramjs.ts";
import { canonicalAddress } from "./ip.ts";
import { decodeMtcute, encodeMtcute } from "./mtcute.ts";
import { decodeMtkruto, encodeMtkruto } from "./mtkruto.ts";
import {
  decodeNative,
  decryptNative,
  encodeNative,
  ENCRYPTED_PREFIX,
  encryptNative,
} from "./native.ts";
import { decodePyrogram, encodePyrogram } from "./pyrogram.ts";
import { decodeTelethon, encodeTelethon } from "./telethon.ts";
import {
  type DecodedSessionString,
  type DecodeOptions,
  type EncodeOptions,
  STRING_FORMATS,
  Unfit,
} from "./types.ts";

const DECODERS: Record<StringFormat, (text: string) => DecodedSessionString> = {
  mtsession: decodeNative,
  telethon: decodeTelethon,
  gramjs: decodeGramjs,
  pyrogram: decodePyrogram,
  mtcute: decodeMtcute,
  mtkruto: decodeMtkruto,
};

function reasonOf(e: unknown): string | undefined {
  if (e instanceof Unfit) return e.message;
  if (e instanceof Truncated) return "ends too early or holds invalid fields";
  return undefined;
}

function isFormat(value: unknown): value is StringFormat {
  return STRING_FORMATS.includes(value as StringFormat);
}

/**
 * Reads a session string of any supported format, detecting which one it
 * is the way the real libraries tell them apart (prefix, length, version
 * byte, structure). Leading and trailing white space is ignored.
 *
 * @param text The session string.
 * @param options A format to insist on; the passphrase of an encrypted
 * mtsession string.
 * @returns The format found and the session it holds.
 * @throws {SessionStringError} When no format fits; `attempts` lists each
 * format tried and why it failed.
 * @throws {PassphraseError} When an encrypted string has no or a wrong
 * passphrase.
 *
 * @example Usage
 * ```ts
 * import { decodeSessionString, encodeSessionString } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const telethon = await encodeSessionString(
 *   { dcId: 2, serverAddress: "149.154.167.51", port: 443, authKey: new Uint8Array(256).fill(9) },
 *   "telethon",
 * );
 * const found = await decodeSessionString(`  ${telethon}\n`);
 * assert.equal(found.format, "telethon");
 * assert.equal(found.auth.serverAddress, "149.154.167.51");
 * ```
 */
export async function decodeSessionString(
  text: string,
  options: DecodeOptions = {},
): Promise<DecodedSessionString> {
  if (typeof text !== "string") {
    throw new TypeError("Expected the session string to be a string");
  }
  const wanted = options.format;
  if (wanted !== undefined && !isFormat(wanted)) {
    throw new TypeError(
      `Unknown string format "${String(wanted)}": use one of ${
        STRING_FORMATS.join(", ")
      }`,
    );
  }
  const t = text.trim();
  if (t === "") {
    throw new SessionStringError("The session string is empty", wanted ?? null);
  }
  if (
    t.startsWith(ENCRYPTED_PREFIX) &&
    (wanted === undefined || wanted === "mtsession")
  ) {
    try {
      return await decryptNative(t, options.passphrase);
    } catch (e) {
      const reason = reasonOf(e);
      if (reason === undefined) throw e;
      throw new SessionStringError(
        `Cannot read this encrypted mtsession string: it ${reason}`,
        "mtsession",
        [{ format: "mtsession", reason }],
      );
    }
  }
  const attempts: FormatAttempt[] = [];
  for (const format of wanted ? [wanted] : STRING_FORMATS) {
    try {
      return DECODERS[format](t);
    } catch (e) {
      const reason = reasonOf(e);
      if (reason === undefined) throw e;
      attempts.push({ format, reason });
    }
  }
  const message = wanted
    ? `Cannot read this as a ${wanted} session string: it ${
      attempts[0]!.reason
    }`
    : `Cannot read this session string (${t.length} characters) in any ` +
      `known format: ${
        attempts.map((a) => `${a.format}: it ${a.reason}`).join("; ")
      }`;
  throw new SessionStringError(message, wanted ?? null, attempts);
}

function inferTestMode(address: string | null): boolean {
  return address === null
    ? false
    : findDcByAddress(canonicalAddress(address))?.testMode ?? false;
}

/**
 * The fields of a session that a format cannot carry (and that a string
 * in that format would therefore lose).
 *
 * @param auth The session's auth state.
 * @param format The target format.
 * @returns Names of the known fields the format drops.
 *
 * @example Usage
 * ```ts
 * import { droppedFields } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   droppedFields({ dcId: 2, apiId: 1, userId: 5, isBot: false, takeoutId: 3n }, "telethon"),
 *   ["apiId", "userId", "isBot", "takeoutId"],
 * );
 * ```
 */
export function droppedFields(
  auth: Partial<AuthState>,
  format: StringFormat,
): string[] {
  const a: AuthState = { ...blankAuth(), ...auth };
  // Pyrogram and MTKruto keep only the DC id: the address survives when it
  // is the one Telegram's DC table gives for that id.
  const fromTable = (): boolean => {
    if (a.dcId === null || a.serverAddress === null) return true;
    const dc = dcAddress(a.dcId, a.testMode ?? inferTestMode(a.serverAddress));
    return dc !== undefined &&
      dc.address === canonicalAddress(a.serverAddress) &&
      (a.port === null || a.port === dc.port);
  };
  const address = ["serverAddress", "port"] as const;
  const carried: Record<StringFormat, readonly (keyof AuthState)[]> = {
    telethon: ["dcId", ...address, "authKey"],
    gramjs: ["dcId", ...address, "authKey"],
    pyrogram: ["dcId", "authKey", "testMode", "apiId", "userId", "isBot"],
    mtcute: ["dcId", ...address, "authKey", "testMode", "userId", "isBot"],
    mtkruto: ["dcId", "authKey", "testMode", "apiId", "userId", "isBot"],
    mtsession: Object.keys(a) as (keyof AuthState)[],
  };
  const keeps = (k: keyof AuthState): boolean =>
    carried[format].includes(k) ||
    ((format === "pyrogram" || format === "mtkruto") &&
      (k === "serverAddress" || k === "port") && fromTable());
  return (Object.keys(a) as (keyof AuthState)[]).filter((k) =>
    a[k] !== null && !keeps(k)
  );
}

/**
 * Writes a session as a string of the given format.
 *
 * Fields the format needs and the session lacks come from `options`
 * (`apiId`, `userId`, `isBot`, `testMode`); without them a
 * {@linkcode MissingFieldsError} names what is missing. Where a format
 * needs an address the session lacks (a Pyrogram session going to
 * Telethon), Telegram's DC table supplies it. Use
 * {@linkcode droppedFields} to see what the format cannot carry.
 *
 * @param data An auth state (or part of one), or a decoded string.
 * @param format The target format.
 * @param options Fills for missing fields; format-specific options.
 * @returns The session string.
 * @throws {MissingFieldsError} When the format needs a field the session
 * lacks.
 * @throws {SessionStringError} When the format cannot express the session
 * (a host name in a Telethon string, a port above 32767 for GramJS, …).
 * @throws {TypeError | RangeError} When a field is malformed.
 *
 * @example Convert a Pyrogram session to Telethon
 * ```ts
 * import { decodeSessionString, encodeSessionString } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const pyrogram = await encodeSessionString(
 *   { dcId: 4, authKey: new Uint8Array(256).fill(3), apiId: 12345, userId: 777, isBot: false },
 *   "pyrogram",
 * );
 * const telethon = await encodeSessionString(await decodeSessionString(pyrogram), "telethon");
 * const back = await decodeSessionString(telethon);
 * assert.equal(back.format, "telethon");
 * assert.equal(back.auth.serverAddress, "149.154.167.91");
 * ```
 */
export async function encodeSessionString(
  data: Partial<AuthState> | DecodedSessionString,
  format: StringFormat,
  options: EncodeOptions = {},
): Promise<string> {
  if (!isFormat(format)) {
    throw new TypeError(
      `Unknown string format "${String(format)}": use one of ${
        STRING_FORMATS.join(", ")
      }`,
    );
  }
  if (typeof data !== "object" || data === null) {
    throw new TypeError("Expected an auth state or a decoded session string");
  }
  const decoded = "auth" in data && "format" in data
    ? data as DecodedSessionString
    : undefined;
  const source = decoded ? decoded.auth : data as Partial<AuthState>;
  const auth: AuthState = { ...blankAuth(), ...checkAuthPatch(source) };
  const fill = checkAuthPatch({
    ...(options.apiId === undefined ? {} : { apiId: options.apiId }),
    ...(options.userId === undefined ? {} : { userId: options.userId }),
    ...(options.isBot === undefined ? {} : { isBot: options.isBot }),
    ...(options.testMode === undefined ? {} : { testMode: options.testMode }),
  });
  const apiId = auth.apiId ?? fill.apiId ?? null;
  const userId = auth.userId ?? fill.userId ?? null;
  const isBot = auth.isBot ?? fill.isBot ?? null;
  const testMode = auth.testMode ?? fill.testMode ??
    inferTestMode(auth.serverAddress);

  const need: string[] = [];
  const needs = <T>(value: T | null, name: string): T => {
    if (value === null) need.push(name);
    return value as T;
  };

  try {
    if (format === "mtsession") {
      const full = {
        ...auth,
        apiId,
        userId,
        isBot,
        testMode: auth.testMode ?? fill.testMode ?? null,
      };
      return options.passphrase === undefined
        ? encodeNative(full)
        : await encryptNative(full, options.passphrase, options.iterations);
    }
    const dcId = needs(auth.dcId, "dcId");
    const key = needs(auth.authKey, "authKey");
    const table = dcId === null ? undefined : dcAddress(dcId, testMode);
    const address = auth.serverAddress ?? table?.address ?? null;
    const port = auth.port ?? table?.port ?? null;
    switch (format) {
      case "telethon":
      case "gramjs": {
        if (need.length === 0) needs(address, "serverAddress");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        const p = port ?? 443;
        return format === "telethon"
          ? encodeTelethon(dcId, address!, p, key)
          : encodeGramjs(dcId, address!, p, key);
      }
      case "pyrogram": {
        const layout = options.pyrogramLayout ?? "current";
        if (layout === "current") needs(apiId, "apiId");
        needs(userId, "userId");
        needs(isBot, "isBot");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        if (!table) {
          throw new Unfit(
            `cannot name dc ${dcId} on Telegram's ${
              testMode ? "test" : "production"
            } servers (Pyrogram derives the address from the DC id)`,
          );
        }
        return encodePyrogram(layout, {
          dcId,
          apiId,
          testMode,
          key,
          userId: userId!,
          isBot: isBot!,
        });
      }
      case "mtcute": {
        if (need.length === 0) needs(address, "serverAddress");
        if (userId !== null) needs(isBot, "isBot");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        return encodeMtcute({
          dcId,
          address: address!,
          port: port ?? 443,
          testMode,
          key,
          self: userId === null ? null : { userId, isBot: isBot! },
          media: options.mediaDc ?? decoded?.mediaDc,
        });
      }
      case "mtkruto": {
        needs(apiId, "apiId");
        needs(userId, "userId");
        needs(isBot, "isBot");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        return encodeMtkruto({
          dcId,
          testMode,
          key,
          apiId: apiId!,
          isBot: isBot!,
          userId: userId!,
        });
      }
    }
  } catch (e) {
    if (e instanceof Unfit) {
      throw new SessionStringError(
        `Cannot write a ${format} session string: it ${e.message}`,
        format,
      );
    }
    throw e;
  }
}
